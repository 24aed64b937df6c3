"""Mixed rows (``xlsxsheet._mixed_row``: cells A, B, C... each a plain
number, an inline string, an empty inline string or a shared string) give
exactly what lxml and ``sheet_text`` give: on sheets openpyxl writes and on
hand-written grids of near-miss cells (references, styles, other types,
formulas, escaped, empty, white-space and tab texts, rows past column Z),
and the path is taken on openpyxl's sheets of strings."""
from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from lxml import etree

from scanner.errors import ExtractionError
from scanner.extract import xlsxkernel, xlsxsheet
from scanner.extract.xlsxsheet import Book, SheetXml, header_footer, sheet_text
from scanner.extract.xmlparts import parse_xml

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
BOOK = Book(strings=["共享", "a&b", "", "x\ty\t", " "], date_styles=frozenset({1}), duration_styles=frozenset({2}))
DATE_BOOK = Book(strings=BOOK.strings, date_styles=frozenset({0, 1}))
LETTERS = [chr(65 + i) for i in range(26)] + ["AA", "AB", "AC"]

TEXTS = st.sampled_from(["", " ", "  ", "\t", "a\t", "\t\t", "\n", "x\ny", "保密", "机密文件", "1", "007", "-0",
                         "1.0", "1e5", "&amp;", "a &amp; b", "&lt;t&gt;", "&#20445;&#23494;", "&#x4fdd;", "&#9;",
                         "x&#9;", "&#10;", "&#32;", "&quot;&apos;", "TRUE", "#N/A", "2024-03-08", "3,778,107.15"])
NUMBERS = st.sampled_from(["0", "1", "42", "-3", "-0", "1.0", "0.5", "10.50", "1e5", "2.5e-05", "1e+16", "1e400",
                           "0.1000000000000000055", "123456789012345678", "007", "1E5", "+5", ".5", "", "45000"])


@st.composite
def cell(draw: st.DrawFn, column: str, row: int) -> str:
    """A cell of a mixed row, or one a mixed row must not take."""
    ref = draw(st.sampled_from([f' r="{column}{row}"'] * 10 + ["", f' r="{column.lower()}{row}"',
                                                               f' r="{column}"', ' r="B2"', ' r="AB7"']))
    style = draw(st.sampled_from([""] * 4 + [' s="0"', ' s="1"', ' s="2"', ' s="12"']))
    text = draw(TEXTS)
    space = draw(st.sampled_from(["", ' xml:space="preserve"']))
    typed = draw(st.sampled_from(["", ' t="n"']))
    return draw(st.sampled_from([
        f'<c{ref}{style} t="inlineStr"><is><t{space}>{text}</t></is></c>',
        f'<c{ref}{style} t="inlineStr"></c>', f'<c{ref}{style} t="inlineStr"/>',
        f'<c{ref}{style} t="inlineStr"><is><t/></is></c>', f'<c{ref}{style} t="inlineStr"><is/></c>',
        f'<c{ref} t="inlineStr"{style}><is><t>{text}</t></is></c>',
        f'<c{ref}{style} t="inlineStr"><is><r><t>{text}</t></r></is></c>',
        f'<c{ref}{style} t="inlineStr"><v>{text}</v></c>',
        f'<c{ref}{style} t="s"><v>{draw(st.sampled_from(["0", "1", "2", "3", "4", "9", "01", ""]))}</v></c>',
        f'<c{ref} t="s"{style}><v>1</v></c>',
        f'<c{ref}{style}{typed}><v>{draw(NUMBERS)}</v></c>',
        f'<c{ref}><f>SUM(A1)</f><v>{draw(NUMBERS)}</v></c>',
        f'<c{ref}{style} t="str"><v>{text}</v></c>', f'<c{ref} t="str"><f>A1&amp;B1</f><v>{text}</v></c>',
        f'<c{ref}{style} t="b"><v>{draw(st.sampled_from(["0", "1"]))}</v></c>',
        f'<c{ref} t="e"><v>#DIV/0!</v></c>', f'<c{ref}{style}/>', f'<c{ref}{style}></c>',
    ]))


@st.composite
def mixed_row(draw: st.DrawFn, row: int) -> str:
    width = draw(st.integers(1, len(LETTERS)))
    columns = LETTERS[:width]
    if draw(st.integers(0, 5)) == 0:
        columns = draw(st.permutations(columns))  # refs out of order
    # mostly cells of a mixed row, so that whole rows are one
    plain = st.sampled_from([f'<c r="{{c}}{row}" t="inlineStr"><is><t>{{t}}</t></is></c>',
                             f'<c r="{{c}}{row}" t="inlineStr"></c>', f'<c r="{{c}}{row}"><v>{{n}}</v></c>',
                             f'<c r="{{c}}{row}" s="3" t="s"><v>{{i}}</v></c>'])
    cells = []
    for column in columns:
        if draw(st.integers(0, 9)) == 0:
            cells.append(draw(cell(column, row)))
        else:
            cells.append(draw(plain).format(c=column, t=draw(TEXTS), n=draw(NUMBERS),
                                            i=draw(st.sampled_from(["0", "1", "2", "3", "4"]))))
    space = draw(st.sampled_from([""] * 8 + [" ", "\n"]))
    opening = draw(st.sampled_from([f'<row r="{row}">', "<row>", f'<row r="{row}" spans="1:9">', "<row/>"]))
    return opening if opening == "<row/>" else opening + space.join(cells) + "</row>"


@st.composite
def mixed_sheet(draw: st.DrawFn) -> bytes:
    extras = st.sampled_from([""] * 12 + ["\n", "<row/>", '<c r="A9" t="inlineStr"><is><t>x</t></is></c>', "x",
                                          '<row r="9"><c r="A9"><v>1</v></c><c r="B9"><v>2.50</v></c></row>'])
    rows = [draw(mixed_row(n)) for n in range(1, draw(st.integers(1, 8)))]
    grid = "".join(draw(extras) + row for row in rows) + draw(extras)
    return f'<worksheet xmlns="{NS}"><sheetData>{grid}</sheetData></worksheet>'.encode()


def outcome(read: Callable[[], tuple[etree._Element, str]]) -> tuple[str, ...]:
    try:
        root, text = read()
    except (ExtractionError, ValueError, IndexError, OverflowError) as exc:
        return ("error", type(exc).__name__, str(exc))
    return ("ok", text, *(f"{el.tag}={el.text}" for el in header_footer(root) if isinstance(el.tag, str)))


def same_as_lxml(raw: bytes, book: Book) -> None:
    """The same text, and the same shared strings noted shown (what the
    ``unused-strings`` part leaves out)."""
    fast_book, slow_book = replace(book, shown=set()), replace(book, shown=set())

    def fast() -> tuple[etree._Element, str]:
        part = SheetXml(raw, "xl/worksheets/sheet1.xml")
        return part.root, part.text(fast_book)

    def slow() -> tuple[etree._Element, str]:
        root = parse_xml(raw, "xl/worksheets/sheet1.xml")
        return root, sheet_text(root, slow_book)

    expected = outcome(slow)
    assert outcome(fast) == expected
    if expected[0] == "ok":
        assert fast_book.shown == slow_book.shown


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mixed_sheet(), st.sampled_from([BOOK, DATE_BOOK]))
def test_mixed_rows_equal_lxml_and_sheet_text(raw: bytes, book: Book) -> None:
    same_as_lxml(raw, book)


def openpyxl_sheet(rows: list[list[object]]) -> bytes:
    """The worksheet part openpyxl writes for ``rows``."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml")


VALUES = st.one_of(
    st.sampled_from(["", " ", "保密", "a & b", "<b>", "x\ty", "\t", " lead", "trail ", "x\ny", "1.0", "-0", "1e5",
                     "007", "2024-03-08", None, True, False, 0, -0.0, 1.0, 1e5, 2.5e-5, 10 ** 17, -3]),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=6),
    st.integers(-10 ** 18, 10 ** 18), st.floats(allow_nan=False, allow_infinity=False))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(VALUES, max_size=30), min_size=1, max_size=6), st.sampled_from([BOOK, DATE_BOOK]))
def test_openpyxl_sheets_equal_lxml_and_sheet_text(rows: list[list[object]], book: Book) -> None:
    same_as_lxml(openpyxl_sheet(rows), book)


def test_openpyxl_string_rows_take_the_mixed_rows() -> None:
    rows: list[list[object]] = [["序号", "姓名", "金额（元）", "备注"]]
    rows += [[str(n), "林伟", f"{n * 1000:,}.15", "" if n % 2 else "已核 & 待核"] for n in range(1, 6)]
    rows.append([7, "王军", 2.5, "", "&#9;"])
    raw = openpyxl_sheet(rows)
    part = SheetXml(raw, "sheet1.xml")
    assert part._grid is not None and part._grid.tokens is None and part._grid.rows is not None
    assert [type(run) for run in part._grid.rows] == [xlsxsheet._MixedRows]  # every row read by the pattern
    assert len(part._grid.rows[0].groups[0]) == len(rows)  # type: ignore[union-attr]
    expected = "\n".join("\t".join(map(str, row)).rstrip("\t") for row in rows)
    assert part.text(BOOK) == expected == sheet_text(parse_xml(raw, "s"), BOOK)


def test_mixed_rows_keep_a_cells_own_tab_and_drop_empty_rows() -> None:
    grid = ('<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="B1" t="inlineStr"><is><t>&#9;</t></is>'
            '</c><c r="C1" t="inlineStr"></c></row><row r="2"><c r="A2" t="inlineStr"></c>'
            '<c r="B2" t="inlineStr"><is><t></t></is></c></row><row r="3"><c r="A3" t="s"><v>3</v></c></row>'
            '<row r="4"><c r="A4"><v>-0</v></c><c r="B4" s="7" t="s"><v>0</v></c></row>')
    raw = f'<worksheet xmlns="{NS}"><sheetData>{grid}</sheetData></worksheet>'.encode()
    part = SheetXml(raw, "sheet1.xml")
    assert part._grid is not None and part._grid.rows is not None
    assert [type(run) for run in part._grid.rows] == [xlsxsheet._MixedRows]
    assert part.text(BOOK) == "a\t\t\nx\ty\t\n0\t共享" == sheet_text(parse_xml(raw, "s"), BOOK)


def test_mixed_rows_between_plain_rows() -> None:
    plain = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c><c r="B{n}"><v>1.50</v></c></row>' for n in (1, 2))
    mixed = '<row r="3"><c r="A3" t="inlineStr"><is><t>&lt;x&gt;</t></is></c><c r="B3"><v>3</v></c></row>'
    raw = f'<worksheet xmlns="{NS}"><sheetData>{plain}{mixed}{plain}</sheetData></worksheet>'.encode()
    part = SheetXml(raw, "sheet1.xml")
    assert part._grid is not None and part._grid.rows is not None
    assert [type(run) for run in part._grid.rows] == [str, xlsxsheet._MixedRows, str]
    assert part.text(BOOK) == "1\t1.5\n2\t1.5\n<x>\t3\n1\t1.5\n2\t1.5" == sheet_text(parse_xml(raw, "s"), BOOK)
    assert part.text(DATE_BOOK) == sheet_text(parse_xml(raw, "s"), DATE_BOOK)  # style 0 a date: the token walk


# Rows of every width around those of the row patterns (5, 10, 16, 26 cells),
# with plain rows (kernel or pattern) and token runs; in a fifth of the grids,
# also near-miss cells and references lxml refuses (in a string, a formula, a
# tag): the same text, shared strings noted shown, or error as lxml's reading.
BAD_TEXTS = st.sampled_from(["a & b", "&bogus;", "&#0;", "&#xD800;", "&amp", "&#10;", "&#65;&#x42;"])
BETWEEN = st.sampled_from([""] * 10 + ["\n", "<row/>", '<row r="9"><c r="A9"><v>1</v></c><c r="B9"><v>2.50</v></c></row>',
                                       '<row r="9"><c r="A9"><f>A1&amp;B1</f><v>1</v></c></row>'])
BAD_BETWEEN = st.sampled_from(['<row r="9"><c r="A9" t="str"><f>A1&bogus;</f><v>1</v></c></row>',
                               '<row r="&amp;"><c r="A9"><v>1</v></c></row>', "&amp;", "a & b"])


@st.composite
def wide_row(draw: st.DrawFn, row: int, hostile: bool) -> str:
    width = draw(st.sampled_from([1, 4, 5, 6, 9, 10, 11, 15, 16, 17, 25, 26, 27, 29]))
    texts = st.one_of(TEXTS, BAD_TEXTS) if hostile else TEXTS
    cells = []
    for column in LETTERS[:width]:
        if hostile and draw(st.integers(0, 19)) == 0:
            cells.append(draw(cell(column, row)))
            continue
        form = draw(st.sampled_from([f'<c r="{column}{row}" t="inlineStr"><is><t>{{t}}</t></is></c>',
                                     f'<c r="{column}{row}" t="inlineStr"></c>', f'<c r="{column}{row}"><v>{{n}}</v></c>',
                                     f'<c r="{column}{row}" s="3" t="s"><v>{{i}}</v></c>']))
        number = draw(st.one_of(NUMBERS if hostile else NUMBERS.filter(re.compile(xlsxsheet._NUMBER).fullmatch),
                                st.sampled_from(["1", "42", "45000"])))  # a column of digits, often
        cells.append(form.format(t=draw(texts), n=number, i=draw(st.sampled_from("01234"))))
    return f'<row r="{row}">' + "".join(cells) + "</row>"


@st.composite
def wide_sheet(draw: st.DrawFn) -> bytes:
    hostile = draw(st.integers(0, 4)) == 0
    between = st.one_of(BETWEEN, BAD_BETWEEN) if hostile else draw(st.sampled_from([BETWEEN, st.just("")]))
    rows = [draw(wide_row(n, hostile)) for n in range(1, draw(st.integers(2, 9)))]
    grid = "".join(draw(between) + row for row in rows) + draw(between)
    return f'<worksheet xmlns="{NS}"><sheetData>{grid}</sheetData></worksheet>'.encode()


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(wide_sheet(), st.sampled_from([BOOK, DATE_BOOK]), st.booleans())
def test_rows_of_every_width_equal_lxml_and_sheet_text(raw: bytes, book: Book, kernel: bool) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(xlsxkernel, "KERNEL_MIN_BYTES", 0 if kernel else 1 << 62)
        same_as_lxml(raw, book)


def test_mixed_rows_take_the_narrowest_pattern() -> None:
    """openpyxl's nine columns of strings are matched by the ten-cell
    pattern (30 groups a row, not 79), a wider row by the next one."""
    rows: list[list[object]] = [["序号", "姓名", "金额", "备注", "a & b", 1, 2.5, "", "机密"]] * 3
    part = SheetXml(openpyxl_sheet(rows), "sheet1.xml")
    assert part._grid is not None and part._grid.rows is not None
    assert [len(run.groups) for run in part._grid.rows] == [30]  # type: ignore[union-attr]
    wide = SheetXml(openpyxl_sheet([*rows, ["宽", *range(1, 11)]]), "sheet1.xml")
    assert wide._grid is not None and wide._grid.rows is not None
    assert [len(run.groups) for run in wide._grid.rows] == [48]  # type: ignore[union-attr]
    assert wide.text(BOOK) == "\n".join(["序号\t姓名\t金额\t备注\ta & b\t1\t2.5\t\t机密"] * 3
                                        + ["宽\t" + "\t".join(map(str, range(1, 11)))])
