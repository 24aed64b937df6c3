"""Lexicon terms: a unit's secret points (密点), and the shipped work-secret
and draft markers, at the automaton hits of their terms and aliases;
confirmed by jieba (short terms must be words) and, for label lexicons, by
standing as a label."""
from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from ..lang import Text, join, part_kind
from ..levels import HINT_LEVEL
from ..match.hits import HitQueue
from ..rulebook import BASIS_DRAFT, BASIS_SECRET_POINT, BASIS_WORK_SECRET, Rule, rule
from .base import HintBudget, PartText, Signal
from .marks import anchor_rows

if TYPE_CHECKING:
    from ..match.lexicon import LexiconEntry

# parts that are labels by nature: a marker there is a label, not prose
LABEL_PARTS = ("header", "footer", "html-comment", "title", "html-title", "comment")
# \r: the end of a line ended \r\n (or of a text's last line ended \r alone)
_LABEL_PUNCT = set(" \t\r★[]【】()（）〔〕<>《》“”\"'‘’,，、.。;；:：!！·-—_|/")
_BRACKETS = {"(": ")", "（": "）", "【": "】", "[": "]", "〔": "〕", "<": ">", "《": "》", "“": "”", "\"": "\""}


class LexiconDetector:
    """Every loaded lexicon's terms.  A part lists at most ``PartText.hint_cap``
    提示 hits of one lexicon; the rest are counted on the last one listed."""

    id = "lexicon"
    rules: tuple[Rule, ...] = (
        rule("marker.work-secret", "WorkSecretMarker", "工作秘密标识",
             "A work-secret or internal-use label (工作秘密, 内部资料 注意保存, 仅供内部使用).",
             "工作秘密或内部使用标识（工作秘密、内部资料 注意保存、仅供内部使用）。", BASIS_WORK_SECRET),
        rule("marker.draft", "DraftMarker", "非定稿标识",
             "A non-final draft label (送审稿, 讨论稿, 未定稿).",
             "非定稿标识（送审稿、讨论稿、未定稿）。", BASIS_DRAFT),
        rule("lexicon", "SecretPoint", "密点词",
             "A term from a unit's secret-point lexicon (密点), at the level the lexicon gives it.",
             "本单位密点词库中的词语，按词库规定的密级处理。", BASIS_SECRET_POINT),
    )

    def find(self, text: PartText) -> list[Signal]:
        hits, table = text.hits, text.engine.table
        patterns = table.patterns
        rows = np.flatnonzero(~anchor_rows(table)[hits.pids])
        pids = hits.pids[rows]
        label = table.label[pids]
        marker_spans = list(zip(hits.starts[rows][label].tolist(), hits.ends[rows][label].tolist()))
        queue = HitQueue(hits.starts[rows], hits.ends[rows], pids, table.hint_group[pids])
        signals: list[Signal] = []
        seen: set[tuple[int, int, str]] = set()
        budget = text.hints if text.hints is not None else HintBudget()
        cap = text.hint_cap if text.hint_cap is not None else sys.maxsize
        said: dict[int, Said] = {}  # each pattern's, made on its first hit: a common word is hit many times
        for position, s, e, pid in queue:
            pattern = patterns[pid]
            entry = pattern.entry
            assert entry is not None
            capped = text.hint_cap is not None and entry.level == HINT_LEVEL
            if capped and budget.listed.get(entry.lexicon, 0) >= cap:  # full in an earlier part
                budget.count(entry.lexicon, 1 + queue.close(position))
                continue
            if (pattern_said := said.get(pid)) is None:
                pattern_said = said[pid] = Said.of(entry, pattern.surface)
            signal = lexicon_signal(text, entry, pattern_said, s, e, marker_spans, int(rows[position]))
            if signal is None:
                continue
            key = (signal.start, signal.end, signal.rule + entry.term)
            if key in seen:
                continue
            seen.add(key)
            signals.append(signal)
            if capped:
                budget.listed[entry.lexicon] = budget.listed.get(entry.lexicon, 0) + 1
                if budget.listed[entry.lexicon] >= cap:  # full: the rest of its hits are counted
                    budget.count(entry.lexicon, queue.close(position))
        if text.hints is None:
            budget.note([signals], item=False)
        return signals


class Said(NamedTuple):
    """What every signal of one pattern (a lexicon term or one of its
    aliases) says, whatever the hit: apart from the checks each hit needs."""

    rule: str
    category: str
    basis: str
    reason: str
    scope: str
    details: dict[str, Any]
    explanation: tuple[str, ...]

    @classmethod
    def of(cls, entry: LexiconEntry, surface: str) -> Said:
        explanation = [f"lexicon {entry.lexicon} line {entry.line}: {entry.term} ({entry.level})"]
        if surface != entry.term:
            explanation.append(f"matched alias {surface}")
        reason: str
        if entry.kind == "work-secret":
            rule_id, category, basis = "marker.work-secret", "work-secret", BASIS_WORK_SECRET
            reason = Text(f"work-secret/internal marker {entry.term}", f"工作秘密或内部标识“{entry.term}”")
        elif entry.kind == "draft":
            rule_id, category, basis = "marker.draft", "draft", BASIS_DRAFT
            reason = Text(f"non-final draft marker {entry.term}", f"非定稿标识“{entry.term}”")
        else:
            rule_id, category, basis = f"lexicon.{entry.lexicon}", "secret-point", BASIS_SECRET_POINT
            scope = f", {entry.category}" if entry.category else ""
            reason = Text(f"secret point {entry.term} ({entry.level}{scope})",
                          f"密点“{entry.term}”（{entry.level}" + (f"，{entry.category}" if entry.category else "") + "）")
            if entry.note:
                reason = join([reason, Text(entry.note, entry.note)])
        details: dict[str, Any] = {"lexicon": entry.lexicon, "term": entry.term}
        if entry.category:
            details["scope"] = entry.category
        return cls(rule_id, category, basis, reason, entry.category or category, details, tuple(explanation))


def lexicon_signal(text: PartText, entry: LexiconEntry, said: Said, s: int, e: int,
                   marker_spans: list[tuple[int, int]], row: int = -1) -> Signal | None:
    """The signal of one hit of ``entry`` (``said``: what its pattern's
    signals say), unless jieba or the label check refutes it (dropped, with why)."""
    explanation = said.explanation
    if entry.boundary == "word" or (entry.boundary == "auto" and e - s <= 2):
        ok, why = text.engine.words.confirms(text.text, s, e)
        if not ok:
            text.drop(s, e, why, row)
            return None
        explanation += (why,)
    if entry.placement == "label":
        ok, why = _is_label(text.text, s, e, text.part, marker_spans)
        if not ok:
            text.drop(s, e, why, row)
            return None
        explanation += (why,)
    return text.signal(said.rule, said.category, entry.level, s, e, said.reason, said.basis, scope=said.scope,
                       details=dict(said.details), explanation=explanation)


def _is_label(norm: str, start: int, end: int, part: str, marker_spans: list[tuple[int, int]]) -> tuple[bool, str]:
    """A marker counts when it stands as a label, not when prose mentions it."""
    if part_kind(part) in LABEL_PARTS:
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
