"""Form fields that are not a record's: a glossary's rows and a page's example.

``match_mark`` reads ``密级 | 机密`` in a row and ``"secretLevel": "秘密"`` in a
record as a form field (block).  Two kinds of text hold them, are no form,
and blocked for them:

- a glossary or a rules table explaining the levels, ``| 密级 | 机密 |
  泄露会使国家安全和利益遭受严重的损害 |``: its row goes on with an
  explanatory cell, and its rows list the levels under the same label one
  by one, as a register's column lists its files' (``_row_sign``);
- a developer's page with a request's example in a code block, an API
  schema's ``example: {secretLevel: 秘密}`` (``_example_sign``).

Where both signs of one kind stand (explained and listed; a Markdown code
block under a caption saying 示例; a key under ``example``, ``enum`` or
``default``) the field is no mark at all; where one does, a person checks it
(``mark.level-line``).  Only the text beside a field already found is read,
within ``_REACH`` characters and ``_LINES_BACK`` lines: the cost per field is
bounded however long the part or its line.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator

from ..lang import Text
from ..levels import STATE_SECRET_LEVELS
from ..normalize import normalize
from ..normalize.chars import CJK
from ..types import CellGrid
from .marks import PIPES, Dropped, MarkMatch, PartContext, once_per_text

# how far from a field its row's cells and the rows beside it are read (characters), and how many lines above
# it, within how many characters, a caption or an example key is looked for
_REACH = 400
_LINES_BACK = 64
_WINDOW = 4000
# a cell longer than this is no label or level
_SHORT = 32
# what divides a row's cells in the original text (a sheet's tab, a CSV's comma, a pipe table's bar)
_SEPARATORS = "\t,;，；" + PIPES
# what pads a cell around its text
_PADDING = " \u3000\"'★*[]【】()（）〔〕<>《》"
_CJK_CHAR = re.compile(f"[{CJK}]")
# a cell explaining a value: a sentence's words (的, 是, 指) or its punctuation
_PROSE = re.compile(r"[的是指，。；、]")
# what a level's explanation speaks of (the Law's definitions), and what a form's remark or next field does
_GLOSS_WORDS = re.compile(r"泄露|损害|危害|国家秘密|国家安全|等级|程度|含义|是指|意为|表示|最高|最低")
_FORM_WORDS = re.compile(r"定密|审定|审批|审核|签字|签名|责任人|依据|知悉|期限|变更|[0-9０-９]+年")
# the keys under which a schema or a config gives a value that is no record's: an example, a default, the choices
_EXAMPLE_NAME = r"""["']?(?:x-)?(?:examples?|defaults?|enum)["']?[ \t]*"""
# outside a schema (a config, a record) a default is a value in use: only an example key counts there
_ONLY_EXAMPLE = r"""["']?(?:x-)?examples?["']?[ \t]*"""
# what shows a text is a schema or an API's description (OpenAPI, JSON Schema), where default and enum give a
# field's choices
_SCHEMA = re.compile(r"""^[ \t]*["']?(?:openapi|swagger|\$schema|asyncapi)["']?[ \t]*:"""
                     r"""|["']?properties["']?[ \t]*:[ \t]*[{\n\r]""", re.MULTILINE)
# such a key opening a flow mapping or list on the key's line: example: {secretLevel: 秘密}
_EXAMPLE_KEY = {names: re.compile(rf"""(?:^|(?<=[\s{{,\[])){names}[:=][ \t]*[{{\[]""", re.IGNORECASE | re.MULTILINE)
                for names in (_EXAMPLE_NAME, _ONLY_EXAMPLE)}
# such a key opening a block on a line above: example:, "example": {
_OPENING_KEY = {names: re.compile(rf"""{names}:[ \t]*[{{\[]?[ \t]*(?:#.*)?\r?$""", re.IGNORECASE)
                for names in (_EXAMPLE_NAME, _ONLY_EXAMPLE)}
# what a caption says of the code after it
_EXAMPLE_WORDS = re.compile(r"示例|例如|样例|范例|举例|例子|example|sample|e\.g\.", re.IGNORECASE)
# a caption saying the code after it is an example: short, the word closing it (请求示例：, Example:, 例如：);
# not a sentence holding the characters (各密级文件所占比例如下：), a heading naming a system (示例系统), a URL
_CAPTION = re.compile(r"[#*>\s]*[^\n]{0,12}?(?:示例|样例|范例|例子|[Ee]xamples?|[Ss]amples?)[*\s]*[:：]?[*\s]*"
                      r"|[#*>\s]*(?:例如|举例|[Ee]\.g\.)[:：，,]?\s*")
_FENCE = re.compile(r"[ ]{0,3}(?:```|~~~)")
# a line of structured data (JSON, YAML, a fence), not a caption's
_STRUCTURED = re.compile(r"""[ \t]*(?:[{}\[\]"'`<-]|[A-Za-z_][\w.-]*[ \t]*[:=]|$)""")


def reconsider(text: str, match: MarkMatch, context: PartContext) -> MarkMatch | Dropped:
    """``match`` (a ``mark.form-field`` in the normalised ``text``) as it
    stands, or a glossary's or an example's level: ``mark.level-line`` for a
    person to check, or ``Dropped`` where it is no mark at all."""
    if match.rule != "mark.form-field" or match.details.get("label") == "column-header":
        return match
    at = text.find(match.level, match.start, match.end)
    if at < 0:
        return match
    original = context.norm.original
    start, end = context.norm.to_original(at, at + len(match.level))
    value_end = context.norm.to_original(match.start, match.end)[1]
    if match.details.get("label") == "key":
        sign = _example_sign(original, start, value_end)
    else:
        sign = _row_sign(original, start, max(end, value_end), context.tables)
    if sign is None:
        return match
    none_at_all, why = sign
    if none_at_all:
        return Dropped(match.start, match.end, str(why))
    return MarkMatch("mark.level-line", match.level, match.start, match.end,
                     Text(f"{why}; check whether it marks the text", f"{why.zh}；须核实是否为密级标志"),
                     {"form": "level-line", "field": "not-a-record"})


def _row_sign(original: str, start: int, end: int, tables: tuple[CellGrid, ...]) -> tuple[bool, Text] | None:
    """Whether the row holding the level at ``[start, end)`` goes on with an
    explanatory cell and whether a row beside it gives the same label another
    level: (both, why), or None for neither."""
    row = _line_row(original, start, end)
    if row is None:
        row = _grid_row(original, start, tables)
    if row is None or not any(row):
        return None
    explained, listed = row
    if explained and listed:
        return True, Text("a glossary's rows: the levels a 密级 field takes, each explained",
                          "术语表的各行：密级字段的各个取值及其释义")
    if explained:
        return False, Text("a glossary's row: the level explained in the cell after it",
                           "术语表的一行：密级取值后的单元格为释义")
    return False, Text("a list's rows: the same label with another level in the row beside it",
                       "取值列表的各行：相邻行同一标签下为另一密级")


def _line_row(original: str, start: int, end: int) -> tuple[bool, bool] | None:
    """``_row_sign``'s two signs where the row is a line, its cells between a
    separator (a CSV's, a pipe table's, a sheet's tab): None when no separator
    sets the level's cell apart or its line runs past ``_REACH``."""
    line_start = original.rfind("\n", max(0, start - _REACH), start) + 1
    if line_start == 0 and start > _REACH:
        return None
    before = original[line_start:start].rstrip(_PADDING)
    if not before or before[-1] not in _SEPARATORS:
        return None
    sep = before[-1]
    found = original.find("\n", end, end + _REACH)
    if found < 0 and len(original) - end > _REACH:
        return None
    line_end = len(original) if found < 0 else found
    cells = original[line_start:line_end].rstrip("\r").split(sep)
    index = original.count(sep, line_start, start)
    label = _label_index(cells, index)
    if label is None:
        return None
    explained = _explains(next((cell for cell in cells[index + 1:] if cell.strip(_PADDING)), ""))
    name, level = _bare(cells[label]), _bare(cells[index])
    listed = _opens_row(cells[:label]) and any(
        len(other := line.split(sep)) > index and _bare(other[label]) == name
        and _bare(other[index]) in STATE_SECRET_LEVELS and _bare(other[index]) != level
        for line in _neighbours(original, line_start, line_end))
    return explained, listed


_NUMBER = re.compile(r"[\s0-9０-９.、()（）]*")


def _opens_row(before: list[str]) -> bool:
    """Whether a label's cell opens its row, ``before`` it only blank or
    number cells: a glossary's row starts with the term it explains, a
    record's with what it records (子课题一, 1001, a file's name)."""
    return all(_NUMBER.fullmatch(cell.strip(_PADDING)) for cell in before)


def _label_index(cells: list[str], index: int) -> int | None:
    """The nearest cell before the value's that is not blank: its label's."""
    return next((at for at in range(min(index, len(cells)) - 1, -1, -1) if cells[at].strip(_PADDING)), None)


def _explains(cell: str) -> bool:
    """Whether a cell explains the value before it: prose (eight Chinese
    characters with a sentence's word or mark, or twelve), not a form's next
    label (保密期限, 保密期限及解密条件) or value (10年, a date)."""
    if _FORM_WORDS.search(cell, 0, _REACH) or not _GLOSS_WORDS.search(cell, 0, _REACH):
        return False  # a form's remark (经定密责任人审定), its next label (知悉范围), a title, a unit
    chinese = len(_CJK_CHAR.findall(cell, 0, _REACH))
    return chinese >= 12 or (chinese >= 6 and _PROSE.search(cell, 0, _REACH) is not None)


def _bare(cell: str) -> str:
    """A short cell's text, normalised, without its padding (a longer one's is no label or level)."""
    return normalize(cell.strip(_PADDING)).text.strip(_PADDING) if len(cell) <= _SHORT else cell


def _neighbours(original: str, line_start: int, line_end: int) -> list[str]:
    """The lines right before and after a line, where not blank, each whole within ``_REACH``: a blank line
    ends a table (two forms one after the other were read as one glossary)."""
    found = []
    window = max(0, line_start - _REACH)
    lines = original[window:line_start].split("\n")
    for line in reversed(lines[1:-1] if window else lines[:-1]):  # the last: the empty rest before line_start
        if line.strip():
            found.append(line.rstrip("\r"))
        break  # the line right above: a blank line ends a table
    window = min(len(original), line_end + 1 + _REACH)
    lines = original[line_end + 1:window].split("\n")
    for line in lines[:-1] if window < len(original) else lines:
        if line.strip():
            found.append(line.rstrip("\r"))
        break  # the line right below
    return found


Cell = tuple[int, int, int, int, bool]  # a grid's cell: column, width, start, end, merged


class _GridRows:
    """A grid's rows that hold cells, where each starts, and each row's
    cells' starts and columns, worked out once per grid: a register's every
    row may be a field, and a row of 40,000 cells is one CSV line."""

    def __init__(self, grid: CellGrid) -> None:
        self.grid = grid
        self.rows: list[tuple[Cell, ...]] = [row for row in grid if row]
        self.firsts = [row[0][2] for row in self.rows]
        self.starts = [[cell[2] for cell in row] for row in self.rows]
        self.columns = [[cell[0] for cell in row] for row in self.rows]

    def cell_at(self, at: int, column: int) -> Cell | None:
        """Row ``at``'s cell in ``column``, if one starts there."""
        columns = self.columns[at]
        index = bisect.bisect_left(columns, column)
        return self.rows[at][index] if index < len(columns) and columns[index] == column else None


_grids: dict[int, _GridRows] = {}


def _rows(grid: CellGrid) -> _GridRows:
    """``grid``'s rows, kept for the part's next field."""
    kept = _grids.get(id(grid))
    if kept is None or kept.grid is not grid:
        if len(_grids) > 64:
            _grids.clear()
        kept = _grids[id(grid)] = _GridRows(grid)
    return kept


# how many blank cells are passed over looking for a field's label or the cell after its value
_BLANKS = 16


def _grid_row(original: str, start: int, tables: tuple[CellGrid, ...]) -> tuple[bool, bool] | None:
    """``_row_sign``'s two signs where the part's cells are a line each (a
    Word table's), read from its grid: the cell after the level's in its row,
    and the rows above and below.  Each cell is found by bisection and only
    the cells beside the level's are read: a CSV line of 40,000 密级,机密
    cells read every cell of its row for each field (quadratic; found by
    another helper)."""
    for grid in tables:
        kept = _rows(grid)
        rows = kept.rows
        if not rows or not kept.firsts[0] <= start <= rows[-1][-1][3]:
            continue
        at = bisect.bisect_right(kept.firsts, start) - 1
        row = rows[at]
        index = bisect.bisect_right(kept.starts[at], start) - 1
        if index < 0 or not start < row[index][3]:
            return None
        # the level opens its cell: not 密级：机密 written in one
        if original[row[index][2]:start].strip(_PADDING):
            return None
        label = next((i for i in range(index - 1, max(-1, index - 1 - _BLANKS), -1)
                      if original[row[i][2]:row[i][3]].strip(_PADDING)), None)
        if label is None:
            return None
        after = next((original[c[2]:c[3]] for c in row[index + 1:index + 1 + _BLANKS]
                      if original[c[2]:c[3]].strip(_PADDING)), "")
        explained = _explains(after)
        name = _bare(original[row[label][2]:row[label][3]])
        level = _bare(original[row[index][2]:row[index][3]])
        listed = False
        before = [original[c[2]:c[3]] for c in row[max(0, label - _BLANKS):label]]
        for other in (at - 1, at + 1) if label <= _BLANKS and _opens_row(before) else ():
            if not 0 <= other < len(rows):
                continue
            value_cell = kept.cell_at(other, row[index][0])
            label_cell = kept.cell_at(other, row[label][0])
            value = _bare(original[value_cell[2]:value_cell[3]]) if value_cell else ""
            listed = listed or (label_cell is not None and _bare(original[label_cell[2]:label_cell[3]]) == name
                                and value != level and value in STATE_SECRET_LEVELS)
        return explained, listed
    return None


class _CodeBlocks:
    """A Markdown text's code (``ShownAsWritten``, read once, whole) and the
    opening fence of each code line's block, found by walking up its lines
    once: each line is walked over once however many records the block holds."""

    def __init__(self, text: str) -> None:
        from ..extract.mdcode import ShownAsWritten

        self.text = text
        self.code = ShownAsWritten(text)
        self._fences: dict[int, int] = {}  # a code line's start -> its block's opening fence's start (-1: none)

    def fence(self, line_start: int) -> int:
        """Where the fence opening the code block of the line at ``line_start`` starts (-1: an indented block)."""
        text, walked, pos, found = self.text, [], line_start, -1
        while pos > 0:
            if pos in self._fences:
                found = self._fences[pos]
                break
            walked.append(pos)
            prev = text.rfind("\n", 0, pos - 1) + 1
            if _FENCE.match(text, prev, pos - 1):
                found = prev
                break
            if not self.code.holds(prev, pos - 1):
                break
            pos = prev
        for at in walked:
            self._fences[at] = found
        return found


@once_per_text
def _code_of(original: str) -> _CodeBlocks:
    """The Markdown code of ``original``, kept for the part's next field."""
    return _CodeBlocks(original)


_FIRST = re.compile(r"\s*+(\S?)")


@once_per_text
def _is_schema(original: str) -> bool:
    """Whether ``original`` is a schema or an API's description (kept for the part's next field)."""
    return _SCHEMA.search(original) is not None


def _example_sign(original: str, start: int, end: int) -> tuple[bool, Text] | None:
    """Whether a record's key and level (the level at ``start``, the value
    ending at ``end``) are an example: under an ``example``, ``enum`` or
    ``default`` key (no mark), in a Markdown code block (under a caption
    saying 示例: no mark; without one, for a person to check), or after such
    a caption above structured lines outside code (a page's ``<pre>``, for a
    person to check).  A JSON document, which opens with its data, is no page."""
    line_start = original.rfind("\n", max(0, start - _REACH), start) + 1
    if line_start == 0 and start > _REACH:
        return None
    names = _EXAMPLE_NAME if _is_schema(original) else _ONLY_EXAMPLE
    if _opened_before(original, line_start, start, names) or _under_example(original, line_start, names):
        return True, Text("an example's or a schema's value (example, enum, default): no record's level",
                          "示例或模式中的取值（example、enum、default）：非记录的密级")
    first = _FIRST.match(original)
    if first is not None and first.group(1) in ("{", "["):
        return None
    if ("```" in original or "~~~" in original) and (code := _code_of(original)).code.holds(start, end):
        fence = code.fence(line_start)
        if fence < 0:  # an indented block, which a YAML's or a JSON's lines may be
            return None
        info = original[fence:original.find("\n", fence)] if "\n" in original[fence:fence + _REACH] else ""
        if _EXAMPLE_WORDS.search(info) or _CAPTION.fullmatch(_caption(original, fence, lambda s, e: False)):
            # review, not clear: a caption is what anyone types above a real record (a second reader's attack)
            return False, Text("an example in a Markdown code block under a caption saying so",
                              "Markdown 代码块中的示例（前有“示例”等说明）")
        return False, Text("a record in a Markdown code block", "Markdown 代码块中的记录")
    if _EXAMPLE_WORDS.search(_caption(original, line_start, lambda s, e: _STRUCTURED.match(original, s, e) is not None)):
        return False, Text("a record after a caption saying it is an example", "“示例”等说明之后的记录")
    return None


def _lines_back(original: str, line_start: int) -> Iterator[tuple[int, int]]:
    """The bounds of the lines before the one at ``line_start``, nearest
    first, at most ``_LINES_BACK`` of them and within ``_WINDOW`` characters."""
    floor = max(0, line_start - _WINDOW)
    start = line_start
    for _ in range(_LINES_BACK):
        if start <= floor:
            return
        prev = original.rfind("\n", floor, start - 1) + 1
        if prev == 0 and floor > 0:
            return
        yield prev, start - 1
        start = prev


def _caption(original: str, line_start: int, passed: Callable[[int, int], bool]) -> str:
    """The nearest line above the one at ``line_start`` that is neither blank
    nor one ``passed`` accepts (a block's structured lines), within reach: a
    block's caption ("" when none is near)."""
    for start, end in _lines_back(original, line_start):
        if (line := original[start:end].strip()) and not passed(start, end):
            return line
    return ""


def _opened_before(original: str, line_start: int, start: int, names: str) -> bool:
    """Whether an ``example``, ``enum`` or ``default`` key before ``start`` on
    its line opens a mapping or list still open there (not a record's
    ``"default": false`` beside its 密级)."""
    opened = None
    for opened in _EXAMPLE_KEY[names].finditer(original, line_start, start):
        pass
    if opened is None:
        return False
    between = original[opened.end():start]
    return between.count("{") + between.count("[") + 1 > between.count("}") + between.count("]")


def _under_example(original: str, line_start: int, names: str) -> bool:
    """Whether a key's line lies under an ``example``, ``enum`` or ``default``
    key by its indent (YAML's blocks, pretty JSON's objects): each line above
    indented less is the one it lies under, up to the margin; a list item's
    key (``- default:``) at the key's own column is its sibling."""
    indent = _indent(original, line_start)
    for start, end in _lines_back(original, line_start):
        if indent == 0:
            return False
        if not original[start:end].strip():
            continue
        above = _indent(original, start)
        if above < indent:
            key = start + above
            if original.startswith("-", key):
                key += 1 + _indent(original, key + 1)
            if key - start < indent and _OPENING_KEY[names].match(original, key, end):
                return True
            indent = above
    return False


def _indent(original: str, start: int) -> int:
    """How many blanks open the line at ``start``."""
    pos = start
    while pos < len(original) and original[pos] in " \t":
        pos += 1
    return pos - start
