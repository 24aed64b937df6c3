"""PDF page text in reading order, built from character boxes.

pdfium and pdfminer.six give characters in content-stream order.  A glyph
from another font (LibreOffice draws ★ from a fallback font, in a text run of
its own) then comes out before or after the words it stands between, or on a
line of its own: ``秘密 一年 ★`` (pdfium), ``★秘密 一年`` (pdfminer) for a page
that reads ``秘密★一年``.  Here the characters are grouped into lines by the
vertical centre of their boxes, with a tolerance of half the box height (so
it scales with the font size), and each line is ordered by x.  Upright
characters only: a rotated watermark would otherwise be threaded through
the body lines it crosses.

The boxes are pdfium's loose boxes (font ascent to descent, advance width):
glyphs of different fonts on one line get comparable heights, which tight
glyph boxes (``一`` is 1 pt high) do not.
"""
from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import pypdfium2.raw as pdfium_c

from .. import native
from ..types import CellGrid

# a line ends where the next character's centre is this many box heights lower
_LINE_TOLERANCE = 0.5
# a gap of this many box heights inside a line is a blank (a word space) ...
_SPACE_GAP = 0.15
# ... and this many, another column or a tab stop: a line of its own
_COLUMN_GAP = 3.0
# ... and this many, another cell of a table's row (a cell's text may run up to its border, a box's
# height or so from the next cell's)
_CELL_GAP = 1.0
_UPRIGHT = 0.05  # radians
# the two halves pdfium gives of a character outside the BMP
_SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")
# a cell of a line: its line, left and right edges, and where its text starts and stops
_Cell = tuple[int, float, float, int, int]
# what numba's loop saves per character over two ctypes calls (scanner.native)
BOX_SAVES_PER_CHAR = 1.7e-6  # 1.79 against 0.034 us a character


def reading_order(chars: list[str], boxes: np.ndarray) -> tuple[str, tuple[CellGrid, ...]]:
    """The text of ``chars`` in reading order, and the grids of the tables
    its lines lay out (``_tables``); ``boxes`` holds one row per character,
    (left, bottom, right, top) in page space, y up.  White space in ``chars``
    is dropped and remade from the gaps."""
    keep = np.fromiter((not c.isspace() for c in chars), bool, len(chars))
    keep &= (boxes[:, 3] > boxes[:, 1]) & np.isfinite(boxes).all(axis=1)
    idx = np.flatnonzero(keep)
    if idx.size == 0:
        return "", ()
    left, bottom, right, top = (boxes[idx, k] for k in range(4))
    height = top - bottom
    centre = (top + bottom) / 2
    down = np.argsort(-centre, kind="stable")
    tall = np.maximum(height[down][:-1], height[down][1:])
    new_line = np.zeros(idx.size, bool)
    new_line[1:] = (centre[down][:-1] - centre[down][1:]) > _LINE_TOLERANCE * tall
    line = np.empty(idx.size, np.int64)
    line[down] = np.cumsum(new_line)
    order = np.lexsort((left, line))
    o_line, o_left, o_right, o_height = line[order], left[order], right[order], height[order]
    gap = o_left[1:] - o_right[:-1]
    scale = np.maximum(o_height[1:], o_height[:-1])
    next_line = o_line[1:] != o_line[:-1]
    column = gap > _COLUMN_GAP * scale
    seps = np.where(next_line | column, "\n", np.where(gap > _SPACE_GAP * scale, " ", ""))
    picked = [chars[i] for i in idx[order].tolist()]
    out = [picked[0]]
    for sep, ch in zip(seps.tolist(), picked[1:]):
        out.append(sep)
        out.append(ch)
    # where each character lands in the text and how long it is there: pdfminer's may be (cid:7) or fi
    size = np.fromiter((len(ch) for ch in picked), np.int64, len(picked))
    at = np.zeros(idx.size, np.int64)
    at[1:] = np.cumsum(size[:-1] + (seps != ""))
    return "".join(out), _tables(o_line, o_left, o_right, at, at + size, (gap > _CELL_GAP * scale) & ~next_line)


def _tables(line: np.ndarray, left: np.ndarray, right: np.ndarray, at: np.ndarray, stop: np.ndarray,
            cell_gap: np.ndarray) -> tuple[CellGrid, ...]:
    """The grids of the tables the characters (in reading order: their line,
    left and right edges, where each starts and stops in the text) lay out:
    a run of lines, two or more of them cut into two or more cells by a gap
    of ``_CELL_GAP`` (narrower than the text's column gap: a long file
    name's cell runs up to the next cell's), with the lines between that lie
    in those cells' columns (a cell's text wrapping onto a second line, a
    short cell's text set in the middle of a tall row).  The 密级 column
    reading (``scanner.match.marks``) reads them as a sheet's rows."""
    starts = np.flatnonzero(np.concatenate(([True], (line[1:] != line[:-1]) | cell_gap)))
    ends = np.append(starts[1:], line.size) - 1
    cells = [(int(line[a]), float(left[a:b + 1].min()), float(right[a:b + 1].max()), int(at[a]), int(stop[b]))
             for a, b in zip(starts.tolist(), ends.tolist())]
    rows: list[list[_Cell]] = []
    for cell in cells:
        if rows and rows[-1][0][0] == cell[0]:
            rows[-1].append(cell)
        else:
            rows.append([cell])
    grids: list[CellGrid] = []
    block: list[list[_Cell]] = []  # the lines of the table being read
    for row in [*rows, []]:
        follows = bool(block and row) and block[-1][0][0] == row[0][0] - 1
        if (len(row) > 1 and (not block or follows)) or (follows and _in_columns(row, block)):
            block.append(row)
            continue
        if sum(len(cells) > 1 for cells in block) > 1:
            grids.append(_grid(block))
        block = [row] if len(row) > 1 else []
    return tuple(grids)


def _in_columns(row: list[_Cell], block: list[list[_Cell]]) -> bool:
    """Whether each cell of ``row`` overlaps the cells of exactly one column
    of ``block``'s rows of several cells: the rest of a row, not a paragraph
    after the table."""
    columns = _columns([cells for cells in block if len(cells) > 1])
    return all(sum(x0 < right and left < x1 for left, right in columns) == 1 for _, x0, x1, _, _ in row)


def _columns(rows: list[list[_Cell]]) -> list[tuple[float, float]]:
    """The spans of x the cells of ``rows`` cover together, left to right."""
    columns: list[tuple[float, float]] = []
    for x0, x1 in sorted((x0, x1) for cells in rows for _, x0, x1, _, _ in cells):
        if columns and x0 < columns[-1][1]:
            columns[-1] = (columns[-1][0], max(columns[-1][1], x1))
        else:
            columns.append((x0, x1))
    return columns


def _grid(rows: list[list[_Cell]]) -> CellGrid:
    """One table's grid: its columns are the spans of x its cells cover
    together (a cell in each, none in two), a cell's column the one it lies in."""
    bounds = [x1 for _, x1 in _columns(rows)]  # each column's right edge, left to right
    grid = []
    for row in rows:
        cells: list[tuple[int, int, int, int, bool]] = []
        for _, x0, _, start, end in row:
            column = bisect.bisect_left(bounds, x0)
            if not cells or column > cells[-1][0]:  # two cells in one column: the second is not laid out
                cells.append((column, 1, start, end, False))
        grid.append(tuple(cells))
    return tuple(grid)


def pdfium_boxes(textpage: Any, count: int) -> np.ndarray:
    """Loose boxes of pdfium's ``count`` characters, (left, bottom, right,
    top); a character that is not upright gets NaN (left out)."""
    if native.worth(count * BOX_SAVES_PER_CHAR):  # numba loaded, or worth loading
        with native.room():
            from .pdfium_check import char_boxes

            return char_boxes(textpage, count)
    return ctypes_boxes(textpage, count)


def ctypes_boxes(textpage: Any, count: int) -> np.ndarray:
    """``pdfium_boxes`` with a ctypes call per character (numba not loaded)."""
    boxes = np.full((count, 4), np.nan)
    rect = pdfium_c.FS_RECTF()
    for i in range(count):
        if pdfium_c.FPDFText_GetLooseCharBox(textpage, i, rect) and _upright(pdfium_c.FPDFText_GetCharAngle(textpage, i)):
            boxes[i] = (rect.left, rect.bottom, rect.right, rect.top)
    return boxes


def _upright(angle: float) -> bool:
    return 0 <= angle and min(angle, 2 * math.pi - angle) < _UPRIGHT


def pdfium_chars(text: str, count: int) -> list[str]:
    """pdfium's text as one string per character index: pdfium counts a
    character outside the BMP as two (its UTF-16 halves)."""
    if len(text) == count:
        return list(text)
    units = text.encode("utf-16-le", "surrogatepass")
    return [units[i:i + 2].decode("utf-16-le", "surrogatepass") for i in range(0, len(units), 2)]


def joined(text: str) -> str:
    """Halves of a character outside the BMP, put back together."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def joined_order(ordered: tuple[str, tuple[CellGrid, ...]]) -> tuple[str, tuple[CellGrid, ...]]:
    """``reading_order`` of pdfium's characters with halves put back together
    (``joined``), its grids' offsets moved with them."""
    text, grids = ordered
    lows = [m.end() - 1 for m in _SURROGATE_PAIR.finditer(text)]  # a regex, not a Python loop over the page
    if not lows:
        return joined(text), grids
    return joined(text), tuple(
        tuple(tuple((column, span, start - bisect.bisect_left(lows, start), end - bisect.bisect_left(lows, end), merged)
                    for column, span, start, end, merged in row) for row in grid) for grid in grids)


def miner_reading_order(items: Iterable[Any]) -> tuple[str, tuple[CellGrid, ...]]:
    """Reading order of pdfminer's upright ``LTChar`` objects."""
    chars: list[str] = []
    rows: list[tuple[float, float, float, float]] = []
    for ch in items:
        if getattr(ch, "upright", False):
            chars.append(ch.get_text())
            rows.append((ch.x0, ch.y0, ch.x1, ch.y1))
    return reading_order(chars, np.array(rows, float).reshape(-1, 4))


def same_lines(a: str, b: str) -> bool:
    """Whether two texts hold the same lines, white space inside lines aside."""
    return _squeezed(a) == _squeezed(b)


def _squeezed(text: str) -> list[str]:
    return [s for s in ("".join(line.split()) for line in text.splitlines()) if s]

