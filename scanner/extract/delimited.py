"""The grid of a text laid out as a table by delimiters, for the 密级 column
reading (``scanner.match.marks``): a CSV's records and fields (RFC 4180: a
field in double quotes may hold delimiters, line breaks and doubled quotes),
separated by commas or, as Excel writes them where the decimal mark is a
comma, by semicolons, or by pipes, as some systems export them; and the pipe tables of a Markdown page or a plain
text (lines of cells between pipes, a ``|---|`` or ``+---+`` rule line
between them or not).

A sheet's rows reach that reading with their cells between tabs; a CSV's
and a pipe table's did not, so a form or a register written so
(文件名称,密级,份数 over 某工程设计方案,机密,2) was clear.  The grids are made
only for a text that may hold the 密级 label, which the reading needs: a CSV
of figures costs nothing more.
"""
from __future__ import annotations

import itertools
import re

from ..match.marks import may_hold_label
from ..types import CellGrid

# one CSV field at a position: quoted (its text inside the quotes, group 1) when the delimiter follows the
# closing quote, else everything up to the next delimiter or line end (group 2)
_CSV_DELIMITERS = ",;|"
_CSV_FIELDS = {delimiter: re.compile(rf'[ \t]*"((?:[^"]|"")*+)"[ \t]*(?={re.escape(delimiter)}|\r?\n|\r|\Z)'
                                     rf"|([^{re.escape(delimiter)}\r\n]*+)") for delimiter in _CSV_DELIMITERS}
# the cells a text's grid holds at most: a tuple a cell, a register of 300,000 rows and 10 columns took more
# memory than an item may (found by a second reader); past it the rows are left unread, which reads no
# register's column as a form's field (a column of many values stays values)
MAX_CELLS = 200_000
# the cells of a pipe row read at most: a 密级 column lies within the first few dozen (a line of a million
# pipes is not cut into a million cells)
_MAX_COLUMNS = 64
# what divides a pipe table's cells: an ASCII pipe (not escaped, as Markdown escapes one inside a cell), a
# full-width one (typed with a Chinese input method), a box-drawing vertical line (light, heavy, double,
# dashed) and a broken bar
_PIPES = "|｜│┃║┆┇┊┋╎╏¦"
_PIPE = re.compile(rf"(?<!\\)[{_PIPES}]")
# a rule line between a pipe table's rows: a Markdown table's delimiter row (|---|:--:|), a drawn table's
# border (+------+----+, ├──┼──┤, ┣━━╋━━┫, ╞══╪══╡, ╭──┬──╮: any box-drawing character); possessive, so a
# long line is read once.  Only the heavy, double, mixed and rounded borders' corners and joints were not
# among them: a table so drawn was cut at each border into rows of one line each, no table (found by a
# second reader)
_RULE = rf"[ \t{_PIPES}:+\-=\u2500-\u257f]*+"
_RULE_CHARS = re.compile(_RULE)
# what makes a line of those a rule, not a row of blank cells (| | |): a dash, a corner or a joint
_DASH = r"[-=\u2500-\u257f](?<![│┃║┆┇┊┋╎╏╵╷╹╻╽╿])"
_RULE_DASHES = re.compile(_DASH)
# what may stand between two rows of a pipe table: rule lines without a pipe (+------+------+), each holding
# a dash, and blank lines (a text whose lines are spaced by blank ones, as a sheet's blank row is passed over)
_RULE_LINES = re.compile(rf"(?:(?=[^\n]*?{_DASH}){_RULE}\r?\n|[ \t\r\u3000]*+\n)+")


def csv_grids(text: str) -> tuple[CellGrid, ...]:
    """The CSV's records as a grid of fields separated by commas and, where
    the text holds semicolons or pipes, as one of fields separated by them:
    a spreadsheet program asks which, and a first line does not say (a
    title, a sentence with semicolons over a comma-separated table, decimal
    commas under a semicolon-separated header).  Read the other way, a
    table's header holds no cell that is the 密级 label alone (文件名称;密级;份数
    is one cell between commas)."""
    if not may_hold_label(text):
        return ()
    return tuple(grid for delimiter in _CSV_DELIMITERS if delimiter == "," or delimiter in text
                 for grid in _records(text, delimiter))


def _records(text: str, delimiter: str) -> tuple[CellGrid, ...]:
    """The records as one grid (each field's span, a quoted field's without
    its quotes), up to ``MAX_CELLS`` fields."""
    field = _CSV_FIELDS[delimiter]
    rows = []
    row: list[tuple[int, int, int, int, bool]] = []
    pos, size, cells = 0, len(text), 0
    while cells < MAX_CELLS:
        cells += 1
        m = field.match(text, pos)
        assert m is not None  # the second alternative matches anywhere, if only the empty string
        group = 1 if m.group(1) is not None else 2
        row.append((len(row), 1, m.start(group), m.end(group), False))
        pos = m.end()
        if pos < size and text[pos] == delimiter:
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


def pipe_grids(text: str) -> tuple[CellGrid, ...]:
    """Each pipe table's rows: a run of two or more lines in a row holding a
    pipe or a rule line, the rule lines left out, a cell between two pipes
    (the pipes at a row's ends optional).  Only the lines holding a pipe,
    and those between two of them, are looked at, each once, and at most
    ``MAX_CELLS`` cells (a line of no cells, a rule line, counting one) are
    read."""
    if not may_hold_label(text) or not any(pipe in text for pipe in _PIPES):  # the label first: the rarer
        return ()
    grids: list[CellGrid] = []
    rows: list[tuple[tuple[int, int, int, int, bool], ...]] = []
    pos = cells = 0
    run_end = -1  # where the last line read as the run's ends
    while cells < MAX_CELLS and (pipe := _PIPE.search(text, pos)) is not None:
        start = text.rfind("\n", 0, pipe.start()) + 1
        end = text.find("\n", pipe.end())
        end = len(text) if end < 0 else end
        pos = end + 1
        if start != run_end + 1 and not _RULE_LINES.fullmatch(text, run_end + 1, start):
            # a line without a pipe, no rule line, ended the run
            if len(rows) > 1:
                grids.append(tuple(rows))
            rows = []
        run_end = end
        line = text[start:end].rstrip("\r")
        if _RULE_DASHES.search(line) and _RULE_CHARS.fullmatch(line):
            cells += 1
            continue
        rows.append(_pipe_row(line, start))
        cells += max(len(rows[-1]), 1)
    if len(rows) > 1:
        grids.append(tuple(rows))
    return tuple(grids)


def _pipe_row(line: str, offset: int) -> tuple[tuple[int, int, int, int, bool], ...]:
    """The cells of one pipe row (at ``offset`` in the text, its ``\\r``
    left out), as (column, 1, start, end, False) in the whole text; of a row
    of more than ``_MAX_COLUMNS`` cells, the first."""
    pipes = [m.start() for m in itertools.islice(_PIPE.finditer(line), _MAX_COLUMNS + 1)]
    whole = len(pipes) <= _MAX_COLUMNS
    bounds = [-1, *pipes, *([len(line)] if whole else [])]
    spans = list(itertools.pairwise(bounds))
    if not line[:bounds[1]].strip():  # a leading pipe: no cell before it
        spans = spans[1:]
    if whole and spans and not line[spans[-1][0] + 1:].strip():
        spans = spans[:-1]  # a trailing pipe: no cell after it
    return tuple((column, 1, offset + a + 1, offset + b, False) for column, (a, b) in enumerate(spans))
