"""The grids of delimited text (CSV records, pipe tables) and of a web
page's tables, on any text: they end, their cells lie in the text in
order, and a CSV's cells are the fields Python's csv module reads."""
from __future__ import annotations

import csv
import io
import time

from hypothesis import given, settings, strategies as st

from scanner import scan_bytes
from scanner.config import Limits
from scanner.extract.delimited import MAX_CELLS, csv_grids, pipe_grids
from scanner.extract.html import read_page
from scanner.extract.ocr import PictureReader

PIECES = st.sampled_from(["密级", "机密", "甲", ",", ";", '"', '""', "\n", "\r\n", "\r", " ", "|", "\\|", "｜", "-", "+",
                          ":", "a"])
TEXT = st.lists(PIECES, max_size=40).map(lambda pieces: "密级" + "".join(pieces))


def in_order(text: str, grids) -> bool:
    return all(0 <= start <= end <= len(text) for grid in grids for row in grid for _, _, start, end, _ in row)


@settings(max_examples=500, deadline=None)
@given(TEXT)
def test_csv_cells_are_the_fields_csv_reads(text: str) -> None:
    """A grid of the fields between commas and, where the text holds semicolons or pipes, one between them."""
    grids = csv_grids(text)
    delimiters = [delimiter for delimiter in ",;|" if delimiter == "," or delimiter in text]
    assert len(grids) == len(delimiters) and in_order(text, grids)
    if "\r" not in text and '"' not in text:  # the csv module's own rules for CR and a quote inside a field aside
        for delimiter, grid in zip(delimiters, grids, strict=True):
            fields = [[text[start:end] for _, _, start, end, _ in row] for row in grid]
            assert fields == [row or [""] for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


@settings(max_examples=500, deadline=None)
@given(TEXT)
def test_pipe_cells_lie_in_the_text(text: str) -> None:
    grids = pipe_grids(text)
    assert in_order(text, grids)
    for grid in grids:
        for row in grid:
            assert all("|" not in text[start:end].replace("\\|", "") and "｜" not in text[start:end]
                       for _, _, start, end, _ in row)


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


def test_a_large_csvs_grid_is_bounded() -> None:
    """A register of 300,000 rows took more memory than an item may (found by a second reader): the grid holds
    at most MAX_CELLS fields, the rows past them unread."""
    text = "序号,名称,密级\n" + "".join(f"{n},第{n}号,公开\n" for n in range(100_000))
    [grid] = csv_grids(text)
    assert sum(len(row) for row in grid) <= MAX_CELLS and len(grid) >= MAX_CELLS // 3 - 1


def test_cells_spanning_rows_and_columns_stay_within_the_columns_read() -> None:
    """Each cell spanning many rows and columns pushed the next row's cells further right, the page's reading
    time growing with its square (found by a second reader)."""
    from scanner.extract.htmltables import _MAX_COLUMNS

    page = "<p>密级</p><table>" + ("<tr><td rowspan=9999 colspan=64>" + "<td>" * 20) * 200 + "</table>"
    parts = read_page(page, Limits(), PictureReader.for_item(0)).parts
    widths = [column + span for part in parts for grid in part.tables for row in grid for column, span, *_ in row]
    assert widths and max(widths) <= _MAX_COLUMNS


def test_a_pipe_table_after_a_long_line_of_spaces_is_read_in_linear_time() -> None:
    """A Markdown page's pipe line, then a line of 100,000 spaces: the delimiter row's pattern tried every way to
    share the spaces between its two runs of blanks, a minute and a half; milliseconds now (the bound is far
    above what it takes here), and the form after it is read."""
    page = "说明 | 密级\n" + " " * 100_000 + "x\n\n| 文件名称 | 密级 | 份数 |\n|---|---|---|\n| 某工程设计方案 | 机密 | 2 |\n"
    started = time.process_time()
    result = scan_bytes(page.encode(), "form.md")[0]
    assert time.process_time() - started < 10
    assert [(f.rule, f.text) for f in result.findings] == [("mark.form-field", "机密")]


def test_options_the_parser_nests_are_read_once_each() -> None:
    """libxml2 nests an unclosed option's markup (<option><span>) and the next option inside it: each option's
    text read whole held every option after it: 400 of them made 80,000 levels (2 s), 2,000 more than an item's time
    (found by a second reader).  Each piece of text is its own option's, the page read in milliseconds."""
    page = "<html><body><p>密级</p><select>" + "<option><span>机密" * 900 + "</select></body></html>"
    started = time.process_time()
    parts = read_page(page, Limits(), PictureReader.for_item(0)).parts
    assert time.process_time() - started < 5
    assert sum(part.text.count("机密") for part in parts) == 900
    result = scan_bytes(page.encode(), "page.html")[0]
    assert time.process_time() - started < 10 and result.verdict.value == "clear"
