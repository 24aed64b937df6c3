"""Hand-built scan results covering what reports must show: a blocked item
with findings in several parts, an archive with a member, an item that could
not be read, a clear item, and untrusted markup inside a finding."""
from __future__ import annotations

import hashlib
import io
from collections.abc import Callable

import pytest

from scanner.report import ReportOptions, Summary, make_reporter
from scanner.rules import BASIS_DRAFT, BASIS_MARK, BASIS_PII, BASIS_SECRET_POINT, BASIS_UNREADABLE, BASIS_WORK_SECRET
from scanner.types import Extraction, Finding, ItemResult, Severity, Verdict

SHA_NOTICE = "a" * 64
SHA_BUNDLE = "b" * 64
SHA_MEMBER = "c" * 64
SHA_BROKEN = "d" * 64
SHA_PUBLIC = "e" * 64
SHA_HOSTILE = "f" * 64


def finding(rule: str, category: str, level: str | None, part: str, text: str, context: str,
            severity: Severity, score: float, start: int | None = 0) -> Finding:
    return Finding(rule=rule, category=category, level=level, part=part,
                   start=start, end=None if start is None else start + len(text), text=text,
                   context=context, reason=f"{rule} found", basis={
                       "mark": BASIS_MARK, "secret-point": BASIS_SECRET_POINT, "pii": BASIS_PII,
                       "draft": BASIS_DRAFT, "unreadable": BASIS_UNREADABLE,
                       "work-secret": BASIS_WORK_SECRET}[category],
                   severity=severity, score=score, fingerprint=hashlib.sha256(f"{rule}|{text}".encode()).hexdigest()[:32])


def build_results() -> list[ItemResult]:
    mark = finding("mark.state-secret", "mark", "机密", "header", "机密★5年", "000123\n机密★5年\n特急",
                   Severity.BLOCK, 100.0, start=7)
    point = finding("lexicon.example-unit", "secret-point", "机密", "table", "天枢-7工程",
                    "关于天枢-7工程进度的说明", Severity.BLOCK, 90.0, start=2)
    phone = finding("pii.mobile", "pii", None, "body", "13812345678", "联系电话：13812345678。",
                    Severity.REVIEW, 30.0, start=5)
    draft = finding("marker.draft", "draft", None, "body", "讨论稿", "（讨论稿）", Severity.REVIEW, 40.0, start=1)
    unread = finding("unreadable.extract", "unreadable", None, "item", "", "", Severity.REVIEW, 50.0, start=None)
    hostile = finding("marker.work-secret", "work-secret", "工作秘密", "html-comment", "工作秘密",
                      "<script>window.pwned=1</script>工作秘密 <b>&amp;</b>", Severity.REVIEW, 40.0, start=31)
    return [
        ItemResult(item="bundle.zip", sha256=SHA_BUNDLE, size=4096, format="zip", verdict=Verdict.CLEAR,
                   score=0.0, findings=()),
        ItemResult(item="bundle.zip!docs/草稿.txt", sha256=SHA_MEMBER, size=120, format="text",
                   verdict=Verdict.REVIEW, score=40.0, findings=(draft,), parent="bundle.zip"),
        ItemResult(item="2026/通知.docx", sha256=SHA_NOTICE, size=18231, format="docx", verdict=Verdict.BLOCK,
                   score=100.0, findings=(mark, point, phone)),
        ItemResult(item="broken.pdf", sha256=SHA_BROKEN, size=999, format="pdf", verdict=Verdict.REVIEW,
                   score=50.0, findings=(unread,), errors=("extract: PDF is encrypted",),
                   extraction=Extraction.FAILED),
        ItemResult(item="public/公告.txt", sha256=SHA_PUBLIC, size=64, format="text", verdict=Verdict.CLEAR,
                   score=0.0, findings=()),
        ItemResult(item='evil"<i>.html', sha256=SHA_HOSTILE, size=300, format="html", verdict=Verdict.REVIEW,
                   score=40.0, findings=(hostile,)),
    ]


def render(fmt: str, results: list[ItemResult], options: ReportOptions | None = None) -> bytes:
    """Drive a reporter exactly as the scan CLI does."""
    out = io.BytesIO()
    reporter = make_reporter(fmt, out, options or ReportOptions())
    summary = Summary()
    reporter.begin()
    for r in results:
        reporter.item(r)
        summary.add(r)
    reporter.finish(summary)
    return out.getvalue()


@pytest.fixture
def results() -> list[ItemResult]:
    return build_results()


@pytest.fixture
def rendered() -> Callable[..., bytes]:
    return render
