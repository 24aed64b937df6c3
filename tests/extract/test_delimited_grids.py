"""The grids of delimited text (CSV records, Markdown pipe tables) and of a
web page's tables, on any text: they end, their cells lie in the text in
order, and a CSV's cells are the fields Python's csv module reads."""
from __future__ import annotations

import csv
import io

from hypothesis import given, settings, strategies as st

from scanner.config import Limits
from scanner.extract.delimited import csv_grids, markdown_grids
from scanner.extract.html import read_page
from scanner.extract.ocr import PictureReader

PIECES = st.sampled_from(["密级", "机密", "甲", ",", '"', '""', "\n", "\r\n", "\r", " ", "|", "\\|", "-", ":", "a"])
TEXT = st.lists(PIECES, max_size=40).map(lambda pieces: "密级" + "".join(pieces))


def in_order(text: str, grids) -> bool:
    return all(0 <= start <= end <= len(text) for grid in grids for row in grid for _, _, start, end, _ in row)


@settings(max_examples=500, deadline=None)
@given(TEXT)
def test_csv_cells_are_the_fields_csv_reads(text: str) -> None:
    [grid] = csv_grids(text)
    assert in_order(text, [grid])
    if "\r" not in text and '"' not in text:  # the csv module's own rules for CR and a quote inside a field aside
        fields = [[text[start:end] for _, _, start, end, _ in row] for row in grid]
        assert fields == [row or [""] for row in csv.reader(io.StringIO(text, newline=""))]


@settings(max_examples=500, deadline=None)
@given(TEXT)
def test_markdown_cells_lie_in_the_text(text: str) -> None:
    grids = markdown_grids(text)
    assert in_order(text, grids)
    for grid in grids:
        for row in grid:
            assert all("|" not in text[start:end].replace("\\|", "") for _, _, start, end, _ in row)


TAGS = st.sampled_from(["<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>", "<th colspan=2>", "<td rowspan=9>",
                        "<p>", "<br>", "密级", "机密", "甲", " ", "\n", "<div hidden>", "</div>"])


@settings(max_examples=300, deadline=None)
@given(st.lists(TAGS, max_size=40))
def test_a_pages_table_cells_lie_in_its_body(tags: list[str]) -> None:
    page = read_page("<html><body>密级" + "".join(tags) + "</body></html>", Limits(), PictureReader.for_item(0))
    for part in page.parts:
        assert in_order(part.text, part.tables)
        for grid in part.tables:
            for row in grid:
                columns = [column for column, _, _, _, _ in row]
                assert columns == sorted(columns)
