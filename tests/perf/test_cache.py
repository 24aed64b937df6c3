"""A re-scan after a lexicon update skips extraction and reports the same."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.cache import ExtractCache
from scanner.config import ScanConfig
from scanner.pipeline import scan_item
from scanner.run.pool import run_pool
from scanner.run.worker import engine_for
from scanner.types import Item
from scanner.walk import walk


def test_second_scan_hits_the_extraction_cache(mixed_folder: Path, config: ScanConfig) -> None:
    engine = engine_for(config, warm=False)
    cache = ExtractCache(config.cache)
    first = [r.to_dict() for item in walk([str(mixed_folder)]) for r in scan_item(engine, item, cache)]
    assert cache.hits == 0 and cache.misses > 0
    misses = cache.misses
    second = [r.to_dict() for item in walk([str(mixed_folder)]) for r in scan_item(engine, item, cache)]
    assert second == first
    # the DOCX files and the archive came from the cache; text is never cached
    assert cache.hits >= 3
    assert cache.misses - misses == misses - cache.hits
    entries = list((config.cache.path() / "extract").glob("*/*"))
    assert len(entries) == cache.hits


def test_pool_with_cache_matches_pool_without(mixed_folder: Path, config: ScanConfig) -> None:
    cold = [json.dumps(r.to_dict()) for r in run_pool(config, walk([str(mixed_folder)]), jobs=2, use_cache=True)]
    warm = [json.dumps(r.to_dict()) for r in run_pool(config, walk([str(mixed_folder)]), jobs=2, use_cache=True)]
    plain = [json.dumps(r.to_dict()) for r in run_pool(config, walk([str(mixed_folder)]), jobs=2)]
    assert cold == warm == plain


def test_prune_keeps_the_cache_under_its_cap(mixed_folder: Path, config: ScanConfig) -> None:
    engine = engine_for(config, warm=False)
    cache = ExtractCache(config.cache)
    for item in walk([str(mixed_folder)]):
        scan_item(engine, item, cache)
    entries = list(cache.root.glob("*/*"))
    assert entries
    cache.max_bytes = 0
    assert cache.prune() > 0
    assert not list(cache.root.glob("*/*"))


def _docx_bytes() -> bytes:
    import io

    import docx

    doc = docx.Document()
    doc.add_paragraph("机密★5年")
    doc.add_paragraph("关于开展年度安全检查工作的通知")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# a fragment: only the .html name makes it a page (a whole page is HTML under any name)
PAGE = "<p>关于开展工作的通知</p>\n<!-- 秘密★1年 -->\n<p title=\"内部资料\">正文</p>\n".encode()


@pytest.mark.parametrize("first, second, formats", [
    ("notice.html", "notice.txt", ("html", "text")),
    ("notice.txt", "notice.html", ("text", "html")),
    ("notice.docx", "notice.pdf", ("docx", "docx")),  # the .pdf name claims another format: a notice of its own
    ("notice.pdf", "notice.docx", ("docx", "docx")),
])
def test_same_bytes_under_two_names_read_as_without_the_cache(config: ScanConfig, first: str, second: str,
                                                             formats: tuple[str, str]) -> None:
    """The sniffer decides by the name too (html/markdown/csv for text,
    wps/et/dps for OLE), and the name decides the mismatch notice: the
    cache answers for the bytes only under a name that reads them alike."""
    data = PAGE if "html" in (first + second) else _docx_bytes()
    engine = engine_for(config, warm=False)
    uncached = {name: [r.to_dict() for r in scan_item(engine, Item(path=name, data=data))]
                for name in (first, second)}
    assert tuple(uncached[name][0]["format"] for name in (first, second)) == formats
    assert uncached[first] != uncached[second]
    cache = ExtractCache(config.cache)
    for _ in range(2):  # a cold cache, then a warm one
        for name in (first, second):
            assert [r.to_dict() for r in scan_item(engine, Item(path=name, data=data), cache)] == uncached[name]
