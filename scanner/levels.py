"""The one table of levels and finding categories.

A level (a lexicon entry's, a mark's) decides a signal's severity and score;
a category (what kind of thing a finding is) has a Chinese label and, for
categories whose findings carry no level, a score.  Lexicon loading, the
mark grammar, detection, scoring and the human reports all read them here.
(Named tuples, not dataclasses: every command imports this, and a frozen
dataclass costs ten times as much to define.)
"""
from __future__ import annotations

from typing import NamedTuple

from .types import Severity


class Level(NamedTuple):
    """A level, from the most to the least serious (the table's order)."""

    name: str  # as lexicons, marks and reports write it
    alias: str  # the English alias a lexicon may use instead
    severity: Severity
    score: float
    max_years: int | None = None  # a state-secret level's longest period (mark plausibility)


LEVELS: tuple[Level, ...] = (
    Level("绝密", "top-secret", Severity.BLOCK, 100.0, max_years=30),
    Level("机密", "secret", Severity.BLOCK, 95.0, max_years=20),
    Level("秘密", "confidential", Severity.BLOCK, 90.0, max_years=10),
    Level("工作秘密", "work-secret", Severity.REVIEW, 60.0),
    Level("内部", "internal", Severity.REVIEW, 50.0),
    Level("敏感", "sensitive", Severity.REVIEW, 40.0),
    Level("提示", "hint", Severity.HINT, 10.0),
)
LEVEL_NAMES: tuple[str, ...] = tuple(level.name for level in LEVELS)
BY_NAME: dict[str, Level] = {level.name: level for level in LEVELS}
# the three state-secret levels (a mark names one of them), most serious first
STATE_SECRET_LEVELS: tuple[str, ...] = tuple(level.name for level in LEVELS if level.max_years is not None)
# the level whose hits a scan lists only up to a cap per lexicon
HINT_LEVEL = "提示"
# what a form's classification field offers beside the levels
NOT_CLASSIFIED = ("公开", "非密", "不涉密")
# the values a 密级 field or column holds: a level (the hint level is none) or one of those
FIELD_VALUES: tuple[str, ...] = (*(name for name in LEVEL_NAMES if name != HINT_LEVEL), *NOT_CLASSIFIED)
# what forms call the 密级 field besides 密级 (保密级别：机密, a 保密等级 cell; found by the red-team run: all clear).
# Not 秘密等级, which grades trade secrets (核心商业秘密), nor 密级程度, which is 密级 qualified (scanner.match.marks)
LEVEL_LABELS = ("保密级别", "保密等级", "涉密等级", "涉密级别")
# the names a record's 密级 field goes by in structured exports (an XML element, a JSON or YAML key), in lower
# case: the labels, mj and miji (密级's pinyin, as 公文 exchange and OA systems name it), and the English names
# those systems use.  Not level or grade alone: a game's, a course's, a log's
FIELD_NAMES = frozenset({"密级", *LEVEL_LABELS, "mj", "miji", "secretlevel", "secret_level", "securitylevel",
                         "security_level", "classification", "classificationlevel", "classification_level"})


def level_picker(entries: list[str]) -> bool:
    """Whether a list control's entries (an in-cell drop-down, a content
    control's list) are a classification field's choices: a state-secret
    level and at least one more level or 公开/非密 among them.  Its plain
    entries (``level_choice``) are then read on one line, as a form's
    密级：□绝密 □机密 □秘密 is, not each alone on a line like a bare mark."""
    offered = {entry.strip() for entry in entries}
    return bool(offered & set(STATE_SECRET_LEVELS)) and len(offered & {*LEVEL_NAMES, *NOT_CLASSIFIED}) >= 2


def level_choice(entry: str) -> bool:
    """Whether a picker's entry may join its one line: a level, 公开/非密/
    不涉密, or text without 密 (请选择), which no state-secret level lacks,
    whatever its script or the characters hidden in it (機密, 机\u200b密).
    Any other entry (机密★, 秘密★1年, 秘密 一年) stays alone on its line, read
    as it was: beside the next choice the grammar no longer saw 机密★ as a
    mark with the default period (机密★、公开 was cleared)."""
    text = entry.strip()
    return text in LEVEL_NAMES or text in NOT_CLASSIFIED or "密" not in text


def choice_lines(entries: list[str], separator: str) -> list[str]:
    """A list control's entries as lines: one each, or for a 密级 field's
    choices (``level_picker``) the plain ones joined on one line and each
    entry holding more than a level (机密★, 秘密★1年) alone after it."""
    if not level_picker(entries):
        return entries
    plain = [entry for entry in entries if level_choice(entry)]
    return [separator.join(dict.fromkeys(plain)), *(entry for entry in entries if not level_choice(entry))]


class Category(NamedTuple):
    """What kind of thing a finding is; ``score`` for findings without a level."""

    id: str
    label: str  # in Chinese, for people
    score: float | None


CATEGORIES: tuple[Category, ...] = (
    Category("mark", "密级标志", 100.0),
    Category("secret-point", "密点", None),
    Category("work-secret", "工作秘密", 60.0),
    Category("draft", "草稿标记", 40.0),
    Category("pii", "个人信息", 40.0),
    Category("metadata", "元数据", 30.0),
    Category("hidden", "隐藏内容", 30.0),
    Category("aggregation", "信号汇聚", 50.0),
    Category("unreadable", "无法读取", 50.0),
)
CATEGORY_LABELS: dict[str, str] = {c.id: c.label for c in CATEGORIES}
CATEGORY_SCORE: dict[str, float] = {c.id: c.score for c in CATEGORIES if c.score is not None}


def severity_of(level: str) -> Severity:
    """The severity a signal at ``level`` has."""
    return BY_NAME[level].severity
