"""XLSX cell text without openpyxl's per-cell objects.

openpyxl's read-only reader builds a dict and a Python value per cell
(~7 µs) and our header/footer pass parsed every sheet a second time.  Here
the sheet XML is parsed once with lxml and the cells are rendered straight
to text, following openpyxl's own rules (``WorkSheetParser.parse_cell``
with ``data_only=True``) so the ``sheet:<name>`` parts are unchanged:
shared strings are the text of ``t`` then of the runs' ``t`` (phonetic runs
left out, ``x005F_`` removed), numbers are ``int`` unless the literal holds
``.``/``e``, a number whose style's number format is a date/time format
(openpyxl's ``is_date_format``) is a date in the workbook's 1900/1904
system, a duration format gives a ``timedelta``.

Unlike openpyxl it does not trust the sheet's ``<dimension>``: a file that
declares a smaller range than it holds (some generators write ``A1``) has all
its cells read, not silently the declared corner.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from datetime import date, datetime, time

from lxml import etree
from openpyxl.styles.numbers import (
    builtin_format_code,
    is_date_format,
    is_timedelta_format,
)
from openpyxl.utils.datetime import (
    CALENDAR_MAC_1904,
    CALENDAR_WINDOWS_1900,
    from_excel,
    from_ISO8601,
)

from ..errors import ExtractionError
from .xmlparts import local, parse_xml
from .zipguard import GuardedZip

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_ROW, _C, _V, _IS, _T, _R = (f"{{{MAIN_NS}}}{t}" for t in ("row", "c", "v", "is", "t", "r"))
_SHEET_DATA = f"{{{MAIN_NS}}}sheetData"
_DIGITS = "0123456789"


@dataclass
class Sheet:
    name: str
    path: str
    state: str
    chart: bool


@dataclass
class Book:
    """What the cell text depends on, read once per workbook."""

    sheets: list[Sheet] = field(default_factory=list)
    epoch: datetime = CALENDAR_WINDOWS_1900
    strings: list[str] = field(default_factory=list)
    date_styles: frozenset[int] = frozenset()
    duration_styles: frozenset[int] = frozenset()
    names: list[str] = field(default_factory=list)


def rels(pkg: GuardedZip, path: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, target package path) for the part at ``path``."""
    folder, base = posixpath.split(path)
    rels_path = posixpath.join(folder, "_rels", base + ".rels")
    raw = pkg.read_optional(rels_path)
    if not raw:
        return {}
    out = {}
    for rel in parse_xml(raw, rels_path):
        target = rel.get("Target") or ""
        if rel.get("TargetMode") == "External":
            continue
        full = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id") or ""] = (rel.get("Type") or "", full)
    return out


def read_book(pkg: GuardedZip) -> Book:
    """Sheets, date system, shared strings, date styles and global names."""
    path = "xl/workbook.xml"
    if not pkg.has(path):
        raise ExtractionError("no workbook part in the package", stage="xlsx")
    book = Book()
    rels_ = rels(pkg, path)
    for el in parse_xml(pkg.read(path), path).iter():
        tag = local(el.tag)
        if tag == "sheet":
            rel_type, target = rels_.get(el.get(f"{{{_REL_NS}}}id") or "", ("", ""))
            if target and pkg.has(target):
                book.sheets.append(Sheet(el.get("name") or target, target, el.get("state") or "visible",
                                         "chartsheet" in rel_type))
        elif tag == "workbookPr" and (el.get("date1904") or "").lower() in ("1", "true"):
            book.epoch = CALENDAR_MAC_1904
        elif tag == "definedName" and el.get("localSheetId") is None:
            book.names.append(f"{el.get('name')}: {el.text}")
    book.names = list({n.split(": ", 1)[0]: n for n in book.names}.values())
    book.strings = _shared_strings(pkg)
    book.date_styles, book.duration_styles = _date_styles(pkg)
    return book


def _shared_strings(pkg: GuardedZip) -> list[str]:
    types = pkg.read_optional("[Content_Types].xml")
    if not types:
        raise ExtractionError("no [Content_Types].xml in the package", stage="xlsx")
    for el in parse_xml(types, "[Content_Types].xml"):
        if el.tag == f"{{{_CT_NS}}}Override" and el.get("ContentType") == _SST_TYPE:
            path = (el.get("PartName") or "")[1:]
            if not pkg.has(path):
                raise ExtractionError(f"missing shared strings part {path}", stage="xlsx")
            root = parse_xml(pkg.read(path), path)
            return [_text(si).replace("x005F_", "") for si in root if si.tag == f"{{{MAIN_NS}}}si"]
    return []


def _text(el: etree._Element) -> str:
    """openpyxl's ``Text.content``: the plain ``t``, then each run's ``t``."""
    plain = "".join(t.text or "" for t in el if t.tag == _T)
    runs = "".join(t.text or "" for r in el if r.tag == _R for t in r if t.tag == _T)
    return plain + runs


def _date_styles(pkg: GuardedZip) -> tuple[frozenset[int], frozenset[int]]:
    """Indexes of cell styles whose number format is a date or a duration."""
    raw = pkg.read_optional("xl/styles.xml")
    if not raw:
        return frozenset(), frozenset()
    root = parse_xml(raw, "xl/styles.xml")
    custom: dict[int, str] = {}
    for fmt in root.iter(f"{{{MAIN_NS}}}numFmt"):
        custom[int(fmt.get("numFmtId") or 0)] = fmt.get("formatCode") or ""
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
    return frozenset(dates), frozenset(durations)


def sheet_text(root: etree._Element, book: Book) -> str:
    """Rows joined by newlines, cells by tabs; empty rows and trailing empty cells dropped.

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
                    cells[col] = _text(el)
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
        return book.strings[int(raw)]
    if kind == "b":
        return str(bool(int(raw)))
    if kind == "d":
        when = from_ISO8601(raw)
        return when.isoformat() if isinstance(when, (datetime, date, time)) else str(when)
    return raw


def header_footer(root: etree._Element) -> list[etree._Element]:
    """The sheet's elements outside the cell grid, where headers and footers live."""
    return [el for child in root if child.tag != _SHEET_DATA for el in child.iter()]

