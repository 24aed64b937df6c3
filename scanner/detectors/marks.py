"""Classification marks (国家秘密标志): the mark grammar of
``scanner.match.marks``, read at the level and 密级 anchors the engine's
automaton found."""
from __future__ import annotations

import bisect
import itertools
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from ..match.marks import Dropped, MarkMatch, PartContext, match_mark
from ..match.not_forms import reconsider
from ..rulebook import BASIS_MARK, Rule, rule
from ..types import Severity
from .base import PartText, Signal

if TYPE_CHECKING:
    from ..match.hits import PatternTable


# the mark rules a person checks (review); every other mark blocks
REVIEW_RULES = {"mark.level-line": Severity.REVIEW}


@lru_cache(maxsize=8)
def anchor_rows(table: PatternTable) -> np.ndarray:
    """For each pattern of the table: is it a mark anchor (not a lexicon term)?"""
    return np.array([p.entry is None for p in table.patterns], dtype=bool)


class MarkDetector:
    """State-secret marks (机密★5年), form fields (密级：秘密, 机密 under a 密级
    column's header), bare levels where marks are put (a document's head, a
    header, a page's bands) and, for review, levels alone on a line
    elsewhere; mentions (绝密级, a quoted mark) are dropped."""

    id = "mark"
    rules: tuple[Rule, ...] = (
        rule("mark.state-secret", "StateSecretMark", "国家秘密标志",
             "A state-secret mark: level, star and period, decryption time or condition (机密★5年).",
             "国家秘密标志：密级、★和保密期限、解密时间或解密条件（如 机密★5年）。", BASIS_MARK),
        rule("mark.form-field", "ClassificationFormField", "密级栏",
             "A classification form field naming a state-secret level (密级：秘密).",
             "表单中的密级栏填写了国家秘密密级（如 密级：秘密）。", BASIS_MARK),
        rule("mark.bare-level", "BareLevelLine", "单独成行的密级",
             "A classification level standing alone where marks are put: a line of its own or a field of its "
             "own beside other text at the head of a document, in a header or footer, in a page's or a slide's "
             "header and footer bands, at an attachment's head, or in brackets opening or closing a title.",
             "密级单独标出，位于标志所在之处：文件开头、页眉页脚、页面或幻灯片的页眉页脚处、附件开头单独成行或自成一栏，"
             "或在标题前后的括号中。", BASIS_MARK),
        rule("mark.level-line", "LevelLineInText", "正文中单独成行的密级",
             "A classification level set apart on a line where it may be a mark or an ordinary word (秘密 titles a "
             "chapter): alone on a line of the text, in a printed page's header or footer lines or a document's "
             "opening lines; in brackets opening or closing a line or title; a field of its own beside other text "
             "(a header's 秘密, a page's or the opening lines' level). A person checks whether it marks the text (review).",
             "单独列出、可能是密级标志也可能是普通词语（如章节标题“秘密”）的密级：正文中单独成行、位于打印页面的页眉页脚行或文件开头几行；"
             "在一行或标题首尾的括号中；与其他文字分隔、自成一栏（页眉中的“秘密”，页面或开头几行中的密级）。须人工核实是否为密级标志（复核）。",
             BASIS_MARK),
    )

    def find(self, text: PartText) -> list[Signal]:
        hits = text.hits
        rows = np.flatnonzero(anchor_rows(text.engine.table)[hits.pids])
        patterns = text.engine.table.patterns
        seen = MarkSpans()
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


class MarkSpans:
    """The spans of the marks found in a part, asked whether one holds a
    span: the marks sorted by start, each with the furthest end of those up
    to it, so a span is held when the furthest end of the marks starting at
    or before it reaches its end.  A list asked mark by mark took time
    growing with the square of the marks: a line of 40,000 密级,机密 cells
    took 39 s (found by a second reader)."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._reach: list[int] = []  # the furthest end of the marks up to each

    def covers(self, start: int, end: int) -> bool:
        at = bisect.bisect_right(self._starts, start)
        return at > 0 and self._reach[at - 1] >= end

    def add(self, start: int, end: int) -> None:
        at = bisect.bisect_right(self._starts, start)
        self._starts.insert(at, start)
        self._ends.insert(at, end)
        # hits come in order, so a mark is nearly always the last: only a label's earlier start redoes the reach
        self._reach[at:] = list(itertools.accumulate(self._ends[at:], max, initial=self._reach[at - 1] if at else -1))[1:]


def mark_signal(text: PartText, s: int, e: int, anchor: str, seen: MarkSpans, context: PartContext,
                row: int = -1) -> Signal | None:
    """The mark the grammar reads at an anchor hit (row ``row`` of the hits),
    unless it is a mention (dropped, with why) or inside a mark already found
    (``seen``); ``context``: the part's, one shared by all its hits."""
    result = match_mark(text.text, s, e, anchor, text.part, context)
    if result is None:
        return None
    if isinstance(result, MarkMatch) and result.rule == "mark.form-field":
        result = reconsider(text.text, result, context)  # a glossary's row, an example: no record's field
    if isinstance(result, Dropped):
        text.drop(result.start, result.end, result.reason, row)
        return None
    if seen.covers(result.start, result.end):
        return None
    seen.add(result.start, result.end)
    return text.signal(result.rule, "mark", result.level, result.start, result.end, result.reason, BASIS_MARK,
                       severity=REVIEW_RULES.get(result.rule, Severity.BLOCK), details=result.details)
