"""Lexicons' parsed tables come from the cache folder when the same files
were parsed before, and give the same engine; any change to a file is
parsed afresh."""
from __future__ import annotations

import gc

from scanner.config import CacheSettings, ScanConfig
from scanner.engine import Engine
from scanner.types import Item


def write_lexicon(path, n: int, level: str = "提示") -> None:
    rows = [f"代号{i:05d}工程,{level}" for i in range(n)]
    path.write_text("term,level\n" + "\n".join(rows) + "\n", encoding="utf-8")


def scan_findings(engine: Engine, text: str) -> list[tuple]:
    from scanner.pipeline import scan_item

    (result,) = scan_item(engine, Item("a.txt", data=text.encode()))
    return [(f.rule, f.start, f.end, f.level) for f in result.findings]


def test_tables_are_cached_and_give_the_same_engine(tmp_path):
    lexicon = tmp_path / "big.csv"
    write_lexicon(lexicon, 8_000)
    config = ScanConfig(lexicons=(str(lexicon),), cache=CacheSettings(directory=str(tmp_path / "cache")))
    fresh = Engine(config)
    stored = list((tmp_path / "cache" / "lexicons").iterdir())
    assert len(stored) == 1 and stored[0].stat().st_mode & 0o077 == 0
    cached = Engine(config)
    assert cached.keys == fresh.keys and cached.patterns == fresh.patterns
    assert cached.ruleset_hash == fresh.ruleset_hash
    text = "关于代号00042工程和代号07999工程的通知"
    assert scan_findings(cached, text) == scan_findings(fresh, text) != []
    # a changed level is a new entry, and the engine sees it
    write_lexicon(lexicon, 8_000, level="机密")
    changed = Engine(config)
    assert len(list((tmp_path / "cache" / "lexicons").iterdir())) == 2
    assert {f[3] for f in scan_findings(changed, text)} == {"机密"}


def test_a_corrupt_cache_entry_is_parsed_again(tmp_path):
    lexicon = tmp_path / "big.csv"
    write_lexicon(lexicon, 8_000)
    config = ScanConfig(lexicons=(str(lexicon),), cache=CacheSettings(directory=str(tmp_path / "cache")))
    keys = Engine(config).keys
    (entry,) = (tmp_path / "cache" / "lexicons").iterdir()
    entry.write_bytes(b"not a pickle")
    assert Engine(config).keys == keys


def test_the_tables_are_made_without_a_collection_and_the_collector_is_left_as_found(tmp_path):
    """Unpickling or parsing the tables sets off no collection (each walked
    every object made so far), and the collector is on again afterwards,
    or still off where the caller had turned it off."""
    lexicon = tmp_path / "big.csv"
    write_lexicon(lexicon, 8_000)
    config = ScanConfig(lexicons=(str(lexicon),), cache=CacheSettings(directory=str(tmp_path / "cache")))
    collections: list[int] = []

    def count(phase: str, info: dict) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.collect()
    gc.callbacks.append(count)
    try:
        for _ in ("parsed", "unpickled"):
            Engine(config)
            assert gc.isenabled()
    finally:
        gc.callbacks.remove(count)
    assert 2 not in collections  # gen 0 and 1 may run elsewhere in the build, never a full walk
    gc.disable()
    try:
        Engine(config)
        assert not gc.isenabled()
    finally:
        gc.enable()
    (entry,) = (tmp_path / "cache" / "lexicons").iterdir()
    entry.write_bytes(b"not a pickle")
    Engine(config)
    assert gc.isenabled()
