"""Ticked choices: a 密级 field filled in by ticking one of its printed choices.

审批表 and 项目信息表 print a field's values with a box before each and the
writer ticks one: ``密级：□绝密 ☑机密 □秘密`` (☑ ■ √ ☒ ●, a Word check-box
content control's ☒, Wingdings' boxes as a symbol font's private-use codes,
``[x]``).  The ticked level is the field's value, where the unticked choices
are only what the field offers (a blank form: ``□绝密 □机密 □秘密``); read as
the choices alone, the filled form was clear (found by the red-team run).
Here only the choices' group on the hit's line is read; whether a 密级 label
owns it is ``scanner.match.marks``'s to say.  Forms that print the box after
each value (绝密□ 机密√ 秘密□) are read from the label on (``ticked_after``):
they blocked on the first choice, 绝密, ticked or not.  Several ticked is a
filled form's error and blocks; a tick on 公开 alone, none, or the same
bullet before every choice is no state-secret value.  Normalised text throughout.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from ..levels import FIELD_VALUES

# boxes left empty: ballot boxes, squares, circles (a radio button), 口 typed for a box, Wingdings' empty
# box (0xA8, 0x6F, 0x71) and Wingdings 2's (0xA3), and Wingdings' circle (0xA1)
EMPTY_BOXES = "□☐◻⬜▢❑❏○◯口\uf0a8\uf06f\uf071\uf0a3\uf0a1"
# marks that only a tick can be: a box ticked or crossed, a check mark, a cross; Wingdings' ☑ ☒ ✓ ✗
# (0xFE, 0xFD, 0xFC, 0xFB) and Wingdings 2's (R, S, T, P, O, Q)
TICKS = "☑☒√✓✔✗✘✅❎⊠▣\uf0fe\uf0fd\uf0fc\uf0fb\uf052\uf053\uf054\uf050\uf04f\uf051"
# filled shapes: a ticked box or radio button beside an empty one, a bullet where no box is empty
# (●绝密 ●机密 ●秘密 lists the choices); Wingdings' ■ and ● (0x6E, 0x6C) and its circled dot (0xA4)
FILLED = "■◼⬛●◉⊙⦿◍\uf06e\uf06c\uf0a4"
_BOXES = EMPTY_BOXES + TICKS + FILLED
# a box drawn with brackets, empty or ticked: [ ], [x], （√）
_BRACKET_BOX = re.compile(rf"[\[(【][ \t]*+(?P<tick>[x{re.escape(TICKS + FILLED)}])?[ \t]*+[\])】]")
# what may stand between two choices: blanks, a cell's tab, a list's separators
_BETWEEN_CHARS = frozenset(" \t、,;|/")
_VALUES = tuple(sorted(FIELD_VALUES, key=len, reverse=True))  # 工作秘密 before 秘密
_VALUE_ENDINGS = frozenset("级" + "".join(value[-1] for value in _VALUES))
# the most choices a field prints (its values are fewer) and characters between two: past them no group
MAX_CHOICES = 9
_MAX_GAP = 12
# how far before a ticked choice the label's 级 may stand (on its line or the line before): past the choices
# before it and the label's note
_LABEL_REACH = 160


class Choice(NamedTuple):
    """One printed choice: its box's start, its value's end, its box (``""`` for none) and value."""

    start: int
    end: int
    box: str
    value: str


class Ticked(NamedTuple):
    """The ticked choice a level is, and where its group of choices starts."""

    box: int  # where the ticked choice's box starts
    end: int  # where its value (and 级) ends
    first: int  # where the group's first choice starts
    glyph: str


def _kind(box: str) -> str:
    """``empty``, ``tick``, ``filled`` or ``none`` (a choice printed without a box)."""
    if not box:
        return "none"
    if box in TICKS or box[0] in "[(【" and any(ch in TICKS or ch == "x" for ch in box):
        return "tick"
    if box in FILLED or box[0] in "[(【" and any(ch in FILLED for ch in box):
        return "filled"
    return "empty"


def _box_before(text: str, pos: int, line_start: int) -> int:
    """Where a box ending at ``pos`` (blanks between allowed) starts, or ``pos`` when none does, nor when a
    choice's value ends right before it across blanks (绝密□ 机密√, 绝密（ ） 机密（√）: a form ticked after
    its values, whose box is the choice's before)."""
    at = pos
    while at > line_start and text[at - 1] in " \t" and pos - at < 2:
        at -= 1
    box = pos
    if at > line_start and text[at - 1] in _BOXES:
        box = at - 1
    elif at > line_start and text[at - 1] in "])】":
        for begin in range(at - 2, max(line_start, at - 6) - 1, -1):
            if _BRACKET_BOX.fullmatch(text, begin, at) is not None:
                box = begin
                break
    if box < pos and at < pos and box > line_start and text[box - 1] in _VALUE_ENDINGS:
        return pos
    return box


def _ends_value(text: str, pos: int, line_end: int) -> bool:
    """Whether a choice's value may end at ``pos``: its line does, a blank, a separator or the next box follows."""
    return pos >= line_end or text[pos] in _BETWEEN_CHARS or text[pos] in _BOXES or text[pos] in "[(【"


def _choice_at(text: str, value_start: int, value: str, line_start: int, line_end: int) -> Choice | None:
    """The choice whose value ``value`` starts at ``value_start``, its box before it and 级 after it."""
    end = value_start + len(value)
    end += text.startswith("级", end)
    if not _ends_value(text, end, line_end):
        return None
    box = _box_before(text, value_start, line_start)
    return Choice(box, end, text[box:value_start].strip(" \t"), value)


def _choice_ending(text: str, pos: int, line_start: int, line_end: int) -> Choice | None:
    """The choice whose value (and 级) ends at ``pos``."""
    stop = pos - text.startswith("级", pos - 1)
    if stop <= line_start or text[stop - 1] not in _VALUE_ENDINGS:
        return None
    for value in _VALUES:
        if text.startswith(value, stop - len(value)) and stop - len(value) >= line_start:
            return _choice_at(text, stop - len(value), value, line_start, line_end)
    return None


def _choice_starting(text: str, pos: int, line_start: int, line_end: int) -> Choice | None:
    """The choice whose box (or value, printed without one) starts at ``pos``."""
    at = pos
    if text[pos:pos + 1] in _BOXES and pos < line_end:
        at = pos + 1
    elif (box := _BRACKET_BOX.match(text, pos, line_end)) is not None:
        at = box.end()
    while at < line_end and text[at] in " \t" and at - pos < 3:
        at += 1
    for value in _VALUES:
        if text.startswith(value, at):
            choice = _choice_at(text, at, value, line_start, line_end)
            return choice if choice is not None and choice.start == pos else None
    return None


def ticked_choice(text: str, start: int, end: int, line_start: int, line_end: int) -> Ticked | None:
    """The level at ``[start, end)`` as the ticked one of a group of printed choices on its line, or None: its
    box a tick (or a filled box beside an empty one, or a choice alone), each other choice's box empty or none.
    Only the choices beside it are read, at most ``MAX_CHOICES``, so a hit costs the same however long its line."""
    if start == line_start or not (text[start - 1] in _BOXES or text[start - 1] in " \t])】"):
        return None
    hit = _choice_at(text, start, text[start:end], line_start, line_end)
    if hit is None or _kind(hit.box) not in ("tick", "filled") or text.find("级", max(0, start - _LABEL_REACH), start) < 0:
        return None  # unticked, or no label's 级 near enough to own the choices: not read on
    group = [hit]
    pos = hit.start
    while len(group) <= MAX_CHOICES:  # the choices before it
        before = pos
        while before > line_start and text[before - 1] in _BETWEEN_CHARS and pos - before < _MAX_GAP:
            before -= 1
        if (choice := _choice_ending(text, before, line_start, line_end)) is None:
            break
        group.insert(0, choice)
        pos = choice.start
    pos = hit.end
    while len(group) <= MAX_CHOICES:  # and after it
        after = pos
        while after < line_end and text[after] in _BETWEEN_CHARS and after - pos < _MAX_GAP:
            after += 1
        if after >= line_end or (choice := _choice_starting(text, after, line_start, line_end)) is None:
            break
        group.append(choice)
        pos = choice.end
    if len(group) > MAX_CHOICES:
        return None
    kinds = [_kind(choice.box) for choice in group]
    if _kind(hit.box) == "filled" and len(group) > 1 and "empty" not in kinds:
        return None  # ●绝密 ●机密 ●秘密: bullets listing the choices
    if len(group) > 1 and "empty" not in kinds and "none" not in kinds and len({choice.box for choice in group}) == 1:
        return None  # every choice behind the same mark: a list's bullets, nothing told apart
    return Ticked(hit.start, hit.end, group[0].start, hit.box)


# a box after a choice's value: a glyph (not 口, which a word after a level may begin with) or brackets
_BOX_AFTER = re.compile(rf"[ \t]?(?:(?P<glyph>[{re.escape(_BOXES.replace('口', ''))}])|{_BRACKET_BOX.pattern})")


def ticked_after(text: str, pos: int, line_end: int) -> list[Choice] | None:
    """The choices from ``pos`` on when a form prints each value with its box after it (绝密□ 机密√ 秘密□,
    绝密（ ） 机密（√）), two or more, or one with its box right after it: those ticked, none for a blank form; or
    None when the values there are no such choices.  At most ``MAX_CHOICES`` are read."""
    choices: list[Choice] = []
    at = pos
    while len(choices) < MAX_CHOICES:
        value = next((value for value in _VALUES if text.startswith(value, at)), None)
        if value is None:
            break
        end = at + len(value)
        end += text.startswith("级", end)
        box = _BOX_AFTER.match(text, end, line_end)
        if box is None:
            break
        choices.append(Choice(at, box.end(), box.group().strip(" \t"), value))
        at = box.end()
        while at < line_end and text[at] in _BETWEEN_CHARS and at - box.end() < _MAX_GAP:
            at += 1
    if not choices or len(choices) == 1 and text[choices[0].end - len(choices[0].box) - 1] in " \t":
        return None  # one choice: only with its box right after it (绝密□ beside a choice a redaction covered)
    return [choice for choice in choices if _kind(choice.box) in ("tick", "filled")]
