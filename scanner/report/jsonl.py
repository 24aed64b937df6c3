"""JSONL (one object per item, the integration contract) and JSON (one array)."""
from __future__ import annotations

import json
from typing import Any, BinaryIO

from .. import __version__
from ..types import ItemResult
from . import ReportOptions, Summary
from .mask import masked_dict


def _encode(result: ItemResult, options: ReportOptions) -> bytes:
    data = result.to_dict(explain=options.explain, lang=options.lang)
    if options.suppressed:
        for finding, out in zip(result.findings, data["findings"]):
            if (s := options.suppression(result, finding)) is not None:
                out["suppressed"] = s
    if options.mask:
        data = masked_dict(data)
    return json.dumps(data, ensure_ascii=False, separators=(", ", ": ")).encode("utf-8")


def run_info(lexicons: tuple[dict[str, Any], ...]) -> dict[str, Any]:
    """``{"run": ...}``: the tool and the lexicons of a scan (``--run-record``);
    it has no ``item`` key, so a consumer that wants items only can skip it."""
    return {"run": {"tool": "preclear", "version": __version__, "lexicons": list(lexicons)}}


def run_record(options: ReportOptions) -> bytes:
    return json.dumps(run_info(options.lexicons), ensure_ascii=False, separators=(", ", ": ")).encode("utf-8")


class JsonlReporter:
    def __init__(self, out: BinaryIO, options: ReportOptions) -> None:
        self.out, self.options = out, options

    def begin(self) -> None:
        if self.options.run_record:
            self.out.write(run_record(self.options) + b"\n")

    def item(self, result: ItemResult) -> None:
        self.out.write(_encode(result, self.options) + b"\n")

    def finish(self, summary: Summary) -> None:
        self.out.flush()


class JsonReporter:
    """A single JSON array; written incrementally so memory stays flat."""

    def __init__(self, out: BinaryIO, options: ReportOptions) -> None:
        self.out, self.options, self.count = out, options, 0

    def begin(self) -> None:
        self.out.write(b"[")
        if self.options.run_record:
            self.out.write(b"\n " + run_record(self.options))
            self.count += 1

    def item(self, result: ItemResult) -> None:
        self.out.write((b",\n " if self.count else b"\n ") + _encode(result, self.options))
        self.count += 1

    def finish(self, summary: Summary) -> None:
        self.out.write(b"\n]\n" if self.count else b"]\n")
        self.out.flush()
