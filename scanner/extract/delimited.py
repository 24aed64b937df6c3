"""The grid of a text laid out as a table by delimiters, for the 密级 column
reading (``scanner.match.marks``): a CSV's records and fields (RFC 4180: a
field in double quotes may hold commas, line breaks and doubled quotes) and
a Markdown page's pipe tables.

A sheet's rows reach that reading with their cells between tabs; a CSV's
and a Markdown table's did not, so a form or a register written so
(文件名称,密级,份数 over 某工程设计方案,机密,2) was clear.  The grids are made
only for a text that may hold the 密级 label, which the reading needs: a CSV
of figures costs nothing more.
"""
from __future__ import annotations

import itertools
import re

from ..match.marks import may_hold_label
from ..types import CellGrid

# one CSV field at a position: quoted (its text inside the quotes, group 1) when a delimiter follows the
# closing quote, else everything up to the next comma or line end (group 2)
_CSV_FIELD = re.compile(r'[ \t]*"((?:[^"]|"")*+)"[ \t]*(?=,|\r?\n|\r|\Z)|([^,\r\n]*+)')
# the cells a text's grid holds at most: a tuple a cell, a register of 300,000 rows and 10 columns took more
# memory than an item may (found by a second reader); past it the rows are left unread, which reads no
# register's column as a form's field (a column of many values stays values)
MAX_CELLS = 200_000
# a Markdown table's delimiter row, under its header row: |---|:--:|
_DELIMITER_ROW = re.compile(r"[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*")
_PIPE = re.compile(r"(?<!\\)\|")


def csv_grids(text: str) -> tuple[CellGrid, ...]:
    """The CSV's records as one grid (each field's span, a quoted field's
    without its quotes), up to ``MAX_CELLS`` fields."""
    if not may_hold_label(text):
        return ()
    rows = []
    row: list[tuple[int, int, int, int, bool]] = []
    pos, size, cells = 0, len(text), 0
    while cells < MAX_CELLS:
        cells += 1
        m = _CSV_FIELD.match(text, pos)
        assert m is not None  # the second alternative matches anywhere, if only the empty string
        group = 1 if m.group(1) is not None else 2
        row.append((len(row), 1, m.start(group), m.end(group), False))
        pos = m.end()
        if pos < size and text[pos] == ",":
            pos += 1
            continue
        rows.append(tuple(row))
        row = []
        if pos >= size:
            break
        pos += 2 if text.startswith("\r\n", pos) else 1
        if pos >= size:
            break
    return (tuple(rows),) if rows else ()


def markdown_grids(text: str) -> tuple[CellGrid, ...]:
    """Each pipe table's rows (its delimiter row left out), a cell between
    two unescaped pipes, the pipes at a row's ends optional."""
    if "|" not in text or not may_hold_label(text):
        return ()
    grids: list[CellGrid] = []
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    at = cells = 0
    while at + 1 < len(lines) and cells < MAX_CELLS:
        if "|" in lines[at] and _DELIMITER_ROW.fullmatch(lines[at + 1].rstrip("\r")) and "-" in lines[at + 1]:
            rows = [_pipe_row(lines[at], starts[at])]
            at += 2
            while at < len(lines) and "|" in lines[at] and cells < MAX_CELLS:
                rows.append(_pipe_row(lines[at], starts[at]))
                cells += len(rows[-1])
                at += 1
            grids.append(tuple(rows))
        else:
            at += 1
    return tuple(grids)


def _pipe_row(line: str, offset: int) -> tuple[tuple[int, int, int, int, bool], ...]:
    """The cells of one pipe row, as (column, 1, start, end, False) in the whole text."""
    body = line.rstrip("\r")
    bounds = [-1, *(m.start() for m in _PIPE.finditer(body)), len(body)]
    spans = list(itertools.pairwise(bounds))
    if not body[:bounds[1]].strip():  # a leading pipe: no cell before it
        spans = spans[1:]
    if spans and not body[spans[-1][0] + 1:].strip():
        spans = spans[:-1]  # a trailing pipe: no cell after it
    return tuple((column, 1, offset + a + 1, offset + b, False) for column, (a, b) in enumerate(spans))
