"""Rows of a 密级 field laid out more loosely than a table's cells, for
``scanner.match.marks``' ``_row_field``: a list item's marker before the
label's cell (- 密级，机密; 1. 密级，机密), and the label and its level divided
by = or / (密级=机密 in a key=value file; 密级 / 机密 in a header line), each of
which was clear where 密级,机密 blocked.

= and / divide more than cells (a URL's query and path, a comparison in
code, either or in a sentence), so the row is read only on a line laid out
as a row: = after a label opening its line and before a value closing it
or a ; or a comma after it (密级=机密；份号=000123); / between cells that
open or close the line or stand between slashes with blanks on both sides,
not after a path's two slashes (a breadcrumb: 首页 / 保密知识 / 密级 / 机密);
never with empty cells between (密级==机密, a//b).
"""
from __future__ import annotations

import re

# what divides a row's label from its value besides a table's separators
LOOSE_SEPARATORS = "=/／"
# a list item's marker opening a line: a bullet (* is ★ once normalised, which a label's cell strips
# anyway) or a number, with the blank Markdown needs after it; a Chinese document's numbering needs none:
# 1、, 一、, （1）, (1), （一）, ①
_LIST_MARKER = re.compile(r"[ \t]*+(?:(?:[-+•·]|\d{1,3}[.)）])[ \t]++"
                          r"|(?:\d{1,3}|[一二三四五六七八九十]{1,3})、[ \t]*+"
                          r"|[（(](?:\d{1,3}|[一二三四五六七八九十]{1,3})[）)][ \t]*+|[①-⑳][ \t]*+)")
# what may end a key=value pair before the line does: 密级=机密; in an .ini, 密级=机密；份号=000123 on a header line
KEY_VALUE_ENDS = ";；,，"
# what may stand before = in a comparison, not a key's value: 密级>=机密, 密级!=机密
_COMPARISON = "<>!"
_BLANKS = " \t"


def past_list_marker(text: str, line_start: int, end: int) -> int:
    """Where a line's first cell (at ``line_start``) starts past a list
    item's marker, if any, before ``end``: - 密级，机密 is the cell 密级."""
    marker = _LIST_MARKER.match(text, line_start, end)
    return line_start if marker is None else marker.end()


def laid_out_as_row(text: str, sep: str, empty: bool, cells: tuple[int, int, int], line: tuple[int, int]) -> bool:
    """Whether a label's cell and its value's, divided by ``sep``, are a row
    on their line: always for a table's separators; for = and / only as the
    module says.  ``cells``: where the label's cell starts, where ``sep``
    stands and where the value's cell ends (its padding passed); ``line``:
    the line's bounds; ``empty``: whether empty cells stand between."""
    if sep not in LOOSE_SEPARATORS:
        return True
    cell_start, sep_at, cell_end = cells
    line_start, line_end = line
    if empty:
        return False
    if sep == "=":
        return (cell_start == line_start and (cell_end >= line_end or text[cell_end] in KEY_VALUE_ENDS)
                and text[line_start:sep_at].rstrip(_BLANKS + '"')[-1:] not in _COMPARISON)
    return ((cell_start == line_start or (_spaced(text, cell_start - 1, line) and not _a_path(text, line_start, cell_start)))
            and (cell_end >= line_end or _spaced(text, cell_end, line)))


def _a_path(text: str, line_start: int, cell_start: int) -> bool:
    """Whether two or more slashes stand before the label's cell on its line:
    a breadcrumb or a menu's path (首页 / 保密知识 / 密级 / 机密, found by a
    second reader: it blocked), not a header's cells."""
    return sum(text.count(slash, line_start, cell_start) for slash in "/／") >= 2


def _spaced(text: str, at: int, line: tuple[int, int]) -> bool:
    """Whether the slash at ``at`` has a blank on each side within its line."""
    return line[0] < at < line[1] - 1 and text[at - 1] in _BLANKS and text[at + 1] in _BLANKS
