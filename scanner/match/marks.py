"""The state-secret mark grammar, evaluated only at anchors the automaton found.

Forms (Provisional Rules on Classification Management, Art. 24; GB/T 9704):
``密级★保密期限`` (秘密★1年, 机密★二十年, 秘密★6个月, 绝密★长期),
``密级★解密时间`` (机密★2030年12月31日, 秘密★2027.6.30),
``密级★解密条件`` (机密★工程验收后解密, 绝密★启用前),
a bare level alone on a line at the head of a document or in a header,
and form fields (密级：秘密; a form's cells read in turn, 密级 on one line and
机密 alone on the next; 机密 alone in its cell under a 密级 column's header,
the column's only level).  Mentions are not marks: 绝密级, 机密级国家秘密,
机密性, 秘密花园, a mark quoted inside a sentence.

At the head of a document (its first lines, a header, a cover: where GB/T
9704 and Art. 24 put the mark) a line that starts with a level and ★ is a
mark whatever follows the star (机密★解密条件：项目验收后, an unknown period
phrase), and a line holding only a level and a period is a mark with its ★
lost or out of place (秘密 一年, ★秘密 一年, 秘密 一年 ★: what a PDF printed with
the star in a fallback font reads as in stream order).  In running text
neither is a mark.

All matching happens on normalised text (see scanner.normalize), so spaces,
zero-width characters, full-width digits, other stars and traditional
characters have already been folded.
"""
from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..lang import Text, join, part_kind, part_label
from ..levels import FIELD_VALUES, LEVEL_NAMES, LEVELS, NOT_CLASSIFIED, STATE_SECRET_LEVELS
from ..normalize import NormText, normalize
from ..normalize.chars import lines_ended, translation_table
from ..types import CellGrid

LEVEL_WORDS = STATE_SECRET_LEVELS
FIELD_WORD = "密级"
DEFAULT_MAX_YEARS = {level.name: level.max_years for level in LEVELS if level.max_years is not None}

# parts where a bare level line counts anywhere, not only at the head: headers,
# and parts whose every line is a whole text of its own (a property's value; an
# attribute's: a picture's alt text, a tooltip, a field's entry), the head of
# no flow, so that a picture's alt text 机密 counts whatever alt texts precede it
HEADER_PARTS = ("header", "footer", "title", "html-title", "properties", "metadata", "attributes")
# of those, the parts whose lines may be the values of a list, each another
# record's or another choice (an XML export's attributes, a page's data-*
# values, a select's options): a level there among other values a 密级 field
# holds (公开, 内部, another level) is one of them, a bare mark only at the head
_VALUE_LIST_PARTS = ("attributes",)
HEAD_LINES = 3
# parts whose head is not the document's: a later page or slide
_LATER_PAGE = re.compile(r"(?:page|slide|notes):(?!1(?::|$))")

_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUM = "〇零一二两三四五六七八九十百"
_NUM = rf"(?:\d{{1,3}}|[{_CN_NUM}]{{1,4}})"
_YEAR = r"(?:\d{4}|[〇零一二三四五六七八九]{4})"
_MD = r"(?:\d{1,2}|[〇零一二三四五六七八九十]{1,3})"

_DATE_RE = re.compile(
    rf"(?P<y>{_YEAR})[ \t]*年[ \t]*(?P<m>{_MD})[ \t]*月(?:[ \t]*(?P<d>{_MD})[ \t]*日)?"
    rf"|(?P<y2>\d{{4}})[-./](?P<m2>\d{{1,2}})(?:[-./](?P<d2>\d{{1,2}}))?(?!\d)"
)
_PERIOD_RE = re.compile(rf"(?P<n>{_NUM})[ \t]*(?P<unit>年|个月)")
_LONG_TERM_RE = re.compile(r"长期")
# Clause ends: nothing that decides a mark lies past one of these from it.  A period, a time and a
# form field hold none (but a row's cells, 密级,机密, where the comma or semicolon divides the label's
# cell from the level's) and a condition stops at them; around a mark the grammar reads the characters
# beside it (a quote, 级), whether more than a label stands before or after it on its line, and lines
# that are a level or a mark alone, which hold none (scanner.extract.text cuts a Markdown line into
# clauses there).
CLAUSE_ENDS = "，。；;,!！?？"
# what divides a table's cells on its line: an ASCII pipe, a full-width one (typed with a Chinese input
# method), a box-drawing vertical line (light, heavy, double, dashed) and a broken bar
# (scanner.extract.delimited cuts a pipe table's rows into cells there)
PIPES = "|｜│┃║┆┇┊┋╎╏¦"
# what divides a row's cells in normalised text: a pipe, a CSV's comma or semicolon (the full-width ones,
# typed in a text, are folded to these)
_CELL_SEPARATORS = ",;" + PIPES
_CONDITION_RE = re.compile(rf"(?P<cond>[^\n\r{CLAUSE_ENDS}:：★]{{1,30}}?(?:解密|启用前|公布前|公开前|发布前|后公开|前))")
_DATE_TAIL_RE = re.compile(r"(?:[ \t]*(?:解密|以前|前|止))?")
# after the 密级 label: what a form adds to it (a note, a required field's star, the period asked with it), a
# colon, and the level, in brackets or not (密级（机密）, 密级：【机密】, 密级（必填）：机密 were clear); a level in
# brackets must close them (密级（绝密/机密/秘密）offers the choices, it fills in none).  Or the level in the
# next cell of the label's row, the cells between separators (密级,机密; | 【密级】 | 机密 |; "密级","机密"), which
# ``_row_field`` reads: a CSV's record and a pipe table's row are a line, as 密级\t机密 is (whose tab
# normalising drops), so the row is read on its line and needs no grid, which a text's single line has not.
# Runs of blanks are possessive: 密级 and 4,000 spaces took a quarter of a second to fail, ten times as many
# half a minute
_WITH_PERIOD = r"(?:及|和|与|、|/)保密期限"  # the period asked beside the level: 密级及保密期限
_FIELD_RE = re.compile(rf"(?:[（(][^（）()\n]{{0,10}}[）)]|[*★]|{_WITH_PERIOD})?"
                       rf"(?:[ \t]*+[:：]?[ \t]*+|[\]】)〕>》」』]?[ \t]*+[:：]?[ \t]*+\"?[ \t]*+"
                       rf"(?P<sep>[{re.escape(_CELL_SEPARATORS)}])[ \t]*+\"?[ \t]*+)"
                       r"(?:(?P<open>[（(【\[〔「『])[ \t]*+)?"
                       rf"(?P<level>{'|'.join(LEVEL_WORDS)})(?(open)(?=[ \t]*[）)】\]〕」』★]))")
_LEVEL_FIRSTS = "".join(level[0] for level in LEVEL_WORDS)
_OPEN_QUOTES = "“‘「『\"'《〈"
_CLOSE_QUOTES = "”’」』\"'》〉"
# what may stand around a level or a label alone on its line; \r: a line of a text
# saved on Windows ends \r\n, and its \r is read on the line
_LABEL_STRIP = " \t\r★[]【】()（）〔〕<>《》"
_FIELD_LABEL_STRIP = _LABEL_STRIP + ":："
# the 密级 label with what forms add to it: the record it is the level of (项目密级, 文件密级; not what a
# product is rated for, 适用密级, 最高密级, nor a verb's object, 确定密级, found by a second reader), the
# period asked with it (密级及保密期限), a note or the values offered (密级（必填）, 密级（绝密/机密/秘密）; the
# closing bracket stripped with the label's marks), a required field's star
_LABELLED = "项目|课题|文件|文档|资料|成果|合同|档案|图纸|材料|原件|载体|事项|信息|数据|报告|论文|稿件|公文|来文|原文件"
_QUALIFIED_LABEL = re.compile(rf"\*?(?:{_LABELLED})?密级(?:{_WITH_PERIOD}|程度)?(?:[（(][^（）()]{{0,24}}[）)]?)?\*?")
# a cell longer than this holds neither the 密级 label nor a level alone (【密级】： is five)
_SHORT_CELL = 16
# a cell up to this long may be a guidance row's list of a 密级 column's values (请选择：绝密、机密、秘密或公开)
_CHOICES_CELL = 64
# each value a 密级 field holds, the longer first (工作秘密 is one, not 秘密 too)
_FIELD_VALUE_RE = re.compile("|".join(sorted(FIELD_VALUES, key=len, reverse=True)))
_FIELD_VALUE_SET = frozenset(FIELD_VALUES)
# what GB/T 9704 puts beside the level at a document's head, one or more: before it the copy number (six
# digits, or a 份号 label with any: a number of another length may be a count, a code or a film's name)
# and the urgency; after it the urgency (a number after a level is a date, a postcode, a count)
_HEAD_ELEMENT = r"份号[:：]?[ \t]*\d{1,10}|特急|加急|特提|平急"
_BEFORE_LEVEL = re.compile(rf"(?:(?:{_HEAD_ELEMENT}|\d{{6}})[ \t,，|｜]*)+")
_AFTER_LEVEL = re.compile(rf"(?:(?:{_HEAD_ELEMENT})[ \t,，|｜]*)+")
# what stands between a level and the cells beside it: blanks, the marks around a level, a CSV's comma
_CELL_STRIP = _LABEL_STRIP + ",，|｜"
# what may pad a row's cell around its text: what may stand around a level alone, and a CSV field's quotes
_CELL_PADDING = re.compile(f"[{re.escape(_LABEL_STRIP)}\"]*+")
# what a register's 密级 cell holds besides a level: the one above it again (同上), or
# none (a dash, 无): values of its rows, as 公开 is
_REGISTER_VALUES = frozenset({"同上", "同前", "同左", "〃", "\"", "/", "／", "-", "－", "--", "—", "——", "─", "无",
                              "n/a", "na", "none"})


def chinese_number(text: str) -> int | None:
    """Parse Arabic or Chinese numerals up to 999 (十, 二十, 三十五, 一百)."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


def _year(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    digits = [_CN_DIGITS.get(ch) for ch in text]
    if any(d is None for d in digits):
        return None
    return int("".join(str(d) for d in digits))


@dataclass(frozen=True)
class MarkMatch:
    rule: str
    level: str
    start: int           # normalised coordinates, half-open
    end: int
    reason: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Dropped:
    start: int
    end: int
    reason: str


def _line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return line_start, len(text) if line_end < 0 else line_end


def _head_line(text: str, line_start: int) -> bool:
    """True when the line starting at ``line_start`` is among the first
    non-empty lines of the part (the head block of a document)."""
    return line_start <= _head_end(text)


_NOT_BLANK = re.compile(r"\S")
_last_head: tuple[str, int] = ("", 0)  # the last text asked about and its ``_head_end`` (asked once a hit)


def _head_end(text: str) -> int:
    """Where the ``HEAD_LINES``-th non-empty line of ``text`` starts (past
    the end when it has fewer): worked out once per text, where counting
    the lines before each hit took time growing with their square (10,000
    lines of 机密: 15 s)."""
    global _last_head
    last = _last_head
    if last[0] is text:
        return last[1]
    end, pos = len(text) + 1, 0
    for _ in range(HEAD_LINES):
        if (m := _NOT_BLANK.search(text, pos)) is None:
            end = len(text) + 1  # fewer non-empty lines: every line is a head line
            break
        end = text.rfind("\n", 0, m.start()) + 1
        newline = text.find("\n", m.start())
        pos = len(text) if newline < 0 else newline
    _last_head = (text, end)
    return end


def _document_head(text: str, line_start: int, part: str) -> bool:
    """A header-like part, or the first lines of the document (not of a
    later page, whose first lines may be a table of levels and periods)."""
    if part_kind(part) in HEADER_PARTS:
        return True
    return not _LATER_PAGE.match(part) and _head_line(text, line_start)


def _starts_line(text: str, line_start: int, start: int) -> bool:
    return not text[line_start:start].strip(_LABEL_STRIP)


def _period_only(text: str, pos: int, stop: int, level: str) -> tuple[str, dict[str, Any]] | None:
    """``text[pos:stop]`` is exactly a period, 长期 or a decryption time."""
    parsed = _after_star(text, pos, level)
    if parsed is None or parsed[2].get("form") == "condition" or parsed[0] != stop:
        return None
    return parsed[1], parsed[2]


def _date(m: re.Match[str]) -> str | None:
    y = m.group("y") or m.group("y2")
    mo = m.group("m") or m.group("m2")
    d = m.group("d") or m.group("d2")
    year = _year(y)
    month = chinese_number(mo) if mo else None
    day = chinese_number(d) if d else None
    if year is None or not month or not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")


def _after_star(text: str, pos: int, level: str) -> tuple[int, str, dict[str, Any]] | None:
    """Parse what follows ``★`` at ``pos``: a decryption time, a period, 长期,
    or a decryption condition. Returns (end, reason, details) or None."""
    m = _DATE_RE.match(text, pos)
    if m and (date := _date(m)):
        tail = _DATE_TAIL_RE.match(text, m.end())
        assert tail is not None  # the tail pattern matches the empty string
        return tail.end(), Text(f"state-secret mark, declassified on {date}", f"国家秘密标志，解密时间 {date}"), \
            {"form": "decrypt-time", "decrypt_date": date}
    m = _PERIOD_RE.match(text, pos)
    if m and (n := chinese_number(m.group("n"))):
        unit = m.group("unit")
        details: dict[str, Any] = {"form": "period"}
        if unit == "年":
            details["period_years"] = n
            reason = Text(f"state-secret mark, period {n} year" + ("s" if n > 1 else ""), f"国家秘密标志，保密期限 {n} 年")
            if n > DEFAULT_MAX_YEARS[level]:
                details["over_default_maximum"] = True
        else:
            details["period_months"] = n
            reason = Text(f"state-secret mark, period {n} month" + ("s" if n > 1 else ""), f"国家秘密标志，保密期限 {n} 个月")
        return m.end(), reason, details
    m = _LONG_TERM_RE.match(text, pos)
    if m:
        return m.end(), Text("state-secret mark, long-term period", "国家秘密标志，长期保密"), \
            {"form": "period", "long_term": True}
    m = _CONDITION_RE.match(text, pos)
    if m:
        cond = m.group("cond")
        return m.end(), Text(f"state-secret mark, declassified when: {cond}", f"国家秘密标志，解密条件：{cond}"), \
            {"form": "condition", "condition": cond}
    return None


def _quoted_mention(text: str, start: int, end: int, line_start: int, line_end: int) -> bool:
    """A mark quoted inside a sentence (标注“机密★5年”的文件, marked "机密★5年"
    files) is a mention: quotes around it and a word beside them.  Quotes with
    only syntax beside them are a value, not a quotation: a CSV field
    (``"机密★5年","文件"``), a JSON or script string (``"level": "机密★5年"``),
    a quoted mark alone on a line (found by the red-team run: all were cleared)."""
    if start <= line_start or end >= line_end:
        return False
    if not (text[start - 1] in _OPEN_QUOTES and text[end] in _CLOSE_QUOTES):
        return False
    before = text[line_start:start - 1].rstrip()
    after = text[end + 1:line_end].lstrip()
    return bool(before and before[-1].isalnum()) or bool(after and after[0].isalnum())


def match_mark(text: str, start: int, end: int, anchor: str, part: str,
               context: PartContext | None = None) -> MarkMatch | Dropped | None:
    """Evaluate the grammar at one anchor hit ``text[start:end] == anchor``;
    ``context`` reads the whole part (``text``) where the grammar needs more
    than the hit's lines: without it, a level is no column's field and no list's value."""
    line_start, line_end = _line_bounds(text, start, end)
    if anchor == FIELD_WORD:
        if start > 0 and text[start - 1] in _LEVEL_FIRSTS:
            return None  # 绝密级 / 机密级: the level anchor handles it
        m = _FIELD_RE.match(text, end)
        if not m:
            return None
        level = m.group("level")
        stop = m.end()
        if text.startswith("级", stop):
            return Dropped(start, stop, f"{level}级 after 密级 is a mention, not a form field")
        if m.group("sep") is not None:
            return _row_field(text, start, m, line_start, line_end)
        details: dict[str, Any] = {"form": "form-field"}
        reason: str = Text("classification form field", "密级栏")
        if text.startswith("★", stop) and (parsed := _after_star(text, stop + 1, level)):
            stop, reason, details = parsed[0], join([parsed[1], Text("(form field)", "（密级栏）")], " ", ""), \
                {**parsed[2], "field": True}
        return MarkMatch("mark.form-field", level, start, stop, reason, details)

    level = anchor
    nxt = text[end:end + 1]
    if nxt == "级":
        return Dropped(start, end + 1, f"{level}级 names a level in running text")
    if text[max(line_start, start - 3):start].endswith(("密级:", "密级", "密级：")):
        return None  # the form-field anchor reports this one
    if nxt == "★":
        if text[end + 1:end + 2] == "★":
            return Dropped(start, end + 2, "more than one star: a rating, not a mark")
        parsed = _after_star(text, end + 1, level)
        if parsed:
            stop, reason, details = parsed
            if _quoted_mention(text, start, stop, line_start, line_end):
                return Dropped(start, stop, "mark quoted inside a sentence: a mention")
            return MarkMatch("mark.state-secret", level, start, stop, reason, details)
        if not text[end + 1:line_end].strip():
            return MarkMatch("mark.state-secret", level, start, end + 1,
                             Text("state-secret mark without a period (default period applies)",
                                  "国家秘密标志，未标保密期限（适用默认期限）"), {"form": "level-only"})
        if _starts_line(text, line_start, start) and _document_head(text, line_start, part):
            stop = line_start + len(text[line_start:line_end].rstrip())
            return MarkMatch("mark.state-secret", level, start, stop,
                             Text("state-secret mark at the head of the document (level and ★, "
                                  "what follows the star not read as a period)",
                                  "文件开头的国家秘密标志（密级和★；★后的内容未识别为保密期限）"), {"form": "head-line"})
        return Dropped(start, end + 1, "star not followed by a period, time or condition")
    line = text[line_start:line_end].strip(_LABEL_STRIP)
    if line.startswith(level) and _starts_line(text, line_start, start) and (
            misplaced := _misplaced_star(text, start, end, line_start, line_end, level, part)):
        return misplaced
    if line == level and (label := _label_before(text, line_start, line_end)) is not None:
        return MarkMatch("mark.form-field", level, label, end,
                         Text("classification form field: the level on the line after its 密级 label "
                              "(a form's cells read in turn)", "密级栏：“密级”后的单元格（下一行）填写的密级"),
                         {"form": "form-field", "label": "line-before"})
    if context is not None and context.column_field(start, end):
        return MarkMatch("mark.form-field", level, start, end,
                         Text("classification form field: the level in a 密级 column, under its header",
                              "密级栏：表格“密级”列中填写的密级"),
                         {"form": "form-field", "label": "column-header"})
    if line == level:
        kind = part_kind(part)
        listed = kind in _VALUE_LIST_PARTS and context is not None and context.lists_values()
        if kind in HEADER_PARTS and not listed:
            return MarkMatch("mark.bare-level", level, start, end,
                             Text(f"bare level {level} in the {part}", f"单独成行的密级“{level}”，位于{part_label(part)}"),
                             {"form": "bare"})
        if _head_line(text, line_start):
            return MarkMatch("mark.bare-level", level, start, end,
                             Text(f"bare level {level} at the head of the document", f"文件开头单独成行的密级“{level}”"),
                             {"form": "bare"})
        if listed:
            return Dropped(start, end, "level alone on a line among other values a 密级 field holds: a list's value")
        return Dropped(start, end, "level alone on a line, but not at the head of the document")
    if (_beside_head_elements(text[line_start:start], text[end:line_end]) and _document_head(text, line_start, part)
            and not _in_level_rows(text, line_start, line_end)):
        return MarkMatch("mark.bare-level", level, start, end,
                         Text(f"bare level {level} beside the copy number or urgency at the head of the document",
                              f"文件开头与份号或紧急程度并列的密级“{level}”"), {"form": "bare", "beside": "head-element"})
    return None


def _row_field(text: str, start: int, m: re.Match[str], line_start: int, line_end: int) -> MarkMatch | None:
    """The level in the cell after a cell that is only the 密级 label (at
    ``start``; ``m``: ``_FIELD_RE``'s match after it, across a separator): a
    form's row, 密级,机密 in a CSV, | 密级 | 机密 | in a pipe table, 密级；机密
    typed in a text, each of which was clear.  No field: a label inside a longer cell
    (最高密级, a sentence's 本文件密级), a value cell holding more than a level
    and its period (密级, 机密程度), a row listing more values after it (密级,绝密,
    机密,秘密: the levels counted in a table).  Only the cells beside the
    label are read, their text within ``_SHORT_CELL`` but for the blanks
    padding them (a drawn table's columns), however long the line.  The
    finding is the value cell's level and period, as a column's is: a
    redaction covers it and keeps the separator between the cells."""
    sep, level, stop = m.group("sep"), m.group("level"), m.end()
    cell_start = _cell_start(text, start, sep, line_start)
    if cell_start is None or not _field_label(text[cell_start:m.start("sep")].replace('"', "")):
        return None
    details: dict[str, Any] = {"form": "form-field", "label": "cell-before"}
    reason: str = Text("classification form field: the level in the cell after its 密级 label (a row's cells)",
                       "密级栏：“密级”后的单元格（同一行）填写的密级")
    if text.startswith("★", stop) and (parsed := _after_star(text, stop + 1, level)) and sep not in text[stop:parsed[0]]:
        stop, reason, details = parsed[0], join([parsed[1], Text("(form field)", "（密级栏）")], " ", ""), \
            {**parsed[2], "field": True, "label": "cell-before"}
    cell_end = _past_padding(text, stop, line_end)
    if cell_end < line_end:
        if text[cell_end] != sep:
            return None
        after = _past_padding(text, cell_end + 1, line_end)
        if _field_value(text[after:min(line_end, after + _SHORT_CELL)].split(sep, 1)[0].replace('"', "")):
            return None
    return MarkMatch("mark.form-field", level, m.start("level"), stop, reason, details)


def _past_padding(text: str, pos: int, end: int) -> int:
    """Where the padding of a row's cell (``_CELL_PADDING``) at ``pos`` ends, before ``end``."""
    padding = _CELL_PADDING.match(text, pos, end)
    assert padding is not None  # the padding may be empty
    return padding.end()


def _cell_start(text: str, pos: int, sep: str, line_start: int) -> int | None:
    """Where the cell holding ``pos`` starts, after ``sep`` or at the line's
    start, when it holds at most ``_SHORT_CELL`` characters before ``pos``
    that are not blanks."""
    at, kept = pos, 0
    while at > line_start and text[at - 1] != sep:
        at -= 1
        if text[at] not in " \t":
            kept += 1
            if kept > _SHORT_CELL:
                return None
    return at


def _beside_head_elements(before: str, after: str) -> bool:
    """Whether what stands beside a level on its line is only what GB/T 9704
    puts beside it at a document's head: the copy number before it (份号,
    six digits) and the urgency (特急, 加急) on either side (a sheet's first
    row ``000123 | 机密``, a CSV's ``000123,机密``, a header ``机密  特急``:
    normalising drops the blanks between them, so the level is not alone on
    its line)."""
    before, after = before.strip(_CELL_STRIP), after.strip(_CELL_STRIP)
    return bool(before or after) and (not before or bool(_BEFORE_LEVEL.fullmatch(before))) and (
        not after or bool(_AFTER_LEVEL.fullmatch(after)))


def _in_level_rows(text: str, line_start: int, line_end: int) -> bool:
    """A line next to this one also holds a level with at most a number or
    an urgency beside it: a table of levels (代码 | 密级: 001 | 绝密, 002 | 机密;
    密级 | 件数: 绝密 | 120000), not a document's head (found by a second reader)."""
    for bounds in (_line_before(text, line_start), _line_after(text, line_end)):
        line = text[slice(*bounds)]
        for level in LEVEL_WORDS:
            at = line.find(level)
            if at >= 0 and (not line[:at].strip(_CELL_STRIP)
                            or _beside_head_elements(line[:at], line[at + len(level):])):
                return True
    return False


def _line_before(text: str, line_start: int) -> tuple[int, int]:
    """The bounds of the nearest line before the one at ``line_start`` that is
    not empty (nor only the ``\\r`` of a line ended ``\\r\\n``)."""
    end = max(line_start - 1, 0)
    start = text.rfind("\n", 0, end) + 1
    while start > 0 and not text[start:end].strip("\r"):
        end = start - 1
        start = text.rfind("\n", 0, end) + 1
    return start, end


def _line_after(text: str, line_end: int) -> tuple[int, int]:
    """The bounds of the nearest line after the one ending at ``line_end`` that
    is not empty (nor only the ``\\r`` of a line ended ``\\r\\n``)."""
    start = min(line_end + 1, len(text))
    end = len(text) if (found := text.find("\n", start)) < 0 else found
    while end < len(text) and not text[start:end].strip("\r"):
        start = end + 1
        end = len(text) if (found := text.find("\n", start)) < 0 else found
    return start, end


def _in_level_table(text: str, line_start: int, line_end: int) -> bool:
    """A line next to this one also opens with a level: a table of levels and
    periods (绝密 三十年 / 机密 二十年), not a mark."""
    return any(text[slice(*bounds)].strip(_LABEL_STRIP).startswith(LEVEL_WORDS)
               for bounds in (_line_before(text, line_start), _line_after(text, line_end)))


def _field_label(text: str) -> bool:
    """Only the 密级 label (密级, 密级：, 【密级】, 项目密级, 密级（必填）): a form's
    cell, a column's header."""
    return bool(_QUALIFIED_LABEL.fullmatch(text.strip(_FIELD_LABEL_STRIP)))


def _field_value(line: str) -> bool:
    """A line a 密级 field's value could be: opening with a state-secret level
    (秘密, 机密★5年), or another level or 公开, 非密, 不涉密 alone."""
    value = line.strip(_LABEL_STRIP)
    return value.startswith(LEVEL_WORDS) or value in _FIELD_VALUE_SET


def _label_before(text: str, line_start: int, line_end: int) -> int | None:
    """Where the 密级 label starts when the line before this one (a level
    alone) is only that label and the line after is no value it could hold: a
    form's cells read in turn, 密级 and its value (a Word table's row, each
    cell a line), not a list of the values under a heading 密级 (绝密 / 机密 /
    秘密; a search page's filter, 秘密 / 内部 / 公开)."""
    start, end = _line_before(text, line_start)
    after = text[slice(*_line_after(text, line_end))]
    if not _field_label(text[start:end]) or _field_value(after):
        return None
    return text.index(FIELD_WORD, start, end)


class PartContext:
    """A part read whole where the grammar needs more than a hit's own lines,
    each reading done once, on the first hit that asks for it: a register of
    thousands of rows or an export of thousands of records is read once.

    ``column_field``: whether a span is a cell that a 密级 column's header
    makes that field's value (``_column_fields``; ``tables``: the part's
    tables whose cells are one per line, a Word table's).  ``lists_values``:
    whether the part's lines hold, alone on one, a value a 密级 field holds
    that is no state secret (公开, 内部): the part is then a list of values."""

    def __init__(self, norm: NormText, tables: tuple[CellGrid, ...] = ()) -> None:
        self.norm = norm
        self.tables = tables
        self._starts: list[int] | None = None
        self._ends: list[int] = []
        self._lists: bool | None = None

    def column_field(self, start: int, end: int) -> bool:
        """Whether the normalised span ``[start, end)`` lies in a cell that is a 密级 column's field."""
        if self._starts is None:
            labelled = FIELD_WORD in self.norm.text or bool(self.tables and _BROKEN_LABEL.search(self.norm.text))
            cells = _column_fields(self.norm.original, self.tables) if labelled else []
            self._starts, self._ends = [a for a, _ in cells], [b for _, b in cells]
        if not self._starts:
            return False
        os_, oe = self.norm.to_original(start, end)
        at = bisect.bisect_right(self._starts, os_) - 1
        return at >= 0 and oe <= self._ends[at]

    def lists_values(self) -> bool:
        """Whether a line of the part is only a value a 密级 field holds that
        is no state secret (公开, 内部, 非密): a list of records' values.  Other
        levels do not count: two pictures described 秘密 and 机密 are two
        marks, and each hid the other (found by a third reader)."""
        if self._lists is None:
            self._lists = any((value := line.strip(_LABEL_STRIP)) in _FIELD_VALUE_SET
                              and value not in STATE_SECRET_LEVELS for line in self.norm.text.split("\n"))
        return self._lists


def _cell_kind(cell: str) -> str:
    """``blank``, ``label`` (密级), a state-secret level alone (its name), ``level``
    (any other value a 密级 column holds: 公开, 内部, 机密★5年, and a register's
    同上 or a dash), ``choices`` (the values the column offers, a guidance
    row's （绝密/机密/秘密）: passed over as a blank cell is) or ``other``.  Read
    as other cells, 同上 and a dash ended a register's column after its first
    row, whose one level was then taken for a form's field."""
    if cell in _FIELD_VALUE_SET:  # as a register's cells mostly are: nothing to normalise
        return cell if cell in STATE_SECRET_LEVELS else "level"
    bare = cell.strip().lower()
    if not bare:
        return "blank"
    if bare in _REGISTER_VALUES:
        return "level"
    if len(cell) > _CHOICES_CELL or cell.isascii():
        return "other"
    value = "".join(normalize(cell).text.split()).strip(_FIELD_LABEL_STRIP)  # a narrow cell's 密<br>级 is 密级
    if _QUALIFIED_LABEL.fullmatch(value):  # 密级 itself, or qualified
        return "label"
    if len(set(_FIELD_VALUE_RE.findall(value))) > 1:
        return "choices"
    if len(cell) > _SHORT_CELL:
        return "other"
    if value in STATE_SECRET_LEVELS:
        return value
    return "level" if value.startswith(LEVEL_NAMES) or value in NOT_CLASSIFIED else "other"


_COLUMN_VALUES = frozenset({"level", *STATE_SECRET_LEVELS})
# the 密级 label cut by a line break inside its cell (a narrow column's 密<br>级, a Word cell's two paragraphs)
_BROKEN_LABEL = re.compile(r"密\s+级")


@functools.cache
def _spellings(char: str) -> str:
    """``char`` and every character that normalises to it (级: 級)."""
    return char + "".join(chr(code) for code, to in translation_table().items() if to == ord(char))


def may_hold_label(text: str) -> bool:
    """Whether ``text`` may hold the 密级 label, however spelt: a spelling of 密 and one of 级 are in it."""
    return any(ch in text for ch in _spellings("密")) and any(ch in text for ch in _spellings("级"))


@functools.cache
def _secret_char() -> re.Pattern[str]:
    return re.compile(f"[{re.escape(_spellings('密'))}]")


def label_lines(text: str) -> Iterator[tuple[int, int]]:
    """The bounds of each line of ``text`` that may hold the 密级 label
    (``may_hold_label``), in order: only the lines holding 密 are looked at."""
    pos = 0
    while (hit := _secret_char().search(text, pos)) is not None:
        start = text.rfind("\n", 0, hit.start()) + 1
        end = text.find("\n", hit.end())
        end = len(text) if end < 0 else end
        if may_hold_label(text[start:end]):
            yield start, end
        pos = end + 1


def label_cell(cell: str) -> bool:
    """Whether a table's cell is the 密级 label, however spelt or qualified: a column's header."""
    return may_hold_label(cell) and _cell_kind(cell) == "label"


def _column_fields(original: str, tables: tuple[CellGrid, ...] = ()) -> list[tuple[int, int]]:
    """The original spans of the cells that are a 密级 column's field, in
    order: a part read as a table, rows on lines and cells between tabs in its
    original text (a sheet's rows, a slide's table; normalising drops a tab
    between two Chinese cells, so the columns are read there), and where the
    part's cells are one per line (a Word table's), rows and columns from
    ``tables``, the grid its extractor gives, too; a cell holding only a
    state-secret level under a 密级 column's header.

    Down a 密级 column, blank cells are passed over; the column ends at a
    cell that is neither blank nor a level, on a line of as many cells as
    its header's or more.  A shorter line may be the rest of a row that a
    cell's own line break cut (Alt+Enter in a long file name), its cells
    shifted to the left of their columns: its cell in the column's place is
    passed over, not taken for the column's end.  The column's level is the
    field's value when it is its only one (a form's row, or the one value
    picked in a blank register); a column of several levels is a register's,
    each row another file's level, or a table of the levels (密级 / 件数: 绝密
    3, 机密 5), and is read as values, not fields (a register with a 秘密 row
    is not blocked for it, as its autofilter on 秘密 is not).  A row of one
    cell is not read here (``_label_before``)."""
    found = _read_columns(original, _tab_rows(original))
    for grid in tables:
        found += _read_columns(original, _grid_rows(original, grid))
    return sorted(set(found))


def _tab_rows(original: str) -> Iterator[tuple[int, str, list[tuple[int, int]] | None]]:
    """The rows of a text read as a table: (start, line, None), its cells between tabs."""
    pos = 0
    for line in lines_ended(original).split("\n"):
        yield pos, line, None
        pos += len(line) + 1


def _grid_rows(original: str, grid: CellGrid) -> Iterator[tuple[int, str, list[tuple[int, int]]]]:
    """The rows of a table given by its grid: (start, the row's text, its
    cells' spans by grid column, white space at their ends left out).  A
    cell merged over several columns stands in each (密级 over two columns,
    机密 under the second), a cell merged down repeats the one above it
    (a register's 机密 merged over three rows is three files' level), and a
    column no cell covers is an empty cell."""
    above: dict[int, tuple[int, int]] = {}
    for row in grid:
        if not row:
            continue
        spans: list[tuple[int, int]] = []
        for column, width, start, end, merged in row:
            text = original[start:end]
            start += len(text) - len(text.lstrip())
            end = max(start, end - (len(text) - len(text.rstrip())))
            spans += [(start, start)] * (column - len(spans))
            for at in range(column, column + width):
                span = above.get(at, (start, end)) if merged else (start, end)
                if at < len(spans):  # a cell overlapping the one before it: a damaged grid
                    break
                spans.append(span)
        above = dict(enumerate(spans))
        yield row[0][2], original[row[0][2]:row[-1][3]], spans


def _read_columns(original: str, rows: Iterable[tuple[int, str, list[tuple[int, int]] | None]]
                  ) -> list[tuple[int, int]]:
    """``_column_fields`` over ``rows``: (start, text, the cells' spans, or
    None where the cells are the text's between tabs)."""
    # a 密级 column being read -> the levels in it so far, the span of the
    # state-secret one standing alone in a row of cells, if any, and the cells of its header's line
    columns: dict[int, tuple[int, tuple[int, int] | None, int]] = {}
    found: list[tuple[int, int]] = []

    def close(column: int) -> None:
        levels, span, _ = columns.pop(column, (0, None, 0))
        if levels == 1 and span is not None:
            found.append(span)

    # only the cells that may be a 密级 label or lie in a 密级 column are read, each
    # normalised: a sheet about 保密 has 密 in many cells
    for pos, line, spans in rows:
        labels = may_hold_label(line)
        if labels or columns:
            cells = line.split("\t") if spans is None else [original[s:e] for s, e in spans]
            for column in range(len(cells)) if labels else [c for c in columns if c < len(cells)]:
                cell = cells[column]
                if column not in columns and not may_hold_label(cell):
                    continue
                kind = _cell_kind(cell)
                if kind == "label":
                    close(column)
                    columns[column] = (0, None, len(cells))
                elif kind in _COLUMN_VALUES:
                    if column in columns:
                        levels, span, width = columns[column]
                        if kind != "level" and len(cells) > 1:
                            # the cell's start, after its tabs
                            at = pos + sum(map(len, cells[:column])) + column if spans is None else spans[column][0]
                            span = (at, at + len(cell))
                        columns[column] = (levels + 1, span, width)
                elif kind == "other" and column in columns and len(cells) >= columns[column][2] \
                        and not _across(spans, column):
                    close(column)
    for column in list(columns):
        close(column)
    return sorted(found)


def _across(spans: list[tuple[int, int]] | None, column: int) -> bool:
    """A grid's cell that runs across ``column`` from one before it, or a row
    of one cell across all its columns (a heading between a header and its
    rows, 第一批): passed over as a sheet's line of one cell is, not taken for
    the end of its columns.  A heading across the first columns only (第一批
    over 文件名称 and 密级, 份数 left blank) ended the 密级 column, and the
    机密 under it was clear (found by a second reader)."""
    if spans is None or len(spans) < 2:
        return False
    if 0 < column < len(spans) and spans[column] == spans[column - 1] and spans[column][0] < spans[column][1]:
        return True
    return spans.count(spans[0]) == len(spans)


def _misplaced_star(text: str, start: int, end: int, line_start: int, line_end: int, level: str,
                    part: str) -> MarkMatch | None:
    """A head line of only a level and a period, its ★ lost or out of place."""
    body = text[line_start:line_end].rstrip(" \t\r")
    stop = line_start + len(body)
    trailing_star = body.endswith("★")
    period_end = stop - 1 if trailing_star else stop
    while period_end > end and text[period_end - 1] in " \t":
        period_end -= 1
    parsed = _period_only(text, end, period_end, level)
    if parsed is None or not _document_head(text, line_start, part) or _in_level_table(text, line_start, line_end):
        return None
    first = line_start + len(body) - len(body.lstrip(" \t"))
    reason, details = parsed
    return MarkMatch("mark.state-secret", level, first, stop,
                     join([reason, Text("at the head of the document, its ★ missing or out of place",
                                        "位于文件开头，★缺失或位置不对")]),
                     {**details, "star": "misplaced" if trailing_star or first < start else "missing"})
