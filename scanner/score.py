"""Signals and notices -> Findings with a score, an excerpt, a fingerprint
and the explanation of how the score was reached; item score from findings."""
from __future__ import annotations

import hashlib

from . import rules
from .config import Scoring
from .detectors import Signal
from .lang import Text
from .levels import CATEGORY_SCORE, LEVELS
from .types import Finding, Notice, Severity, one_line

CONTEXT_CHARS = 20

LEVEL_SCORE = {level.name: level.score for level in LEVELS}
SEVERITY_SCORE = {Severity.BLOCK: 90.0, Severity.REVIEW: 40.0, Severity.HINT: 10.0}


def fingerprint(item: str, rule: str, part: str, matched: str) -> str:
    """Stable across re-scans and edits elsewhere in the item: no offsets."""
    return hashlib.sha256(f"{item}\x1f{rule}\x1f{part}\x1f{matched}".encode()).hexdigest()[:32]


def excerpt(text: str, start: int, end: int) -> str:
    lo, hi = max(0, start - CONTEXT_CHARS), min(len(text), end + CONTEXT_CHARS)
    body = one_line(text[lo:hi])
    return ("…" if lo > 0 else "") + body + ("…" if hi < len(text) else "")


def _score(category: str, level: str | None, severity: Severity) -> float:
    if category == "mark":  # a level a person checks (mark.level-line) scores as a review finding
        return CATEGORY_SCORE["mark"] if severity is Severity.BLOCK else SEVERITY_SCORE[severity]
    if level in LEVEL_SCORE:
        return LEVEL_SCORE[level]
    return CATEGORY_SCORE.get(category, SEVERITY_SCORE[severity])


def _bilingual(reason: str, rule: str) -> str:
    """A plain str reason (a plugin's, a library's message) as a Text whose
    Chinese is what Chinese reports show for it, so the finding carries it."""
    return reason if isinstance(reason, Text) else Text(reason, rules.reason_in_lang(reason, "zh", rule))


def from_signal(item: str, signal: Signal, part_text: str) -> Finding:
    score = _score(signal.category, signal.level, signal.severity)
    return Finding(
        rule=signal.rule, category=signal.category, level=signal.level, part=signal.part,
        start=signal.start, end=signal.end, text=part_text[signal.start:signal.end],
        context=excerpt(part_text, signal.start, signal.end), reason=_bilingual(signal.reason, signal.rule), basis=signal.basis,
        severity=signal.severity, score=score,
        fingerprint=fingerprint(item, signal.rule, signal.part, signal.matched),
        details=tuple(sorted(signal.details.items())),
        explanation=signal.explanation + (f"{signal.severity.value}: score {score:g}",),
    )


def from_notice(item: str, notice: Notice) -> Finding:
    score = _score(notice.category, None, notice.severity)
    return Finding(
        rule=notice.rule, category=notice.category, level=None, part=notice.part, start=None, end=None,
        text="", context="", reason=_bilingual(notice.reason, notice.rule), basis=notice.basis or rules.rule_for(notice.rule).basis,
        severity=notice.severity, score=score, fingerprint=fingerprint(item, notice.rule, notice.part, notice.reason),
        details=notice.details, explanation=(f"{notice.severity.value}: score {score:g}",),
    )


def aggregate(item: str, findings: list[Finding], scoring: Scoring) -> Finding | None:
    """Many weak signals of different categories together need a person (Art. 43)."""
    weak = [f for f in findings if f.severity is Severity.HINT]
    scopes = sorted({dict(f.details).get("scope") or f.category for f in weak})
    if scoring.aggregate_categories <= 0 or len(scopes) < scoring.aggregate_categories:
        return None
    reason = Text(f"{len(weak)} weaker signals in {len(scopes)} categories ({', '.join(scopes)})",
                  f"{len(scopes)} 个类别共 {len(weak)} 个较弱信号（{'、'.join(scopes)}）")
    return Finding(
        rule="aggregation", category="aggregation", level=None, part="item", start=None, end=None, text="",
        context="", reason=reason, basis=rules.BASIS_AGGREGATION, severity=Severity.REVIEW,
        score=CATEGORY_SCORE["aggregation"], fingerprint=fingerprint(item, "aggregation", "item", ",".join(scopes)),
        details=(("categories", scopes),),
        explanation=(f"threshold: {scoring.aggregate_categories} categories",),
    )


def item_score(findings: list[Finding]) -> float:
    """The strongest finding, plus a tenth of the rest, capped at 100."""
    if not findings:
        return 0.0
    scores = sorted((f.score for f in findings), reverse=True)
    return round(min(100.0, scores[0] + 0.1 * sum(scores[1:])), 1)
