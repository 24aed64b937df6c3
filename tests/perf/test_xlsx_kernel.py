"""The numba kernel for plain numeric rows (``scanner.extract.xlsxkernel``)
reads a grid exactly as ``xlsxsheet._plain_row()`` and the Python rendering
do: on generated grids of number rows and hostile ones (odd literals,
missing or misordered columns, styles, other cell types, escaped and
non-ASCII text, white space, truncated tags, rows past column Z), and on
whole sheets read with the kernel and without it."""
from __future__ import annotations

import re
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from scanner.errors import ExtractionError
from scanner.extract import xlsxkernel, xlsxsheet
from scanner.extract.xlsxsheet import Book, SheetXml

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
BOOK = Book(strings=["共享", "a&b", ""], date_styles=frozenset({1}), duration_styles=frozenset({2}))
DATE_BOOK = Book(strings=BOOK.strings, date_styles=frozenset({0, 1}))

FLOATS = st.floats(allow_nan=False, allow_infinity=False)


def _nudged(literal: str, by: int) -> str:
    """The literal with its last digit moved by ``by`` (a neighbour that is
    often not the shortest form, or one that rounds to the same double)."""
    mantissa, e, exponent = literal.partition("e")
    digits = [i for i, ch in enumerate(mantissa) if ch.isdigit()]
    last = digits[-1]
    digit = (int(mantissa[last]) + by) % 10
    return mantissa[:last] + str(digit) + mantissa[last + 1:] + e + exponent


def _long_neighbour(digits: int, seed: int, sign: int, point: int) -> str:
    """A 16-digit literal one unit in its last place from a short decimal
    (``digits`` digits, leading 5-8): where a double's rounding interval is
    wider than that unit, it rounds to the short one's double, whose
    ``repr`` is then the short one."""
    low = 5 * 10 ** (digits - 1)
    long = str(((low + seed % (4 * 10 ** (digits - 1))) * 10 ** (16 - digits)) + sign)
    return long[:point] + "." + long[point:] if point else "0." + long


def _tie(k: int, seed: int, up: bool) -> str:
    """A 16-digit neighbour of a double m / 2**k whose exact expansion has 17
    digits, the last a 5: both neighbours are half a unit from it, a tie
    that ``repr`` breaks one way."""
    low, high = 10 ** (16 - k) * 2 ** k, min(10 ** (17 - k) * 2 ** k, 2 ** 53)
    m = (low + seed % (high - low)) | 1
    exact = Decimal(m) / Decimal(2) ** k
    rounded = exact.quantize(Decimal(10) ** (exact.adjusted() - 15), ROUND_CEILING if up else ROUND_FLOOR)
    return format(rounded, "f")


# number literals: repr of doubles and the forms around it that repr does not
# give (more or fewer digits, a neighbour, another notation), and odd ones
LITERALS = st.one_of(
    FLOATS.map(repr),
    FLOATS.map(lambda x: f"{x:.17g}"), FLOATS.map(lambda x: f"{x:.16g}"), FLOATS.map(lambda x: f"{x:.15g}"),
    st.tuples(FLOATS.map(repr), st.sampled_from([-2, -1, 1, 2])).map(lambda t: _nudged(*t)),
    st.tuples(FLOATS.map(lambda x: f"{x:.16g}"), st.sampled_from([-1, 1])).map(lambda t: _nudged(*t)),
    st.builds(_tie, st.integers(1, 16), st.integers(0, 2 ** 53), st.booleans()),
    st.builds(_long_neighbour, st.integers(1, 15), st.integers(0, 10 ** 15), st.sampled_from([-1, 1]),
              st.integers(0, 4)),
    st.floats(-1e6, 1e6).map(lambda x: f"{x:.10f}"), st.floats(-1, 1).map(repr),
    st.floats(1e15, 1e18).map(repr), st.floats(1e-6, 1e-3).map(repr), st.floats(1e-6, 1e-3).map(lambda x: f"{x:.17f}"),
    st.integers(-10 ** 19, 10 ** 19).map(str), st.integers(2 ** 53 - 3, 2 ** 53 + 3).map(lambda n: f"{n}.0"),
    st.integers(10 ** 15, 10 ** 17).map(lambda n: f"0.{n}"), st.integers(10 ** 15, 10 ** 17).map(lambda n: f"{n}e-8"),
    st.sampled_from(["0", "7", "-3", "-0", "00", "007", "0.0", "-0.0", "0.00", "0.5", "0.1000", "1.", "-", "+1", ".5",
                     "5.", "1E5", "1e5", "1e+05", "1e-05", "1e+16", "1e16", "1e15", "1e-5", "0.0001", "0.00001",
                     "1e999", "-1e-999", "1e400", "1e-400", "1e1000", "1e", "1e+", "--1", "1..2", "1e5.5",
                     "1234567890123456.0", "12345678901234567.0", "1000000000000000.0", "10000000000000000.0",
                     "123456789012345678", "-123456789012345678", "1234567890123456789", "9007199254740993",
                     "9007199254740993.0", "0.1000000000000000055", "909704.0600000001", "0.30000000000000004",
                     "8.504763576335173e+17", "5e-324", "2.2250738585072014e-308", "1.7976931348623157e+308",
                     "0x10", " 5", "", "１", "٣"]))


# the literals a plain cell holds, and the ones its pattern refuses
NUMBERS = LITERALS.filter(re.compile(xlsxsheet._NUMBER).fullmatch)
NOT_NUMBERS = LITERALS.filter(lambda x: not re.fullmatch(xlsxsheet._NUMBER, x))


@st.composite
def cell(draw: st.DrawFn, column: str, row: int, plain: bool) -> str:
    """A plain cell, or one with a single thing about it the plain-row
    pattern does not take (the near misses that test the kernel most)."""
    aspect = "" if plain else draw(st.sampled_from(["ref", "number", "kind", "body", "gap", "literal"]))
    ref = column
    if aspect == "ref":
        ref = draw(st.sampled_from(["", column.lower(), chr(ord(column[-1]) % 26 + 65), "A" + column, column[:-1]]))
    number = draw(st.sampled_from(["", "0", "12345678", "x", "01"])) if aspect == "number" else str(row)
    head = f'<c r="{ref}{number}"' if ref or number else "<c"
    head += draw(st.sampled_from([' s="0"', ' s="1"', ' t="s"', ' t="str"', ' t="inlineStr"', ' t="b"', ' t="e"',
                                  " t='n'", ' t="n" ', ' s="1" t="n"', ' t="n" s="0"', ' t="N"', " t=\"n\"/"])
                 if aspect == "kind" else st.sampled_from(["", ' t="n"']))
    body = draw(st.sampled_from(["<f>A1</f><v>{}</v>", "<is><t>{}</t></is>", "<v/>", "<v></v>", "<v>{}&amp;</v>",
                                 "<v>保密{}</v>", "<v>{}</v></c", "<v>{}", "<v>{}</v><v>1</v>", "<v> {}</v>"])
                if aspect == "body" else st.just("<v>{}</v>"))
    gap = draw(st.sampled_from([" ", "\n", "\t"])) if aspect == "gap" else ""
    literal = draw(NOT_NUMBERS if aspect == "literal" else NUMBERS)
    return gap + head + ">" + body.format(literal) + ("" if body.endswith(("</c", "{}")) else "</c>")


def column_name(i: int) -> str:
    return chr(65 + i) if i < 26 else "A" + chr(65 + i - 26)


@st.composite
def row(draw: st.DrawFn, n: int) -> str:
    """Mostly a plain row (cells A, B, C... with a number each), often one
    with a near miss in one or two of its cells, its opening or its end."""
    count = draw(st.integers(1, 30))
    misses = draw(st.sets(st.integers(0, count - 1), max_size=2)) if draw(st.integers(0, 4)) == 0 else set()
    cells = [draw(cell(column_name(i), n, i not in misses)) for i in range(count)]
    odd_opening, odd_end = draw(st.integers(0, 9)) == 0, draw(st.integers(0, 15)) == 0
    opening = draw(st.sampled_from([f'<row r="{n}">', "<row>", f'<row r="{n}" spans="1:9">',
                                    f'<row r="{n}" x14ac:dyDescent="0.2">', f'<row r="{n}1é">']
                                   + ([f"<row r='{n}'>", f'<row  r="{n}">', f'<row r="{n}" >', '<row é="1">',
                                       '<row aé="1">', '<row r="1" -="2">', '<row r="&amp;">', '<row r="<">',
                                       "<rowx>", "<row/>", '<row r="1"/>'] if odd_opening else [])))
    closing = draw(st.sampled_from(["", "</row", "</ro>", " </row>"])) if odd_end else "</row>"
    return opening + "".join(cells) + closing


@st.composite
def grid(draw: st.DrawFn) -> str:
    """Rows with what a grid may hold between them; in a third of the grids,
    also what the token walk refuses or XML does not allow."""
    between = st.sampled_from([""] * 8 + ["\n", " ", "<row/>", '<row r="9"/>'])
    if draw(st.integers(0, 2)) == 0:
        between = st.one_of(between, st.sampled_from([
            '<c r="A9"><v>4</v></c>', "x", "&amp;", "保密", '<c r="B2" t="s"><v>1</v></c>', "</row>", "<", "<row",
            "\x01", "\r", "\x1f", "\ufffe", "\uffff", "\uffbf", "\ufeff", "sheetData", "<sheetData/>"]))
    rows = [draw(between) + draw(row(n)) for n in range(1, draw(st.integers(2, 9)))]
    text = "".join(rows) + draw(between)
    return text[:draw(st.integers(0, len(text)))] if draw(st.integers(0, 5)) == 0 else text


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    xlsxkernel.warm()


@settings(max_examples=2500, deadline=None)
@given(grid())
def test_kernel_reads_plain_rows_as_the_pattern_does(inner: str) -> None:
    found = xlsxkernel.plain_runs(inner.encode())
    if found is None:  # a name with a byte past ASCII: the pattern reads the grid
        assert any(ord(ch) > 127 for ch in inner)
        return
    assert found.refused == (xlsxsheet._not_xml_char(inner.encode()) or "sheetData" in inner)
    assert [run[:2] for run in found.runs] == plain_runs(inner)
    assert xlsxsheet._kernel_rows(inner.encode(), found) == xlsxsheet._plain_rows(inner)


def plain_runs(inner: str) -> list[list[int]]:
    """Where the pattern finds plain rows (adjacent ones joined), in bytes."""
    runs: list[list[int]] = []
    for match in xlsxsheet._plain_row().finditer(inner):
        if match.group(xlsxsheet._PLAIN_COLUMNS + 1) is None:
            start, end = (len(inner[:at].encode()) for at in match.span())
            if runs and runs[-1][1] == start:
                runs[-1][1] = end
            else:
                runs.append([start, end])
    return runs


@settings(max_examples=1500, deadline=None)
@given(st.lists(LITERALS, min_size=1, max_size=60), st.booleans())
def test_kernel_renders_every_literal_as_python_does(literals: list[str], typed: bool) -> None:
    """One literal per row, so each is judged (kept as written, or rendered
    in Python) on its own, the risky rule being the proof that a literal of
    16 or 17 digits is ``repr`` of its double."""
    kind = ' t="n"' if typed else ""
    inner = "".join(f'<row r="{n}"><c r="A{n}"{kind}><v>{x}</v></c></row>' for n, x in enumerate(literals, 1))
    found = xlsxkernel.plain_runs(inner.encode())
    assert found is not None
    assert xlsxsheet._kernel_rows(inner.encode(), found) == xlsxsheet._plain_rows(inner)


@st.composite
def sheet(draw: st.DrawFn) -> bytes:
    head = draw(st.sampled_from(['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n', ""]))
    tail = draw(st.sampled_from(["", "<headerFooter><oddHeader>&amp;C机密</oddHeader></headerFooter>"]))
    return (f'{head}<worksheet xmlns="{NS}" xmlns:x14ac="urn:x14ac"><sheetData>{draw(grid())}</sheetData>'
            f"{tail}</worksheet>").encode()


def _read(raw: bytes, book: Book, kernel: bool) -> tuple[str, ...]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(xlsxkernel, "KERNEL_MIN_BYTES", 0 if kernel else 1 << 62)
        try:
            part = SheetXml(raw, "xl/worksheets/sheet1.xml")
            return ("ok", part.text(book), *(str(el.tag) for el in xlsxsheet.header_footer(part.root)))
        except (ExtractionError, ValueError, IndexError, OverflowError) as exc:
            return ("error", type(exc).__name__, str(exc))


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheet(), st.sampled_from([BOOK, DATE_BOOK]))
def test_sheets_read_with_the_kernel_equal_those_read_without(raw: bytes, book: Book) -> None:
    assert _read(raw, book, kernel=True) == _read(raw, book, kernel=False)


def test_the_kernel_takes_plain_rows_and_proves_repr_literals() -> None:
    rows = "".join(f'<row r="{n}"><c r="A{n}" t="n"><v>{n}</v></c><c r="B{n}"><v>-0.8551274266649145</v></c>'
                   f'<c r="C{n}"><v>8.504763576335173e+17</v></c><c r="D{n}"><v>0.10</v></c></row>'
                   for n in range(1, 4))
    found = xlsxkernel.plain_runs(f'{rows}<row r="4"><c r="A4" t="s"><v>0</v></c></row>{rows}'.encode())
    assert found is not None and len(found.runs) == 2
    odd = found.odd
    assert [found.text[start:end] for start, end in zip(odd[0::2], odd[1::2])] == ["0.10"] * 6  # the rest proved their own text

