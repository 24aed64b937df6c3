"""Places in an XLSX, PPTX or DOCX where a person sees or recovers text
that no part read (a red-team run found each cleared, extraction full): a
shared string no cell uses, a conditional-formatting rule, a cell style's
name, a hyperlink's target, an autofilter's values, a shape's name.  Each
file is written by the real library; only the unused shared string, which
no library writes, is made by deleting a cell from xlsxwriter's sheet."""
from __future__ import annotations

import io
import re
import types
import zipfile
from pathlib import Path
from urllib.parse import quote

import docx
import openpyxl
import pptx
import pytest
import xlsxwriter
from openpyxl.formatting.rule import FormulaRule, Rule
from openpyxl.styles import NamedStyle
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.worksheet.filters import CustomFilter, CustomFilters
from openpyxl.worksheet.hyperlink import Hyperlink
from PIL import Image

from scanner import scan_bytes
from scanner.config import Limits
from scanner.extract import extract

from .marked import MARK, mark_parts, saved


def _part(data: bytes, name: str, part: str) -> str:
    return "\n".join(p.text for p in extract(data, name, Limits()).parts if p.name == part)


def _strings_book() -> bytes:
    """xlsxwriter's book (shared strings, as Excel writes text): 数据 in A1,
    the mark in A2 and 备注 in C3 (a row the fast reader takes cell by cell)."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_string("A1", "数据")
    sheet.write_string("A2", MARK)
    sheet.write_string("C3", "备注")
    book.close()
    return out.getvalue()


@pytest.mark.parametrize("reader", ["fast", "lxml"])
def test_a_shared_string_no_cell_uses(b: types.SimpleNamespace, reader: str) -> None:
    """The mark's cell deleted by hand from the sheet: its string stays in
    ``sharedStrings.xml``, where unzipping the file finds it.  A comment in
    the sheet sends it to lxml, the other reader."""
    def delete_a2(sheet: str) -> str:
        sheet = re.sub(r'<row r="2"[^>]*>.*?</row>', "", sheet)
        return sheet.replace("<sheetData>", "<!-- x --><sheetData>") if reader == "lxml" else sheet

    data = b.zip_edit(_strings_book(), edit={"xl/worksheets/sheet1.xml": delete_a2})
    assert MARK in zipfile.ZipFile(io.BytesIO(data)).read("xl/sharedStrings.xml").decode("utf-8")
    assert mark_parts(data, "a.xlsx") == ["unused-strings"]
    assert _part(data, "a.xlsx", "unused-strings") == MARK  # 数据 and 备注 are shown by their cells


def test_every_shared_string_used_gives_no_part() -> None:
    assert _part(_strings_book(), "a.xlsx", "unused-strings") == ""


def test_conditional_formatting_rules() -> None:
    """A rule's formula literal and the text a "contains" rule looks for:
    Excel's Conditional Formatting manager shows both."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "数据"
    sheet.conditional_formatting.add("A1:A9", FormulaRule(formula=[f'A1="{MARK}"']))
    contains = Rule(type="containsText", operator="containsText", text="秘密★1年",
                    dxf=DifferentialStyle(), formula=['NOT(ISERROR(SEARCH("秘密★1年",B1)))'])
    sheet.conditional_formatting.add("B1:B9", contains)
    result = scan_bytes(saved(book), "a.xlsx")[0]
    assert result.extraction.value == "full"
    assert sorted((f.text, f.part) for f in result.findings if f.category == "mark") == [
        (MARK, "conditional-formats"), ("秘密★1年", "conditional-formats")]


def test_conditional_formatting_rule_of_excel_2010(b: types.SimpleNamespace) -> None:
    """Excel keeps a rule that refers to another sheet in the worksheet's
    ``extLst`` (openpyxl cannot write one: added to its output)."""
    book = openpyxl.Workbook()
    book.active["A1"] = "数据"
    rule = ('<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}" '
            'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:conditionalFormattings>'
            '<x14:conditionalFormatting xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
            '<x14:cfRule type="expression" priority="1" id="{00000000-0000-0000-0000-000000000001}">'
            f'<xm:f>Sheet2!$A$1="{MARK}"</xm:f><x14:dxf/></x14:cfRule><xm:sqref>A1</xm:sqref>'
            "</x14:conditionalFormatting></x14:conditionalFormattings></ext></extLst></worksheet>")
    data = b.zip_edit(saved(book), edit={"xl/worksheets/sheet1.xml": lambda xml: xml.replace("</worksheet>", rule)})
    assert mark_parts(data, "a.xlsx") == ["conditional-formats"]


def test_cell_style_name() -> None:
    """A named cell style, listed by Excel's Cell Styles gallery; the
    built-in Normal is left out."""
    book = openpyxl.Workbook()
    book.add_named_style(NamedStyle(name=MARK))
    book.active["A1"] = "数据"
    book.active["A1"].style = MARK
    data = saved(book)
    assert mark_parts(data, "a.xlsx") == ["cell-styles"]
    assert _part(data, "a.xlsx", "cell-styles") == MARK


@pytest.mark.parametrize("target", [
    f"https://example.org/{MARK}.pdf",
    "https://example.org/" + quote(MARK) + ".pdf",  # percent-encoded UTF-8
    "https://example.org/" + quote(MARK, encoding="gb18030") + ".pdf",  # percent-encoded GBK
    f"file:///C:/文件/{MARK}.docx",
])
def test_hyperlink_target(target: str) -> None:
    book = openpyxl.Workbook()
    book.active["A1"] = "链接"
    book.active["A1"].hyperlink = target
    data = saved(book)
    assert mark_parts(data, "a.xlsx") == ["links"]
    assert _part(data, "a.xlsx", "links").startswith("Sheet!A1: ")


def test_hyperlink_place_in_the_book_and_shown_text() -> None:
    book = openpyxl.Workbook()
    book.active["A1"] = "跳转"
    book.active["A1"].hyperlink = Hyperlink(ref="A1", location=f"'{MARK}'!A1")
    book.active["A2"] = "链接"
    book.active["A2"].hyperlink = Hyperlink(ref="A2", location="Sheet!A1", display="秘密★1年")
    result = scan_bytes(saved(book), "a.xlsx")[0]
    assert result.extraction.value == "full"
    assert sorted((f.text, f.part) for f in result.findings if f.category == "mark") == [
        (MARK, "links"), ("秘密★1年", "attributes")]


def test_an_address_no_hyperlink_names(b: types.SimpleNamespace) -> None:
    """The link deleted by hand from the sheet: its address stays in the
    sheet's relationships."""
    book = openpyxl.Workbook()
    book.active["A1"] = "链接"
    book.active["A1"].hyperlink = f"https://example.org/{MARK}.pdf"
    data = b.zip_edit(saved(book), edit={
        "xl/worksheets/sheet1.xml": lambda xml: re.sub(r"<hyperlinks>.*</hyperlinks>", "", xml)})
    assert mark_parts(data, "a.xlsx") == ["links"]
    assert _part(data, "a.xlsx", "links") == f"Sheet: https://example.org/{MARK}.pdf"


def test_autofilter_values() -> None:
    """The values an autofilter keeps (ticked in its list) and a custom
    filter's operand."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["密级", "备注"])
    sheet.append(["公开", "无"])
    sheet.auto_filter.ref = "A1:B2"
    sheet.auto_filter.add_filter_column(0, [MARK])
    sheet.auto_filter.add_filter_column(1, [])
    sheet.auto_filter.filterColumn[1].filters = None
    sheet.auto_filter.filterColumn[1].customFilters = CustomFilters(customFilter=[CustomFilter(val="*秘密★1年*")])
    result = scan_bytes(saved(book), "a.xlsx")[0]
    assert result.extraction.value == "full"
    assert sorted((f.text, f.part) for f in result.findings if f.category == "mark") == [
        (MARK, "filters"), ("秘密★1年", "filters")]


def test_a_filter_on_a_value_the_column_holds_is_no_bare_level() -> None:
    """A register with a 密级 column filtered to show its 秘密 rows: the
    value is a cell's, read in its row; alone on a line of its own it would
    read as a bare level and block an ordinary register."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["序号", "文件名称", "密级"], ["1", "年度工作计划", "公开"], ["2", "内部通报", "内部"],
                ["3", "会议纪要", "秘密"]):
        sheet.append(row)
    sheet.auto_filter.ref = "A1:C4"
    sheet.auto_filter.add_filter_column(2, ["秘密"])
    result = scan_bytes(saved(book), "register.xlsx")[0]
    assert (result.verdict.value, result.extraction.value) == ("clear", "full"), [
        (f.rule, f.part) for f in result.findings]


def test_shape_name_in_a_pptx() -> None:
    """The name PowerPoint's Selection Pane lists."""
    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    slide.shapes.add_textbox(0, 0, 100, 100).name = MARK
    assert mark_parts(saved(deck), "a.pptx") == ["attributes"]


def test_default_shape_names_stay_clear() -> None:
    """Every shape has a name: an English default is not read, a Chinese
    one is read and holds no mark."""
    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    slide.shapes.add_textbox(0, 0, 100, 100).text_frame.text = "正文"
    slide.shapes.add_textbox(0, 0, 100, 100).name = "文本框 3"
    data = saved(deck)
    result = scan_bytes(data, "a.pptx")[0]
    assert (result.extraction.value, result.verdict.value, result.findings) == ("full", "clear", ())
    assert _part(data, "a.pptx", "attributes") == "文本框 3"


def test_picture_file_name_in_a_docx(tmp_path: Path) -> None:
    """python-docx keeps the inserted file's name as the picture's name."""
    picture = tmp_path / f"{MARK}.png"
    Image.new("RGB", (40, 20), "white").save(picture)
    document = docx.Document()
    document.add_paragraph("正文")
    document.add_picture(str(picture))
    assert mark_parts(saved(document), "a.docx") == ["attributes"]


def test_chart_name_in_an_xlsx_drawing() -> None:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_column("A1", [1, 2, 3])
    chart = book.add_chart({"type": "column", "name": MARK})
    chart.add_series({"values": "=Sheet1!$A$1:$A$3"})
    sheet.insert_chart("C1", chart)
    book.close()
    assert mark_parts(out.getvalue(), "a.xlsx") == ["xl/drawings/drawing1.xml"]


def test_a_number_format_shares_its_id_with_a_differential_format(b: types.SimpleNamespace) -> None:
    """A conditional format's dxf may give its own numFmt the id of the
    cells' format; the cells' format's literal text is still read."""
    book = openpyxl.Workbook()
    book.active.append(["项目", "金额"])
    book.active.append(["差旅", 12])
    book.active["B2"].number_format = f'0;-0;"{MARK}"'

    def add_dxf(styles: str) -> str:
        styles = re.sub(r"<dxfs[^>]*/>|<dxfs.*?</dxfs>", "", styles, flags=re.DOTALL)
        dxf = '<dxfs count="1"><dxf><numFmt numFmtId="164" formatCode="0.00"/></dxf></dxfs>'
        return styles.replace("<tableStyles", dxf + "<tableStyles")

    data = b.zip_edit(saved(book), edit={"xl/styles.xml": add_dxf})
    assert 'formatCode="0.00"' in zipfile.ZipFile(io.BytesIO(data)).read("xl/styles.xml").decode("utf-8")
    assert mark_parts(data, "b.xlsx") == ["number-formats"]


def _docx_with_link(address: str) -> bytes:
    """A Word document whose paragraph links to ``address`` (python-docx
    has no call for it: the relationship and ``w:hyperlink`` as Word writes them)."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    paragraph = document.add_paragraph("详见")
    rid = paragraph.part.relate_to(address, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rid)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "附件"
    run.append(text)
    link.append(run)
    paragraph._p.append(link)
    return saved(document)


@pytest.mark.parametrize("address", [
    f"https://example.org/files/{MARK}.pdf",
    "https://example.org/files/" + quote(MARK) + ".pdf",
    "https://example.org/files/" + quote(MARK.encode("gb18030")) + ".pdf",
])
def test_where_a_word_or_powerpoint_link_leads(address: str) -> None:
    """The address shows when the link is pointed at; the text shown is 附件."""
    assert mark_parts(_docx_with_link(address), "a.docx") == ["links"]
    deck = pptx.Presentation()
    box = deck.slides.add_slide(deck.slide_layouts[6]).shapes.add_textbox(0, 0, 100, 100)
    run = box.text_frame.paragraphs[0].add_run()
    run.text = "附件"
    run.hyperlink.address = address
    assert mark_parts(saved(deck), "a.pptx") == ["links"]


def test_an_ordinary_link_stays_clear() -> None:
    result = scan_bytes(_docx_with_link("https://www.gov.cn/zhengce/"), "a.docx")[0]
    assert (result.verdict.value, result.extraction.value, result.findings) == ("clear", "full", ())


def test_a_shape_name_on_the_slide_master() -> None:
    """A placeholder on the slide master renamed: the master view's
    selection pane lists it (slides read alone never named it)."""
    deck = pptx.Presentation()
    deck.slides.add_slide(deck.slide_layouts[6]).shapes.add_textbox(0, 0, 100, 100).text_frame.text = "正文"
    deck.slide_master.shapes[0].name = MARK
    assert mark_parts(saved(deck), "a.pptx") == ["attributes"]


def test_a_link_on_a_sheet_s_picture(b: types.SimpleNamespace) -> None:
    """A picture on a sheet that links to an address (xlsxwriter's
    insert_image with a url): the address is in the drawing's relationships."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_string("A1", "说明")
    picture = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(picture, "PNG")
    sheet.insert_image("B2", "p.png", {"image_data": picture, "url": f"https://example.org/{quote(MARK)}.pdf"})
    book.close()
    assert mark_parts(out.getvalue(), "a.xlsx") == ["links"]
