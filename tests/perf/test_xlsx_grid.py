"""The fast XLSX grid reader (``SheetXml``) gives exactly what lxml and
``sheet_text`` give for the same worksheet XML, on generated sheets written
the plain way and in every unusual way it must hand over to lxml (entities,
CR, comments, CDATA, other attributes or orders, namespaces, encodings,
malformed parts)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from hypothesis import given, settings, strategies as st
from lxml import etree

from scanner.errors import ExtractionError
from scanner.extract.xlsxsheet import Book, SheetXml, header_footer, sheet_text
from scanner.extract.xmlparts import parse_xml

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
BOOK = Book(strings=["共享", "a&b", "", "x\ny"], date_styles=frozenset({1}), duration_styles=frozenset({2}))

TEXTS = st.sampled_from(["", "保密", "1", "42", "007", "3.5", "1e3", "-2", "&amp;", "&lt;b&gt;", "&#20445;&#23494;",
                         "&#x4fdd;", "&#10;", "&#13;", "&#128;", "&#0;", "&#xD800;", "&bogus;", "a & b", " sp ",
                         "]]>", "\x01", "x\ny", "0", "1", "2", "3", "99999999", "2.5e-3", "TRUE"])
REFS = st.sampled_from(["", ' r="A1"', ' r="B1"', ' r="C7"', ' r="AA3"', ' r="a1"', ' r=""', ' r="A"'])
STYLE = st.sampled_from(["", ' s="0"', ' s="1"', ' s="2"', ' s="9"'])
KIND = st.sampled_from(["", ' t="s"', ' t="n"', ' t="b"', ' t="inlineStr"', ' t="str"', ' t="d"', ' t="e"', ' t=""'])
BODY = st.one_of(
    st.builds("<v>{}</v>".format, TEXTS), st.just("<v/>"), st.just(""),
    st.builds("<is><t>{}</t></is>".format, TEXTS), st.builds('<is><t xml:space="preserve">{}</t></is>'.format, TEXTS),
    st.just("<is><t/></is>"), st.just("<is/>"), st.builds("<f>SUM(A1)</f><v>{}</v>".format, TEXTS),
    st.builds("<is><r><t>{}</t></r></is>".format, TEXTS), st.just("<v>1</v><is><t>x</t></is>"),
    st.just("<!-- c --><v>1</v>"), st.just("<v><![CDATA[5]]></v>"), st.just("<extLst/>"))
ORDER = st.sampled_from(["rst", "rts", "srt", "tr"])


@st.composite
def cell(draw: st.DrawFn) -> str:
    attrs = {"r": draw(REFS), "s": draw(STYLE), "t": draw(KIND)}
    head = "<c" + "".join(attrs[a] for a in draw(ORDER) if a in attrs)
    body = draw(BODY)
    return head + (draw(st.sampled_from(["/>", "></c>"])) if not body else f">{body}</c>")


ROW_OPEN = st.sampled_from(["<row>", '<row r="1">', '<row r="2" spans="1:3" x14ac:dyDescent="0.25">',
                            '<row r="3" y:z="1">', "<row/>", '<row r="4"/>'])
SPACE = st.sampled_from(["", "", "\n", " ", "\r\n", "\t"])


@st.composite
def sheet(draw: st.DrawFn) -> bytes:
    rows = []
    for _ in range(draw(st.integers(0, 5))):
        opening = draw(ROW_OPEN)
        cells = "".join(draw(SPACE) + draw(cell()) for _ in range(draw(st.integers(0, 5))))
        rows.append(opening if opening.endswith("/>") else f"{opening}{cells}</row>")
    grid = draw(SPACE).join(rows)
    head = draw(st.sampled_from(['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n', "",
                                 "<?xml version='1.0' encoding='utf-8'?>", '<?xml version="1.0"?>',
                                 '\ufeff<?xml version="1.0" encoding="UTF-8"?>']))
    root = draw(st.sampled_from([f'<worksheet xmlns="{NS}" xmlns:x14ac="urn:x14ac">',
                                 f'<worksheet xmlns="{NS}">', '<worksheet xmlns="urn:other">',
                                 f'<x:worksheet xmlns:x="{NS}">']))
    close = "</x:worksheet>" if root.startswith("<x:") else "</worksheet>"
    data = "" if root.startswith("<x:") else f"<sheetData>{grid}</sheetData>"
    tail = draw(st.sampled_from(["", "<headerFooter><oddHeader>&amp;C机密</oddHeader></headerFooter>",
                                 "<headerFooter><oddHeader>unclosed</headerFooter>", "<!-- x -->"]))
    return (head + root + data + tail + close).encode(draw(st.sampled_from(["utf-8", "utf-8", "utf-16"])))


def outcome(read: Callable[[], tuple[etree._Element, str]]) -> tuple[str, ...]:
    try:
        root, text = read()
    except (ExtractionError, ValueError, IndexError, OverflowError) as exc:
        return ("error", type(exc).__name__, str(exc))
    return ("ok", text, *(f"{el.tag}={el.text}" for el in header_footer(root) if isinstance(el.tag, str)))


def lxml_way(raw: bytes, book: Book) -> tuple[etree._Element, str]:
    root = parse_xml(raw, "xl/worksheets/sheet1.xml")
    return root, sheet_text(root, book)


def fast_way(raw: bytes, book: Book) -> tuple[etree._Element, str]:
    part = SheetXml(raw, "xl/worksheets/sheet1.xml")
    return part.root, part.text(book)


@settings(max_examples=800, deadline=None)
@given(sheet())
def test_fast_grid_reader_equals_lxml_and_sheet_text(raw: bytes) -> None:
    """The same text, and the same shared strings noted shown."""
    fast_book, slow_book = replace(BOOK, shown=set()), replace(BOOK, shown=set())
    expected = outcome(lambda: lxml_way(raw, slow_book))
    assert outcome(lambda: fast_way(raw, fast_book)) == expected
    if expected[0] == "ok":
        assert fast_book.shown == slow_book.shown


def test_plain_sheet_takes_the_fast_reader() -> None:
    raw = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}"><sheetData><row r="1">'
           '<c r="A1" t="inlineStr"><is><t>&#20445;&#23494;</t></is></c><c r="C1" s="1"><v>45000</v></c>'
           '<c r="D1" t="s"><v>1</v></c></row></sheetData></worksheet>').encode()
    part = SheetXml(raw, "sheet1.xml")
    assert part._grid is not None  # the grid was read without lxml
    assert part.text(BOOK) == "保密\t\t2023-03-15T00:00:00\ta&b" == sheet_text(parse_xml(raw, "s"), BOOK)


# Grids of number rows, the shape the plain-row reader takes in one match per
# row, mixed with the rows it must leave to the token walk.
# literals a plain row may hold (some rendered unchanged, some not) and ones it may not
PLAIN_NUMBERS = st.one_of(
    st.sampled_from(["0", "7", "-3", "-0", "0.5", "-0.25", "1.0", "10.50", "1e5", "2.5e-05", "1e+16", "1e400",
                     "-1e-400", "8.504763576335173e+17", "909704.0600000001", "0.30000000000000004",
                     "0.1000000000000000055", "123456789012345678", "-" + "9" * 18]),
    st.integers(-10 ** 18, 10 ** 18).map(str), st.integers(0, 10 ** 6).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.floats(allow_nan=False, allow_infinity=False).map(lambda x: f"{x:.17g}"),
    st.floats(allow_nan=False, allow_infinity=False).map(lambda x: f"{x:.15g}"))
NUMBERS = st.one_of(PLAIN_NUMBERS, st.sampled_from(["007", "1E5", "1234567890123456789", "+5", ".5", "5.", "1e",
                                                    "0x10", " 5", "", "-", "1e1000000"]))


@st.composite
def number_row(draw: st.DrawFn, n: int) -> str:
    """Mostly a plain row (cells A, B, C... with a number each), sometimes
    one the plain-row reader must refuse or leave to the token walk."""
    letters = [chr(65 + i) for i in range(26)] + ["AA", "AB"]
    odd = draw(st.integers(0, 3)) == 0
    cells = []
    for i, column in enumerate(letters[:draw(st.integers(1, 28))]):
        ref = draw(st.sampled_from([column] * 12 + [chr(65 + (i + 1) % 26), "", "a"])) if odd else column
        head = f'<c r="{ref}{n}"' if ref else "<c"
        head += draw(st.sampled_from(["", ' t="n"'] * 6 + [' s="0"', ' t="s"', ' t="str"', ' s="1" t="n"']
                                     if odd else ["", ' t="n"']))
        body = draw(st.sampled_from(["<v>{}</v>"] * 12 + ["<f>A1</f><v>{}</v>", "<is><t>{}</t></is>"]))
        cells.append(head + ">" + body.format(draw(NUMBERS if odd else PLAIN_NUMBERS)) + "</c>")
    opening = draw(st.sampled_from([f'<row r="{n}">', "<row>", f'<row r="{n}" spans="1:9">',
                                    f'<row r="{n}" x14ac:dyDescent="0.2">']))
    return opening + "".join(cells) + "</row>"


@st.composite
def number_sheet(draw: st.DrawFn) -> bytes:
    rows = [draw(number_row(n)) for n in range(1, draw(st.integers(2, 9)))]
    extras = st.sampled_from([""] * 12 + ["\n", " ", "<row/>", '<row r="9"/>', '<c r="A9"><v>4</v></c>',
                                          "<row><c><v>1</v></c></row>", "x", "&amp;", '<c r="B2" t="s"><v>1</v></c>'])
    grid = "".join(draw(extras) + row for row in rows) + draw(extras)
    return (f'<worksheet xmlns="{NS}" xmlns:x14ac="urn:x14ac"><sheetData>{grid}</sheetData></worksheet>').encode()


DATE_BOOK = Book(strings=BOOK.strings, date_styles=frozenset({0, 1}), duration_styles=frozenset({2}))


@settings(max_examples=1500, deadline=None)
@given(number_sheet(), st.sampled_from([BOOK, DATE_BOOK]))
def test_plain_number_rows_equal_lxml_and_sheet_text(raw: bytes, book: Book) -> None:
    def fast() -> tuple[etree._Element, str]:
        part = SheetXml(raw, "xl/worksheets/sheet1.xml")
        return part.root, part.text(book)

    def slow() -> tuple[etree._Element, str]:
        root = parse_xml(raw, "xl/worksheets/sheet1.xml")
        return root, sheet_text(root, book)

    assert outcome(fast) == outcome(slow)


def test_number_rows_are_read_a_row_per_match() -> None:
    rows = "".join(f'<row r="{n}"><c r="A{n}" t="n"><v>{n}</v></c><c r="B{n}"><v>0.1000000000000000055</v></c>'
                   f'<c r="C{n}"><v>-{n}</v></c></row>' for n in range(1, 4))
    raw = f'<worksheet xmlns="{NS}"><sheetData>{rows}<row r="4"><c r="A4" t="b"><v>1</v></c></row>' \
          f"{rows}</sheetData></worksheet>".encode()
    part = SheetXml(raw, "sheet1.xml")
    assert part._grid is not None and part._grid.rows is not None  # plain rows, then a token run, then plain rows
    assert [type(run) for run in part._grid.rows] == [str, list, str]
    lines = "1\t0.1\t-1\n2\t0.1\t-2\n3\t0.1\t-3"
    assert part.text(BOOK) == f"{lines}\nTrue\n{lines}" == sheet_text(parse_xml(raw, "s"), BOOK)
