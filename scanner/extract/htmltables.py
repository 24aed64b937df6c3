"""The grid of a web page's tables, read beside its visible text (and a
hidden table's, or a visible table's hidden rows and cells, beside its
hidden text).

A page's table is read a cell a line (``td`` and ``th`` are block
elements), so a form or a register published as a page (文件名称 | 密级 |
份数 over 某工程设计方案 | 机密 | 2) gave 机密 after the file's name, not under
its label, and the page was clear.  ``HtmlTables`` follows the page's walk
(``html._Collector``) and says where each cell's text is among the walk's
chunks and which column it starts at, ``colspan`` and ``rowspan`` counted as
HTML's table model counts them: a cell spanning rows stands in each row it
covers, as a Word cell merged down does (a register's 机密 over three rows
is three files' level).  ``grids`` gives the cells' spans in the text the
page's chunks are cleaned to, for the 密级 column reading
(``scanner.match.marks``).  A nested table is a grid of its own.
"""
from __future__ import annotations

import bisect
import functools
import itertools
import re

from ..normalize.chars import translation_table
from ..types import CellGrid
from .delimited import MAX_CELLS

# HTML caps colspan at 1,000 and rowspan at 65,534; a 密级 column lies within the first few dozen
_MAX_COLUMNS = 64
_MAX_ROWSPAN = 1_000
# what ends a line for str.splitlines, and a character str.strip keeps
_LINE_BREAK = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_NOT_SPACE = re.compile(r"\S")


class _Table:
    def __init__(self) -> None:
        # rows of cells: (column, columns spanned, first chunk, end chunk, merged from above)
        self.rows: list[list[tuple[int, int, int, int, bool]]] = []
        self.covered: dict[int, tuple[int, int]] = {}  # column -> (rows still covered, columns spanned)
        self.footer: set[int] = set()  # the rows of a tfoot, which a browser shows after the body's
        self.open: list[tuple[int, int, int]] = []  # cells begun: (column, columns spanned, first chunk)


class HtmlTables:
    """Rows and cells of the tables the walk meets, in chunks of its visible stream."""

    def __init__(self) -> None:
        self.tables: list[_Table] = []
        self._reading: list[_Table] = []
        # the cells kept, up to ``MAX_CELLS`` (as a text's grid, scanner.extract.delimited): a register of
        # 250,000 rows took more memory than an item may; the rows past it are left out of the grid (their
        # text is read), and where their text may hold a level (``unread_level``) the page is not cleared
        self.cells = 0
        self.full = False  # a row was left out
        self.unread_level = False  # ``grids``: the text past the cells kept may hold a level (any spelling of 密)

    def table(self) -> None:
        if self.full:  # a table past the cap: read (its rows are not) for its nesting
            self._reading.append(_Table())
            return
        self.tables.append(_Table())
        self._reading.append(self.tables[-1])

    def table_end(self) -> None:
        if self._reading:
            self._reading.pop()

    def row(self, footer: bool = False) -> None:
        """A row begins (``footer``: in a ``tfoot``, shown after the body's rows)."""
        if not self._reading or self.full:
            return
        if self.cells >= MAX_CELLS:
            self.full = True
            return
        table = self._reading[-1]
        # a row left empty (a visible row's, in the companion of a visible table's hidden cells) is no row of the
        # grid: the next one takes its place, so a long table's companion holds no list for each of its rows
        if not table.rows or table.rows[-1] or footer or len(table.rows) - 1 in table.footer:
            table.rows.append([])
        if footer:
            table.footer.add(len(table.rows) - 1)
        # the cells above that span into this row stand in it, merged
        for column, (rows, span) in sorted(table.covered.items()):
            table.rows[-1].append((column, span, 0, 0, True))
            table.covered[column] = (rows - 1, span)
        self.cells += len(table.covered)
        table.covered = {column: kept for column, kept in table.covered.items() if kept[0] > 0}

    def cell(self, colspan: str | None, rowspan: str | None, chunk: int) -> None:
        if not self._reading or self.full:
            return
        table = self._reading[-1]
        if not table.rows:  # a cell outside any row (broken markup): a row of its own
            self.row()
        taken = {c for column, span, *_ in table.rows[-1] for c in range(column, column + span)}
        taken |= {c for column, span, _ in table.open for c in range(column, column + span)}
        column = next(c for c in itertools.count() if c not in taken)
        span = min(_number(colspan, _MAX_COLUMNS), max(_MAX_COLUMNS - column, 1))
        table.open.append((column, span, chunk))
        # past the columns read, a cell covers nothing below it (a page of cells each spanning many rows and
        # columns pushed the next row's cells ever further right: time quadratic in the page, found by a second reader)
        if (rows := _number(rowspan, _MAX_ROWSPAN)) > 1 and column < _MAX_COLUMNS:
            table.covered[column] = (rows - 1, span)

    def cell_end(self, chunk: int) -> None:
        if not self._reading or not self._reading[-1].open:
            return
        table = self._reading[-1]
        column, span, first = table.open.pop()
        if column < _MAX_COLUMNS:
            table.rows[-1].append((column, span, first, chunk, False))
            self.cells += 1

    def grids(self, chunks: list[str]) -> tuple[CellGrid, ...]:
        """The grids, each cell's span in ``clean(chunks)``, the text
        ``html._clean`` makes of them (lines stripped, blank ones dropped)."""
        if self.full:  # a level past the cap is no column's field here: the item cannot be cleared on it
            last = max((end for table in self.tables for row in table.rows for *_, end, _ in row), default=0)
            self.unread_level = any(_secret_char().search(chunk) for chunk in itertools.islice(chunks, last, None))
        if not self.tables:
            return ()
        at = _offsets(chunks, {chunk for table in self.tables for row in table.rows
                               for _, _, first, end, merged in row if not merged for chunk in (first, end)})
        to_clean = _CleanMap("".join(chunks), max(at.values(), default=0))
        grids = []
        for table in self.tables:
            rows = []
            for row in [row for n, row in enumerate(table.rows) if n not in table.footer] + [
                    table.rows[n] for n in sorted(table.footer)]:
                real = sorted((column, span, start := to_clean(at[first], True), max(start, to_clean(at[end], False)),
                               False) for column, span, first, end, merged in row if not merged)
                if not real:
                    continue
                start = real[0][2]
                merged = [(column, span, start, start, True) for column, span, _, _, merged in row if merged]
                rows.append(tuple(sorted(real + merged)))
            if rows:
                grids.append(tuple(rows))
        return tuple(grids)


class _CleanMap:
    """Where an offset of the raw text lands in ``html._clean``'s text: its
    lines stripped, the blank ones dropped, the rest joined by newlines."""

    def __init__(self, raw: str, upto: int) -> None:
        self.starts: list[int] = []  # each raw line's start
        self.spans: list[tuple[int, int]] = []  # its stripped text's start and end within it
        self.clean: list[int] = []  # where its stripped text starts in the clean text (-1: dropped)
        pos = out = 0
        for line in _through_kept_line(raw, upto).splitlines(keepends=True):
            body = line.splitlines()[0] if line.splitlines() else ""
            lead = len(body) - len(body.lstrip())
            kept = body.strip()
            self.starts.append(pos)
            self.spans.append((lead, lead + len(kept)))
            self.clean.append(out if kept else -1)
            if kept:
                out += len(kept) + 1
            pos += len(line)
        self.total = max(out - 1, 0)  # the clean text's length

    def __call__(self, offset: int, start: bool) -> int:
        """``offset``'s place in the clean text; on a dropped (blank) line, a
        cell's ``start`` goes to the next kept line's start, its end to the
        last kept line's end."""
        lines = len(self.starts)
        line = max(bisect.bisect_right(self.starts, offset) - 1, 0)
        moved = False
        while 0 <= line < lines and self.clean[line] < 0:
            line, moved = line + (1 if start else -1), True
        if not 0 <= line < lines:
            return self.total if start else 0
        lead, end = self.spans[line]
        if moved:
            return self.clean[line] + (0 if start else end - lead)
        return self.clean[line] + min(max(offset - self.starts[line] - lead, 0), end - lead)


@functools.cache
def _secret_char() -> re.Pattern[str]:
    """密 and each character that normalises to it (a level's every spelling holds one)."""
    spellings = "密" + "".join(chr(code) for code, to in translation_table().items() if to == ord("密"))
    return re.compile(f"[{re.escape(spellings)}]")


def _offsets(chunks: list[str], wanted: set[int]) -> dict[int, int]:
    """Where each ``wanted`` chunk starts in the chunks joined: only those
    (every chunk's offset, of a page of millions, was a list of millions of ints)."""
    at: dict[int, int] = {}
    pos = last = 0
    for chunk in sorted(wanted):
        pos += sum(map(len, chunks[last:chunk]))
        at[chunk], last = pos, chunk
    return at


def _through_kept_line(raw: str, upto: int) -> str:
    """``raw`` up to the end of the first line after ``upto``'s that
    ``_CleanMap`` keeps (not blank), where a cell starting on a blank line
    lands: its lines are those of ``raw`` (a grid of the first rows of a page
    of millions of lines maps only theirs)."""
    if (brk := _LINE_BREAK.search(raw, upto)) is None or (kept := _NOT_SPACE.search(raw, brk.end())) is None:
        return raw
    end = _LINE_BREAK.search(raw, kept.end())
    return raw if end is None else raw[:end.end()]


def _number(value: str | None, cap: int) -> int:
    """A colspan's or rowspan's value as HTML reads it: leading digits, at least 1, at most ``cap``."""
    digits = "".join(itertools.takewhile(str.isdigit, (value or "").strip()))[:7]
    return min(max(int(digits), 1), cap) if digits.isascii() and digits else 1
