"""The engine is frozen once built, and the configuration's three parts do
three jobs: the ruleset part is hashed (a stored scan under another hash is
stale), the extraction part keys the extraction cache, the run part is
neither.  The layers below the engine import nothing above them."""
from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

import scanner
from scanner.config import (
    CacheSettings,
    Convert,
    Limits,
    ScanConfig,
    Scoring,
    load_config,
)
from scanner.engine import Engine
from scanner.errors import LexiconError
from scanner.ruleset import current_ruleset_hash
from scanner.run import worker

HOOK_TOML = """\
[scan]
lexicons = ["unit.csv"]
default_lexicons = false
exclude = ["*.log"]
[scoring]
aggregate_categories = 2
fail_on_review = {fail}
[cache]
directory = "cache"
"""


def _config(tmp_path: Path, fail: bool) -> ScanConfig:
    (tmp_path / "unit.csv").write_text("term,level\n赤霄工程,绝密\n", encoding="utf-8")
    path = tmp_path / f"preclear-{fail}.toml"
    path.write_text(HOOK_TOML.format(fail=str(fail).lower()), encoding="utf-8")
    config = load_config(path)
    return config.replace(cache=CacheSettings(directory=str(tmp_path / "cache")))


def test_flipping_fail_on_review_keeps_the_ruleset_hash(tmp_path: Path) -> None:
    scan, hook = _config(tmp_path, False), _config(tmp_path, True)
    # the file is read as before: [scoring] fail_on_review, now a run setting
    assert hook.scoring.fail_on_review and hook.run.fail_on_review and not scan.run.fail_on_review
    assert hook.ruleset == scan.ruleset and hook.extraction == scan.extraction
    assert Engine(hook).ruleset_hash == Engine(scan).ruleset_hash
    # nor do the other run settings touch it
    elsewhere = scan.replace(excludes=(), explain=True, database=str(tmp_path / "r.db"), separate_duties=False)
    assert Engine(elsewhere).ruleset_hash == Engine(scan).ruleset_hash


def test_what_decides_a_verdict_changes_the_ruleset_hash(tmp_path: Path) -> None:
    scan = _config(tmp_path, False)
    before = Engine(scan).ruleset_hash
    assert Engine(scan.replace(scoring=Scoring(aggregate_categories=3))).ruleset_hash != before
    assert Engine(scan.replace(default_lexicons=True)).ruleset_hash != before
    (tmp_path / "unit.csv").write_text("term,level\n赤霄工程,机密\n", encoding="utf-8")
    assert Engine(scan).ruleset_hash != before


def test_the_ruleset_hash_is_known_from_the_files_without_an_engine(tmp_path: Path) -> None:
    # the review commands decide whether a stored scan is current with
    # current_ruleset_hash and build an Engine only to re-scan: the two must agree
    base = _config(tmp_path, False)
    folder = tmp_path / "lexicons"
    folder.mkdir()
    (folder / "b.yaml").write_text("name: b\nversion: '1'\nentries:\n  - term: 青龙计划\n    level: 机密\n",
                                   encoding="utf-8")
    (folder / "a.csv").write_text("term,level\n白虎工程,秘密\n", encoding="utf-8")
    configs = [ScanConfig(), base, base.replace(default_lexicons=True),
               base.replace(scoring=Scoring(aggregate_categories=3)),
               base.replace(lexicons=(str(folder), str(tmp_path / "unit.csv")), default_lexicons=True),
               base.replace(explain=True)]
    hashes = [current_ruleset_hash(config) for config in configs]
    assert hashes == [Engine(config).ruleset_hash for config in configs]
    assert len(set(hashes)) == len(configs) - 1  # explain is a run setting
    missing = base.replace(lexicons=(str(tmp_path / "gone.csv"),))
    with pytest.raises(LexiconError) as built:
        Engine(missing)
    with pytest.raises(LexiconError) as hashed:
        current_ruleset_hash(missing)
    assert str(built.value) == str(hashed.value) and "gone.csv" in str(hashed.value)


def test_the_extraction_key_follows_the_extraction_settings_only(tmp_path: Path) -> None:
    scan = _config(tmp_path, False)
    key = scan.extraction.key()
    assert _config(tmp_path, True).extraction.key() == key
    assert scan.replace(scoring=Scoring(aggregate_categories=5), explain=True).extraction.key() == key
    assert scan.replace(limits=Limits(max_depth=1)).extraction.key() != key
    assert scan.replace(convert=Convert(enabled=False)).extraction.key() != key


def test_the_engine_is_frozen(engine: Engine) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        engine.extract_cache = None  # type: ignore[attr-defined]
    with pytest.raises(dataclasses.FrozenInstanceError):
        engine.config = ScanConfig()  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del engine.matcher
    assert scanner.scan_bytes("机密★5年".encode(), "a.txt", engine=engine)[0].verdict is scanner.Verdict.BLOCK


def test_a_worker_keeps_at_most_two_engines(tmp_path: Path) -> None:
    first, second, third = (ScanConfig(default_lexicons=False, cache=CacheSettings(directory=str(tmp_path)),
                                       scoring=Scoring(aggregate_categories=n)) for n in (2, 3, 4))
    engine = worker.engine_for(first, warm=False)
    assert worker.engine_for(dataclasses.replace(first), warm=False) is engine  # equal settings, another object
    kept = worker.engine_for(second, warm=False)
    worker.engine_for(third, warm=False)
    assert worker.engine_for(second, warm=False) is kept
    assert worker.engine_for(first, warm=False) is not engine  # the least recently used was dropped: built again
    assert len(worker._engines) == worker.KEPT_ENGINES


# packages below the engine and the drivers, and what they must not import
LOW = {"extract": ("engine", "pipeline", "run"), "normalize": ("engine", "pipeline", "run"),
       "match": ("engine", "pipeline", "run"), "validate": ("engine", "pipeline", "run"),
       "budget.py": ("engine", "pipeline", "run"), "cache.py": ("engine", "pipeline", "run")}


def _imports(path: Path, package: list[str]) -> set[str]:
    """Absolute names of the scanner modules ``path`` imports, at any depth of its code."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {n for n in names if n.startswith("scanner.")}


def test_low_layers_import_nothing_above_them() -> None:
    root = Path(scanner.__file__).parent
    seen = 0
    for low, above in LOW.items():
        for path in ([root / low] if low.endswith(".py") else sorted((root / low).rglob("*.py"))):
            package = ["scanner", *path.relative_to(root).parent.parts]
            wrong = {n for n in _imports(path, package) if n.split(".")[1] in above}
            assert not wrong, f"{path.relative_to(root)} imports {sorted(wrong)}"
            seen += 1
    assert seen > 20


def test_a_lexicon_under_another_file_name_is_another_ruleset(tmp_path: Path) -> None:
    # the file name decides how a lexicon is read (its suffix) and what it is
    # called in reports (its stem): the same bytes under another name make
    # stored scans stale, so the gate re-scans (and refuses a .txt as the scan does)
    base = _config(tmp_path, False)
    data = (tmp_path / "unit.csv").read_bytes()
    for other in ("codes.csv", "unit.txt"):
        (tmp_path / other).write_bytes(data)
    hashes = {current_ruleset_hash(base.replace(lexicons=(str(tmp_path / name),)))
              for name in ("unit.csv", "codes.csv", "unit.txt")}
    assert len(hashes) == 3


def _plugin(root: Path, group: str, version: str) -> Path:
    """A distribution as pip leaves one: a dist-info with entry_points.txt."""
    info = root / f"toy_plugin-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: toy-plugin\nVersion: {version}\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[{group}]\ntoy = toy_plugin:Toy\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("group", ["preclear.detectors", "preclear.extractors"])
def test_an_installed_or_upgraded_plugin_is_another_ruleset(tmp_path: Path, monkeypatch, group: str) -> None:
    # a plug-in changes what a scan reports: installing or upgrading one makes
    # stored scans stale, so the gate re-scans with it (and a broken one stops it)
    config = _config(tmp_path, False)
    hashes = [current_ruleset_hash(config)]
    for version in ("1.0", "1.1"):
        monkeypatch.syspath_prepend(str(_plugin(tmp_path / f"site-{version}", group, version)))
        hashes.append(current_ruleset_hash(config))
    assert len(set(hashes)) == 3
