"""Writing each report format for a batch of 1,000 scanned items (one
pytest-benchmark suite per format; `make bench` runs them with the stage
suites).  The batch is made here, deterministic: a third blocked with three
findings, a third for review with one, a third clear; one item in fifty
could not be fully read."""
from __future__ import annotations

import hashlib
import io

import pytest

from scanner.report import ReportOptions, Summary, formats, make_reporter
from scanner.rules import BASIS_MARK, BASIS_PII, BASIS_SECRET_POINT
from scanner.types import Extraction, Finding, ItemResult, Severity, Verdict

ITEMS = 1_000


def _finding(i: int, k: int) -> Finding:
    rule, category, level, text, basis, severity = (
        ("mark.state-secret", "mark", "机密", "机密★5年", BASIS_MARK, Severity.BLOCK),
        ("lexicon.unit", "secret-point", "秘密", f"天枢-{i}工程", BASIS_SECRET_POINT, Severity.BLOCK),
        ("pii.mobile", "pii", None, "13812345678", BASIS_PII, Severity.REVIEW),
    )[k]
    context = f"关于印发第{i}号文件的通知：{text}，请各单位认真执行。"
    return Finding(rule=rule, category=category, level=level, part=("header", "body", "table")[k],
                   start=context.index(text), end=context.index(text) + len(text), text=text, context=context,
                   reason=f"{rule} found", basis=basis, severity=severity, score=(100.0, 90.0, 30.0)[k],
                   fingerprint=hashlib.sha256(f"{i}|{k}".encode()).hexdigest()[:32])


def _batch() -> list[ItemResult]:
    results = []
    for i in range(ITEMS):
        verdict = (Verdict.BLOCK, Verdict.REVIEW, Verdict.CLEAR)[i % 3]
        findings = {Verdict.BLOCK: (0, 1, 2), Verdict.REVIEW: (2,), Verdict.CLEAR: ()}[verdict]
        unread = i % 50 == 0
        results.append(ItemResult(
            item=f"2026/第{i:04d}号/通知.docx", sha256=hashlib.sha256(str(i).encode()).hexdigest(), size=18_000 + i,
            format="docx", verdict=verdict, score=max((_finding(i, k).score for k in findings), default=0.0),
            findings=tuple(_finding(i, k) for k in findings),
            errors=("extract: embedded object skipped",) if unread else (),
            extraction=Extraction.PARTIAL if unread else Extraction.FULL))
    return results


def _write(fmt: str, results: list[ItemResult]) -> int:
    out = io.BytesIO()
    reporter = make_reporter(fmt, out, ReportOptions())
    summary = Summary()
    reporter.begin()
    for r in results:
        reporter.item(r)
        summary.add(r)
    reporter.finish(summary)
    return len(out.getvalue())


@pytest.mark.parametrize("fmt", formats())
def test_report_1000_items(benchmark, fmt):
    results = _batch()
    size = benchmark.pedantic(_write, args=(fmt, results), rounds=3 if fmt == "docx" else 5)
    benchmark.extra_info["bytes"] = size
    assert size > 0
