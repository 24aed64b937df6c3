"""A re-scan after a lexicon update skips extraction and reports the same."""
from __future__ import annotations

import json

from scanner.pipeline import scan_item
from scanner.run.pool import run_pool
from scanner.run.worker import engine_for
from scanner.walk import walk


def test_second_scan_hits_the_extraction_cache(mixed_folder, config):
    engine = engine_for(config, use_cache=True, warm=False)
    cache = engine.extract_cache
    first = [r.to_dict() for item in walk([str(mixed_folder)]) for r in scan_item(engine, item)]
    assert cache.hits == 0 and cache.misses > 0
    misses = cache.misses
    second = [r.to_dict() for item in walk([str(mixed_folder)]) for r in scan_item(engine, item)]
    assert second == first
    # the DOCX files and the archive came from the cache; text is never cached
    assert cache.hits >= 3
    assert cache.misses - misses == misses - cache.hits
    entries = list((config.cache.path() / "extract").glob("*/*"))
    assert len(entries) == cache.hits


def test_pool_with_cache_matches_pool_without(mixed_folder, config):
    cold = [json.dumps(r.to_dict()) for r in run_pool(config, walk([str(mixed_folder)]), jobs=2, use_cache=True)]
    warm = [json.dumps(r.to_dict()) for r in run_pool(config, walk([str(mixed_folder)]), jobs=2, use_cache=True)]
    plain = [json.dumps(r.to_dict()) for r in run_pool(config, walk([str(mixed_folder)]), jobs=2)]
    assert cold == warm == plain


def test_prune_keeps_the_cache_under_its_cap(mixed_folder, config):
    engine = engine_for(config, use_cache=True, warm=False)
    for item in walk([str(mixed_folder)]):
        scan_item(engine, item)
    cache = engine.extract_cache
    entries = list(cache.root.glob("*/*"))
    assert entries
    cache.max_bytes = 0
    assert cache.prune() > 0
    assert not list(cache.root.glob("*/*"))
