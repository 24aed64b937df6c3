"""Detection in one part: normalise, one automaton pass, then the mark
grammar, label checks, jieba confirmation and PII validators — each only
where the automaton (or, for PII, the digit patterns) found a candidate.

Everything returned is in the part's ORIGINAL coordinates.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from . import rules
from .lang import Text, join
from .match.hits import HINT_LEVEL, HitQueue
from .match.marks import Dropped, match_mark
from .normalize import NormText, normalize
from .types import Part, Severity
from .validate.pii import find_pii

if TYPE_CHECKING:
    from .engine import Engine
    from .match.hits import Pattern

# parts that are labels by nature: a marker there is a label, not prose
LABEL_PARTS = ("header", "footer", "html-comment", "title", "html-title", "comment")
_LABEL_PUNCT = set(" \t★[]【】()（）〔〕<>《》“”\"'‘’,，、.。;；:：!！·-—_|/")
_BRACKETS = {"(": ")", "（": "）", "【": "】", "[": "]", "〔": "〕", "<": ">", "《": "》", "“": "”", "\"": "\""}

# A bought sensitive-word list (tens of thousands of ordinary words, level
# 提示) can hit every few characters.  A scan lists at most this many 提示
# hits of one lexicon per part and counts the rest on the last one listed,
# so thousands of hits cost counting, not findings, jieba windows and JSON.
# Redaction (``find_in_text``) still gets every occurrence.
HINT_CAP = 50

LEVEL_SEVERITY = {"绝密": Severity.BLOCK, "机密": Severity.BLOCK, "秘密": Severity.BLOCK,
                  "工作秘密": Severity.REVIEW, "内部": Severity.REVIEW, "敏感": Severity.REVIEW,
                  "提示": Severity.HINT}


@dataclass(frozen=True)
class Signal:
    """A confirmed detection in one part, before scoring."""

    rule: str
    category: str
    level: str | None
    severity: Severity
    part: str
    start: int
    end: int
    matched: str  # the normalised text that matched (for fingerprints)
    reason: str
    basis: str
    scope: str = ""  # basic-scope category of a lexicon entry (国防, 外交 ...)
    details: dict[str, Any] = field(default_factory=dict)
    explanation: tuple[str, ...] = ()


def _is_label(norm: str, start: int, end: int, part: str, marker_spans: list[tuple[int, int]]) -> tuple[bool, str]:
    """A marker counts when it stands as a label, not when prose mentions it."""
    if part.split(":")[0] in LABEL_PARTS:
        return True, f"marker in the {part}"
    before, after = norm[start - 1:start], norm[end:end + 1]
    if before in _BRACKETS and after == _BRACKETS[before]:
        return True, "marker in brackets (a title or stamp label)"
    line_start = norm.rfind("\n", 0, start) + 1
    line_end = norm.find("\n", end)
    line_end = len(norm) if line_end < 0 else line_end
    rest = list(norm[line_start:line_end])
    for s, e in marker_spans:
        for i in range(max(s, line_start), min(e, line_end)):
            rest[i - line_start] = " "
    leftover = "".join(ch for ch in rest if ch not in _LABEL_PUNCT and not ch.isdigit())
    if not leftover:
        return True, "marker stands alone on its line (label or stamp phrase)"
    return False, "marker mentioned in running text, not standing as a label"


def detect(engine: "Engine", part: Part, hint_cap: int | None = None) -> tuple[list[Signal], list[str]]:
    """Signals found in ``part`` and, for --explain, why other hits were
    dropped.  ``hint_cap`` (at least 1): list at most this many 提示-level
    hits of one lexicon (the rest are counted in the last one's
    ``details["more"]``: every later hit of that lexicon in the walk's order,
    confirmed or not)."""
    norm: NormText = normalize(part.text)
    text = norm.text
    signals: list[Signal] = []
    dropped: list[str] = []

    def drop(s: int, e: int, why: str) -> None:
        os_, oe = norm.to_original(s, e)
        dropped.append(f"{part.name}:{os_}-{oe} {part.text[os_:oe]!r}: {why}")

    table = engine.table
    patterns = table.patterns
    starts, ends, pids = table.ordered(*engine.matcher.find_arrays(text))
    label = table.label[pids]
    marker_spans = list(zip(starts[label].tolist(), ends[label].tolist()))
    hits = HitQueue(starts, ends, pids, table.hint_group[pids])
    seen_marks: list[tuple[int, int]] = []
    seen_entries: set[tuple[int, int, str]] = set()
    listed: dict[str, int] = {}  # lexicon -> index in signals of its last listed 提示 hit
    listed_count: dict[str, int] = {}
    more: dict[str, int] = {}
    for position, s, e, pid in hits:
        pattern = patterns[pid]
        if pattern.entry is None:
            mark = mark_signal(norm, s, e, pattern.anchor, part.name, seen_marks, drop)
            if mark is not None:
                signals.append(mark)
            continue
        signal = _lexicon_signal(engine, pattern, norm, s, e, part.name, marker_spans, drop)
        if signal is not None:
            key = (signal.start, signal.end, signal.rule + pattern.entry.term)
            if key not in seen_entries:
                seen_entries.add(key)
                lexicon = pattern.entry.lexicon
                if hint_cap is not None and pattern.entry.level == HINT_LEVEL:
                    listed[lexicon] = len(signals)
                    listed_count[lexicon] = listed_count.get(lexicon, 0) + 1
                    if listed_count[lexicon] >= hint_cap:  # full: the rest of its hits are counted
                        extra = hits.close(position)
                        if extra:
                            more[lexicon] = extra
                signals.append(signal)
    note_more(signals, listed, more)
    signals += pii_signals(norm, part.name)
    return signals, dropped


def mark_signal(norm: NormText, s: int, e: int, anchor: str, part: str,
                seen_marks: list[tuple[int, int]], drop) -> Signal | None:
    """The mark the grammar reads at an anchor hit, unless it is a mention
    (dropped, with why) or inside a mark already found (``seen_marks``)."""
    text = norm.text
    result = match_mark(text, s, e, anchor, part)
    if result is None:
        return None
    if isinstance(result, Dropped):
        drop(result.start, result.end, result.reason)
        return None
    if any(a <= result.start and result.end <= b for a, b in seen_marks):
        return None
    seen_marks.append((result.start, result.end))
    os_, oe = norm.to_original(result.start, result.end)
    return Signal(result.rule, "mark", result.level, Severity.BLOCK, part, os_, oe, text[result.start:result.end],
                  result.reason, rules.BASIS_MARK, details=result.details)


def note_more(signals: list[Signal], listed: dict[str, int], more: dict[str, int]) -> None:
    """Put each capped lexicon's count of unlisted hits on its last listed signal."""
    for lexicon, extra in more.items():
        last = signals[listed[lexicon]]
        signals[listed[lexicon]] = replace(
            last, reason=join([last.reason, Text(f"{extra} more 提示 hits of lexicon {lexicon} in this part not listed",
                                                 f"本部分另有词库 {lexicon} 的 {extra} 处“提示”级命中未列出")]),
            details={**last.details, "more": extra})


def pii_signals(norm: NormText, part: str) -> list[Signal]:
    text = norm.text
    signals = []
    for m in find_pii(text):
        os_, oe = norm.to_original(m.start, m.end)
        signals.append(Signal(m.rule, "pii", None, Severity.REVIEW, part, os_, oe, text[m.start:m.end],
                              m.reason, rules.BASIS_PII))
    return signals


def _lexicon_signal(engine: Engine, pattern: Pattern, norm: NormText, s: int, e: int, part: str,
                    marker_spans: list[tuple[int, int]], drop) -> Signal | None:
    entry = pattern.entry
    assert entry is not None
    text = norm.text
    explanation: list[str] = [f"lexicon {entry.lexicon} line {entry.line}: {entry.term} ({entry.level})"]
    if pattern.surface != entry.term:
        explanation.append(f"matched alias {pattern.surface}")
    if entry.boundary == "word" or (entry.boundary == "auto" and e - s <= 2):
        ok, why = engine.words.confirms(text, s, e)
        if not ok:
            drop(s, e, why)
            return None
        explanation.append(why)
    if entry.placement == "label":
        ok, why = _is_label(text, s, e, part, marker_spans)
        if not ok:
            drop(s, e, why)
            return None
        explanation.append(why)
    os_, oe = norm.to_original(s, e)
    if entry.kind == "work-secret":
        rule, category, basis = "marker.work-secret", "work-secret", rules.BASIS_WORK_SECRET
        reason = Text(f"work-secret/internal marker {entry.term}", f"工作秘密或内部标识“{entry.term}”")
    elif entry.kind == "draft":
        rule, category, basis = "marker.draft", "draft", rules.BASIS_DRAFT
        reason = Text(f"non-final draft marker {entry.term}", f"非定稿标识“{entry.term}”")
    else:
        rule, category, basis = f"lexicon.{entry.lexicon}", "secret-point", rules.BASIS_SECRET_POINT
        scope = f", {entry.category}" if entry.category else ""
        reason = Text(f"secret point {entry.term} ({entry.level}{scope})",
                      f"密点“{entry.term}”（{entry.level}" + (f"，{entry.category}" if entry.category else "") + "）")
        if entry.note:
            reason = join([reason, Text(entry.note, entry.note)])
    severity = LEVEL_SEVERITY[entry.level]
    details: dict[str, Any] = {"lexicon": entry.lexicon, "term": entry.term}
    if entry.category:
        details["scope"] = entry.category
    return Signal(rule, category, entry.level, severity, part, os_, oe, text[s:e], reason, basis,
                  scope=entry.category or category, details=details, explanation=tuple(explanation))
