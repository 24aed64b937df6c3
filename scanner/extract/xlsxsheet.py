"""XLSX cell text without openpyxl's per-cell objects.

openpyxl's read-only reader builds a dict and a Python value per cell
(~7 µs) and our header/footer pass parsed every sheet a second time.  Here
the cell grid is read by one compiled pattern when it is written the plain
way (``SheetXml``; otherwise the sheet is parsed once with lxml) and the
cells are rendered straight to text, following openpyxl's own rules (``WorkSheetParser.parse_cell``
with ``data_only=True``) so the ``sheet:<name>`` parts are unchanged:
shared strings are the text of ``t`` then of the runs' ``t`` (phonetic runs
left out: read apart, ``Book.phonetic``; ``x005F_`` removed), numbers are
``int`` unless the literal holds ``.``/``e``, a number whose style's number format is a date/time format
(openpyxl's ``is_date_format``) is a date in the workbook's 1900/1904
system, a duration format gives a ``timedelta``.

Unlike openpyxl it does not trust the sheet's ``<dimension>``: a file that
declares a smaller range than it holds (some generators write ``A1``) has all
its cells read, not silently the declared corner.
"""
from __future__ import annotations

import functools
import itertools
import operator
import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TypeVar

from lxml import etree

from .. import native
from ..errors import ExtractionError
from . import xlsxkernel
from .symbolfonts import may_set_symbols, shown
from .xlsxdates import (
    CALENDAR_MAC_1904,
    CALENDAR_WINDOWS_1900,
    builtin_format_code,
    from_excel,
    from_ISO8601,
    is_date_format,
    is_timedelta_format,
)
from .xmlparts import local, parse_xml, utf8_declared
from .zipguard import GuardedZip

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_ROW, _C, _V, _IS, _T, _R, _RPH = (f"{{{MAIN_NS}}}{t}" for t in ("row", "c", "v", "is", "t", "r", "rPh"))
_SHEET_DATA = f"{{{MAIN_NS}}}sheetData"
_DIGITS = "0123456789"
_CELLS_START, _CELLS_END = b"<sheetData>", b"</sheetData>"


@dataclass
class Sheet:
    name: str
    path: str
    state: str
    chart: bool


@dataclass
class Book:
    """What the cell text depends on, read once per workbook; and ``shown``,
    the indexes of the shared strings that the cells read so far show (as
    Python reads them: ``-1`` is the last), noted where they are looked up."""

    sheets: list[Sheet] = field(default_factory=list)
    epoch: datetime = CALENDAR_WINDOWS_1900
    strings: list[str] = field(default_factory=list)
    date_styles: frozenset[int] = frozenset()
    duration_styles: frozenset[int] = frozenset()
    names: list[str] = field(default_factory=list)
    format_codes: list[str] = field(default_factory=list)
    style_names: list[str] = field(default_factory=list)
    table_style_names: list[str] = field(default_factory=list)
    phonetic: list[str] = field(default_factory=list)
    shown: set[int] = field(default_factory=set)
    pivot_caches: list[str] = field(default_factory=list)  # the book's pivot cache definitions, by path
    connections: list[str] = field(default_factory=list)  # its external data connections' part, by path


def rels(pkg: GuardedZip, path: str, external: dict[str, str] | None = None) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, target package path) for the part at
    ``path``; ``external`` (when given) gets id -> target, as written, of the
    relationships that lead out of the package (a hyperlink's address)."""
    folder, base = posixpath.split(path)
    rels_path = posixpath.join(folder, "_rels", base + ".rels")
    raw = pkg.read_optional(rels_path)
    if not raw:
        return {}
    out = {}
    for rel in parse_xml(raw, rels_path):
        target = rel.get("Target") or ""
        if rel.get("TargetMode") == "External":
            if external is not None:
                external[rel.get("Id") or ""] = target
            continue
        full = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id") or ""] = (rel.get("Type") or "", full)
    return out


def read_book(pkg: GuardedZip) -> Book:
    """Sheets, date system, shared strings, date styles, global names and
    the pivot caches and the connections part the workbook lists."""
    path = "xl/workbook.xml"
    if not pkg.has(path):
        raise ExtractionError("no workbook part in the package", stage="xlsx")
    book = Book()
    rels_ = rels(pkg, path)
    book.pivot_caches = [target for rel_type, target in rels_.values()
                         if rel_type.lower().endswith("/pivotcachedefinition")]
    book.connections = [target for rel_type, target in rels_.values() if rel_type.lower().endswith("/connections")]
    for el in parse_xml(pkg.read(path), path).iter():
        tag = local(el.tag)
        if tag == "sheet":
            rel_type, target = rels_.get(el.get(f"{{{REL_NS}}}id") or "", ("", ""))
            if target and pkg.has(target):
                book.sheets.append(Sheet(el.get("name") or target, target, el.get("state") or "visible",
                                         "chartsheet" in rel_type))
        elif tag == "workbookPr" and (el.get("date1904") or "").lower() in ("1", "true"):
            book.epoch = CALENDAR_MAC_1904
        elif tag == "definedName" and el.get("localSheetId") is None:
            book.names.append(f"{el.get('name')}: {el.text}")
    book.names = list({n.split(": ", 1)[0]: n for n in book.names}.values())
    book.strings, book.phonetic = _shared_strings(pkg)
    (book.date_styles, book.duration_styles, book.format_codes, book.style_names,
     book.table_style_names) = _styles(pkg)
    return book


def _shared_strings(pkg: GuardedZip) -> tuple[list[str], list[str]]:
    """The shared strings as cells show them, and the phonetic runs
    (``rPh``: the reading Excel's phonetic guide shows above a string, which
    its text leaves out), a string's runs on a line.  The tree is walked for
    them only when the bytes may hold one: most books have none."""
    types = pkg.read_optional("[Content_Types].xml")
    if not types:
        raise ExtractionError("no [Content_Types].xml in the package", stage="xlsx")
    for el in parse_xml(types, "[Content_Types].xml"):
        if el.tag == f"{{{_CT_NS}}}Override" and el.get("ContentType") == _SST_TYPE:
            path = (el.get("PartName") or "")[1:]
            if not pkg.has(path):
                raise ExtractionError(f"missing shared strings part {path}", stage="xlsx")
            raw = pkg.read(path)
            root = parse_xml(raw, path)
            text = _shown_text if may_set_symbols(raw) else _text
            strings = [text(si).replace("x005F_", "") for si in root if si.tag == f"{{{MAIN_NS}}}si"]
            # no rPh in bytes that are their characters as written (``plain_utf8``, its
            # needles' rare characters looked for first: ~0.6 ms a needle on 0.5 MB otherwise)
            if not _holds(raw, b"rPh", 1) and not _holds(raw, b"<!", 1) and b"\0" not in raw and utf8_declared(raw):
                return strings, []
            readings = ("".join(t.text or "" for run in si.iter(_RPH) for t in run if t.tag == _T)
                        for si in root if si.tag == f"{{{MAIN_NS}}}si")
            return strings, list(dict.fromkeys(reading.replace("x005F_", "") for reading in readings if reading.strip()))
    return [], []


def _text(el: etree._Element) -> str:
    """openpyxl's ``Text.content``: the plain ``t``, then each run's ``t``."""
    plain = "".join(t.text or "" for t in el if t.tag == _T)
    runs = "".join(t.text or "" for r in el if r.tag == _R for t in r if t.tag == _T)
    return plain + runs


def _shown_text(el: etree._Element) -> str:
    """``_text`` with each run set in a symbol font (its ``rFont``) read as
    the font shows it (``symbolfonts``): Insert › Symbol › Wingdings puts
    ``«`` in the cell, which Excel draws as ★."""
    plain = "".join(t.text or "" for t in el if t.tag == _T)
    runs = "".join(shown(_run_font(r), t.text or "") for r in el if r.tag == _R for t in r if t.tag == _T)
    return plain + runs


def _run_font(run: etree._Element) -> str | None:
    font = run.find(f"{{{MAIN_NS}}}rPr/{{{MAIN_NS}}}rFont")
    return font.get("val") if font is not None else None


def _styles(pkg: GuardedZip) -> tuple[frozenset[int], frozenset[int], list[str], list[str], list[str]]:
    """Indexes of cell styles whose number format is a date or a duration,
    the codes of the workbook's own number formats, and the names of its
    named cell styles (Excel's Cell Styles gallery) and of its own table and
    pivot table styles (the Table Styles gallery's Custom row) that are not
    ASCII: an English Excel's built-in names (Normal, Hyperlink,
    TableStyleMedium9) hold no mark."""
    raw = pkg.read_optional("xl/styles.xml")
    if not raw:
        return frozenset(), frozenset(), [], [], []
    root = parse_xml(raw, "xl/styles.xml")
    custom: dict[int, str] = {}
    codes = []  # every format's code: two may share an id (a conditional format's dxf)
    for fmt in root.iter(f"{{{MAIN_NS}}}numFmt"):
        codes.append(fmt.get("formatCode") or "")
        custom[int(fmt.get("numFmtId") or 0)] = codes[-1]
    dates, durations = set(), set()
    for xfs in root.iter(f"{{{MAIN_NS}}}cellXfs"):
        for idx, xf in enumerate(x for x in xfs if x.tag == f"{{{MAIN_NS}}}xf"):
            num = int(xf.get("numFmtId") or 0)
            code = custom[num] if num in custom else builtin_format_code(num)
            if is_date_format(code):
                dates.add(idx)
            if is_timedelta_format(code):
                durations.add(idx)
        break
    names = [style.get("name") or "" for styles in root.iterchildren(f"{{{MAIN_NS}}}cellStyles") for style in styles]
    tables = [style.get("name") or "" for styles in root.iterchildren(f"{{{MAIN_NS}}}tableStyles") for style in styles]
    return (frozenset(dates), frozenset(durations), list(dict.fromkeys(codes)),
            [name for name in dict.fromkeys(names) if not name.isascii()],
            [name for name in dict.fromkeys(tables) if not name.isascii()])


class SheetXml:
    """One worksheet part: its tree (the cell grid left out when the grid
    was read by the fast reader) and its cell text."""

    def __init__(self, raw: bytes, path: str) -> None:
        grid = _read_grid(raw)
        self._grid: _Grid | None = None
        self._symbols = False  # whether an inline string's run may be set in a symbol font (``symbolfonts``)
        if grid is None:
            self.root = parse_xml(raw, path)
            self._symbols = may_set_symbols(raw)
        else:
            self.root, self._grid = grid

    def text(self, book: Book) -> str:
        """What ``sheet_text`` gives for the whole tree."""
        if self._grid is None:
            return sheet_text(self.root, book, self._symbols)
        return self._grid.text(book)

    def may_hold_formulas(self) -> bool:
        """False when the grid holds no formula for certain: every row of it
        was read by the plain or mixed row readers, whose cells have none (a
        search of a large grid's bytes for ``<f`` costs as much as reading it)."""
        if self._grid is None or self._grid.tokens is not None or self._grid.rows is None:
            return True
        return any(isinstance(run, list) for run in self._grid.rows)


# The fast reader.  ``sheetData`` is read with one compiled pattern when it is
# written the plain way spreadsheet programs write it: rows, cells with r/s/t
# attributes, an optional formula, a value or one inline string.  Anything
# else (other elements or attributes, comments, CDATA, CR, an unusual entity,
# a namespace declared inside, another encoding) sends the part to lxml and
# ``sheet_text``; the parts outside the grid are always parsed by lxml, so a
# malformed file fails there the way it always did.
_ATTRS = r'(?: [A-Za-z_][\w.:-]*="[^"<&]*")*'
_TOKEN = re.compile(
    rf'(<row{_ATTRS}/?>)|</row>|[ \t\n]+'
    r'|(<c)(?: r="([A-Z]{1,3}[0-9]{1,7})")?'
    r'(?:(?: s="([0-9]{1,9})")?(?: t="([a-zA-Z]{1,9})")?|(?: t="([a-zA-Z]{1,9})") s="([0-9]{1,9})")'
    rf'(?:/>|>(?:<f{_ATTRS}(?:/>|>[^<]*</f>))?'
    r'(?:<v>([^<]*)</v>|<v/>|<is><t(?: xml:space="preserve")?>([^<]*)</t></is>|<is><t/></is>|<is/>)?</c>)'
    r'|([\s\S])')
_PREFIX = re.compile(r" ([A-Za-z_][\w.-]*):[\w.-]+=")
_BAD_AMPERSAND = re.compile(r"&(?!(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});)")
# the text between two tags that holds a reference (values, inline strings, formulas)
_ESCAPED_TEXT = re.compile(r">([^<]*&[^<]*)<")
_AMPERSAND = re.compile("&")
# the bytes of UTF-8 text that XML allows, \r aside (a grid with \r goes to lxml)
_XML_BYTES = bytes([9, 10, *range(32, 256)])
_Token = tuple[str, str, str, str, str, str, str, str, str, str]
_Text = TypeVar("_Text", str, bytes)
_UNEXPECTED = operator.itemgetter(9)  # the last group: a character no token starts with


def _read_grid(raw: bytes) -> tuple[etree._Element, _Grid] | None:
    """The tree without the grid and the grid read by the fast reader; or
    None when the grid is not written the plain way."""
    start = raw.find(_CELLS_START)
    end = raw.rfind(_CELLS_END)  # the only one when the grid is read here (two sheetData)
    if (start < 0 or end < start or not _one_grid(raw, start, end) or _holds(raw, b"<!", 1) or b"\r" in raw
            or _instruction(raw) or not utf8_declared(raw)):
        return None
    grid = raw[start + len(_CELLS_START):end]
    # An ASCII grid (so valid UTF-8) is looked at as bytes: an ASCII needle is
    # in UTF-8 bytes where it is in their text, and a pattern reads ASCII bytes
    # as it reads their text.  Its str, as long as the grid (new memory: ~3 ms
    # of CPU for the M5 sheet's 8.4 MB), is made only for a reader that needs it.
    inner: str | None = None
    if not grid.isascii():
        try:
            inner = grid.decode("utf-8")
        except UnicodeDecodeError:
            return None
    # without a plain row's start there is no plain row for the kernel or ``_plain_rows`` to find
    # (a plain row's cell has ``<v>``: a grid of inline strings has none, and is not searched)
    has_plain = _holds(grid, b"<v>", 1) and (_plain_row_start_ascii().search(grid) if inner is None
                                             else _PLAIN_ROW_START.search(inner)) is not None
    found = _kernel_reading(grid) if has_plain else None
    if (_holds(grid, b"xmlns", 1) or _holds(grid, b"]]>", 0)
            or (found.refused if found is not None else b"sheetData" in grid or _not_xml_char(grid))):
        return None
    rows = _kernel_rows(grid, found) if found is not None else None
    if rows is not None and inner is None and b"&" not in grid and b":" not in grid:
        # an ASCII grid without a reference or a prefix: the checks below
        # that look at its str have nothing to find
        root = _tree(raw, start, end)
        return None if root is None else (root, _Grid(grid, {}, rows, None))
    if inner is None:
        inner = grid.decode("ascii")
    if found is None and has_plain:
        rows = _plain_rows(inner)
    if rows is None:
        rows = _mixed_rows(inner)
    tokens: list[_Token] | None = None
    if rows is None:
        tokens = _TOKEN.findall(inner)
        if any(map(_UNEXPECTED, tokens)):
            return None
    root = _tree(raw, start, end)
    if root is None:
        return None
    if ":" in inner and not {m for m in _PREFIX.findall(inner)} <= {*root.nsmap, "xml"}:
        return None
    escaped = sorted(_escaped_texts(inner, rows)) if "&" in inner else []
    # every "&" of a grid read here is in such a text: elsewhere (in a tag) no pattern takes it
    if escaped and _BAD_AMPERSAND.search("\n".join(escaped)):
        return None
    table: dict[str, str] = {}
    if escaped:
        try:
            holder = parse_xml(("<x>" + "\n".join(escaped) + "</x>").encode("utf-8"), "sheet")
        except ExtractionError:
            return None  # a reference to a character XML does not allow: lxml says which
        plain = (holder.text or "").split("\n")
        if len(plain) != len(escaped) or len(holder):
            return None
        table = dict(zip(escaped, plain))
    return root, _Grid(grid, table, rows, tokens)


def _escaped_texts(inner: str, rows: list[_Run] | None) -> set[str]:
    """The texts between two tags that hold a reference (``_ESCAPED_TEXT``):
    of a grid read as mixed and plain rows alone, its inline strings that
    hold one (a plain row has none), not searched for again."""
    if rows is None or any(isinstance(run, list) for run in rows):
        return set(_ESCAPED_TEXT.findall(inner))
    return set().union(*(run.escaped() for run in rows if isinstance(run, _MixedRows)))


def _tree(raw: bytes, start: int, end: int) -> etree._Element | None:
    """The part's tree with its grid left out; None when lxml refuses it or
    the grid is not the root's one ``sheetData`` child."""
    try:
        root = parse_xml(raw[:start] + b"<sheetData/>" + raw[end + len(_CELLS_END):], "sheet")
    except ExtractionError:
        return None  # the whole part is parsed again, for lxml's own message
    if [el.tag for el in root if el.tag == _SHEET_DATA] != [_SHEET_DATA]:
        return None  # not the main namespace, or not a child of the root
    return root


@dataclass
class _MixedRows:
    """Adjacent mixed rows as a ``_mixed_row`` pattern matched them, column
    by column (each cell's ``_MIXED_GROUPS`` groups: ``zip`` of the
    matches, the text between rows left out), rendered by ``_mixed_lines``
    when the shared strings are at hand."""

    groups: list[tuple[str, ...]]

    @classmethod
    def of(cls, matches: list[tuple[str, ...]]) -> _MixedRows:
        return cls(list(zip(*matches))[:-1])

    def escaped(self) -> set[str]:
        """The inline strings that hold a reference."""
        columns = [inline for inline in self.groups[0::_MIXED_GROUPS] if "&" in "".join(inline)]
        return set(filter(_AMPERSAND.search, itertools.chain(*columns)))  # hashed: those alone


_Run = str | list[_Token] | _MixedRows


@dataclass
class _Grid:
    """The cell grid as the fast reader found it: runs of plain numeric rows
    already rendered (``rows``) and of mixed rows, with the tokens of the rows
    between them, or the tokens of the whole grid."""

    grid: bytes
    escaped: dict[str, str]
    rows: list[_Run] | None
    tokens: list[_Token] | None

    def text(self, book: Book) -> str:
        """``sheet_text``'s result for the grid."""
        if self.rows is None or 0 in book.date_styles:  # a plain cell has style 0
            tokens = self.tokens if self.tokens is not None else _TOKEN.findall(self.grid.decode("utf-8"))
            return "\n".join(_grid_lines(tokens, self.escaped, book))
        lines: list[str] = []
        for run in self.rows:
            if isinstance(run, str):
                lines.append(run)
            elif isinstance(run, _MixedRows):
                lines += _mixed_lines(run.groups, self.escaped, book)
            else:
                lines += _grid_lines(run, self.escaped, book)
        return "\n".join(lines)


# Plain numeric rows, read a row per match: cells A, B, C... in order, each
# with a reference, no style, type n (written or implied) and a number
# literal (rendered after the match, for all of them at once).  Anything else between them (shared strings, styles,
# formulas, gaps) is one "other" run, read by ``_TOKEN``.
_NUMBER = r"(-?(?:0|[1-9][0-9]{0,17})(?:\.[0-9]{1,20})?(?:e[+-]?[0-9]{1,3})?)"
_PLAIN_COLUMNS = 26


def _plain_cell(letter: str) -> str:
    return rf'<c r="{letter}[0-9]{{1,7}}"(?: t="n")?><v>{_NUMBER}</v></c>'


def _row_pattern(cell: Callable[[str], str], optional: str = ")?", width: int = _PLAIN_COLUMNS) -> str:
    """A row of cells A, B, C... (at most ``width``), each one ``cell`` of
    its letter accepts, B onwards each closed by ``optional``."""
    cells = [cell(chr(65 + i)) for i in range(width)]
    nested = ""
    for c in reversed(cells[1:]):
        nested = f"(?:{c}{nested}{optional}"
    return rf"<row{_ATTRS}>{cells[0]}{nested}</row>"


# the text up to the next row (or a text without tags), when a row pattern does not match
_NOT_A_ROW = r"((?:<row|<(?!row[ />]))[^<]*(?:<(?!row[ />])[^<]*)*|[^<]+)"
# how every plain row starts: where no row does, the grid has none (one search, not a findall)
_PLAIN_ROW_START = re.compile(rf"<row{_ATTRS}>{_plain_cell('A')}")
@functools.cache
def _plain_row_start_ascii() -> re.Pattern[bytes]:
    """``_PLAIN_ROW_START`` for the bytes of an ASCII grid (read alike)."""
    return re.compile(_PLAIN_ROW_START.pattern.encode())
@functools.cache
def _plain_row() -> re.Pattern[str]:
    """The plain-row pattern, compiled on first use (~10 ms of a process's
    start: most grids are read by the kernel, or hold no plain row)."""
    return re.compile(rf"{_row_pattern(_plain_cell)}|{_NOT_A_ROW}")
_OTHER = operator.itemgetter(_PLAIN_COLUMNS)
_STRIP_TABS = operator.methodcaller("rstrip", "\t")  # the cells a shorter row does not have


def _kernel_reading(grid: bytes) -> xlsxkernel.PlainRuns | None:
    """The kernel's reading of the grid, once numba is loaded or worth
    loading for it; None when the pattern is to read it."""
    size = len(grid)
    if size < xlsxkernel.KERNEL_MIN_BYTES or not (
            xlsxkernel.is_warm() or native.worth(size * xlsxkernel.KERNEL_SAVES_PER_BYTE)):
        return None
    if not xlsxkernel.is_warm():
        with native.room():
            xlsxkernel.warm()
    return xlsxkernel.plain_runs(grid)


def _kernel_rows(grid: bytes, found: xlsxkernel.PlainRuns) -> list[_Run] | None:
    """``_plain_rows`` from the kernel's reading: the literals it did not
    prove to be their own text rendered here, the grid between the runs
    tokenised as ``_plain_rows`` does."""
    if not found.runs:
        return None
    text = found.text
    starts, ends = found.odd[0::2], found.odd[1::2]
    literals = [text[start:end] for start, end in zip(starts, ends)]
    rendered = list(map(repr, map(float, literals)))
    fixes = list(itertools.compress(itertools.count(), map(operator.ne, literals, rendered)))
    runs: list[_Run] = []
    done = fixed = 0
    for start, end, text_start, text_end in found.runs:
        if start > done and not _other_run(grid[done:start].decode("utf-8"), runs, bool(runs)):
            return None
        pieces: list[str] = []
        at = text_start
        while fixed < len(fixes) and starts[fixes[fixed]] < text_end:
            k = fixes[fixed]
            literal = literals[k]
            pieces += (text[at:starts[k]], rendered[k] if "." in literal or "e" in literal else str(int(literal)))
            at = ends[k]
            fixed += 1
        pieces.append(text[at:text_end])
        runs.append("".join(pieces))
        done = end
    if done < len(grid) and not _other_run(grid[done:].decode("utf-8"), runs, True):
        return None
    return runs


def _plain_rows(inner: str) -> list[_Run] | None:
    """The grid as runs of rendered plain rows (str, rows joined by newlines)
    and the runs of ``_other_run`` for the rest; None when the grid is to be
    read otherwise (no plain row, or a run the split would change)."""
    if not _PLAIN_ROW_START.search(inner):
        return None  # no plain row
    matches: list[tuple[str, ...]] = _plain_row().findall(inner)
    if not any(map(operator.not_, map(_OTHER, matches))):
        return None  # no plain row
    runs: list[_Run] = []
    return runs if _split(matches, _PLAIN_COLUMNS, _render_rows, _other_run, runs, False) else None


def _split(matches: list[tuple[str, ...]], other_at: int, rows_run: Callable[[list[tuple[str, ...]]], _Run],
           other_run: Callable[[str, list[_Run], bool], bool], runs: list[_Run], after_row: bool) -> bool:
    """Append a row pattern's matches to ``runs``: each run of adjacent rows
    as ``rows_run`` makes it, the text between them (group ``other_at``) as
    ``other_run`` does; False when ``other_run`` refuses a text."""
    rows: list[tuple[str, ...]] = []
    other: list[str] = []
    for match in matches:
        if not match[other_at]:
            if other:
                if not other_run("".join(other), runs, after_row):
                    return False
                other = []
            rows.append(match)
        else:
            if rows:
                runs.append(rows_run(rows))
                rows = []
                after_row = True
            other.append(match[other_at])
    if rows:
        runs.append(rows_run(rows))
        after_row = True
    return not other or other_run("".join(other), runs, after_row)


def _render_rows(rows: list[tuple[str, ...]]) -> str:
    """Plain rows' text, each number as ``_value`` renders it: digits alone
    are already; another literal is rendered when ``repr`` of its float
    differs (a float that is not the shortest repr, a negative int).  Column
    by column, so an all-digit column costs one check."""
    columns = list(zip(*rows))[:_PLAIN_COLUMNS]
    while not any(columns[-1]):
        columns.pop()  # the columns no row has
    for i, column in enumerate(columns):
        if any(column) and not "".join(column).isdigit():
            columns[i] = _render_column(column)
    return "\n".join(map(_STRIP_TABS, map("\t".join, zip(*columns))))


def _render_column(column: tuple[str, ...]) -> tuple[str, ...]:
    at = [i for i, number in enumerate(column) if number and not number.isdigit()]
    literals = [column[i] for i in at]
    rendered = list(map(repr, map(float, literals)))
    if rendered == literals:
        return column
    out = list(column)
    for k in itertools.compress(itertools.count(), map(operator.ne, literals, rendered)):
        literal = literals[k]
        out[at[k]] = rendered[k] if ("." in literal or "e" in literal) else str(int(literal))
    return tuple(out)


# Mixed rows, read a row per match like plain rows: cells A, B, C... in
# order with a reference, each a plain row's number, an inline string (how
# openpyxl writes a str), an empty inline string (openpyxl's "") or a shared
# string (how Excel writes text), a string with or without a style (which
# does not change its text).  Rendered by ``_Grid.text``, which has the
# shared strings.
_MIXED_GROUPS = 3  # a cell's groups: its inline text, its shared string's index, its number
# the widths of the row patterns: the narrowest one that takes every row of a
# text reads it (9 columns: ~30 % less CPU than the 26-column one, which
# builds 79 groups a row, and ~4 ms to compile instead of ~17)
_MIXED_WIDTHS = (5, 10, 16, _PLAIN_COLUMNS)


def _mixed_cell(letter: str) -> str:
    """Its groups are ``_MIXED_GROUPS``.  Strings first, and ``(?:x|)`` for
    ``(?:x)?`` (the same match): about a third faster on openpyxl's sheets."""
    return (rf'<c r="{letter}[0-9]{{1,7}}"(?:(?: s="[0-9]{{1,9}}"|) t="'
            r'(?:inlineStr"(?:><is><t(?: xml:space="preserve"|)>([^<]*)</t></is></c>|></c>|/>)'
            rf'|s"><v>([0-9]{{1,9}})</v></c>)|(?: t="n"|)><v>{_NUMBER}</v></c>)')


_MIXED_ROW_START = re.compile(rf"<row{_ATTRS}>{_mixed_cell('A')}")
@functools.cache
def _mixed_row(width: int) -> re.Pattern[str]:
    """The pattern of mixed rows of at most ``width`` cells, compiled on
    first use (a grid without a mixed row never needs one)."""
    return re.compile(rf"{_row_pattern(_mixed_cell, '|)', width)}|{_NOT_A_ROW}")


def _mixed_width(text: str) -> int:
    """The narrowest of ``_MIXED_WIDTHS`` that no cell of the text is
    beyond: no mixed row of it is wider (its cells are A, B, C...)."""
    for width in _MIXED_WIDTHS[:-1]:
        if f'<c r="{chr(65 + width)}' not in text:
            return width
    return _PLAIN_COLUMNS


def _mixed_rows(inner: str) -> list[_Run] | None:
    """The grid as runs of mixed rows and tokens; None when it has no mixed
    row or a run the split would change (``_TOKEN`` reads it whole)."""
    if not _MIXED_ROW_START.search(inner):
        return None
    runs: list[_Run] = []
    return runs if _other_run(inner, runs, False) else None


def _other_run(text: str, runs: list[_Run], after_row: bool) -> bool:
    """Append the runs of the text between plain rows: mixed rows and the
    tokens of the rest (``_token_run``, which may refuse them)."""
    if not _MIXED_ROW_START.search(text):
        return _token_run(text, runs, after_row)
    width = _mixed_width(text)
    matches = _mixed_row(width).findall(text)
    return _split(matches, _MIXED_GROUPS * width, _MixedRows.of, _token_run, runs, after_row)


def _mixed_lines(groups: list[tuple[str, ...]], escaped: dict[str, str], book: Book) -> list[str]:
    """``_grid_lines`` for mixed rows: column by column, numbers rendered as
    in plain rows, inline strings unescaped, shared strings looked up (and
    noted shown), each ``int`` once."""
    strings = book.strings
    columns: list[tuple[str, ...]] = []
    for at in range(0, len(groups), _MIXED_GROUPS):
        inline, shared, numbers = groups[at:at + _MIXED_GROUPS]
        # most columns hold one kind of cell: a column of inline strings is theirs
        column = numbers if not any(numbers) or "".join(numbers).isdigit() else _render_column(numbers)
        if any(inline):
            if "&" in "".join(inline):
                inline = tuple(map(escaped.get, inline, inline))
            column = inline if column is numbers and not any(numbers) else tuple(map(operator.add, column, inline))
        if any(shared):
            indexes = list(map(int, filter(None, shared)))
            book.shown.update(indexes)
            texts: Iterator[str] = map(strings.__getitem__, indexes)
            if not all(shared):  # rows whose cell in the column is no shared string
                texts = iter([next(texts) if k else "" for k in shared])
            column = tuple(map(operator.add, column, texts))
        columns.append(column)
    while columns and not any(columns[-1]):
        columns.pop()  # the columns no row has text in
    rows = zip(*columns)
    if any("\t" in "".join(column) for column in columns):
        lines = list(map(_cells_line, rows))  # a cell's own tab is not to be stripped
    else:
        lines = list(map(_STRIP_TABS, map("\t".join, rows)))
    return list(filter(None, lines))  # a row of empty cells has no line


def _cells_line(cells: tuple[str, ...]) -> str:
    """One row's line: its cells up to the last one with text."""
    last = len(cells)
    while last and not cells[last - 1]:
        last -= 1
    return "\t".join(cells[:last])


def _token_run(text: str, runs: list[_Run], after_row: bool) -> bool:
    """Append the tokens of the text between rows read a row per match; False when they hold
    a character no token starts with, or (after a row) a cell before the first
    row, which the whole walk would have put in the row before."""
    tokens: list[_Token] = _TOKEN.findall(text)
    if any(map(_UNEXPECTED, tokens)):
        return False
    if after_row and not text.lstrip(" \t\n").startswith("<row") and text.strip(" \t\n"):
        return False
    runs.append(tokens)
    return True


def _not_xml_char(utf8: bytes) -> bool:
    """Whether valid UTF-8 holds a character XML does not allow: a control
    character (a byte of its own in UTF-8) or U+FFFE/U+FFFF."""
    return bool(utf8.translate(None, _XML_BYTES)) or (
        b"\xef" in utf8 and (b"\xef\xbf\xbe" in utf8 or b"\xef\xbf\xbf" in utf8))


def _one_grid(raw: bytes, start: int, end: int) -> bool:
    """No ``sheetData`` before the grid's opening tag at ``start`` or after
    its end tag at ``end`` (one inside the grid is looked for with it):
    ``raw.count(b"sheetData") == 2`` in all."""
    return raw.find(b"sheetData") == start + 1 and raw.rfind(b"sheetData") == end + 2


def _holds(data: _Text, needle: _Text, rare: int) -> bool:
    """``needle in data``, its rare character ``needle[rare]`` looked for
    first (at memchr speed): a search for the whole needle stops at every
    ``<`` or ``>`` of a grid, about 1 ns a byte."""
    return needle[rare:rare + 1] in data and needle in data


def _instruction(raw: bytes) -> bool:
    """``raw.find(b"<?", 1) >= 0`` (a processing instruction after the
    start), each ``?`` looked for first: after the XML declaration there is
    usually none."""
    after = raw.find(b"?>") + 2 if raw.startswith(b"<?") else 1
    return raw.find(b"<?", 1, after) >= 0 or (raw.find(b"?", after) >= 0 and raw.find(b"<?", max(after - 1, 1)) >= 0)


def _grid_lines(tokens: list[_Token], escaped: dict[str, str], book: Book) -> list[str]:
    """``sheet_text``'s walk over the fast reader's tokens: its lines."""
    lines: list[str] = []
    columns: dict[str, int] = {}
    cells: dict[int, str] = {}
    col = 0
    for row, cell, ref, s1, t1, t2, s2, value, inline, _ in tokens:
        if cell:
            if ref:
                letters = ref.rstrip(_DIGITS)
                col = columns.get(letters, 0) or columns.setdefault(letters, _column(letters, ref))
            else:
                col += 1
            kind = t1 or t2 or "n"
            if value and kind != "inlineStr":
                cells[col] = _value(escaped.get(value, value), kind, s1 or s2 or None, book)
            elif inline and kind == "inlineStr":
                cells[col] = escaped.get(inline, inline)
            else:
                cells[col] = ""
        elif row:
            _flush(cells, lines)
            col = 0
    _flush(cells, lines)
    return lines


def sheet_text(root: etree._Element, book: Book, symbols: bool = False) -> str:
    """Rows joined by newlines, cells by tabs; empty rows and trailing empty cells dropped.
    ``symbols``: inline strings' runs set in a symbol font are read as shown (``_shown_text``).

    One C-level walk over rows, cells and their values (no per-cell child
    iterators): this loop is the whole cost of a big sheet.
    """
    lines: list[str] = []
    columns: dict[str, int] = {}
    cells: dict[int, str] = {}
    col = 0
    kind = ""
    style: str | None = None
    done = True
    for data in root.iterchildren(_SHEET_DATA):
        for el in data.iter(_ROW, _C, _V, _IS):
            tag = el.tag
            if tag == _C:
                ref = el.get("r")
                if ref:
                    letters = ref.rstrip(_DIGITS)
                    col = columns.get(letters, 0) or columns.setdefault(letters, _column(letters, ref))
                else:
                    col += 1
                kind = el.get("t") or "n"
                style = el.get("s")
                cells[col] = ""
                done = False
            elif done:
                if tag == _ROW:
                    _flush(cells, lines)
                    col = 0
            elif tag == _V:
                done = True
                if kind != "inlineStr":
                    cells[col] = _value(el.text, kind, style, book)
            elif tag == _IS:
                done = True
                if kind == "inlineStr":
                    cells[col] = _shown_text(el) if symbols else _text(el)
            else:  # a row after a cell without a value
                done = True
                _flush(cells, lines)
                col = 0
    _flush(cells, lines)
    return "\n".join(lines)


def _flush(cells: dict[int, str], lines: list[str]) -> None:
    """Append one row's line (if it has text) and empty ``cells``."""
    while cells:
        last = max(cells)
        if cells[last]:
            get = cells.get
            lines.append("\t".join([get(i, "") for i in range(1, last + 1)]))
            break
        del cells[last]
    cells.clear()


def _column(letters: str, ref: str) -> int:
    if not (letters.isascii() and letters.isalpha() and len(letters) <= 3 and ref[len(letters):].isdigit()):
        raise ExtractionError(f"bad cell reference {ref[:20]!r}", stage="xlsx")
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _value(raw: str | None, kind: str, style_attr: str | None, book: Book) -> str:
    """One cell's text the way openpyxl's value and ``str()`` render it."""
    if not raw:
        return ""
    if kind == "n":
        style = int(style_attr) if style_attr and book.date_styles else 0
        if style not in book.date_styles:
            if raw.isdigit() and (raw[0] != "0" or raw == "0") and raw.isascii():
                return raw  # already what str(int(raw)) gives
            return str(float(raw) if ("." in raw or "e" in raw or "E" in raw) else int(raw))
        number: float | int = float(raw) if ("." in raw or "e" in raw or "E" in raw) else int(raw)
        try:
            when = from_excel(number, book.epoch, timedelta=style in book.duration_styles)
        except (OverflowError, ValueError):
            return "#VALUE!"
        return when.isoformat() if isinstance(when, (datetime, date, time)) else str(when)
    if kind == "s":
        index = int(raw)
        text = book.strings[index]
        book.shown.add(index)
        return text
    if kind == "b":
        return str(bool(int(raw)))
    if kind == "d":
        stamp = from_ISO8601(raw)
        return stamp.isoformat() if isinstance(stamp, (datetime, date, time)) else str(stamp)
    return raw


def header_footer(root: etree._Element) -> list[etree._Element]:
    """The sheet's elements outside the cell grid, where headers and footers live."""
    return [el for child in root if child.tag != _SHEET_DATA for el in child.iter()]

