"""Text a workbook keeps beside its cells, each place once cleared with a
mark in it (docs/fuzzing.md listed them as not read): a custom table
style's name, a table's own names, a pivot table's names and label
filters, a pivot cache's fields, formulas and items, a data-validation
formula, a shared string's phonetic run.  Each
file is written by the real library (openpyxl, xlsxwriter, LibreOffice);
what none of them writes (pivot tables, phonetic runs, Excel 2010's
validation rules) is added to its package as Excel writes it."""
from __future__ import annotations

import io
import json
import time
import types
import zipfile
from xml.sax.saxutils import escape

import openpyxl
import pytest
import xlsxwriter
from openpyxl.styles.table import TableStyle, TableStyleElement
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from scanner import scan_bytes
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


_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PIVOT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.pivot"


def _pivot(b: types.SimpleNamespace, name: str, label_filter: str, kind: str = "captionNotContains",
           field: int = 1, levels: tuple[str, str] = ("公开", "内部")) -> bytes:
    """The register (its rows at ``levels``) and, on a second sheet, a pivot
    table of 金额 by 项目 (``field`` 1) or by 密级 (0), named ``name`` and
    keeping the items whose caption does not contain ``label_filter`` (or
    as the filter of type ``kind`` says), as Excel writes one: a cache to
    refresh on open listing each field's items, the filter's autofilter
    beside its string (``*…*`` for contains).  openpyxl writes no pivot
    table."""
    book = openpyxl.Workbook()
    book.active.title = "数据"
    for row in (["密级", "项目", "金额"], [levels[0], "差旅", 12], [levels[1], "会议", 30]):
        book.active.append(row)
    book.create_sheet("透视")
    ns = f'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="{_R}"'
    cache = (f'<pivotCacheDefinition {ns} r:id="rId1" refreshOnLoad="1" recordCount="0"><cacheSource type="worksheet">'
             '<worksheetSource ref="A1:C3" sheet="数据"/></cacheSource><cacheFields count="3">'
             f'<cacheField name="密级" numFmtId="0"><sharedItems count="2"><s v="{levels[0]}"/><s v="{levels[1]}"/>'
             '</sharedItems></cacheField><cacheField name="项目" numFmtId="0">'
             '<sharedItems count="2"><s v="差旅"/><s v="会议"/></sharedItems></cacheField>'
             '<cacheField name="金额" numFmtId="0"><sharedItems containsSemiMixedTypes="0" containsString="0" '
             'containsNumber="1" containsInteger="1" minValue="12" maxValue="30"/></cacheField></cacheFields>'
             '</pivotCacheDefinition>')
    axis = '<pivotField axis="axisRow" showAll="0"><items count="3"><item x="0"/><item x="1"/><item t="default"/>' \
           '</items></pivotField>'
    fields = [axis if at == field else '<pivotField showAll="0"/>' for at in range(2)]
    operator = 'operator="notEqual" ' if kind.startswith("captionNot") else ""
    wildcard = "*" if kind.endswith("Contains") else ""
    pivot = (f'<pivotTableDefinition {ns} name="{name}" cacheId="1" dataCaption="值" outline="1" outlineData="1">'
             f'<location ref="A3:B5" firstHeaderRow="1" firstDataRow="1" firstDataCol="1"/><pivotFields count="3">'
             f'{"".join(fields)}<pivotField dataField="1" showAll="0"/>'
             f'</pivotFields><rowFields count="1"><field x="{field}"/></rowFields><rowItems count="1"><i><x/></i>'
             '</rowItems><colItems count="1"><i/></colItems><dataFields count="1"><dataField name="求和项:金额" fld="2" '
             f'baseField="0" baseItem="0"/></dataFields><filters count="1"><filter fld="{field}" type="{kind}" '
             f'evalOrder="-1" id="1" stringValue1="{label_filter}"><autoFilter ref="A1"><filterColumn colId="0">'
             f'<customFilters><customFilter {operator}val="{wildcard}{label_filter}{wildcard}"/></customFilters>'
             '</filterColumn></autoFilter></filter></filters><pivotTableStyleInfo name="PivotStyleLight16" '
             'showRowHeaders="1" showColHeaders="1"/></pivotTableDefinition>')

    def rels(*targets: tuple[str, str, str]) -> str:
        return ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                + "".join(f'<Relationship Id="{rid}" Type="{_R}/{kind}" Target="{target}"/>'
                          for rid, kind, target in targets) + "</Relationships>")

    def types_(xml: str) -> str:
        return xml.replace("</Types>", (
            f'<Override PartName="/xl/pivotCache/pivotCacheDefinition1.xml" ContentType="{_PIVOT_TYPE}CacheDefinition+xml"/>'
            f'<Override PartName="/xl/pivotTables/pivotTable1.xml" ContentType="{_PIVOT_TYPE}Table+xml"/></Types>'))

    return b.zip_edit(saved(book), replace={
        "xl/pivotCache/pivotCacheDefinition1.xml": cache,
        "xl/pivotTables/pivotTable1.xml": pivot,
        "xl/pivotTables/_rels/pivotTable1.xml.rels":
            rels(("rId1", "pivotCacheDefinition", "../pivotCache/pivotCacheDefinition1.xml")),
        "xl/worksheets/_rels/sheet2.xml.rels": rels(("rId1", "pivotTable", "../pivotTables/pivotTable1.xml")),
    }, edit={
        "[Content_Types].xml": types_,
        "xl/_rels/workbook.xml.rels": lambda xml: xml.replace("</Relationships>", (
            f'<Relationship Id="rIdP" Type="{_R}/pivotCacheDefinition" '
            'Target="pivotCache/pivotCacheDefinition1.xml"/></Relationships>')),
        "xl/workbook.xml": lambda xml: xml.replace("</workbook>", (
            f'<pivotCaches><pivotCache xmlns:r="{_R}" cacheId="1" r:id="rIdP"/></pivotCaches></workbook>')),
    })


def test_a_pivot_table_s_label_filter(b: types.SimpleNamespace) -> None:
    """The string a label filter compares captions with, read once (not
    again as its autofilter's ``*…*``)."""
    data = _pivot(b, "数据透视表1", MARK)
    assert mark_parts(data, "a.xlsx") == ["pivot-filters"]
    assert _part(data, "pivot-filters") == MARK
    assert _part(data, "pivot-tables") == "数据透视表1\n值\n求和项:金额"  # no cell shows them: no computed pivot


@pytest.mark.parametrize(("kind", "field", "line"), [
    ("captionNotEqual", 0, "密级 不等于 {}"), ("captionNotContains", 1, "项目 不包含 {}"),
    ("captionNotBeginsWith", 0, "密级 开头不是 {}"),
], ids=["not-equal", "not-contains", "not-begins-with"])
def test_a_pivot_filter_that_hides_a_level(b: types.SimpleNamespace, kind: str, field: int, line: str) -> None:
    """A label filter that hides the items labelled 秘密 names a field's
    value, shown by no cell: read as its condition on the field, not as 秘密
    alone on a line (a bare level: ``block`` before); a string holding more
    than a level is read alone, as before (beside the dialog's words 机密 5年
    was cleared), and a book holding the rows it hides still blocks."""
    data = _pivot(b, "数据透视表1", "秘密", kind, field)
    result = scan_bytes(data, "a.xlsx")[0]
    assert (result.verdict.value, result.findings) == ("clear", ())
    assert _part(data, "pivot-filters") == line.format("秘密")
    for mark in ("机密★5年", "秘密★1年", "机密 5年"):
        data = _pivot(b, "数据透视表1", mark, kind, field)
        assert mark_parts(data, "a.xlsx") == ["pivot-filters"], mark
        assert _part(data, "pivot-filters") == mark
    # the rows it hides are still in the book, read in their rows as a register's 密级 column is, not
    # again as the cache's items (alone on a line the cache's 秘密 was a bare level: block)
    result = scan_bytes(_pivot(b, "数据透视表1", "秘密", kind, field, levels=("公开", "秘密")), "a.xlsx")[0]
    assert (result.verdict.value, result.findings) == ("clear", ())


def test_a_pivot_filter_that_hides_a_mark_a_cell_shows(b: types.SimpleNamespace) -> None:
    """A filter hiding the rows marked 机密★5年 of a register that shows
    them: the mark is read in its row, not again in the filter's condition
    or as the cache's item."""
    data = _pivot(b, "数据透视表1", MARK, "captionNotEqual", 0, levels=("公开", MARK))
    assert mark_parts(data, "a.xlsx") == ["sheet:数据"]


def test_a_pivot_filter_on_a_field_given_a_name(b: types.SimpleNamespace) -> None:
    """The field is named as the pivot shows it: the name given to it there, else the cache's."""
    data = b.zip_edit(_pivot(b, "数据透视表1", "秘密", "captionNotEqual", 0), edit={
        "xl/pivotTables/pivotTable1.xml": lambda xml: xml.replace('<pivotField axis=', '<pivotField name="等级" axis=')})
    assert _part(data, "pivot-filters") == "等级 不等于 秘密"


def test_a_pivot_with_damaged_relationships_or_field_number(b: types.SimpleNamespace) -> None:
    """A pivot table's relationships not well-formed (which cache it reads
    is then not known) are said, not the whole book left unread with a mark
    in its cells; a filter's field number int() refuses (``²``) names no
    field.  Each failed the book before (``unreadable.extract`` on the item)."""
    data = b.zip_edit(_pivot(b, "数据透视表1", "秘密", "captionNotEqual", 0, levels=("公开", MARK)),
                      replace={"xl/pivotTables/_rels/pivotTable1.xml.rels": "<Relationships"})
    result = scan_bytes(data, "a.xlsx")[0]
    assert (result.verdict.value, result.extraction.value) == ("block", "partial")
    found = {(f.rule, f.part) for f in result.findings}
    assert {("mark.state-secret", "sheet:数据"),
            ("unreadable.extract", "xl/pivotTables/_rels/pivotTable1.xml.rels")} <= found
    assert _part(data, "pivot-filters") == "标签 不等于 秘密"
    for number in ("²", "9" * 5000):
        data = b.zip_edit(_pivot(b, "数据透视表1", "秘密", "captionNotEqual", 0), edit={
            "xl/pivotTables/pivotTable1.xml": lambda xml, n=number: xml.replace('<filter fld="0"', f'<filter fld="{n}"')})
        assert _part(data, "pivot-filters") == "标签 不等于 秘密", number


def test_a_pivot_filter_that_keeps_a_level(b: types.SimpleNamespace) -> None:
    """A label filter that keeps only the items labelled 秘密 is read as its
    string alone, as before: the pivot shows those items, their label cells
    say 秘密 (read there once the pivot is laid out), and a reviewer looks
    at a book that shows only what is labelled 秘密."""
    data = _pivot(b, "数据透视表1", "秘密", "captionEqual", 0)
    result = scan_bytes(data, "a.xlsx")[0]
    assert result.verdict.value == "block"
    assert [(f.rule, f.part) for f in result.findings] == [("mark.bare-level", "pivot-filters")]
    assert _part(data, "pivot-filters") == "秘密"


def test_a_pivot_table_s_name_also_after_libreoffice(b: types.SimpleNamespace, soffice) -> None:
    """The name PivotTable Analyze shows; LibreOffice keeps it (and lays
    the pivot out in cells, which then show its captions: not read again)
    and drops the label filter."""
    data = _pivot(b, f"透视表{MARK}", "会")
    assert mark_parts(data, "a.xlsx") == ["pivot-tables"]
    again = soffice(data, "xlsx", "xlsx")
    assert mark_parts(again, "b.xlsx") == ["pivot-tables"]
    assert _part(again, "pivot-tables") == f"透视表{MARK}"


def _cache_edit(b: types.SimpleNamespace, data: bytes, old: str, new: str) -> bytes:
    """``data`` with ``old`` in its pivot cache definition written ``new``."""
    def edit(xml: str) -> str:
        assert old in xml
        return xml.replace(old, new)
    return b.zip_edit(data, edit={"xl/pivotCache/pivotCacheDefinition1.xml": edit})


_FIELD = '<cacheField name="金额"'
_FIELDS = '</cacheFields>'
_FLAG = f'<cacheField name="Flag" numFmtId="0" formula="IF(密级=&quot;{MARK}&quot;,1,0)" databaseField="0"/>'
_CALCULATED_ITEM = (f'<calculatedItems count="1"><calculatedItem formula="IF(金额&gt;20,&quot;{MARK}&quot;,0)">'
                    '<pivotArea cacheIndex="1" outline="0" fieldPosition="0"><references count="1">'
                    '<reference field="1" count="1"><x v="2"/></reference></references></pivotArea></calculatedItem>'
                    '</calculatedItems>')
_GROUP = ('<fieldGroup base="1"><discretePr count="2"><x v="0"/><x v="1"/></discretePr><groupItems count="1">'
          f'<s v="{MARK}"/></groupItems></fieldGroup>')


@pytest.mark.parametrize(("old", "new"), [
    (_FIELD, f'<cacheField name="{MARK}" numFmtId="0" formula="金额*2" databaseField="0"/>{_FIELD}'),
    (_FIELD, f'<cacheField name="Field1" caption="{MARK}" numFmtId="0" formula="1" databaseField="0"/>{_FIELD}'),
    (_FIELD, _FLAG + _FIELD),
    (_FIELDS, _FIELDS + _CALCULATED_ITEM),
    ('<s v="会议"/></sharedItems>', '<s v="会议"/></sharedItems>' + _GROUP),
    ('sheet="数据"', f'sheet="{MARK}"'),
], ids=["calculated-field-name", "field-caption", "calculated-field-formula", "calculated-item-formula",
        "group-name", "source-sheet"])
def test_a_pivot_cache_s_own_text(b: types.SimpleNamespace, old: str, new: str) -> None:
    """What a pivot cache keeps in attributes and Excel shows: a calculated
    field's name and its formula's string literals (the PivotTable Fields
    list, the Calculated Field dialog), a field's caption, a calculated
    item's formula, a group's name, the sheet its data comes from (Change
    Data Source); no cell shows them.  Each was cleared before: the cache's
    attributes were not read."""
    data = _cache_edit(b, _pivot(b, "数据透视表1", "会"), old, new)
    assert mark_parts(data, "a.xlsx") == ["pivot-caches"]
    assert _part(data, "pivot-caches") == MARK


def test_a_pivot_cache_no_pivot_table_reads(b: types.SimpleNamespace) -> None:
    """The book lists a cache whose pivot table was deleted: it still holds
    its fields and data (Excel keeps it), read as a pivot's cache is."""
    data = _cache_edit(b, _pivot(b, "数据透视表1", "会"), _FIELD,
                       f'<cacheField name="标志" formula="IF(密级=&quot;{MARK}&quot;,1,0)" databaseField="0"/>{_FIELD}')
    data = b.zip_edit(data, replace={"xl/worksheets/_rels/sheet2.xml.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>')})
    assert mark_parts(data, "a.xlsx") == ["pivot-caches"]
    assert _part(data, "pivot-caches") == f"标志\n{MARK}"


def test_a_pivot_cache_s_items_a_cell_does_not_show(b: types.SimpleNamespace) -> None:
    """The cache's items are its columns' values, read in their rows: an
    item no cell shows (its row deleted since the cache was refreshed) is
    read, a 密级 field's plain levels as its choices on one line, as its
    filter list offers them, not a bare 秘密 alone on a line."""
    data = _pivot(b, "数据透视表1", "会")
    assert _part(data, "pivot-caches") == ""  # its field names and items are the register's cells
    data = _cache_edit(b, _pivot(b, "数据透视表1", "会"), '<s v="内部"/>', f'<s v="{MARK}"/>')
    assert mark_parts(data, "a.xlsx") == ["pivot-caches"]
    assert _part(data, "pivot-caches") == MARK  # 公开 is a cell's
    data = _cache_edit(b, _pivot(b, "数据透视表1", "会"), '<s v="内部"/>', '<s v="秘密"/>')
    result = scan_bytes(data, "a.xlsx")[0]
    assert (result.verdict.value, result.findings) == ("clear", ())
    assert _part(data, "pivot-caches") == "公开、秘密"
    data = _cache_edit(b, _pivot(b, "数据透视表1", "会"), '<sharedItems count="2"><s v="公开"/><s v="内部"/>',
                       '<sharedItems count="1"><s v="秘密"/>')
    result = scan_bytes(data, "a.xlsx")[0]
    assert [(f.rule, f.part) for f in result.findings] == [("mark.bare-level", "pivot-caches")]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_a_pivot_cache_after_a_byte_order_mark(b: types.SimpleNamespace, encoding: str) -> None:
    """A cache definition written after a byte-order mark (UTF-8's, or in
    UTF-16) is read as XML, as the sheets are: with its markup stripped
    instead, its items and names, all attributes, were lost (cleared)."""
    data = _cache_edit(b, _pivot(b, "数据透视表1", "会"), '<s v="内部"/>', f'<s v="{MARK}"/>')
    path = "xl/pivotCache/pivotCacheDefinition1.xml"
    cache = zipfile.ZipFile(io.BytesIO(data)).read(path).decode()
    data = b.zip_edit(data, replace={path: cache.encode(encoding)})
    assert mark_parts(data, "a.xlsx") == ["pivot-caches"]
    assert _part(data, "pivot-filters") == "项目 不包含 会"  # the filter's field named by the cache


@pytest.mark.parametrize("extension", ["vml", "htm"])
def test_a_pivot_cache_named_as_markup(b: types.SimpleNamespace, extension: str) -> None:
    """A cache definition the relationships reach under another name (a
    ``.vml`` or ``.htm`` part, its content type declared): XML by the
    relationship's type, read as a cache is.  Read by its name, as markup
    with its tags stripped, its items were lost (cleared)."""
    data = _cache_edit(b, _pivot(b, "数据透视表1", "会"), '<s v="内部"/>', f'<s v="{MARK}"/>')
    old, new = "pivotCacheDefinition1.xml", f"pivotCacheDefinition1.{extension}"
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as package, zipfile.ZipFile(out, "w") as renamed:
        for name in package.namelist():
            body = package.read(name)
            if name.endswith(".rels") or name == "[Content_Types].xml":
                body = body.replace(old.encode(), new.encode())
            renamed.writestr(name.replace(old, new), body)
    assert f"xl/pivotCache/{new}" in zipfile.ZipFile(out).namelist()
    assert mark_parts(out.getvalue(), "a.xlsx") == ["pivot-caches"]


def test_a_pivot_cache_written_by_libreoffice(b: types.SimpleNamespace, soffice) -> None:
    """LibreOffice writes the cache again from the register (with its
    records) and lays the pivot out in cells: the register's 秘密 and
    机密★5年 are read in its rows, not again as the cache's items (they
    were, the mark twice and 秘密 alone on a line: a bare level)."""
    again = soffice(_pivot(b, "数据透视表1", "会", levels=("公开", MARK)), "xlsx", "xlsx")
    assert "pivotCacheRecords1.xml" in " ".join(zipfile.ZipFile(io.BytesIO(again)).namelist())
    assert mark_parts(again, "b.xlsx") == ["sheet:数据"]
    result = scan_bytes(soffice(_pivot(b, "数据透视表1", "会", levels=("公开", "秘密")), "xlsx", "xlsx"), "c.xlsx")[0]
    assert (result.verdict.value, result.findings) == ("clear", ())


def test_a_pivot_cache_s_formula_offering_levels(b: types.SimpleNamespace) -> None:
    """A calculated field's formula that compares a 密级 field with its
    levels reads them on one line, as a 密级 field's choices: no block; one
    holding a mark still blocks."""
    formula = 'IF(密级=&quot;秘密&quot;,2,IF(密级=&quot;公开&quot;,0,1))'
    data = _cache_edit(b, _pivot(b, "数据透视表1", "会"), _FIELD,
                       f'<cacheField name="权重" formula="{formula}" databaseField="0"/>{_FIELD}')
    result = scan_bytes(data, "a.xlsx")[0]
    assert (result.verdict.value, result.findings) == ("clear", ())
    assert _part(data, "pivot-caches") == "权重\n秘密,公开"


_X14 = 'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"'
_NAME = "[Range].[密级].CurrentMember.Name"


@pytest.mark.parametrize(("member", "lines"), [
    ((f'<calculatedMember name="[集1]" mdx="{{[Range].[密级].&amp;[{MARK}],[Range].[密级].&amp;[公开]}}" '
     'memberName="集1" set="1"/>'), ["[集1]", "集1", MARK]),
    (f'<calculatedMember name="[Measures].[Flag]" mdx="IIF({_NAME}=\'{MARK}\',1,0)"/>', [MARK]),
    (('<calculatedMember name="[Measures].[Flag]" mdx="" hierarchy="[Measures]" parent="[Measures]"><extLst>'
     f'<ext uri="{{0C70D0D5-359C-4a49-802D-23BBF952B5CE}}" {_X14}><x14:calculatedMember '
     f'mdxLong="IIF({_NAME}=&quot;{MARK}&quot;,1,0)"/></ext></extLst></calculatedMember>'), [MARK]),
], ids=["named-set", "single-quoted", "mdx-long"])
def test_an_olap_member_s_mdx(b: types.SimpleNamespace, member: str, lines: list[str]) -> None:
    """What an OLAP calculated member's or named set's MDX names: the
    members a set picked, in brackets (Create Set Based on Row Items), a
    string in single quotes as in double, an expression past 255
    characters Excel keeps in its x14 extension (``mdxLong``).  Only its
    double-quoted strings were read: each was cleared."""
    data = _cache_edit(b, _pivot(b, "数据透视表1", "会"), _FIELDS,
                       f'{_FIELDS}<calculatedMembers count="1">{member}</calculatedMembers>')
    assert mark_parts(data, "a.xlsx") == ["pivot-caches"]
    assert _part(data, "pivot-caches").split("\n") == lines  # 密级 and 公开 are the register's cells


def _olap_group(caption: str, member: str) -> str:
    """An OLAP hierarchy 密级 whose items the user grouped (Group
    Selection): the group's caption and the member it holds."""
    return ('<cacheHierarchies count="1"><cacheHierarchy uniqueName="[Range].[密级]" caption="密级" attribute="1" '
            'defaultMemberUniqueName="[Range].[密级].[All]" allUniqueName="[Range].[密级].[All]" '
            'dimensionUniqueName="[Range]" count="2"><fieldsUsage count="1"><fieldUsage x="0"/></fieldsUsage>'
            '<groupLevels count="1"><groupLevel uniqueName="[Range].[密级].[密级1]" caption="密级1" user="1">'
            f'<groups count="1"><group name="组1" uniqueName="[Range].[密级].[密级1].[组1]" caption="{caption}" '
            'uniqueParent="[Range].[密级].[All]" id="1"><groupMembers count="1">'
            f'<groupMember uniqueName="[Range].[密级].&amp;[{member}]"/></groupMembers></group></groups>'
            '</groupLevel></groupLevels></cacheHierarchy></cacheHierarchies>')


@pytest.mark.parametrize(("caption", "member"), [(MARK, "公开"), ("组1", MARK)], ids=["caption", "member"])
def test_an_olap_group(b: types.SimpleNamespace, caption: str, member: str) -> None:
    """A group of OLAP items the user made: its caption (the pivot's label
    for it, renamed as the user likes) and the members it holds, by their
    unique names; neither was read (cleared)."""
    data = _cache_edit(b, _pivot(b, "数据透视表1", "会"), _FIELDS, _FIELDS + _olap_group(caption, member))
    assert mark_parts(data, "a.xlsx") == ["pivot-caches"]
    assert MARK in _part(data, "pivot-caches").split("\n")


def test_an_olap_member_s_mdx_of_unclosed_brackets(b: types.SimpleNamespace) -> None:
    """An expression ending in a string of 100,000 [ left open is read in
    linear time (each [ tried to the end: minutes), its member too."""
    mdx = f'[Range].[密级].&amp;[{MARK}],&quot;' + "[" * 100_000
    data = _cache_edit(b, _pivot(b, "数据透视表1", "会"), _FIELDS,
                       f'{_FIELDS}<calculatedMembers count="1"><calculatedMember name="[Measures].[F]" '
                       f'mdx="{mdx}"/></calculatedMembers>')
    started = time.process_time()
    assert mark_parts(data, "a.xlsx") == ["pivot-caches"]
    assert time.process_time() - started < 10


def test_an_olap_member_s_mdx_offering_levels(b: types.SimpleNamespace) -> None:
    """Levels an MDX expression compares a 密级 field with are its
    choices, on one line, as a calculated field's are: no block."""
    levels = f"IIF({_NAME}='秘密',2,IIF({_NAME}='公开',0,1))"
    data = _cache_edit(b, _pivot(b, "数据透视表1", "会"), _FIELDS,
                       f'{_FIELDS}<calculatedMembers count="1"><calculatedMember name="[Measures].[W]" '
                       f'mdx="{escape(levels, {chr(39): "&apos;"})}"/></calculatedMembers>')
    assert scan_bytes(data, "a.xlsx")[0].verdict.value == "clear"
    assert _part(data, "pivot-caches") == "秘密,公开"


def _validated(formula: str, shown: str = "差旅") -> bytes:
    """The register with a custom validation rule on its 项目 column; A2 shows ``shown``."""
    book = _register()
    book.active["A2"] = shown
    rule = DataValidation(type="custom", formula1=formula, showErrorMessage=True, error="不可填写")
    book.active.add_data_validation(rule)
    rule.add("A2:A100")
    return saved(book)


def test_a_custom_data_validation_formula_also_after_libreoffice(soffice) -> None:
    """The literal of a custom rule's formula (the Data Validation dialog
    shows it), read beside the rule's error text; LibreOffice keeps the
    rule.  A literal a cell shows is read in its row only."""
    data = _validated(f'A2<>"{MARK}"')
    assert mark_parts(data, "a.xlsx") == ["data-validations"]
    assert _part(data, "data-validations") == MARK
    assert mark_parts(soffice(data, "xlsx", "xlsx"), "b.xlsx") == ["data-validations"]
    assert mark_parts(_validated(f'A2<>"{MARK}"', shown=MARK), "c.xlsx") == ["sheet:Sheet"]


@pytest.mark.parametrize(("kind", "formula", "part"), [
    ("custom", f'Sheet2!$A$1<>"{MARK}"', "data-validations"),
    ("list", f'"公开,{MARK}"', "attributes"),  # a drop-down list's entries, as the worksheet's are
], ids=["custom", "list"])
def test_a_data_validation_of_excel_2010(b: types.SimpleNamespace, kind: str, formula: str, part: str) -> None:
    """Excel keeps a rule that refers to another sheet in the worksheet's
    ``extLst``, its formula in an ``xm:f`` (openpyxl cannot write one:
    added to its output)."""
    rule = ('<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
            'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:dataValidations count="1" '
            'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
            f'<x14:dataValidation type="{kind}" allowBlank="1" showErrorMessage="1"><x14:formula1><xm:f>{escape(formula)}'
            '</xm:f></x14:formula1><xm:sqref>A2:A100</xm:sqref></x14:dataValidation></x14:dataValidations></ext>'
            '</extLst></worksheet>')
    data = b.zip_edit(saved(_register()), edit={"xl/worksheets/sheet1.xml": lambda xml: xml.replace("</worksheet>", rule)})
    assert mark_parts(data, "a.xlsx") == [part]



def _strings_book(b: types.SimpleNamespace, phonetic: str) -> bytes:
    """xlsxwriter's book (shared strings, as Excel writes text): 密级 in A1,
    公开 in A2; with ``phonetic``, the reading Excel's phonetic guide shows
    over A1 (xlsxwriter writes no phonetic run: added to its shared strings
    as Excel writes it)."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_string("A1", "密级")
    sheet.write_string("A2", "公开")
    book.close()
    run = f'<rPh sb="0" eb="2"><t>{phonetic}</t></rPh><phoneticPr fontId="1" type="noConversion"/>'
    return b.zip_edit(out.getvalue(), edit={"xl/sharedStrings.xml": lambda xml: xml.replace(
        "<t>密级</t>", "<t>密级</t>" + run, 1)}) if phonetic else out.getvalue()


def test_a_phonetic_run_in_a_shared_string(b: types.SimpleNamespace) -> None:
    """Read as a part of its own: the cell's text, as openpyxl gives it,
    stays the same."""
    data = _strings_book(b, MARK)
    assert "<rPh" in zipfile.ZipFile(io.BytesIO(data)).read("xl/sharedStrings.xml").decode("utf-8")
    assert mark_parts(data, "a.xlsx") == ["phonetic"]
    assert _part(data, "phonetic") == MARK
    assert _part(data, "sheet:Sheet1") == _part(_strings_book(b, ""), "sheet:Sheet1") == "密级\n公开"
    assert openpyxl.load_workbook(io.BytesIO(data)).active["A1"].value == "密级"
    assert _part(_strings_book(b, ""), "phonetic") == ""


def test_a_table_relationship_to_a_part_read_already(b: types.SimpleNamespace) -> None:
    """A sheet's relationship typed as a table that leads to the shared
    strings or to another sheet (not a table: Excel writes none such) does
    not make them read a second time, as the part's own text."""
    book = openpyxl.Workbook()
    book.active.append(["标题", MARK, "备注"])
    book.create_sheet("二").append(["名称", f"{MARK}附件"])
    rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId8" Type="{_R}/table" Target="sheet2.xml"/>'
            f'<Relationship Id="rId9" Type="{_R}/table" Target="../sharedStrings.xml"/></Relationships>')
    data = b.zip_edit(saved(book), replace={"xl/worksheets/_rels/sheet1.xml.rels": rels})
    assert mark_parts(data, "a.xlsx") == ["sheet:Sheet", "sheet:二"]


def test_a_column_named_by_a_header_cell_of_two_lines() -> None:
    """openpyxl and Excel write a header cell's line break in its column's
    name as ``_x000a_``: the name is the cell's text, read in its row only;
    a headerless table's such column is read, its line break restored."""
    book = _register()
    book.active["A1"] = f"项目\n{MARK}"
    book.active.add_table(Table(displayName="Register", ref="A1:B2"))
    data = saved(book)
    assert "_x000a_" in zipfile.ZipFile(io.BytesIO(data)).read("xl/tables/table1.xml").decode("utf-8")
    assert mark_parts(data, "a.xlsx") == ["sheet:Sheet"]
    assert _part(data, "tables") == ""
    book = _register()
    book.active.delete_rows(1)
    table = Table(displayName="Register", ref="A1:B1", headerRowCount=0, autoFilter=None)
    table.tableColumns = [TableColumn(id=1, name=f"项目\n{MARK}"), TableColumn(id=2, name="金额")]
    book.active.add_table(table)
    assert _part(saved(book), "tables").splitlines() == ["项目", MARK, "金额"]


_CONNECTIONS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.connections+xml"
_CONNECTIONS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/connections"


def _connected(b: types.SimpleNamespace, connection: str, rows: tuple[tuple[str, str], ...] = ()) -> bytes:
    """The register (and ``rows``, what a query brought in) with an external
    data connection, its part as Excel writes it: ``xl/connections.xml``,
    its content type and the workbook's relationship to it."""
    book = _register()
    for row in rows:
        book.active.append(list(row))
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<connections xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           f"{connection}</connections>")

    def types_(text: str) -> str:
        return text.replace("</Types>", f'<Override PartName="/xl/connections.xml" ContentType="{_CONNECTIONS_TYPE}"/>'
                                        "</Types>")

    def rels(text: str) -> str:
        return text.replace("</Relationships>", f'<Relationship Id="rId99" Type="{_CONNECTIONS_REL}" '
                                                'Target="connections.xml"/></Relationships>')

    return b.zip_edit(saved(book), replace={"xl/connections.xml": xml},
                      edit={"[Content_Types].xml": types_, "xl/_rels/workbook.xml.rels": rels})


def _db(name: str = "数据库", description: str = "", command: str = "SELECT * FROM 文件", kind: int = 2) -> str:
    """An Access database's connection (Data > Get Data > From Access)."""
    source = "C:\\资料\\数据库.accdb"
    return (f'<connection id="1" sourceFile="{source}" keepAlive="1" name="{escape(name)}" '
            f'description="{escape(description)}" type="5" refreshedVersion="6" background="1" saveData="1">'
            f'<dbPr connection="Provider=Microsoft.ACE.OLEDB.12.0;User ID=Admin;Data Source={source};Mode=Share Deny '
            f'Write" command="{escape(command, {chr(34): "&quot;"})}" commandType="{kind}"/></connection>')


@pytest.mark.parametrize(("connection", "text"), [
    (_db(description=MARK), f"数据库\n{MARK}\nC:\\资料\\数据库.accdb"),
    (_db(name=MARK), f"{MARK}\nC:\\资料\\数据库.accdb"),
    (_db(command=f"SELECT * FROM 文件 WHERE 密级='{MARK}' -- 年度清单"), f"数据库\nC:\\资料\\数据库.accdb\n{MARK}\n年度清单"),
    (_db(command=MARK, kind=3), f"数据库\nC:\\资料\\数据库.accdb\n{MARK}"),  # a table's name
    (('<connection id="1" name="报表" type="4" refreshedVersion="6" background="1" saveData="1">'
      '<webPr sourceData="1" parsePre="1" consecutive="1" xl2000="1" url="https://example.invalid/%E6%9C%BA%E5%AF%86'
      '%E2%98%855%E5%B9%B4.htm"><tables count="1"><x v="1"/></tables></webPr></connection>'),
     f"报表\nhttps://example.invalid/{MARK}.htm"),
    (('<connection id="1" name="清单" type="6" refreshedVersion="6" background="1" saveData="1">'
      '<textPr codePage="936" sourceFile="C:\\资料\\清单.txt" delimited="1" comma="1"><textFields count="1">'
      '<textField/></textFields></textPr>'
      f'<parameters count="1"><parameter name="级别" prompt="{MARK}" parameterType="prompt"/></parameters></connection>'),
     f"清单\nC:\\资料\\清单.txt\n级别\n{MARK}"),
], ids=["description", "name", "command", "table-command", "web-address", "parameter-prompt"])
def test_a_connection_s_own_text(b: types.SimpleNamespace, connection: str, text: str) -> None:
    """What an external data connection keeps in attributes and Excel shows
    (Data > Queries & Connections, the connection's Properties): its name and
    description, the file or address it reads, its command's literals and
    comments, a parameter's prompt.  Each was cleared before: ``leftover``
    read the part's text nodes only, and it has none."""
    data = _connected(b, connection)
    assert mark_parts(data, "a.xlsx") == ["connections"]
    assert _part(data, "connections") == text


def test_a_connection_s_query_read_once_and_its_levels_as_choices(b: types.SimpleNamespace) -> None:
    """A query's literal its rows show in cells is read there, not again; a
    command comparing a 密级 field with the levels reads them on one line,
    its choices, and a clean book stays clear."""
    data = _connected(b, _db(command=f"SELECT 项目, 密级 FROM 文件 WHERE 密级='{MARK}'"), rows=(("会议", MARK),))
    assert mark_parts(data, "a.xlsx") == ["sheet:Sheet"]
    assert _part(data, "connections") == "数据库\nC:\\资料\\数据库.accdb"
    data = _connected(b, _db(command="SELECT * FROM 文件 WHERE 密级 IN ('公开','秘密')"))
    result = scan_bytes(data, "a.xlsx")[0]
    assert (result.verdict.value, result.extraction.value, result.findings) == ("clear", "full", ())
    assert _part(data, "connections") == "数据库\nC:\\资料\\数据库.accdb\n公开,秘密"


_MODEL = ('<connection id="1" keepAlive="1" name="ThisWorkbookDataModel" type="5" refreshedVersion="6" background="1">'
          '<dbPr connection="Data Model Connection" command="Model" commandType="1"/><extLst>'
          '<ext uri="{{DE250136-89BD-433C-8126-D09CA5730AF9}}" '
          'xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main">'
          '<x15:connection id="" model="1"><x15:oledbPr connection="Provider=SQLOLEDB.1;Data Source=db01">'
          '<x15:dbCommand text="{command}"/></x15:oledbPr></x15:connection></ext></extLst></connection>')


@pytest.mark.parametrize(("connection", "text"), [
    (_db(command=f"SELECT * FROM 文件 WHERE 密级='{MARK}"), MARK),  # left open: Excel would not run it
    (_db(command=f"SELECT * FROM `{MARK}清单`"), f"{MARK}清单"),  # MySQL's quoted name
    (_db(command=f"SELECT [项目]]{MARK}] FROM 文件"), f"项目]{MARK}"),  # ] written twice inside brackets
    (_db(command="SELECT 1").replace("Mode=Share Deny Write", f"Extended Properties=&quot;{MARK};HDR=YES&quot;"),
     f"{MARK};HDR=YES"),  # a quoted value holding ;
    (_db(command="SELECT 1").replace(";Mode=Share Deny Write", f";{MARK}"), MARK),  # a piece without a key
    (_MODEL.format(command=escape(f"SELECT * FROM 文件 WHERE 密级='{MARK}'")), MARK),  # Excel 2013's data model
    (('<connection id="1" name="报表" type="4" refreshedVersion="6" background="1" saveData="1">'
      '<webPr sourceData="1" url="https://example.invalid/query" '
      'post="level=%E6%9C%BA%E5%AF%86%E2%98%855%E5%B9%B4"/></connection>'), f"level={MARK}"),  # the form it posts
], ids=["open-quote", "backquoted-name", "doubled-bracket", "quoted-value", "piece-without-key", "model-command",
        "posted-form"])
def test_a_connection_s_text_however_written(b: types.SimpleNamespace, connection: str, text: str) -> None:
    """A command's string left open, a name in MySQL's backquotes or in
    brackets holding ``]]``, a connection string's quoted value holding
    ``;`` or a piece without a key, an Excel 2013 model connection's
    command (``x15:dbCommand``) and a web query's posted form (percent-
    encoded as its address is): each was cleared."""
    data = _connected(b, connection)
    assert mark_parts(data, "a.xlsx") == ["connections"]
    assert text in _part(data, "connections").splitlines()


def test_a_command_of_unclosed_brackets_is_read_in_linear_time(b: types.SimpleNamespace) -> None:
    """An unclosed ``[`` was scanned to the end of the command from every
    ``[`` after it: 40,000 of them took ten seconds, a megabyte hours.
    Milliseconds now (the bound is far above what it takes); the mark after
    them is read."""
    data = _connected(b, _db(command="SELECT " + "[" * 200_000 + MARK))
    started = time.process_time()
    assert mark_parts(data, "a.xlsx") == ["connections"]
    assert time.process_time() - started < 10


@pytest.mark.parametrize(("command", "line"), [
    ("SELECT * FROM 文件 WHERE 密级 <> '机密'", "密级 不等于 机密"),
    ("SELECT * FROM [文件] WHERE [密级]!=N'秘密' AND 年度 = '2020'", "密级 不等于 秘密"),
    ("SELECT * FROM 文件 WHERE 密级 NOT IN ('绝密')", "密级 不属于 绝密"),
    ("SELECT * FROM 文件 WHERE 密级 NOT LIKE '机密'", "密级 不匹配 机密"),
], ids=["not-equal", "bracketed-name", "not-in", "not-like"])
def test_a_query_that_leaves_out_a_level(b: types.SimpleNamespace, command: str, line: str) -> None:
    """A query that leaves out the rows of a level names it as a field's
    value, shown by no cell: read as its condition, as a pivot's label
    filter hiding it is, not as 机密 alone on a line (a bare level: the
    book blocked); a query keeping only that level's rows, and one leaving
    out a string holding more than a level, are read as before."""
    data = _connected(b, _db(command=command))
    result = scan_bytes(data, "a.xlsx")[0]
    assert (result.verdict.value, result.extraction.value, result.findings) == ("clear", "full", ())
    assert line in _part(data, "connections").splitlines()
    data = _connected(b, _db(command=command.replace("<>", "=").replace("!=", "=").replace("NOT ", "")))
    assert scan_bytes(data, "a.xlsx")[0].verdict.value == "block"
    data = _connected(b, _db(command="SELECT * FROM 文件 WHERE 密级 <> '机密★5年'"))
    assert mark_parts(data, "a.xlsx") == ["connections"]


def test_an_escaped_surrogate_in_a_connection_s_text(b: types.SimpleNamespace) -> None:
    """An attribute's ``_xHHHH_`` escapes are UTF-16 units: a pair is one
    character (😀), a lone surrogate (``_xD800_``) U+FFFD.  Restored as it
    stood, the lone one reached the report, whose UTF-8 writer raised on it
    and ended the scan with no report at all; the mark beside it is read."""
    data = _connected(b, _db(description=f"_xD800_{MARK}", command=f"SELECT '_xD83D__xDE00_{MARK}'"))
    assert mark_parts(data, "a.xlsx") == ["connections", "connections"]
    lines = _part(data, "connections").splitlines()
    assert f"\ufffd{MARK}" in lines and f"😀{MARK}" in lines
    result = scan_bytes(data, "a.xlsx")[0]
    json.dumps(result.to_dict(), ensure_ascii=False).encode("utf-8")  # what the JSONL writer does
