"""Text a workbook keeps beside its cells, each place once cleared with a
mark in it (docs/fuzzing.md listed them as not read): a custom table
style's name, a table's own names, a pivot table's names and label
filters, a data-validation formula, a shared string's phonetic run.  Each
file is written by the real library (openpyxl, LibreOffice); the parts no
library here writes (pivot tables, phonetic runs) are added to openpyxl's
package as Excel writes them."""
from __future__ import annotations

import openpyxl
import pytest
from openpyxl.styles.table import TableStyle, TableStyleElement
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from scanner.config import Limits
from scanner.extract import extract

from .marked import MARK, mark_parts, saved


def _part(data: bytes, part: str) -> str:
    return "\n".join(p.text for p in extract(data, "a.xlsx", Limits()).parts if p.name == part)


def _register() -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    book.active.append(["项目", "金额"])
    book.active.append(["差旅", 12])
    return book


def _styled_table(style: str) -> bytes:
    """The register as a table drawn in ``style``, the book's own style
    (the Table Styles gallery's Custom row) when it is not a built-in."""
    book = _register()
    if not style.startswith("TableStyle"):
        book._table_styles.tableStyle.append(TableStyle(name=style, tableStyleElement=[TableStyleElement(type="wholeTable")]))
    table = Table(displayName="Register", ref="A1:B2")
    table.tableStyleInfo = TableStyleInfo(name=style, showRowStripes=True)
    book.active.add_table(table)
    return saved(book)


def test_a_custom_table_style_name() -> None:
    """Read once, where the style is defined (not again where the table
    names it); a built-in style's name is ASCII and left out."""
    data = _styled_table(MARK)
    assert mark_parts(data, "a.xlsx") == ["table-styles"]
    assert _part(data, "table-styles") == MARK
    assert _part(_styled_table("TableStyleMedium9"), "table-styles") == ""


def _table(**kw: object) -> bytes:
    """The register as a table; without a header row its columns' names
    (which Excel keeps, and shows once the row is turned on) are in no cell."""
    book = _register()
    if kw.pop("header", True):
        table = Table(ref="A1:B2", **kw)
    else:
        book.active.delete_rows(1)
        table = Table(ref="A1:B1", headerRowCount=0, autoFilter=None, **kw)
        table.tableColumns = [TableColumn(id=1, name=MARK), TableColumn(id=2, name="金额")]
    book.active.add_table(table)
    return saved(book)


@pytest.mark.parametrize("kw", [{"displayName": MARK}, {"displayName": "Register", "comment": MARK},
                                {"displayName": "Register", "header": False}], ids=["name", "comment", "column"])
def test_a_table_s_own_text(kw: dict[str, object]) -> None:
    """A table's name (name and display name, read once), its comment, a
    column name no header cell shows; a column name its header cell shows
    is read in its row only."""
    data = _table(**kw)
    assert mark_parts(data, "a.xlsx") == ["tables"]
    assert _part(data, "tables").splitlines() == ([MARK] if kw.get("header", True) else [MARK, "金额"])


def test_a_table_s_name_and_column_after_libreoffice(soffice) -> None:
    """LibreOffice keeps a table's name and a headerless table's column
    names (not its comment) when it saves the workbook."""
    for kw in ({"displayName": MARK}, {"displayName": "Register", "header": False}):
        assert mark_parts(soffice(_table(**kw), "xlsx", "xlsx"), "b.xlsx") == ["tables"]

