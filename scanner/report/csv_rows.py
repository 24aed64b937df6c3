"""CSV for spreadsheets: one row per finding plus one row per item without
findings, streamed.  UTF-8 with a BOM so Excel on Chinese Windows opens it
as UTF-8; CRLF line ends.  The column names are a contract (docs/reports.md).

Cells come from scanned files, so a text cell starting with ``= + - @`` or a
tab/CR gets a leading apostrophe: a spreadsheet must show it, not run it.
"""
from __future__ import annotations

import csv
import io
from typing import BinaryIO

from ..lang import in_lang
from ..rules import reason_in_lang
from ..types import Finding, ItemResult
from . import ReportOptions, Summary
from .mask import mask_text, masked_context

COLUMNS = (
    "item", "parent", "sha256", "size", "format", "verdict", "score", "extraction", "errors",
    "rule", "category", "level", "severity", "part", "start", "end", "text", "context",
    "reason", "basis", "finding_score", "fingerprint", "suppressed",
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return str(value)


class CsvReporter:
    def __init__(self, out: BinaryIO, options: ReportOptions) -> None:
        self.out, self.options = out, options

    def _write(self, row: tuple[object, ...]) -> None:
        buf = io.StringIO()
        csv.writer(buf).writerow([_cell(v) for v in row])
        self.out.write(buf.getvalue().encode("utf-8"))

    def begin(self) -> None:
        self.out.write("\ufeff".encode("utf-8"))
        self._write(COLUMNS)

    def item(self, result: ItemResult) -> None:
        errors = "; ".join(in_lang(e, self.options.lang) for e in result.errors)
        head = (result.item, result.parent, result.sha256, result.size, result.format, result.verdict.value,
                result.score, result.extraction.value, errors)
        if not result.findings:
            self._write(head + ("",) * (len(COLUMNS) - len(head)))
        for f in result.findings:
            s = self.options.suppression(result, f)
            self._write(head + self._finding(f) + (f"#{s['id']} {s['reason']}" if s else "",))

    def _finding(self, f: Finding) -> tuple[object, ...]:
        text, context = f.text, f.context
        if self.options.mask:
            text, context = mask_text(f.text, f.level), masked_context(f.text, f.level, f.category)
        return (f.rule, f.category, f.level, f.severity.value, f.part, f.start, f.end, text, context,
                reason_in_lang(f.reason, self.options.lang, f.rule), in_lang(f.basis, self.options.lang), f.score,
                f.fingerprint)

    def finish(self, summary: Summary) -> None:
        self.out.flush()
