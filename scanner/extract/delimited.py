"""The grid of a text laid out as a table by delimiters, for the 密级 column
reading (``scanner.match.marks``): a CSV's records and fields (RFC 4180: a
field in double quotes may hold delimiters, line breaks and doubled quotes),
separated by commas or, as Excel writes them where the decimal mark is a
comma, by semicolons, or by pipes, as some systems export them; and the pipe tables of a Markdown page or a plain
text (lines of cells between pipes, a ``|---|`` or ``+---+`` rule line
between them or not); and a plain text's tables of fields between commas or
semicolons, a CSV saved as a text, or typed with full-width ones (标题，密级
over 关于某事，机密), its lines ended \\r\\n, \\n or, an old Mac's, \\r alone.

A sheet's rows reach that reading with their cells between tabs; a CSV's
and a pipe table's did not, so a form or a register written so
(文件名称,密级,份数 over 某工程设计方案,机密,2) was clear.  The grids are made
only for a text that may hold the 密级 label, which the reading needs: a CSV
of figures costs nothing more.
"""
from __future__ import annotations

import itertools
import re

from ..levels import FIELD_VALUES
from ..match.marks import PIPES, label_cell, label_lines, may_hold_label
from ..normalize.chars import ended_lines
from ..types import CellGrid

# one CSV field at a position: quoted (its text inside the quotes, group 1) when the delimiter follows the
# closing quote, else everything up to the next delimiter or line end (group 2)
_CSV_DELIMITERS = ",;|"
_CSV_FIELDS = {delimiter: re.compile(rf'[ \t]*"((?:[^"]|"")*+)"[ \t]*(?={re.escape(delimiter)}|\r?\n|\r|\Z)'
                                     rf"|([^{re.escape(delimiter)}\r\n]*+)") for delimiter in _CSV_DELIMITERS + "，；"}
# the cells a text's grid holds at most: a tuple a cell, a register of 300,000 rows and 10 columns took more
# memory than an item may (found by a second reader); past it the rows are left unread, which reads no
# register's column as a form's field (a column of many values stays values)
MAX_CELLS = 200_000
# the cells of a pipe row read at most: a 密级 column lies within the first few dozen (a line of a million
# pipes is not cut into a million cells)
_MAX_COLUMNS = 64
# what divides a pipe table's cells: a pipe (``PIPES``; an ASCII one not escaped, as Markdown escapes one
# inside a cell)
_PIPE = re.compile(rf"(?<!\\)[{PIPES}]")
# a rule line between a pipe table's rows: a Markdown table's delimiter row (|---|:--:|), a drawn table's
# border (+------+----+, ├──┼──┤, ┣━━╋━━┫, ╞══╪══╡, ╭──┬──╮: any box-drawing character); possessive, so a
# long line is read once.  Only the heavy, double, mixed and rounded borders' corners and joints were not
# among them: a table so drawn was cut at each border into rows of one line each, no table (found by a
# second reader)
_RULE = rf"[ \t{PIPES}:+\-=\u2500-\u257f]*+"
_RULE_CHARS = re.compile(_RULE)
# what makes a line of those a rule, not a row of blank cells (| | |): a dash, a corner or a joint
_DASH = r"[-=\u2500-\u257f](?<![│┃║┆┇┊┋╎╏╵╷╹╻╽╿])"
_RULE_DASHES = re.compile(_DASH)
# what may stand between two rows of a pipe table: rule lines without a pipe (+------+------+), each holding
# a dash, and blank lines (a text whose lines are spaced by blank ones, as a sheet's blank row is passed over)
_RULE_LINES = re.compile(rf"(?:(?=[^\n]*?{_DASH}){_RULE}\r?\n|[ \t\r\u3000]*+\n)+")
# what divides the fields of a table a plain text holds (a CSV saved as .txt: 名称,密级,日期 over 报告,机密,
# 2024-01-01 was clear where the .csv was read): the ASCII comma and semicolon a program writes, and the
# full-width ones a table typed with a Chinese input method has (标题，密级 over 关于某事，机密 was clear), which
# divide a sentence's clauses too: a table of those only of short fields, its header and first row as wide
_TEXT_DELIMITERS = ",;，；"
_FULL_WIDTH = "，；"
# a header's field holds at most this many characters but blanks where its first row is wider or narrower
_SHORT_FIELD = 16
# a full-width table's column name holds at most this many characters but blanks (序号, 文件名称, 密级)
_NAME_CHARS = 8
# a quoted field opening a row may run on over line breaks within this many characters (a cell's Alt+Enter)
_QUOTED_REACH = 1024


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


def text_grids(text: str) -> tuple[CellGrid, ...]:
    """A plain text's pipe tables (``pipe_grids``) and its tables of fields
    between commas or semicolons (``_field_tables``)."""
    if not may_hold_label(text):
        return ()
    text = ended_lines(text)  # an old Mac text's lines end \r alone: offsets kept, each made \n
    return _pipe_tables(text) + tuple(grid for delimiter in _TEXT_DELIMITERS if delimiter in text
                                      for grid in _field_tables(text, delimiter))


def pipe_grids(text: str) -> tuple[CellGrid, ...]:
    """Each pipe table's rows (``_pipe_tables``), where the text may hold the label."""
    return _pipe_tables(text) if may_hold_label(text) else ()


def _pipe_tables(text: str) -> tuple[CellGrid, ...]:
    """Each pipe table's rows: a run of two or more lines in a row holding a
    pipe or a rule line, the rule lines left out, a cell between two pipes
    (the pipes at a row's ends optional).  Only the lines holding a pipe,
    and those between two of them, are looked at, each once, and at most
    ``MAX_CELLS`` cells (a line of no cells, a rule line, counting one) are
    read."""
    if not any(pipe in text for pipe in PIPES):
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


def _field_tables(text: str, delimiter: str) -> tuple[CellGrid, ...]:
    """The tables of fields between ``delimiter`` a plain text holds.  A
    line is a table's header when two or more fields are on it, one of them
    the 密级 label alone (``label_cell``), none ending a sentence (。), and
    the next line that is not blank holds as many (``_first_row``): a
    sentence's commas make no table (本办法规定了密级, 以及……).  The table runs on
    down the lines holding the delimiter, blank ones passed over as a pipe
    table's are, whatever their fields: a register's row of a field more or
    fewer does not cut it short, its first level left alone to read as a
    form's.  A row opening with a quoted field runs on over the line breaks
    in its quotes (``_record_end``).  Only the lines that may hold the label
    and the tables' rows are read, each once, and at most ``MAX_CELLS``
    fields."""
    grids: list[CellGrid] = []
    size, pos, cells = len(text), 0, 0
    for start, end in label_lines(text):
        if cells >= MAX_CELLS:
            break
        if start < pos:
            continue
        if "。" in text[start:end] or delimiter not in text[start:end]:  # a sentence's line, before its fields are read
            continue
        header = _fields(text, start, end, delimiter)
        labels = [column for column, _, a, b, _ in header if label_cell(text[a:b])]
        if len(header) < 2 or not labels:
            continue
        if delimiter in _FULL_WIDTH and not _names(text, header, labels[0]):
            continue
        rows = [header]
        cells += len(header)
        line_start = end + 1
        while line_start < size and cells < MAX_CELLS:
            line_end = text.find("\n", line_start)
            line_end = size if line_end < 0 else line_end
            line = text[line_start:line_end]
            if line.strip(" \t\r\u3000"):
                line_end = _record_end(text, line_start, line_end)
                if delimiter not in text[line_start:line_end]:
                    break
                row = _fields(text, line_start, line_end, delimiter)
                if len(rows) == 1 and not _first_row(text, header, row, labels[0], delimiter):
                    break
                rows.append(row)
                cells += len(row)
            line_start = line_end + 1
        if len(rows) > 1:
            grids.append(tuple(rows))
            pos = line_start
    return tuple(grids)


def _names(text: str, header: tuple[tuple[int, int, int, int, bool], ...], label: int) -> bool:
    """Whether a header between full-width delimiters is a table's column
    names: each at most ``_NAME_CHARS`` characters but blanks, not a
    definition's two clauses opening with the label (密级，是指国家秘密的等级 over
    绝密，是最重要的国家秘密)."""
    return (label > 0 or len(header) > 2) and all(
        0 < len("".join(text[a:b].split())) <= _NAME_CHARS for _, _, a, b, _ in header)


def _first_row(text: str, header: tuple[tuple[int, int, int, int, bool], ...],
               row: tuple[tuple[int, int, int, int, bool], ...], label: int, delimiter: str) -> bool:
    """Whether ``row``, the line after a header whose 密级 label is field
    ``label``, makes a table of them: as many fields; or, between ASCII
    delimiters, a row reaching the label's field beside a header of short
    fields (one shorter or longer than the other, 名称,密级 over 报告,机密,
    2024-01-01), holding one value a 密级 field holds, not a list of the
    levels (密级,分三级 over 绝密,机密,秘密).  Between full-width ones, clauses
    of a sentence as often, it must be as wide and end no sentence."""
    if delimiter in _FULL_WIDTH:
        return len(row) == len(header) and "。" not in text[row[0][2]:row[-1][3]]
    if len(row) == len(header):
        return True
    return (len(row) > max(label, 1)
            and all(0 < len("".join(text[a:b].split())) <= _SHORT_FIELD for _, _, a, b, _ in header)
            and sum(text[a:b].strip(' \t"') in FIELD_VALUES for _, _, a, b, _ in row) == 1)


def _record_end(text: str, start: int, end: int) -> int:
    """Where the record whose line is ``text[start:end]`` ends: past the
    line breaks inside the quotes of a field opening it and left open on its
    line (a cell's own line break, "报告\\n第二行",机密), within
    ``_QUOTED_REACH`` characters; else at its line's end."""
    if not text[start:end].lstrip(" \t").startswith('"') or text.count('"', start, end) % 2 == 0:
        return end
    reach = min(len(text), start + _QUOTED_REACH)
    quotes = text.count('"', start, end)
    line_end = end
    while line_end < reach:
        next_end = text.find("\n", line_end + 1, reach)
        if next_end < 0:
            if reach < len(text):
                return end
            next_end = reach  # the text's last line
        quotes += text.count('"', line_end, next_end)
        line_end = next_end
        if quotes % 2 == 0:
            return line_end
    return end


def _fields(text: str, start: int, end: int, delimiter: str) -> tuple[tuple[int, int, int, int, bool], ...]:
    """The fields of the line ``text[start:end]`` between ``delimiter``, as
    a CSV's (a quoted one without its quotes), as (column, 1, start, end,
    False); of a line of more than ``_MAX_COLUMNS`` fields, the first.  Of
    a record over several lines (``_record_end``), a field holding a line
    break stands by its last line: a text's cells lie each on a line."""
    field = _CSV_FIELDS[delimiter]
    row: list[tuple[int, int, int, int, bool]] = []
    pos = start
    while len(row) < _MAX_COLUMNS:
        m = field.match(text, pos, end)
        assert m is not None  # the second alternative matches anywhere, if only the empty string
        group = 1 if m.group(1) is not None else 2
        row.append((len(row), 1, max(m.start(group), text.rfind("\n", m.start(group), m.end(group)) + 1),
                    m.end(group), False))
        pos = m.end() + 1
        if pos > end or text[pos - 1] != delimiter:
            break
    return tuple(row)
