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

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pypdfium2.raw as pdfium_c

from .. import native

# a line ends where the next character's centre is this many box heights lower
_LINE_TOLERANCE = 0.5
# a gap of this many box heights inside a line is a blank (a word space) ...
_SPACE_GAP = 0.15
# ... and this many, another column or a tab stop: a line of its own
_COLUMN_GAP = 3.0
_UPRIGHT = 0.05  # radians
# what numba's loop saves per character over two ctypes calls (scanner.native)
BOX_SAVES_PER_CHAR = 1.7e-6  # 1.79 against 0.034 us a character


def reading_order(chars: list[str], boxes: np.ndarray) -> str:
    """The text of ``chars`` in reading order; ``boxes`` holds one row per
    character, (left, bottom, right, top) in page space, y up.  White space
    in ``chars`` is dropped and remade from the gaps."""
    keep = np.fromiter((not c.isspace() for c in chars), bool, len(chars))
    keep &= (boxes[:, 3] > boxes[:, 1]) & np.isfinite(boxes).all(axis=1)
    idx = np.flatnonzero(keep)
    if idx.size == 0:
        return ""
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
    seps = np.where((o_line[1:] != o_line[:-1]) | (gap > _COLUMN_GAP * scale), "\n",
                    np.where(gap > _SPACE_GAP * scale, " ", ""))
    picked = [chars[i] for i in idx[order].tolist()]
    out = [picked[0]]
    for sep, ch in zip(seps.tolist(), picked[1:]):
        out.append(sep)
        out.append(ch)
    return "".join(out)


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


def miner_reading_order(items: Iterable[Any]) -> str:
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

