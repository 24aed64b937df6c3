"""The state-secret mark grammar, evaluated only at anchors the automaton found.

Forms (Provisional Rules on Classification Management, Art. 24; GB/T 9704):
``密级★保密期限`` (秘密★1年, 机密★二十年, 秘密★6个月, 绝密★长期),
``密级★解密时间`` (机密★2030年12月31日, 秘密★2027.6.30),
``密级★解密条件`` (机密★工程验收后解密, 绝密★启用前),
a bare level alone on a line at the head of a document or in a header,
and form fields (密级：秘密; a form's cells read in turn, 密级 on one line and
机密 alone on the next; 机密 alone in its cell under a 密级 column's header,
the column's only level; the value with its period beside it, 机密 10年, or
秘密级; the label 保密级别, 保密等级, 涉密等级 or 涉密级别; a record's key or
element, "secretLevel": "机密").  Mentions are not marks: 绝密级, 机密级国家秘密,
机密性, 秘密花园, a mark quoted inside a sentence.

At the head of a document (its first lines, a header, a cover: where GB/T
9704 and Art. 24 put the mark) a line that starts with a level and ★ is a
mark whatever follows the star (机密★解密条件：项目验收后, an unknown period
phrase), and a line holding only a level and a period is a mark with its ★
lost or out of place (秘密 一年, ★秘密 一年, 秘密 一年 ★: what a PDF printed with
the star in a fallback font reads as in stream order).  In running text
neither is a mark.

A bare level is a mark where marks are put (``_mark_place``): a header-like
part (a header, a footer, a slide master, a property), the document's first
three lines and its opening lines before the text (a cover), a page's or a
slide's first and last lines (its header and footer bands, printed).  There
it stands alone on its line (so too at an attachment's head, after its 附件
line), or as a field of its own beside other text, set apart by the tab
stops, runs of blanks or cells' separators of the original text, which
normalising drops (a header's unit and 机密 at its tab stops read
XX研究院科研管理处机密); or in brackets opening or closing a title (a
file's name, a mail's subject: 【机密】关于…的通知, 某方案（机密）).  Alone on
a line elsewhere it is ``mark.level-line``, for a person to check.  None
of these in a list of the levels or a table of levels and periods (a
neighbouring line of levels), nor past the head in a form's or a register's
rows (from its 密级 label on), whose levels the label's and the columns'
grammar reads.

All matching happens on normalised text (see scanner.normalize), so spaces,
zero-width characters, full-width digits, other stars and traditional
characters have already been folded.
"""
from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from ..lang import Text, join, part_kind, part_label
from ..levels import FIELD_NAMES, FIELD_VALUES, LEVEL_LABELS, LEVEL_NAMES, LEVELS, NOT_CLASSIFIED, STATE_SECRET_LEVELS
from ..normalize import NormText, normalize
from ..normalize.chars import CJK, lines_ended, translation_table
from ..types import CellGrid
from .loose_rows import KEY_VALUE_ENDS, LOOSE_SEPARATORS, laid_out_as_row, past_list_marker
from .ticked import Choice, Ticked, ticked_after, ticked_choice

LEVEL_WORDS = STATE_SECRET_LEVELS
FIELD_WORD = "密级"
DEFAULT_MAX_YEARS = {level.name: level.max_years for level in LEVELS if level.max_years is not None}

# parts where a bare level line counts anywhere, not only at the head: headers,
# and parts whose every line is a whole text of its own (a property's value; an
# attribute's: a picture's alt text, a tooltip, a field's entry), the head of
# no flow, so that a picture's alt text 机密 counts whatever alt texts precede it;
# and the text of slide masters and layouts, which every slide under them shows
# (a 机密 text box on the master was clear: found by the red-team run)
HEADER_PARTS = ("header", "footer", "title", "html-title", "properties", "metadata", "attributes", "master")
# of those, the parts whose lines may be the values of a list, each another
# record's or another choice (an XML export's attributes, a page's data-*
# values, a select's options): a level there among other values a 密级 field
# holds (公开, 内部, another level) is one of them, a bare mark only at the head
_VALUE_LIST_PARTS = ("attributes",)
HEAD_LINES = 3
# parts whose head is not the document's: a later page or slide
_LATER_PAGE = re.compile(r"(?:page|slide|notes):(?!1(?::|$))")
# a document's opening lines before its running text, up to this many: a cover (unit, title, （2025年度）, 机密,
# date) or a web page's navigation before the article's title; a level alone on its fourth line was clear
# (found by the red-team run)
HEAD_BLOCK_LINES = 6
# parts that are a printed page or a slide, and how many of their first and last lines are its header and
# footer bands: a Word header of four lines printed to PDF, a footer's 机密 as a page's last line, a slide's
# footer or top-right text box after its title and subtitle were clear (found by the red-team run)
_PAGED = ("page", "slide")
PAGE_BAND_LINES = 4
# the line before an attachment's own head (附件, 附件2, 附件一：), where GB/T 9704 marks it again
_ATTACHMENT = re.compile(r"附件[0-9一二三四五六七八九十]{0,3}[:：]?")

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
# half a minute.  A ★ may stand before the level (密级：★机密), and 级 after it (密级：秘密级: a form's value when
# nothing follows it, ``_field``); both were clear (found by the red-team run).  Also as Markdown's bold
# (its ** normalised to ★★: **密级**：**机密**, **密级：** 机密), with empty cells between label and value (密级,,机密,
# an export's merged cells, at most ``_EMPTY_CELLS``), and after = or / (密级=机密, 密级 / 机密), which
# ``_row_field`` reads as separators only on a line laid out so (scanner.match.loose_rows); each was clear
_WITH_PERIOD = r"(?:及|和|与|、|/)保密期限"  # the period asked beside the level: 密级及保密期限
_LABEL_NOTE = rf"(?:[（(][^（）()\n]{{0,10}}[）)]|[*★]{{1,2}}+|{_WITH_PERIOD}|程度)?"
_EMPTY_CELLS = 8
_TO_LEVEL = (rf"(?:[ \t]*+(?P<close>[\]】)〕》」』])?[ \t]*+[:：]?(?:★★)?[ \t]*+(?P<under>_++[ \t]*+)?|[\]】)〕>》」』]?[ \t]*+[:：]?[ \t]*+\"?[ \t]*+"
             rf"(?P<sep>[{re.escape(_CELL_SEPARATORS + LOOSE_SEPARATORS)}])"
             rf"(?P<empty>(?:[ \t]*+(?P=sep)){{1,{_EMPTY_CELLS}}}+)?[ \t]*+\"?[ \t]*+)"
             r"(?:(?P<open>[（(【\[〔「『])[ \t]*+)?★{0,2}+")
_FIELD_RE = re.compile(rf"{_LABEL_NOTE}{_TO_LEVEL}(?P<level>{'|'.join(LEVEL_WORDS)})(?P<ji>级)?"
                       r"(?(open)(?=[ \t]*[）)】\]〕」』★]))")
# before a level: the key a record names it by, quoted as JSON writes it ("secretLevel": "机密", "密级": "机密"), or
# an ASCII one bare as YAML or a query writes it (mj: 机密, mj=机密), or another label forms use (保密级别：机密,
# | 保密等级 | 机密 |) with what a form adds to 密级 (each was clear: found by the red-team run).  Searched back from
# the level over at most ``_NAMED_REACH`` characters of its line, so a hit costs the same however long its line
_KEY_NAMES = "|".join(sorted(FIELD_NAMES, key=lambda name: (-len(name), name)))
_BARE_KEYS = "|".join(sorted((name for name in FIELD_NAMES if name.isascii()), key=lambda name: (-len(name), name)))
_NAMED_BEFORE = re.compile(rf"(?:(?:(?P<quote>[\"'])(?P<key>{_KEY_NAMES})(?P=quote)|(?<![a-z0-9_.-])(?P<bare>{_BARE_KEYS}))"
                           rf"[ \t]*+[:=][ \t]*+(?P<value_quote>[\"'])?"
                           rf"|(?P<label>{'|'.join(LEVEL_LABELS)}){_LABEL_NOTE}{_TO_LEVEL})\Z")
_NAMED_REACH = 64
# what ends a record's unquoted value after its key: a blank, a YAML comment, the next field of a flow mapping or a query
_KEY_VALUE_ENDS = frozenset(" \t\r,;&}]#")
# what before a label makes it no record's level, inline as in a table's cell (``_QUALIFIED_LABEL``): what a
# product is rated for (适用密级：机密 in a shredder's specification, 最高密级：机密 a safe's) and a verb's object
# (确定密级); each blocked inline (found by the red-team run)
_NOT_THE_RECORDS = ("适用", "最高", "确定")
# a period beside the level without its ★, as forms fill a 密级及保密期限 cell in: 机密 10年, 机密（10年）, 机密/十年
_PERIOD_WORDS = rf"{_NUM}[ \t]*(?:年|个月)|长期"
_BESIDE_PERIOD = re.compile(rf"[ \t]*+(?:/[ \t]*+|(?P<open>[（(])[ \t]*+)?(?P<period>{_PERIOD_WORDS})")
# a cell's value (normalised, blanks and outer brackets gone) that is a level with more than itself: its period
# beside it (机密10年, 机密(10年, 机密/十年) or 级 (秘密级)
_FILLED_CELL = re.compile(rf"(?P<level>{'|'.join(LEVEL_WORDS)})级?(?:/?(?:{_PERIOD_WORDS})|[（(](?:{_PERIOD_WORDS})[）)]?)?")
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
# closing bracket stripped with the label's marks), a required field's star; or another label forms use (保密级别)
_LABELLED = "项目|课题|文件|文档|资料|成果|合同|档案|图纸|材料|原件|载体|事项|信息|数据|报告|论文|稿件|公文|来文|原文件"
_LABEL_WORD = re.compile("|".join((*LEVEL_LABELS, FIELD_WORD)))
_QUALIFIED_LABEL = re.compile(rf"\*?(?:{_LABELLED})?(?:{_LABEL_WORD.pattern})(?:{_WITH_PERIOD}|程度)?"
                              r"(?:[（(][^（）()]{0,24}[）)]?)?\*?")
# what ends a field's value on its line: a clause's end but a list's 、 (密级：机密级、秘密级 names them), a cell's
# separator, a closing bracket or quote, a blank, the ★ before its period
_VALUE_ENDS = frozenset(CLAUSE_ENDS + _CELL_SEPARATORS + _CLOSE_QUOTES + "）)】]〕」』 \t\r★")
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


_Reading = TypeVar("_Reading")


def once_per_text(read: Callable[[str], _Reading]) -> Callable[[str], _Reading]:
    """``read`` of a text worked out once and kept for the last text asked
    about (by identity: a part's hits are read in a row), where reading the
    whole text again for each hit took time growing with their square."""
    last: tuple[str | None, Any] = (None, None)

    @functools.wraps(read)
    def reading(text: str) -> _Reading:
        nonlocal last
        if last[0] is not text:
            last = (text, read(text))
        result: _Reading = last[1]
        return result
    return reading


_last_line: tuple[str, int, int] = ("", 0, -1)  # the last text asked about and the last line found in it


def _line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The bounds of the line holding ``[start, end)``: the hits on one line
    reuse it, where finding it again for each hit took time growing with
    the square of the line's length (40,000 levels on one line)."""
    global _last_line
    cached, line_start, line_end = _last_line
    if cached is text and line_start <= start and end <= line_end:
        return line_start, line_end
    line_start = text.rfind("\n", 0, start) + 1
    found = text.find("\n", end)
    line_end = len(text) if found < 0 else found
    _last_line = (text, line_start, line_end)
    return line_start, line_end


def _head_line(text: str, line_start: int) -> bool:
    """True when the line starting at ``line_start`` is among the first
    non-empty lines of the part (the head block of a document)."""
    return line_start <= _head_end(text)


_NOT_BLANK = re.compile(r"\S")
# what may stand around a level alone on its line, and blanks alone (matched over a range: nothing copied)
_PADDING = re.compile(f"[{re.escape(_LABEL_STRIP)}]*")
_BLANKS = re.compile(r"\s*")
# a line of running text, not a title's: it holds a clause's end, or ends with a colon (各单位：)
_RUNNING = re.compile(rf"[{re.escape(CLAUSE_ENDS)}]|[:：]\s*\Z")


class _Edges(NamedTuple):
    """Where a text's head and bands end, each line compared by where it starts."""

    head: int  # the ``HEAD_LINES``-th non-empty line's start (past the end when fewer): lines up to it are head lines
    block: int  # the last opening line's start before running text (``HEAD_BLOCK_LINES`` at most; -1: none)
    top: int  # the ``PAGE_BAND_LINES``-th non-empty line's start (past the end when fewer): a page's header band
    bottom: int  # the ``PAGE_BAND_LINES``-th non-empty line's start from the end (0 when fewer): its footer band


@once_per_text
def _edges(text: str) -> _Edges:
    """``text``'s ``_Edges``, from its first and last lines, once per text:
    counting the lines before each hit took time growing with their square
    (10,000 lines of 机密: 15 s)."""
    past = len(text) + 1
    starts: list[int] = []
    block, pos = -1, 0
    while len(starts) < max(HEAD_LINES, HEAD_BLOCK_LINES, PAGE_BAND_LINES) and (
            m := _NOT_BLANK.search(text, pos)) is not None:
        line_start = text.rfind("\n", 0, m.start()) + 1
        newline = text.find("\n", m.start())
        pos = len(text) if newline < 0 else newline
        if block == len(starts) - 1 and len(starts) < HEAD_BLOCK_LINES and not _RUNNING.search(text, line_start, pos):
            block = len(starts)
        starts.append(line_start)
    bottom, count, line_end = 0, 0, len(text)
    while count < PAGE_BAND_LINES and line_end >= 0:
        line_start = text.rfind("\n", 0, line_end) + 1
        if _NOT_BLANK.search(text, line_start, line_end):
            count, bottom = count + 1, line_start
        line_end = line_start - 1
    return _Edges(starts[HEAD_LINES - 1] if len(starts) >= HEAD_LINES else past, -1 if block < 0 else starts[block],
                  starts[PAGE_BAND_LINES - 1] if len(starts) >= PAGE_BAND_LINES else past,
                  bottom if count == PAGE_BAND_LINES else 0)


def _head_end(text: str) -> int:
    """Where the ``HEAD_LINES``-th non-empty line of ``text`` starts (past the end when it has fewer)."""
    return _edges(text).head


def _document_head(text: str, line_start: int, part: str) -> bool:
    """A header-like part, or the first lines of the document (not of a
    later page, whose first lines may be a table of levels and periods)."""
    if part_kind(part) in HEADER_PARTS:
        return True
    return not _LATER_PAGE.match(part) and _head_line(text, line_start)


def _in_band(text: str, line_start: int, part: str) -> bool:
    """Whether the line at ``line_start`` is in the header or footer band of a page or a slide."""
    if part_kind(part) not in _PAGED:
        return False
    edges = _edges(text)
    return line_start <= edges.top or line_start >= edges.bottom


def _in_head_block(text: str, line_start: int, part: str) -> bool:
    """Whether the line at ``line_start`` is among the document's opening lines, before its running text."""
    return not _LATER_PAGE.match(part) and line_start <= _edges(text).block


def _mark_place(text: str, line_start: int, line_end: int, part: str) -> bool:
    """Where marks are put: a header-like part, the document's head and
    opening lines, a page's or a slide's header and footer bands; not the
    lines of a form or a register from its 密级 label on (``_in_form``)."""
    if part_kind(part) in HEADER_PARTS:
        return True
    return not _in_form(text, line_end) and (
        _document_head(text, line_start, part) or _in_head_block(text, line_start, part) or _in_band(
            text, line_start, part))


def _in_form(text: str, line_end: int) -> bool:
    """Whether the line ending at ``line_end`` holds the part's first 密级
    label (or another label forms use), or follows it: a form's or a
    register's rows, whose levels are its fields and its records' values
    (a Word register's cells, a line each; a printed form's), read by the
    label's and the columns' grammar, not as marks beside other text or
    past the head (a register's row 2 | 第2号文件 | 机密 blocked).  Above
    the label stands its title (统计表 | 机密)."""
    return _first_label(text) < line_end


@once_per_text
def _first_label(text: str) -> int:
    """Where the text's first 密级 label (or another label forms use) stands (its length when none)."""
    return min((at for label in (FIELD_WORD, *LEVEL_LABELS) if (at := text.find(label)) >= 0), default=len(text))


def _starts_line(text: str, line_start: int, start: int) -> bool:
    return _PADDING.fullmatch(text, line_start, start) is not None


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
    before = start - 1  # read over the blanks beside the quotes, not the rest of the line
    while before > line_start and text[before - 1].isspace():
        before -= 1
    after = _BLANKS.match(text, end + 1, line_end)
    assert after is not None  # blanks may be none
    before, past = _past_quotations(text, before, after.end(), line_start, line_end) if text[
        start - 1] in _PAIRED_QUOTES else (before, after.end())
    return (before > line_start and text[before - 1].isalnum()) or (past < line_end and text[past].isalnum())


# the quotes of a quotation in a sentence (not ASCII ones, a CSV field's), opening -> closing
_PAIRED_QUOTES = {"“": "”", "‘": "’", "「": "」", "『": "』"}
_QUOTATIONS_AROUND = 4  # the most quotations beside one read over
_QUOTATION_CHARS = 24  # and the most a neighbouring one holds


def _past_quotations(text: str, before: int, after: int, line_start: int, line_end: int) -> tuple[int, int]:
    """``before`` and ``after`` moved over the quotations beside a quoted mark, touching it or after 、 or a comma
    (如“秘密★1年”“机密★5年”: the second was read as a value, the words beside it being its neighbour's quotes,
    and blocked, found by the red-team run): the sentence's words beside the list are beside each."""
    for _ in range(_QUOTATIONS_AROUND):
        at = before
        while at > line_start and text[at - 1] in " \t、,":
            at -= 1
        closing = text[at - 1] if at > line_start else ""
        opening = next((o for o, c in _PAIRED_QUOTES.items() if c == closing), None)
        found = -1 if opening is None else text.rfind(opening, max(line_start, at - _QUOTATION_CHARS - 1), at - 1)
        if found < 0:
            break
        before = found
    for _ in range(_QUOTATIONS_AROUND):
        at = after
        while at < line_end and text[at] in " \t、,":
            at += 1
        closes = _PAIRED_QUOTES.get(text[at]) if at < line_end else None
        found = -1 if closes is None else text.find(closes, at + 1, min(line_end, at + _QUOTATION_CHARS + 2))
        if found < 0:
            break
        after = found + 1
    return before, after


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
        return None if m is None else _field(text, start, m, line_start, line_end)
    if (labelled := _level_field(text, start, end, line_start, line_end, context)) is not None:
        return labelled
    if (ticked := ticked_choice(text, start, end, line_start, line_end)) is not None:
        return _ticked_field(text, ticked, anchor, line_start)

    level = anchor
    nxt = text[end:end + 1]
    if nxt == "级":
        return _ji_star(text, start, end, line_start, line_end, level) or Dropped(
            start, end + 1, f"{level}级 names a level in running text")
    if text[max(line_start, start - 3):start].endswith(("密级:", "密级", "密级：")):
        return None  # the form-field anchor reports this one
    if nxt == "★":
        if text[end + 1:end + 2] == "★":
            # Markdown's bold (**机密**, its ** normalised to ★★) in a 密级 column's cell is its value, as 机密 is
            if (start >= 2 and text.startswith("★★", start - 2) and text[end + 2:end + 3] != "★"
                    and context is not None and context.column_field(start, end)):
                return MarkMatch("mark.form-field", level, start, end,
                                 Text("classification form field: the level in a 密级 column, under its header",
                                      "密级栏：表格“密级”列中填写的密级"), {"form": "form-field", "label": "column-header"})
            return Dropped(start, end + 2, "more than one star: a rating, not a mark")
        parsed = _after_star(text, end + 1, level)
        if parsed:
            stop, reason, details = parsed
            if _quoted_mention(text, start, stop, line_start, line_end):
                return Dropped(start, stop, "mark quoted inside a sentence: a mention")
            return MarkMatch("mark.state-secret", level, start, stop, reason, details)
        if _BLANKS.fullmatch(text, end + 1, line_end):
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
    # whether the level starts its line and stands alone on it, read from the level outwards: the
    # line is not copied for each hit (a line of 40,000 levels took time growing with its square)
    first = _starts_line(text, line_start, start)
    alone = first and _PADDING.fullmatch(text, end, line_end) is not None
    if first and not alone and (misplaced := _misplaced_star(text, start, end, line_start, line_end, level, part)):
        return misplaced
    if alone and (label := _label_before(text, line_start, line_end)) is not None:
        return MarkMatch("mark.form-field", level, label, end,
                         Text("classification form field: the level on the line after its 密级 label "
                              "(a form's cells read in turn)", "密级栏：“密级”后的单元格（下一行）填写的密级"),
                         {"form": "form-field", "label": "line-before"})
    if context is not None and context.column_field(start, end):
        return MarkMatch("mark.form-field", level, start, end,
                         Text("classification form field: the level in a 密级 column, under its header",
                              "密级栏：表格“密级”列中填写的密级"),
                         {"form": "form-field", "label": "column-header"})
    if alone:
        return _alone(text, start, end, line_start, line_end, level, part, context)
    if (start - line_start <= _HEAD_SIDE and line_end - end <= _HEAD_SIDE
            and _beside_head_elements(text[line_start:start], text[end:line_end])
            and _document_head(text, line_start, part) and not _in_level_rows(text, line_start, line_end)):
        return MarkMatch("mark.bare-level", level, start, end,
                         Text(f"bare level {level} beside the copy number or urgency at the head of the document",
                              f"文件开头与份号或紧急程度并列的密级“{level}”"), {"form": "bare", "beside": "head-element"})
    if text[start - 1:start] == "★" and (swapped := _swapped(text, start, end, line_start, line_end, level)):
        return swapped
    return _set_apart(text, start, end, line_start, line_end, level, part, context)


def _field(text: str, label: int, m: re.Match[str], line_start: int, line_end: int) -> MarkMatch | Dropped | None:
    """The form field whose label starts at ``label`` (密级, or another label forms use), ``m`` being
    ``_FIELD_RE``'s match after the label: its level, 级 and period on its line (密级：机密, 密级：机密★10年,
    密级：机密 10年), or across a separator the next cell's (``_row_field``).  No field: 级 with more after it
    (密级：机密级以上), a label what a product is rated for or a verb's object (``_NOT_THE_RECORDS``), and a field
    modifying a noun (问：标注密级：机密的文件能否…？, found by the red-team run: it blocked)."""
    if m.group("sep") is not None:
        return _row_field(text, label, m, line_start, line_end)
    level, stop = m.group("level"), m.end()
    if not _cover_label(text, label, m, stop, line_end):
        return None
    # Markdown's bold around the label or the value (**密级**：**机密**) is passed over to read what stands beside
    # them: 适用**密级**, **机密**的文件 and **机密**级以上 blocked where their plain forms do not (a second reader)
    lead = label - 2 if label >= 2 and text.startswith("★★", label - 2) else label
    if text.endswith(_NOT_THE_RECORDS, max(line_start, lead - 2), lead):
        return Dropped(label, stop, "what a product is rated for or a verb's object (适用密级, 最高密级, 确定密级): "
                                    "not a record's level")
    if (after := ticked_after(text, m.start("level"), line_end)) is not None:
        return _ticked_after_field(label, after, stop)
    if m.group("ji") and not _value_ends(text, stop, line_end):
        return Dropped(label, stop, f"{level}级 after 密级 is a mention, not a form field")
    if text.startswith("★★", stop):
        bold_end = stop + 2
        if text.startswith("的", bold_end) or (text.startswith("级", bold_end)
                                              and not _value_ends(text, bold_end + 1, line_end)):
            return Dropped(label, bold_end + 1, f"{level} after 密级, in bold, goes on as a mention (**机密**的文件, "
                                                "**机密**级以上), not a form field")
    details: dict[str, Any] = {"form": "form-field"}
    reason: str = Text("classification form field", "密级栏")
    if (parsed := _period_after(text, stop, level)) is not None:
        stop, reason, details = parsed[0], join([parsed[1], Text("(form field)", "（密级栏）")], " ", ""), \
            {**parsed[2], "field": True}
    if text.startswith("的", stop):
        return Dropped(label, stop + 1, "form field modifying a noun (标注密级：机密的文件): a mention")
    return MarkMatch("mark.form-field", level, label, stop, reason, details)


# what opens a label that a closing bracket after it closes: 【密级】机密, Security Classification（密级）：机密
_LABEL_OPENING = "【[（(〔《「『"


def _cover_label(text: str, label: int, m: re.Match[str], stop: int, line_end: int) -> bool:
    """Whether a thesis's or an application's cover spells the field so: the label in brackets (【密级】机密,
    Security Classification（密级）：机密), its value after a colon or ending there; or the value typed over a
    template's blank of underscores (密级＿机密＿＿, 密级__机密__), underscores or the line's end after it.  Each
    was clear (found by the red-team run).  A label and a level with neither are read as before."""
    if m.group("close") is not None and not (
            label > 0 and text[label - 1] in _LABEL_OPENING
            and (":" in text[m.start("close"):m.start("level")] or _value_ends(text, stop, line_end)
                 or text.startswith(("【", "["), stop))):
        return False
    return m.group("under") is None or text.startswith("_", stop) or _BLANKS.fullmatch(text, stop, line_end) is not None


def _ticked_after_field(label: int, ticked: list[Choice], stop: int) -> MarkMatch | Dropped:
    """A field whose choices each have their box after them (密级：绝密□ 机密√ 秘密□): its value is the ticked
    state-secret level (the first, when more are ticked), not the first choice it blocked on before; none ticked
    is a blank form's choices (it blocked on 绝密)."""
    chosen = next((choice for choice in ticked if choice.value in STATE_SECRET_LEVELS), None)
    if chosen is None:
        return Dropped(label, stop, "the choices a 密级 field offers, no state-secret level ticked after its value")
    return MarkMatch("mark.form-field", chosen.value, chosen.start, chosen.end,
                     Text("classification form field: the level ticked among the choices its 密级 label offers",
                          "密级栏：“密级”所列选项中勾选的密级"),
                     {"form": "form-field", "label": "ticked-choice", "tick": chosen.box})


def _value_ends(text: str, pos: int, line_end: int) -> bool:
    """Whether a field's value ends at ``pos``: its line does, or a character of ``_VALUE_ENDS`` follows."""
    return pos >= line_end or text[pos] in _VALUE_ENDS


def _period_after(text: str, pos: int, level: str) -> tuple[int, str, dict[str, Any]] | None:
    """The period, time or condition after a field's level at ``pos``, after its ★, or its period beside it without
    one (``_beside_period``): (end, reason, details) or None."""
    if text.startswith("★", pos):
        return _after_star(text, pos + 1, level)
    return _beside_period(text, pos, level)


def _beside_period(text: str, pos: int, level: str) -> tuple[int, str, dict[str, Any]] | None:
    """A period or 长期 after a level at ``pos`` without a ★, after a blank or a slash or in brackets (机密 10年,
    机密（10年）, 机密/十年), as forms fill a 密级及保密期限 field in: no date, which may be the document's own."""
    m = _BESIDE_PERIOD.match(text, pos)
    if m is None or (parsed := _after_star(text, m.start("period"), level)) is None or parsed[2]["form"] != "period":
        return None
    stop = parsed[0]
    if m.group("open"):
        if text[stop:stop + 1] not in ("）", ")"):
            return None
        stop += 1
    return stop, parsed[1], parsed[2]


def _level_field(text: str, start: int, end: int, line_start: int, line_end: int,
                 context: PartContext | None) -> MarkMatch | Dropped | None:
    """The field whose value is the level at ``[start, end)`` where no 密级 anchor finds it: named by a record's key
    or another label before it on its line (``_named_field``), or holding more than the level after a label on
    the line before or under a column's header (``_filled_level``).  Read before the level's own grammar, which
    takes a level before 级 for a mention."""
    named = _NAMED_BEFORE.search(text, max(line_start, start - _NAMED_REACH), start)
    if named is not None:
        return _named_field(text, named, start, end, line_start, line_end)
    return _filled_level(text, start, end, line_start, line_end, context)


# what may stand between a label and its choices on their line: a note, a colon, blanks, a cell's separator
_TO_CHOICES = re.compile(rf"{_LABEL_NOTE}[\]】)]?[ \t:：,;|]*+")


def _ticked_field(text: str, ticked: Ticked, level: str, line_start: int) -> MarkMatch | None:
    """The level ticked among a 密级 field's printed choices (``scanner.match.ticked``: 密级：□绝密 ☑机密 □秘密) is
    its value: the choices after the label on their line (a sheet's row, 密级\t□绝密\t☑机密), or alone on the
    line after a line that is only the label (a Word table's cells, a line each).  Not a product's rating nor a
    verb's object (适用密级：☑机密, ``_NOT_THE_RECORDS``)."""
    label = None
    for label in _LABEL_WORD.finditer(text, max(line_start, ticked.first - _SHORT_CELL - 8), ticked.first):
        pass  # the last one before the choices
    if label is not None:
        if not _TO_CHOICES.fullmatch(text, label.end(), ticked.first) or text.endswith(
                _NOT_THE_RECORDS, max(line_start, label.start() - 2), label.start()):
            return None
    elif not (_BLANKS.fullmatch(text, line_start, ticked.first)
              and _field_label(text[slice(*_line_before(text, line_start))])):
        return None
    return MarkMatch("mark.form-field", level, ticked.box, ticked.end,
                     Text("classification form field: the level ticked among the choices its 密级 label offers",
                          "密级栏：“密级”所列选项中勾选的密级"),
                     {"form": "form-field", "label": "ticked-choice", "tick": ticked.glyph})


def _named_field(text: str, named: re.Match[str], start: int, end: int, line_start: int,
                 line_end: int) -> MarkMatch | Dropped | None:
    """The level at ``[start, end)`` after its key or label (``named``, ``_NAMED_BEFORE``'s match).  A key's value is
    exactly the level, its ★ and period with it: its quote closes after it, or unquoted its field ends there (not
    mj: 机密文件).  A label's is read as 密级's (``_field``)."""
    if (label := named.group("label")) is not None:
        m = _FIELD_RE.match(text, named.start("label") + len(label))
        return _field(text, named.start("label"), m, line_start, line_end) if m and m.start("level") == start else None
    level, stop = text[start:end], end
    details: dict[str, Any] = {"form": "form-field", "label": "key"}
    reason: str = Text("classification form field: the level a record's key names", "密级栏：记录中“密级”字段的值")
    if text.startswith("★", stop) and (parsed := _after_star(text, stop + 1, level)):
        stop, reason, details = parsed[0], join([parsed[1], Text("(a record's 密级 field)", "（记录的密级字段）")], " ", ""), \
            {**parsed[2], "field": True, "label": "key"}
    quote = named.group("value_quote")
    if not (text.startswith(quote, stop) if quote else stop >= line_end or text[stop] in _KEY_VALUE_ENDS):
        return None
    key = named.start("key") if named.group("key") is not None else named.start("bare")
    if len(_keyed_levels(text)) > 1:
        return Dropped(key, stop, "a key naming several levels in the part: a code list's or records' values")
    return MarkMatch("mark.form-field", level, key, stop, reason, details)


# a record's key and the level it names, anywhere in a text (its line's structure aside)
_KEYED_LEVEL = re.compile(rf"(?:{_KEY_NAMES})[\"']?[ \t]*+[:=][ \t]*+[\"']?({'|'.join(LEVEL_WORDS)})")


@once_per_text
def _keyed_levels(text: str) -> frozenset[str]:
    """The levels the part's keys name (mj: 机密), once per text: a key
    naming more than one is a code list's (a 代码表 of every level, a form's
    options in a config) or records' (an export of several files), values
    of a list, as a register's column is, not one record's level (each such
    list blocked: found by a second reader)."""
    return frozenset(m.group(1) for m in _KEYED_LEVEL.finditer(text))


def _filled_level(text: str, start: int, end: int, line_start: int, line_end: int,
                  context: PartContext | None) -> MarkMatch | None:
    """A level filled in with more than itself, its period beside it without a ★ (机密 10年, 机密（10年）, 机密/十年)
    or 级 (秘密级), as a form's cell holds it: alone on its line after a line that is only the label (a Word
    table's cells read a line each, ``_label_before``), or in a 密级 column's cell.  The level's own grammar reads
    such a line as a mark only at a document's head, and 秘密级 as a mention: a 发文稿纸's 密级及保密期限 | 机密 10年
    was clear (found by the red-team run; the same form saved as a .doc, a page or a PDF blocked)."""
    level, stop = text[start:end], end + text.startswith("级", end)
    details: dict[str, Any] = {"form": "form-field"}
    reason: str = Text("classification form field", "密级栏")
    if (parsed := _beside_period(text, stop, level)) is not None:
        stop, reason, details = parsed[0], join([parsed[1], Text("(form field)", "（密级栏）")], " ", ""), \
            {**parsed[2], "field": True}
    elif stop == end:
        return None
    if (_starts_line(text, line_start, start) and _PADDING.fullmatch(text, stop, line_end)
            and (label := _label_before(text, line_start, line_end)) is not None):
        return MarkMatch("mark.form-field", level, label, stop, reason, {**details, "label": "line-before"})
    if context is not None and context.column_field(start, stop):
        return MarkMatch("mark.form-field", level, start, stop, reason, {**details, "label": "column-header"})
    return None


# a line that opens with these is a list of words, the cells after it no row of a form: a paper's keywords
# (关键词：保密；密级；机密), a page's tags (标签：保密 | 密级 | 机密), blocked as 密级's value (found by a second reader)
# (normalised: a Markdown bold's * is ★)
_LISTED_WORDS = re.compile(r"[ \t★#>-]*(?:关键词|关键字|主题词|标签|相关词条|相关条目|索引词|叙词|keywords?|tags?)[ \t★]*[:：]",
                           re.IGNORECASE)


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
    redaction covers it and keeps the separator between the cells.  Empty
    cells may stand between (密级,,机密: merged cells exported), a list's
    marker before the label (- 密级，机密), and = or / divide the two on a
    line laid out as a row (``laid_out_as_row``: 密级=机密, not ?密级=机密&)."""
    sep, level, stop = m.group("sep"), m.group("level"), m.end()
    cell_start = _cell_start(text, start, sep, line_start)
    # a list item's marker opening the line is no part of the label's cell (- 密级，机密: scanner.match.loose_rows)
    label_at = cell_start if cell_start != line_start else past_list_marker(text, line_start, start)
    if cell_start is None or not _field_label(text[label_at:m.start("sep")].replace('"', "")):
        return None
    if cell_start > line_start and _LISTED_WORDS.match(text, line_start, min(line_end, line_start + _SHORT_CELL)):
        return None
    details: dict[str, Any] = {"form": "form-field", "label": "cell-before"}
    reason: str = Text("classification form field: the level in the cell after its 密级 label (a row's cells)",
                       "密级栏：“密级”后的单元格（同一行）填写的密级")
    if (parsed := _period_after(text, stop, level)) is not None and sep not in text[stop:parsed[0]]:
        stop, reason, details = parsed[0], join([parsed[1], Text("(form field)", "（密级栏）")], " ", ""), \
            {**parsed[2], "field": True, "label": "cell-before"}
    cell_end = _past_padding(text, stop, line_end)
    if not laid_out_as_row(text, sep, m.group("empty") is not None, (cell_start, m.start("sep"), cell_end),
                           (line_start, line_end)):
        return None
    if cell_end < line_end:
        if text[cell_end] != sep and not (sep == "=" and text[cell_end] in KEY_VALUE_ENDS):
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


# the most a line holds on either side of a level beside the copy number and the urgency, blanks aligning it
# included: the two sides are read only within it, so a hit costs the same however long its line
_HEAD_SIDE = 200


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
    label = _LABEL_WORD.search(text, start, end)
    assert label is not None  # the line is the label
    return label.start()


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
            labelled = bool(_LABEL_WORD.search(self.norm.text) or self.tables and _BROKEN_LABEL.search(self.norm.text))
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
    """``blank``, ``label`` (密级), a state-secret level alone or with its period
    beside it or 级 (its name: 机密, 机密 10年, 秘密级), ``level``
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
    if filled := _FILLED_CELL.fullmatch(value):  # 机密 10年 under 密级及保密期限, 秘密级 (found by the red-team run)
        return filled["level"]
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
    parsed = _period_only(text, end, period_end, level) or _bracketed_period(text, end, period_end, level)
    if parsed is None or not _document_head(text, line_start, part) or _in_level_table(text, line_start, line_end):
        return None
    first = line_start + len(body) - len(body.lstrip(" \t"))
    reason, details = parsed
    return MarkMatch("mark.state-secret", level, first, stop,
                     join([reason, Text("at the head of the document, its ★ missing or out of place",
                                        "位于文件开头，★缺失或位置不对")]),
                     {**details, "star": "misplaced" if trailing_star or first < start else "missing"})


def _bracketed_period(text: str, pos: int, stop: int, level: str) -> tuple[str, dict[str, Any]] | None:
    """``text[pos:stop]`` is exactly a period in brackets after a level (机密（5年）, as some templates print the
    mark at a notice's head): with ``_misplaced_star``, a mark whose ★ is missing (it was clear)."""
    beside = _beside_period(text, pos, level)
    if beside is None or beside[0] != stop or not text.startswith(("(", "（"), pos):
        return None
    return beside[1], beside[2]


def _ji_star(text: str, start: int, end: int, line_start: int, line_end: int, level: str) -> MarkMatch | Dropped | None:
    """机密级★5年: a mark typed with 级 before its ★, read as 机密★5年 is (it was dropped as 机密级 in running text)."""
    if not text.startswith("★", end + 1) or (parsed := _after_star(text, end + 2, level)) is None:
        return None
    stop, reason, details = parsed
    if _quoted_mention(text, start, stop, line_start, line_end):
        return Dropped(start, stop, "mark quoted inside a sentence: a mention")
    return MarkMatch("mark.state-secret", level, start, stop, reason, {**details, "ji": True})


# a period and a ★ before a level, the mark's halves swapped (5年★机密), alone on a line
_SWAPPED = re.compile(rf"[{re.escape(_LABEL_STRIP)}]*+(?:{_PERIOD_WORDS})[ \t]*+★[ \t]*+")


def _swapped(text: str, start: int, end: int, line_start: int, line_end: int, level: str) -> MarkMatch | None:
    """A line of only a period, a ★ and a level (5年★机密): a mark typed the wrong way round, or not a mark at
    all; ``mark.level-line`` for a person to check (it was clear)."""
    if _SWAPPED.fullmatch(text, line_start, start) is None or _PADDING.fullmatch(text, end, line_end) is None:
        return None
    return MarkMatch("mark.level-line", level, _past_padding(text, line_start, start), end,
                     Text(f"a period and ★ before the level {level} (its mark's halves swapped?): check whether it "
                          "marks the text", f"密级“{level}”前为保密期限和★（标志前后颠倒？）：须核实是否为密级标志"),
                     {"form": "swapped"})


def _star_on_next_line(text: str, start: int, end: int, line_end: int, level: str) -> MarkMatch | None:
    """A level alone on its line and its ★ and period alone on the next (机密⏎★5年: a narrow header cell or text box
    wrapped the mark before its star) is the mark, not a list of levels beside a period's line (it was dropped)."""
    after_start, after_end = _line_after(text, line_end)
    star = _BLANKS.match(text, after_start, after_end)
    assert star is not None  # blanks may be none
    if not text.startswith("★", star.end()) or star.end() >= after_end:
        return None
    parsed = _after_star(text, star.end() + 1, level)
    stripped = after_start + len(text[after_start:after_end].rstrip(" \t\r"))
    if parsed is None or parsed[0] != stripped:
        return None
    return MarkMatch("mark.state-secret", level, start, parsed[0], parsed[1], {**parsed[2], "star": "next-line"})


def _alone(text: str, start: int, end: int, line_start: int, line_end: int, level: str, part: str,
           context: PartContext | None) -> MarkMatch | Dropped:
    """A level alone on its line, no form's field: a bare-level mark where
    marks are put (``_mark_place``, or the head of an attachment after its
    附件 line), ``mark.level-line`` for a person to check anywhere else (a
    cover's fourth line, an attachment's head, a slide's or a printed
    page's footer were clear: found by the red-team run).  None beside a
    line of levels (a list of the levels, a table's column of levels and
    periods); at the head, the same level on the next line is its mark again
    (pages' headers read one after another), not a list."""
    if (broken := _star_on_next_line(text, start, end, line_end, level)) is not None:
        return broken
    kind = part_kind(part)
    listed = kind in _VALUE_LIST_PARTS and context is not None and context.lists_values()
    if kind in HEADER_PARTS and not listed:
        return MarkMatch("mark.bare-level", level, start, end,
                         Text(f"bare level {level} in the {part}", f"单独成行的密级“{level}”，位于{part_label(part)}"),
                         {"form": "bare"})
    if _head_line(text, line_start):
        if not listed and _beside_levels(text, line_start, line_end, level):
            # a handout's 保密期限对照表 / 密级 / 绝密 / 机密 / 秘密 blocked on 绝密, its third line (red-team run)
            return Dropped(start, end, "level alone on a line beside another level's line: a list of the levels")
        return MarkMatch("mark.bare-level", level, start, end,
                         Text(f"bare level {level} at the head of the document", f"文件开头单独成行的密级“{level}”"),
                         {"form": "bare"})
    if listed:
        return Dropped(start, end, "level alone on a line among other values a 密级 field holds: a list's value")
    if _beside_levels(text, line_start, line_end, None):
        return Dropped(start, end, "level alone on a line beside a line of levels or periods: a list or a table's column")
    if _ATTACHMENT.fullmatch(text[slice(*_line_before(text, line_start))].strip(_LABEL_STRIP)):
        return MarkMatch("mark.bare-level", level, start, end,
                         Text(f"bare level {level} at the head of an attachment", f"附件开头单独成行的密级“{level}”"),
                         {"form": "bare", "place": "attachment"})
    if _in_form(text, line_end):
        return Dropped(start, end, "level alone on a line past the head, among a form's or a register's rows: "
                                   "no field of its 密级 label, no mark")
    # a page's bands and a document's opening lines are where marks are put, and where a chapter's or an answer's
    # 秘密 stands too (第七章　秘密 atop a page, 答案 / 机密 at its foot blocked: found by a second reader): a person checks
    if _in_band(text, line_start, part):
        return MarkMatch("mark.level-line", level, start, end,
                         Text(f"bare level {level} in the header or footer band of the {part}",
                              f"{part_label(part)}的页眉或页脚处单独成行的密级“{level}”"), {"form": "bare", "place": "band"})
    if _in_head_block(text, line_start, part):
        return MarkMatch("mark.level-line", level, start, end,
                         Text(f"bare level {level} among the document's opening lines, before its text",
                              f"文件开头（正文之前）单独成行的密级“{level}”"), {"form": "bare", "place": "opening-lines"})
    return MarkMatch("mark.level-line", level, start, end,
                     Text(f"level {level} alone on a line of the text: check whether it marks it",
                          f"正文中单独成行的密级“{level}”：须核实是否为密级标志"), {"form": "bare"})


def _beside_levels(text: str, line_start: int, line_end: int, level: str | None) -> bool:
    """Whether the nearest line before or after this one is a level's row
    (``_level_row``); with ``level`` given, another state-secret level's
    or a period's only (a list of the levels, a table's cells of levels and
    periods, not a field's other values, 公开 or 内部)."""
    others = tuple(word for word in LEVEL_WORDS if word != level)
    for bounds in (_line_before(text, line_start), _line_after(text, line_end)):
        value = text[slice(*bounds)].strip(_LABEL_STRIP)
        if (level is None or value.startswith(others) or _a_period(value)) and _level_row(value):
            return True
    return False


# a count, a code, a date or a time: digits and what divides them
_NUMERIC = re.compile(r"[\d.\-/:]+")


def _level_row(value: str) -> bool:
    """A value a 密级 field holds, or a level with only a period, a number
    or a mark's ★ after it, or a period alone: a list of the levels, a
    table's row or cells of levels and periods or counts (绝密 三十年,
    机密\\t5, a Word table's cells a line each), a mark."""
    if value in _FIELD_VALUE_SET:
        return True
    for word in LEVEL_WORDS:
        if value.startswith(word):
            rest = value[len(word):].strip(_CELL_STRIP)
            return not rest or rest.startswith("★") or bool(_NUMERIC.fullmatch(rest)) or _a_period(rest)
    return _a_period(value)


def _a_period(value: str) -> bool:
    """``value`` is a period or 长期 (not a date, which may be the document's own)."""
    parsed = _period_only(value, 0, len(value), LEVEL_WORDS[0]) if value else None
    return parsed is not None and parsed[1]["form"] == "period"


def _set_apart(text: str, start: int, end: int, line_start: int, line_end: int, level: str, part: str,
               context: PartContext | None) -> MarkMatch | None:
    """A level set apart from the other text of its line: in brackets
    opening or closing a title (``_bracketed_title``: a bare-level mark
    where marks are put, ``mark.level-line`` elsewhere), or where marks are
    put, a field of its own (``_whole_field``)."""
    if _bracketed_title(text, start, end, line_start, line_end):
        # a person checks even at the head: a headline's 【秘密】 is a teaser as often (found by a second reader)
        if _mark_place(text, line_start, line_end, part):
            return MarkMatch("mark.level-line", level, start, end,
                             Text(f"level {level} in brackets opening or closing the title: check whether it marks it",
                                  f"标题前后括号中的密级“{level}”：须核实是否为密级标志"), {"form": "bare", "beside": "title"})
        return MarkMatch("mark.level-line", level, start, end,
                         Text(f"level {level} in brackets opening or closing a line of the text: check whether it marks it",
                              f"正文中一行首尾括号中的密级“{level}”：须核实是否为密级标志"), {"form": "bare", "beside": "title"})
    if context is None or not _mark_place(text, line_start, line_end, part) or not _whole_field(
            context.norm, text, start, end, line_start, line_end, level, part):
        return None
    # a mark in a Word header's field (XX研究院科研管理处<tab>机密) blocks; elsewhere, and 秘密 anywhere, a person
    # checks: 秘密 beside other text is a chapter's or a book's title as often (第七章　秘密, 秘密　文／李华, a
    # novel's header 秘密<tab>张三 著 blocked: found by a second reader)
    rule = "mark.bare-level" if part_kind(part) in HEADER_PARTS and level != "秘密" else "mark.level-line"
    return MarkMatch(rule, level, start, end,
                     Text(f"bare level {level} as a field of its own beside other text, where marks are put",
                          f"文件开头或页眉页脚处与其他文字分隔、自成一栏的密级“{level}”"), {"form": "bare", "beside": "text"})


# brackets around a title's level, and the label a mail's subject or a form's title may have before it
_OPENING, _CLOSING = "【[（(〔", "】]）)〕"
_TITLE_LABEL = re.compile(r"[^\s:：]{1,12}[:：]\s*")
# a line up to this long before a bracketed level closing it may be a title, and the most a subject's label
# before one opening it holds (Subject:, 邮件主题：)
_TITLE_CHARS = 40
_TITLE_LABEL_CHARS = 16


def _bracketed_title(text: str, start: int, end: int, line_start: int, line_end: int) -> bool:
    """The level in brackets opening a line or a subject after its label
    (【机密】关于…的通知, Subject: 【机密】…, a file's name), or closing a short
    line without a clause's end (某工程设计方案（机密））: a title marked so
    was clear in a text, a mail, a file's name and a DOCX's title (found by
    the red-team run).  Not in running text (本文件（机密）由…), nor among
    other levels (分为（绝密）（机密）, 【绝密】【机密】), nor after the 密级
    label (密级（机密）, a form's field)."""
    if start == line_start or text[start - 1] not in _OPENING or text[end:end + 1] not in _CLOSING:
        return False
    opening = start - 1
    if opening - line_start <= _TITLE_LABEL_CHARS and (
            _BLANKS.fullmatch(text, line_start, opening) or _TITLE_LABEL.fullmatch(text, line_start, opening)):
        after = _BLANKS.match(text, end + 1, line_end)
        assert after is not None  # blanks may be none
        rest = after.end()
        return rest < line_end and text[rest] not in _OPENING + "级、,/" and not text.startswith(LEVEL_WORDS, rest)
    if opening - line_start > _TITLE_CHARS or not _BLANKS.fullmatch(text, end + 1, line_end):
        return False
    title = text[line_start:opening]
    return bool(title.strip()) and not _RUNNING.search(title) and not any(
        word in title for word in (*LEVEL_WORDS, FIELD_WORD, *LEVEL_LABELS))



class _Fields(NamedTuple):
    """A line's fields as its original text divides them (``_FIELD_BREAK``)."""

    starts: list[int]  # each field's start in the original text
    texts: list[str]  # each field's normalised text, the marks around a level stripped
    values: int  # how many are a level's row, another value a 密级 field holds or its label (``_value_field``)
    star: bool  # whether the line holds a ★: a mark whose star stands apart (a PDF's 机密 解密条件：… ★)


# what sets a field apart on its line in the original text: a tab, an ideographic space, two blanks or
# more, a CSV's comma or semicolon, a pipe; in a page's text (pdfium's, OCR's) one blank beside a Han
# character too, which stands for a gap however wide (a header's tab stops printed to PDF read XX
# 研究院科研管理处 机密), but not one beside a digit, which pdfium puts there anyway (第 1 页, 2026 年)
_BLANK = " \u00a0\u1680\u2000-\u200a\u202f\u205f"
_BREAKING = re.escape("\t\u3000,;" + PIPES)
_FIELD_BREAK = re.compile(f"(?:[{_BLANK}]*[{_BREAKING}]|[{_BLANK}]{{2}})[{_BLANK}{_BREAKING}]*")
_PAGE_BREAK = re.compile(f"{_FIELD_BREAK.pattern}|(?<=[{CJK}])[{_BLANK}](?!\\d)|(?<!\\d)[{_BLANK}](?=[{CJK}])")
# a table's row number opening a page's line, a blank after it (1 某报告 机密; not a year, 2025 年度)
_ROW_NUMBER = re.compile(r"\d{1,3}\s")
# the normalised text last asked about (not its map, which may be large), a line of it and that line's fields
_last_fields: tuple[str, int, bool, _Fields] = ("", -1, False, _Fields([], [], 0, False))


def _whole_field(norm: NormText, text: str, start: int, end: int, line_start: int, line_end: int, level: str,
                 part: str) -> bool:
    """Whether the level is a field of its own beside other text: between
    its line's ends and the breaks of the original text, which normalising
    drops between Han characters (a header's XX研究院科研管理处\\t\\t机密,
    机密\\t\\t编号：KY-2026-018, 第 1 页 共 3 页\\t\\t秘密, 机密\\t— 1 —, a sheet's
    title row 统计表\\t\\t\\t机密: each was clear, found by the red-team run).
    Not a list or a form's row (another field a level's row or the 密级
    label), not beside a number (a count, a code, a date: 机密\\t5; a
    record's 1,某报告,机密, on a page 1 某报告 机密), in a header beside
    numbers alone, nor on a line next to one holding such a field (a
    table's rows); nor on a line holding a ★, a mark the star's grammar
    reads (in a PDF's stream order 机密 解密条件：项目验收后 ★, in its
    reading order the mark)."""
    page = part_kind(part) == "page"
    fields = _line_fields(norm, line_start, line_end, page)
    at = bisect.bisect_right(fields.starts, norm.to_original(start, end)[0]) - 1
    if at < 0 or fields.texts[at] != level or fields.values > 1 or fields.star:
        return False
    others = [value for i, value in enumerate(fields.texts) if i != at and value]
    numeric = all if part_kind(part) in HEADER_PARTS else any
    if not others or numeric(_NUMERIC.fullmatch(value) for value in others) or (
            page and _ROW_NUMBER.match(norm.original, fields.starts[0])):
        return False
    return not any(_split_fields(norm, *bounds, page).values
                   for bounds in (_line_before(text, line_start), _line_after(text, line_end)) if bounds[0] < bounds[1])


def _line_fields(norm: NormText, line_start: int, line_end: int, page: bool) -> _Fields:
    """``_split_fields`` of the line, split once for all the hits on it (40,000 levels on one line)."""
    global _last_fields
    cached, at, paged, fields = _last_fields
    if cached is norm.text and at == line_start and paged == page:
        return fields
    fields = _split_fields(norm, line_start, line_end, page)
    _last_fields = (norm.text, line_start, page, fields)
    return fields


def _split_fields(norm: NormText, line_start: int, line_end: int, page: bool) -> _Fields:
    """The fields of the normalised line ``[line_start, line_end)``, split where its original text breaks."""
    first, last = norm.to_original(line_start, line_end)
    spans: list[int] = []  # each field's start and end in the original text, in turn
    pos = first
    for stop, after in [*(m.span() for m in (_PAGE_BREAK if page else _FIELD_BREAK).finditer(norm.original, first, last)),
                        (last, last)]:
        if stop > pos:
            spans += (pos, stop)
        pos = after
    # where they fall in the normalised text, the line's part of the map searched once for them all
    mapped = spans if norm.index is None else (
        norm.index[line_start:line_end].searchsorted(spans) + line_start).tolist()
    texts = [norm.text[a:b].strip(_LABEL_STRIP) for a, b in zip(mapped[::2], mapped[1::2])]
    return _Fields(spans[::2], texts, sum(map(_value_field, texts)), norm.text.find("★", line_start, line_end) >= 0)


def _value_field(value: str) -> bool:
    """A field that is a level's row (``_level_row``) or holds the 密级 label."""
    return _level_row(value) or FIELD_WORD in value or any(label in value for label in LEVEL_LABELS)
