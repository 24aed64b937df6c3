"""Every rule a scan can report is in the catalogue (scanner.rules), whether
the code names it (a rule id literal anywhere in scanner/) or a scan reports
it (samples/, the fuzz seeds and mutations of them).  That each has a Chinese
name, description and basis is tests/report/test_lang.py's."""
from __future__ import annotations

import ast
import random
import re
import sys
from pathlib import Path

import pytest

from scanner import Engine, ScanConfig, scan_bytes, scan_paths
from scanner.detectors import detectors
from scanner.rules import NOTICE_RULES, catalogue

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "fuzz"))
import fuzzlib

# a rule id is ``family.name``; families are the catalogue's (lexicon.<lexicon name> is one rule)
FAMILIES = sorted({rid.split(".")[0] for rid in catalogue()})
RULE_ID = re.compile(rf"^(?:{'|'.join(FAMILIES)})\.[a-z][a-z0-9-]*$")
ANY_ID = re.compile(r"^[a-z][a-z-]*\.[a-z][a-z0-9-]*$")
# where a rule id of any family is passed: rule=..., Notice(id, ...), x.signal(id, ...), the pool's failures
RULE_CALLS = ("Notice", "PiiMatch", "MarkMatch", "signal", "_failed", "lose")


def known(rule_id: str) -> bool:
    return rule_id in catalogue() or rule_id.startswith("lexicon.")


def literals() -> dict[str, set[str]]:
    """Rule id literals in scanner/ -> the files naming them."""
    found: dict[str, set[str]] = {}
    for path in (REPO / "scanner").rglob("*.py"):
        where = str(path.relative_to(REPO))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            values: list[ast.expr] = []
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and RULE_ID.match(node.value):
                values.append(node)
            elif isinstance(node, ast.Call):
                values += [k.value for k in node.keywords if k.arg == "rule"]
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name in RULE_CALLS:
                    values += [a for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
                               and ANY_ID.match(a.value)]
            for value in values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    found.setdefault(value.value, set()).add(where)
    return found


def test_every_rule_id_the_code_names_is_in_the_catalogue() -> None:
    found = literals()
    # the check sees what it must: rules of detectors, extractors and the pool's crash handling
    assert {"mark.state-secret", "hidden.sheet", "unreadable.crash", "unreadable.internal",
            "unreadable.ocr-needed"} <= set(found)
    missing = {rid: sorted(files) for rid, files in found.items() if not known(rid)}
    assert not missing


def test_the_catalogue_is_the_detectors_rules_then_the_notice_rules() -> None:
    declared = [r.id for d in detectors() for r in d.rules]
    assert list(catalogue()) == declared + [r.id for r in NOTICE_RULES]
    assert declared[:3] == ["mark.state-secret", "mark.form-field", "mark.bare-level"]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(ScanConfig())


def test_every_rule_a_scan_of_the_samples_reports_is_in_the_catalogue(engine) -> None:
    results = list(scan_paths([str(REPO / "samples" / "text"), str(REPO / "samples" / "formats")], engine=engine))
    rules = {f.rule for r in results for f in r.findings}
    assert {"mark.state-secret", "pii.mobile", "marker.draft"} <= rules
    assert all(known(rid) for rid in rules), sorted(rid for rid in rules if not known(rid))


def test_every_rule_a_scan_of_the_fuzz_corpus_reports_is_in_the_catalogue(engine) -> None:
    rules: set[str] = set()
    for name, data in sorted(fuzzlib.seeds().items()):
        for seed in range(4):
            mutated, _ = fuzzlib.mutate(data, random.Random(seed), 2)
            rules |= {f.rule for r in scan_bytes(mutated, name, engine=engine) for f in r.findings}
    assert any(rid.startswith("unreadable.") for rid in rules)  # the mutations did break something
    assert all(known(rid) for rid in rules), sorted(rid for rid in rules if not known(rid))
