"""The readable terminal summary: one line per item that needs attention,
then counts.  Not a contract; JSONL is."""
from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from ..types import ItemResult, Verdict, one_line
from . import Summary

if TYPE_CHECKING:
    from ..walk import WalkStats

_MARK = {Verdict.BLOCK: "BLOCK ", Verdict.REVIEW: "REVIEW", Verdict.CLEAR: "clear "}


def item_line(result: ItemResult) -> str:
    reasons = "; ".join(dict.fromkeys(
        f"{f.reason} [{f.part}]" + (f" {one_line(f.text)}" if f.text else "") for f in result.findings[:3]))
    more = f" (+{len(result.findings) - 3} more)" if len(result.findings) > 3 else ""
    return f"{_MARK[result.verdict]} {result.item}" + (f"  — {reasons}{more}" if reasons else "")


def print_summary(summary: Summary, walk_stats: WalkStats | None, out: TextIO, list_items: bool = True) -> None:
    """Counts, preceded (``list_items``) by the items that need a person."""
    v = summary.by_verdict
    if list_items:
        for result in sorted(summary.attention, key=lambda r: -r.verdict.rank):
            print(item_line(result), file=out)
        if v["block"] + v["review"] > len(summary.attention):
            print(f"… and {v['block'] + v['review'] - len(summary.attention)} more in the full report", file=out)
    mb = summary.bytes / 1e6
    rate = summary.items / summary.seconds if summary.seconds else 0.0
    print(f"\n{summary.items} items ({mb:.2f} MB) in {summary.seconds:.2f} s ({rate:.0f} items/s): "
          f"{v['block']} block, {v['review']} review, {v['clear']} clear", file=out)
    if summary.not_fully_read:
        print(f"{summary.not_fully_read} item(s) could not be fully read (review)", file=out)
    if summary.pictures_unread:
        causes = ", ".join(f"{cause} {n}" for cause, n in sorted(summary.pictures_unread.items()))
        print(f"{sum(summary.pictures_unread.values())} picture(s) that may hold text were not read "
              f"by OCR ({causes})", file=out)
    if summary.by_category:
        cats = ", ".join(f"{k} {n}" for k, n in sorted(summary.by_category.items(), key=lambda kv: -kv[1]))
        print(f"findings by category: {cats}", file=out)
    if walk_stats is not None and walk_stats.excluded:
        print(f"{walk_stats.excluded} path(s) skipped by --exclude / .preclearignore", file=out)
