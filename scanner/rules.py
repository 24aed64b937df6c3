"""The rule catalogue: every rule a scan can report, by stable id.

The detectors declare the rules they emit (``scanner.detectors``, built-ins
and plugins alike); the rules of what extraction and the scan itself report
(unreadable parts, hidden content, odd member names, aggregation) are
declared in ``scanner.rulebook``, which extraction can import.  Derived from
the detectors, the catalogue sits in the detection layer, above them.  Renaming an id is a migration (baselines, review records and
SARIF fingerprints refer to it).  Reports (SARIF ``rules``) read this table.
Lexicon rules are ``lexicon.<lexicon name>``; they share one description.
"""
from __future__ import annotations

from functools import cache

from .detectors import detectors
from .errors import ConfigError
from .lang import Text, in_lang
from .rulebook import (
    BASIS_AGGREGATION,
    BASIS_DRAFT,
    BASIS_HIDDEN,
    BASIS_MARK,
    BASIS_MEMBER_NAME,
    BASIS_PII,
    BASIS_SECRET_POINT,
    BASIS_UNREADABLE,
    BASIS_WORK_SECRET,
    NOTICE_RULES,
    Rule,
)

__all__ = ["BASIS_AGGREGATION", "BASIS_DRAFT", "BASIS_HIDDEN", "BASIS_MARK", "BASIS_MEMBER_NAME", "BASIS_PII",
           "BASIS_SECRET_POINT", "BASIS_UNREADABLE", "BASIS_WORK_SECRET", "NOTICE_RULES", "Rule", "catalogue",
           "reason_in_lang", "rule_for"]

@cache
def catalogue() -> dict[str, Rule]:
    """Every rule by id: the detectors' in detector order, then the notice rules."""
    out: dict[str, Rule] = {}
    for r in (*(r for d in detectors() for r in d.rules), *NOTICE_RULES):
        if r.id in out:
            raise ConfigError(f"rule {r.id!r} is declared twice (a detector plugin reuses a rule id)")
        out[r.id] = r
    return out


def rule_for(rule_id: str) -> Rule:
    """The catalogue entry for ``rule_id`` (``lexicon.<name>`` maps to ``lexicon``)."""
    rules = catalogue()
    if rule_id in rules:
        return rules[rule_id]
    family = rule_id.split(".", 1)[0]
    if family in rules:
        base = rules[family]
        return Rule(rule_id, base.name, base.name_zh, base.description, base.basis, base.failure)
    return Rule(rule_id, rule_id, rule_id, Text(rule_id, rule_id), Text("", ""))


def reason_in_lang(value: str, lang: str, rule: str) -> str:
    """A reason of rule ``rule`` as a report in ``lang`` shows it: a plain
    str reason (a library's message, a plugin's English) shows in Chinese
    after the Chinese name of its rule."""
    if lang == "en" or not value or isinstance(value, Text) or _has_cjk(value):
        return in_lang(value, lang)
    return f"{rule_for(rule).name_zh}（原文：{value}）"


def _has_cjk(value: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in value)
