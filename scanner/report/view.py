"""What the human-facing reports (HTML, the DOCX review form) share: the
order of items, Chinese labels, a finding's excerpt split around the match
so it can be highlighted (or masked for reports leaving the office), and
holding results back until the batch is complete."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, BinaryIO

from ..levels import CATEGORY_LABELS, LEVEL_NAMES
from ..types import Extraction, Finding, ItemResult, Verdict, one_line
from . import ReportOptions
from .mask import label, mask_text

VERDICT_LABELS = {"block": "禁止公开", "review": "需人工审查", "clear": "未发现问题"}
EXTRACTION_LABELS = {"full": "完整读取", "partial": "部分读取", "failed": "无法读取"}

_SEVERITY_RANK = {"hint": 0, "review": 1, "block": 2}

# levels from the most to the least serious, for summaries
LEVEL_ORDER = LEVEL_NAMES


def by_level(counts: dict[str, int]) -> dict[str, int]:
    rank = {level: n for n, level in enumerate(LEVEL_ORDER)}
    return dict(sorted(counts.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0])))


def category_label(category: str) -> str:
    name = CATEGORY_LABELS.get(category)
    return f"{name} ({category})" if name else category


def in_verdict_order(results: Iterable[ItemResult]) -> list[ItemResult]:
    """block, then review, then clear; within each, items that could not be
    fully read first; otherwise the scan's own stable order."""
    return sorted(results, key=lambda r: (-r.verdict.rank, r.extraction is Extraction.FULL))


def suppression_note(s: dict[str, Any] | None) -> str:
    """A suppressed finding's mark in pages and forms, in words."""
    if not s:
        return ""
    return f"已排除（不涉密，排除记录 #{s['id']}）：{s['reason']}；{s['by']}，有效至 {s['expires']}"


def members_by_parent(results: Iterable[ItemResult]) -> dict[str, list[ItemResult]]:
    """Archive members grouped under the archive they came from."""
    out: dict[str, list[ItemResult]] = {}
    for r in results:
        if r.parent is not None:
            out.setdefault(r.parent, []).append(r)
    return out


def verdict_from_members(result: ItemResult, members: Iterable[ItemResult]) -> str:
    """When an archive's verdict is worse than its own findings, the sentence
    naming the members it comes from; else empty."""
    own = max((_SEVERITY_RANK[f.severity.value] for f in result.findings), default=0)
    if result.verdict is Verdict.CLEAR or own >= result.verdict.rank:
        return ""
    worst = [m.item for m in members if m.verdict is result.verdict]
    if not worst:
        return ""
    label = VERDICT_LABELS[result.verdict.value]
    return f"结论“{label}”来自压缩包成员：{'、'.join(worst)}。"


def not_fully_read(results: Iterable[ItemResult]) -> list[ItemResult]:
    return [r for r in results if r.extraction is not Extraction.FULL]


@dataclass(frozen=True)
class Excerpt:
    """A finding's context as text before, the match, and text after."""

    before: str
    match: str
    after: str


def excerpt(finding: Finding, mask: bool) -> Excerpt:
    if mask:
        return Excerpt(f"[{label(finding.level, finding.category)}] ", mask_text(finding.text, finding.level), "")
    context, text = finding.context, one_line(finding.text)  # as the context shows it
    at = context.find(text) if text else -1
    if at < 0:
        return Excerpt(context, "", "") if context or not text else Excerpt("", text, "")
    return Excerpt(context[:at], text, context[at + len(text):])


class BufferedReporter:
    """A reporter that keeps every result until ``finish``: pages for people
    are sorted by verdict, so nothing can be written before the last item
    (batches for people are of reviewable size)."""

    def __init__(self, out: BinaryIO, options: ReportOptions) -> None:
        self.out, self.options = out, options
        self.results: list[ItemResult] = []

    def begin(self) -> None:
        self.results = []

    def item(self, result: ItemResult) -> None:
        self.results.append(result)
