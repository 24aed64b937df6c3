"""Reporters are sinks: they receive ItemResults and never reach into the engine.

Every reporter is constructed with a binary output stream and ReportOptions,
then receives ``begin()``, ``item(result)`` for each result in order, and
``finish(summary)``.  ``make_reporter`` picks one by format name.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Protocol

from ..lang import DEFAULT_LANG
from ..types import Finding, ItemResult, ReviewRecord, Verdict


@dataclass(frozen=True)
class ReportOptions:
    mask: bool = False      # excerpts replaced by level/category and a masked form
    explain: bool = False   # include the explanation trail and dropped hits
    lang: str = DEFAULT_LANG  # reasons and bases: zh or en (rule ids are the same in both)
    # sha256 -> what the review store recorded, when a store is attached (--db)
    review_lookup: Callable[[str], ReviewRecord | None] | None = None
    # (result, finding) -> the store's suppression covering it (scanner.review.suppress), when --db
    suppressed: Callable[[ItemResult, Finding], Any] | None = None
    # the lexicons in effect (Lexicon.info(): name, version, entries, sha256, shipped)
    lexicons: tuple[dict[str, Any], ...] = ()
    # JSONL/JSON: a first record {"run": {...}} naming the tool and the lexicons
    run_record: bool = False

    def suppression(self, result: ItemResult, finding: Finding) -> dict[str, Any] | None:
        """The suppression marking ``finding``, as reports show it (no matched text)."""
        s = self.suppressed(result, finding) if self.suppressed else None
        if s is None:
            return None
        return {"id": s.suppression_id, "scope": s.scope, "reason": s.reason, "by": s.author, "expires": s.expires}


def lexicon_line(info: dict[str, Any], zh: bool = False) -> str:
    """One lexicon for people (Chinese in HTML/DOCX): name, version, entry count, sha256."""
    if zh:
        version = f"，版本 {info['version']}" if info["version"] else ""
        return f"{info['name']}{version}，{info['entries']} 条，sha256 {info['sha256']}"
    version = f" {info['version']}" if info["version"] else ""
    return f"{info['name']}{version} ({info['entries']} entries, sha256 {info['sha256']})"


@dataclass
class Summary:
    """Counts accumulated by the driver while results stream past."""

    items: int = 0
    bytes: int = 0
    by_verdict: dict[str, int] = field(default_factory=lambda: {v.value: 0 for v in Verdict})
    by_category: dict[str, int] = field(default_factory=dict)
    by_level: dict[str, int] = field(default_factory=dict)
    not_fully_read: int = 0
    # pictures that may hold text and were not read by OCR, by cause (not-installed, time-limit, ...)
    pictures_unread: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    # the first items that need a person, for the terminal summary
    attention: list[ItemResult] = field(default_factory=list)
    attention_limit: int = 50

    def add(self, result: ItemResult) -> None:
        self.items += 1
        self.bytes += result.size or 0
        self.by_verdict[result.verdict.value] += 1
        if result.extraction.value != "full":
            self.not_fully_read += 1
        if result.verdict is not Verdict.CLEAR and len(self.attention) < self.attention_limit:
            self.attention.append(result)
        for f in result.findings:
            self.by_category[f.category] = self.by_category.get(f.category, 0) + 1
            if f.rule == "unreadable.ocr-needed":
                cause = str(dict(f.details).get("cause", "not read"))
                self.pictures_unread[cause] = self.pictures_unread.get(cause, 0) + 1
            if f.level:
                self.by_level[f.level] = self.by_level.get(f.level, 0) + 1

    @property
    def worst(self) -> Verdict:
        for v in (Verdict.BLOCK, Verdict.REVIEW):
            if self.by_verdict[v.value]:
                return v
        return Verdict.CLEAR


class Reporter(Protocol):
    def begin(self) -> None: ...
    def item(self, result: ItemResult) -> None: ...
    def finish(self, summary: Summary) -> None: ...


# format name -> "module:ClassName", imported on first use
_REPORTERS: dict[str, str] = {
    "jsonl": "jsonl:JsonlReporter",
    "json": "jsonl:JsonReporter",
    "html": "html_page:HtmlReporter",
    "docx": "docx_form:DocxFormReporter",
    "csv": "csv_rows:CsvReporter",
    "sarif": "sarif:SarifReporter",
}


def formats() -> list[str]:
    return sorted(_REPORTERS)


def make_reporter(fmt: str, out: BinaryIO, options: ReportOptions) -> Reporter:
    try:
        module, cls = _REPORTERS[fmt].split(":")
    except KeyError:
        raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(formats())}") from None
    reporter: Reporter = getattr(importlib.import_module(f"{__name__}.{module}"), cls)(out, options)
    return reporter
