"""The grid a PDF page's layout gives its tables (``pdf_layout.reading_order``),
on characters laid out by hand: each cell's span is its text, whatever the
characters' strings (pdfminer gives ``(cid:7)`` for an unmapped glyph and
``fi`` for a ligature) and after pdfium's halves of a character outside the
BMP are joined (found by a second reader; PDFs printed by LibreOffice are in
test_table_fields.py)."""
from __future__ import annotations

import numpy as np

from scanner.extract.pdf_layout import joined_order, reading_order
from scanner.match.marks import _column_fields, _grid_rows


def laid_out(rows: list[list[tuple[float, list[str]]]]) -> tuple[list[str], np.ndarray]:
    """Characters (strings) and their boxes, 10 points square, a row every 20 points down."""
    chars: list[str] = []
    boxes: list[tuple[float, float, float, float]] = []
    for r, cells in enumerate(rows):
        y = 200 - 20 * r
        for x, strings in cells:
            for i, string in enumerate(strings):
                chars.append(string)
                boxes.append((x + 10 * i, y, x + 10 * i + 10, y + 10))
    return chars, np.array(boxes, float)


def cell_texts(text: str, grids) -> list[list[list[str]]]:
    return [[[text[s:e] for s, e in spans] for _, _, spans in _grid_rows(text, grid)] for grid in grids]


def test_cells_after_a_glyph_of_several_characters() -> None:
    chars, boxes = laid_out([[(0, ["(cid:7)", "名", "称"]), (100, list("密级")), (200, list("份数"))],
                             [(0, list("某方案")), (100, list("机密")), (200, ["2"])]])
    text, grids = reading_order(chars, boxes)
    assert cell_texts(text, grids) == [[["(cid:7)名称", "密级", "份数"], ["某方案", "机密", "2"]]]
    assert [text[a:b] for a, b in _column_fields(text, grids)] == ["机密"]


def test_cells_after_a_character_outside_the_bmp() -> None:
    high, low = "\ud842", "\udfb7"  # U+20BB7 as pdfium counts it: two characters
    chars, boxes = laid_out([[(0, [high, low, "名"]), (100, list("密级"))], [(0, list("某方案")), (100, list("机密"))]])
    text, grids = joined_order(reading_order(chars, boxes))
    assert text.startswith("\U00020bb7名")
    assert cell_texts(text, grids) == [[["\U00020bb7名", "密级"], ["某方案", "机密"]]]


def test_a_paragraph_after_the_table_ends_it() -> None:
    """A line across the columns is no row of the table; a line within one column is (a name that wraps)."""
    chars, boxes = laid_out([[(0, list("文件名称")), (100, list("密级"))], [(0, list("某工程方案")), (100, list("机密"))],
                             [(0, list("设计稿"))], [(0, list("以上内容请核实并于本周内报送办公室汇总存档"))]])
    text, grids = reading_order(chars, boxes)
    assert cell_texts(text, grids) == [[["文件名称", "密级"], ["某工程方案", "机密"], ["设计稿"]]]
