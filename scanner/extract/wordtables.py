"""The grid of a Word story's tables, read beside its text.

A Word table's text is read a cell a line (a cell's paragraphs, a line
each), so a form laid out as a header row over a value row (文件名称 | 密级 |
份数, then 某工程设计方案 | 机密 | 2) gives 机密 after the file's name, not under
its label.  ``TableGrids`` follows a walk over the story's XML (the
extractor's, and the DOCX redactor's, each counting its own lines) and says
where each cell's lines are and which column of the table's grid it starts
at and spans (``w:gridBefore``, ``w:gridSpan``) and whether it continues
the cell above it (``w:vMerge``), for the 密级 column reading
(``scanner.match.marks``).  A nested table (a form inside a page laid out
as a table) is a grid of its own; its lines are lines of the outer table's
cell too.  A table that follows another with nothing but empty
paragraphs between them and has the same grid (its columns as wide: a
form's header row and value row kept as two tables, one pasted under the
other, a table split in Word) continues its grid, as Word shows them one
under the other and LibreOffice joins them.
"""
from __future__ import annotations

from lxml import etree

from ..types import CellGrid
from .xmlparts import local

# Word's tables have at most 63 columns: a cell starting past this is not laid out
GRID_COLUMNS = 64
# what may stand between two tables that read as one: marks of a place in the text, no text
_NO_TEXT = frozenset({"bookmarkStart", "bookmarkEnd", "proofErr", "commentRangeStart", "commentRangeEnd",
                      "permStart", "permEnd", "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart",
                      "moveToRangeEnd"})
# what a paragraph without text may still show between two tables
_SHOWN = frozenset({"drawing", "pict", "object", "txbxContent"})


class _Table:
    """A table being read: its rows, the grid column its row's next cell
    starts at, and its cells begun (column, columns spanned, first line, merged above)."""

    def __init__(self, rows: list[list[tuple[int, int, int, int, bool]]]) -> None:
        self.rows = rows
        self.column = 0
        self.open: list[tuple[int, int, int, bool]] = []
        self.opaque = False


class TableGrids:
    """Rows and cells of the tables met, in lines of the walker's text.  The
    walker calls ``table``/``table_end``, ``row`` and ``cell_start``/``cell_end``
    for each ``w:tbl``, ``w:tr`` and ``w:tc`` it lays out, with the number of
    lines it has read so far."""

    def __init__(self) -> None:
        # each table's rows, each cell (first grid column, columns spanned, first line, end line, merged above)
        self.tables: list[list[list[tuple[int, int, int, int, bool]]]] = []
        self._reading: list[_Table] = []  # the tables open, the innermost last
        self._outer: list[list[tuple[int, int, int, int, bool]]] | None = None  # the last outermost table's rows
        self._outer_grid: tuple[str, ...] = ()  # and its grid's column widths

    def table(self, tbl: etree._Element) -> None:
        grid = _grid_columns(tbl)
        if not self._reading and self._outer is not None and grid and grid == self._outer_grid \
                and _follows_table(tbl):
            rows = self._outer  # the rows of the table before it go on
        else:
            rows = []
            self.tables.append(rows)
            if not self._reading:
                self._outer, self._outer_grid = rows, grid
        self._reading.append(_Table(rows))

    def table_end(self) -> None:
        if self._reading:
            table = self._reading.pop()
            if table.opaque:
                table.rows.clear()

    def opaque(self) -> None:
        """The tables open hold text their walker reads otherwise than the
        scan does: they are given no grid (``spans`` gives them no rows)."""
        for table in self._reading:
            table.opaque = True

    def row(self, tr: etree._Element) -> None:
        if self._reading:
            table = self._reading[-1]
            table.rows.append([])
            table.column = _grid_value(tr, "trPr", "gridBefore", 0)

    def cell_start(self, tc: etree._Element, line: int) -> None:
        if not self._reading:
            return
        table = self._reading[-1]
        if not table.rows:  # a cell outside any row (a damaged table): a row of its own
            table.rows.append([])
        table.open.append((table.column, _grid_value(tc, "tcPr", "gridSpan", 1), line, _continues(tc)))

    def cell_end(self, line: int) -> None:
        if not self._reading or not self._reading[-1].open:
            return
        table = self._reading[-1]
        column, span, first, merged = table.open.pop()
        if column < GRID_COLUMNS:
            table.rows[-1].append((column, span, first, line, merged))
        table.column = column + span

    def spans(self, lines: list[str]) -> tuple[CellGrid, ...]:
        """The grids with each cell's lines as its span of ``"\\n".join(lines)``."""
        starts = [0]
        for line in lines:
            starts.append(starts[-1] + len(line) + 1)
        end = max(starts[-1] - 1, 0)
        return tuple(
            tuple(tuple((column, span, at := starts[first] if first < len(lines) else end,
                         starts[after] - 1 if after > first else at, merged)
                        for column, span, first, after, merged in row)
                  for row in rows)
            for rows in self.tables)


def _grid_columns(tbl: etree._Element) -> tuple[str, ...]:
    """The widths of the table's grid columns (``w:tblGrid``), as written."""
    for child in tbl:
        if local(child.tag) == "tblGrid":
            return tuple("".join(v for k, v in col.attrib.items() if local(k) == "w") for col in child
                         if local(col.tag) == "gridCol")
    return ()


def _follows_table(tbl: etree._Element) -> bool:
    """Whether ``tbl`` follows a table with nothing but empty paragraphs
    (no text, no picture) and marks of places between them."""
    for el in tbl.itersiblings(preceding=True):
        name = local(el.tag)
        if name == "tbl":
            return True
        if name == "p":
            if "".join(el.itertext()).strip() or any(local(inner.tag) in _SHOWN for inner in el.iter()):
                return False
        elif name not in _NO_TEXT:
            return False
    return False


def _property(el: etree._Element, props: str, name: str) -> str | None:
    """The ``w:val`` of a row's or a cell's property (``trPr``/``tcPr`` child
    ``name``): "" when it has none, None when the property is not there."""
    for child in el:
        if local(child.tag) == props:
            for prop in child:
                if local(prop.tag) == name:
                    return "".join(v for k, v in prop.attrib.items() if local(k) == "val").strip()
    return None


def _grid_value(el: etree._Element, props: str, name: str, default: int) -> int:
    """A row's ``w:gridBefore`` or a cell's ``w:gridSpan`` (columns of the
    table's grid), if a number of a few ASCII digits (a damaged file's
    4,301 would stop ``int``), at most ``GRID_COLUMNS``."""
    value = _property(el, props, name) or ""
    if not (value.isascii() and value.isdigit()) or len(value) > 3 or int(value) < default:
        return default
    return min(int(value), GRID_COLUMNS)


def _continues(tc: etree._Element) -> bool:
    """Whether the cell continues the one above it (``w:vMerge`` without ``restart``)."""
    merge = _property(tc, "tcPr", "vMerge")
    return merge is not None and merge != "restart"
