"""Classification marks (国家秘密标志): the mark grammar of
``scanner.match.marks``, read at the level and 密级 anchors the engine's
automaton found."""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from ..match.marks import Dropped, PartContext, match_mark
from ..rulebook import BASIS_MARK, Rule, rule
from ..types import Severity
from .base import PartText, Signal

if TYPE_CHECKING:
    from ..match.hits import PatternTable


@lru_cache(maxsize=8)
def anchor_rows(table: PatternTable) -> np.ndarray:
    """For each pattern of the table: is it a mark anchor (not a lexicon term)?"""
    return np.array([p.entry is None for p in table.patterns], dtype=bool)


class MarkDetector:
    """State-secret marks (机密★5年), form fields (密级：秘密, 机密 under a 密级
    column's header) and bare level lines at the head of a document; mentions
    (绝密级, a quoted mark) are dropped."""

    id = "mark"
    rules: tuple[Rule, ...] = (
        rule("mark.state-secret", "StateSecretMark", "国家秘密标志",
             "A state-secret mark: level, star and period, decryption time or condition (机密★5年).",
             "国家秘密标志：密级、★和保密期限、解密时间或解密条件（如 机密★5年）。", BASIS_MARK),
        rule("mark.form-field", "ClassificationFormField", "密级栏",
             "A classification form field naming a state-secret level (密级：秘密).",
             "表单中的密级栏填写了国家秘密密级（如 密级：秘密）。", BASIS_MARK),
        rule("mark.bare-level", "BareLevelLine", "单独成行的密级",
             "A classification level standing alone on a line at the head of a document or in a header.",
             "密级单独成行，位于文件开头或页眉。", BASIS_MARK),
    )

    def find(self, text: PartText) -> list[Signal]:
        hits = text.hits
        rows = np.flatnonzero(anchor_rows(text.engine.table)[hits.pids])
        patterns = text.engine.table.patterns
        seen: list[tuple[int, int]] = []
        context = PartContext(text.norm, text.tables)  # the part read whole, on the first hit that needs it
        signals = []
        for row, s, e, pid in zip(rows.tolist(), hits.starts[rows].tolist(), hits.ends[rows].tolist(),
                                  hits.pids[rows].tolist()):
            anchor = patterns[pid].anchor
            assert anchor is not None
            signal = mark_signal(text, s, e, anchor, seen, context, row)
            if signal is not None:
                signals.append(signal)
        return signals


def mark_signal(text: PartText, s: int, e: int, anchor: str, seen: list[tuple[int, int]], context: PartContext,
                row: int = -1) -> Signal | None:
    """The mark the grammar reads at an anchor hit (row ``row`` of the hits),
    unless it is a mention (dropped, with why) or inside a mark already found
    (``seen``); ``context``: the part's, one shared by all its hits."""
    result = match_mark(text.text, s, e, anchor, text.part, context)
    if result is None:
        return None
    if isinstance(result, Dropped):
        text.drop(result.start, result.end, result.reason, row)
        return None
    if any(a <= result.start and result.end <= b for a, b in seen):
        return None
    seen.append((result.start, result.end))
    return text.signal(result.rule, "mark", result.level, result.start, result.end, result.reason, BASIS_MARK,
                       severity=Severity.BLOCK, details=result.details)
