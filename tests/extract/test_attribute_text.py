"""Text Office keeps outside the flow of a document is read: a sheet's name
on its tab, a cell's input message, a link's tooltip, a picture's alt text,
a document variable.  Each file is written by the real library (and one
re-saved by LibreOffice); each was cleared before, the mark never read."""
from __future__ import annotations

import io
from typing import Any

import docx
import openpyxl
import pptx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from lxml import etree
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink
from PIL import Image

from scanner import scan_bytes
from scanner.config import Limits
from scanner.extract import extract

from .marked import MARK, mark_parts, saved


def _png() -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(out, "PNG")
    out.seek(0)
    return out


def test_sheet_name() -> None:
    book = openpyxl.Workbook()
    book.active.title = MARK
    book.active["A1"] = "数据"
    assert mark_parts(saved(book), "a.xlsx") == ["sheet-names"]


def test_cell_input_message_and_link_tooltip() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "是否公开"
    check = DataValidation(type="list", formula1='"是,否"', showInputMessage=True, promptTitle="填写说明",
                           prompt=f"本表为{MARK}")
    sheet.add_data_validation(check)
    check.add("A1")
    sheet["B1"] = "链接"
    sheet["B1"].hyperlink = Hyperlink(ref="B1", target="https://example.org/", tooltip="秘密★1年")
    result = scan_bytes(saved(book), "a.xlsx")[0]
    assert sorted((f.level, f.part) for f in result.findings if f.category == "mark") == [
        ("机密", "attributes"), ("秘密", "attributes")]


def test_picture_alt_text_in_a_docx_also_after_libreoffice(soffice) -> None:
    document = docx.Document()
    document.add_paragraph("正文")
    document.add_picture(_png())
    document.inline_shapes[0]._inline.docPr.set("descr", f"扫描件：{MARK}")
    data = saved(document)
    assert mark_parts(data, "a.docx") == ["attributes"]
    assert mark_parts(soffice(data, "docx", "docx"), "b.docx") == ["attributes"]


def test_picture_alt_text_in_a_pptx() -> None:
    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    picture = slide.shapes.add_picture(_png(), 0, 0)
    picture._element.nvPicPr.cNvPr.set("descr", MARK)
    assert mark_parts(saved(deck), "a.pptx") == ["attributes"]


def test_document_variable() -> None:
    document = docx.Document()
    document.add_paragraph("正文")
    variables = OxmlElement("w:docVars")
    variable = OxmlElement("w:docVar")
    variable.set(qn("w:name"), "MiJi")
    variable.set(qn("w:val"), MARK)
    variables.append(variable)
    document.settings.element.append(variables)
    assert mark_parts(saved(document), "a.docx") == ["properties:docvar:MiJi"]


def test_a_check_box_default_is_not_text() -> None:
    """``w:default w:val="1"`` of a check box holds no letter: no part."""
    document = docx.Document()
    paragraph = document.add_paragraph("同意")
    field = OxmlElement("w:ffData")
    box = OxmlElement("w:checkBox")
    default = OxmlElement("w:default")
    default.set(qn("w:val"), "1")
    box.append(default)
    field.append(box)
    paragraph.runs[0]._r.append(field)
    parts = extract(saved(document), "a.docx", Limits()).parts
    assert [p.name for p in parts if p.name == "attributes"] == []


def _formula_book() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = '="机密★5年"'  # openpyxl stores the formula and no computed value
    sheet["A2"] = '=IF(FALSE,"秘密★1年","")'  # a literal no cell shows
    sheet["A3"] = 0
    sheet["A3"].number_format = '0;-0;"绝密★长期"'  # shown for a zero
    return saved(book)


def _marks_by_part(data: bytes, name: str) -> list[tuple[str, str]]:
    result = scan_bytes(data, name)[0]
    return sorted((f.text, f.part) for f in result.findings if f.category == "mark")


def test_formula_literals_and_number_format_text() -> None:
    assert _marks_by_part(_formula_book(), "a.xlsx") == [
        ("机密★5年", "formulas"), ("秘密★1年", "formulas"), ("绝密★长期", "number-formats")]


def test_a_formula_literal_a_cell_shows_is_read_once(soffice) -> None:
    """LibreOffice stores the computed value: the cell reads it, the formula
    does not repeat it; the literal no cell shows is still read."""
    assert _marks_by_part(soffice(_formula_book(), "xlsx", "xlsx"), "b.xlsx") == [
        ("机密★5年", "sheet:Sheet"), ("秘密★1年", "formulas"), ("绝密★长期", "number-formats")]


def test_list_label_text(soffice) -> None:
    """A numbered list whose label is literal text (``w:lvlText``): printed
    before each item, as LibreOffice's PDF of it shows."""
    document = docx.Document()
    document.add_paragraph("关于开展工作的通知", style="List Number")
    for level in document.part.numbering_part.element.iter(qn("w:lvlText")):
        if level.get(qn("w:val")) == "%1.":  # the first level of every numbered list, the one used among them
            level.set(qn("w:val"), f"{MARK} %1.")
    data = saved(document)
    assert mark_parts(data, "a.docx") == ["numbering"]
    assert MARK in soffice(data, "docx", "txt:Text").decode("utf-8-sig")


def test_a_star_inserted_as_a_symbol_and_a_field_code_in_an_attribute() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("机密")
    for font, char in (("SimSun", "2605"), ("Wingdings", "F0AB")):  # ★ as itself, and as Wingdings' star
        run = paragraph.add_run()
        symbol = OxmlElement("w:sym")
        symbol.set(qn("w:font"), font)
        symbol.set(qn("w:char"), char)
        run._r.append(symbol)
        paragraph.add_run("5年\n" if font == "SimSun" else "1年")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" QUOTE {MARK} ")
    document.add_paragraph()._p.append(field)
    result = scan_bytes(saved(document), "a.docx")[0]
    assert sorted((f.part, f.text) for f in result.findings if f.category == "mark") == [
        ("body", "机密★5年"), ("field", MARK)]


def test_presentation_section_names() -> None:
    """Sections (PowerPoint's slide pane groups them under their names), written
    into presentation.xml through python-pptx's own element tree."""
    from lxml import etree

    deck = pptx.Presentation()
    deck.slides.add_slide(deck.slide_layouts[6])
    p14 = "http://schemas.microsoft.com/office/powerpoint/2010/main"
    section_list = etree.fromstring(
        f'<p:extLst xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"><p:ext '
        f'uri="{{521415D9-36F7-43E2-AB2F-B90AF26B5E84}}"><p14:sectionLst xmlns:p14="{p14}">'
        f'<p14:section name="{MARK}" id="{{A1B2C3D4-0000-0000-0000-000000000001}}"><p14:sldIdLst/></p14:section>'
        "</p14:sectionLst></p:ext></p:extLst>")
    deck.part._element.append(section_list)
    assert mark_parts(saved(deck), "a.pptx") == ["sections"]


def test_a_zip_members_own_comment() -> None:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        info = zipfile.ZipInfo("说明.txt")
        info.comment = f"\n{MARK}\n".encode()
        archive.writestr(info, "说明")
    result = scan_bytes(out.getvalue(), "bundle.zip")[0]
    assert [(f.rule, f.part) for f in result.findings] == [("mark.state-secret", "comment")]


def test_the_entries_of_an_in_cell_drop_down_list() -> None:
    book = openpyxl.Workbook()
    book.active["A1"] = "密级"
    choice = DataValidation(type="list", formula1=f'"公开,{MARK}"')
    book.active.add_data_validation(choice)
    choice.add("A2")
    assert mark_parts(saved(book), "a.xlsx") == ["attributes"]


def _classification_field_book() -> bytes:
    """A blank register as units publish them: a 密级 column whose cells offer the levels."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["序号", "文件名称", "密级", "是否涉密"])
    for column, choices in (("C", '"绝密,机密,秘密,公开"'), ("D", '"非密,秘密"')):
        field = DataValidation(type="list", formula1=choices)
        sheet.add_data_validation(field)
        field.add(f"{column}2:{column}200")
    return saved(book)


@pytest.mark.parametrize("resaved", [False, True])
def test_a_classification_fields_drop_down_is_no_mark(soffice, resaved: bool) -> None:
    """The choices of a 密级 field are read on one line, as a form's
    密级：□绝密 □机密 □秘密 is, not each as a bare level alone on a line:
    the blank register was blocked (mark.bare-level in attributes)."""
    data = soffice(_classification_field_book(), "xlsx", "xlsx") if resaved else _classification_field_book()
    result = scan_bytes(data, "register.xlsx")[0]
    assert result.extraction.value == "full"
    assert [f.rule for f in result.findings if f.category == "mark"] == []
    attributes = {part.name: part.text for part in extract(data, "register.xlsx", Limits()).parts}["attributes"]
    assert "绝密,机密,秘密,公开" in attributes.splitlines() and "非密,秘密" in attributes.splitlines()


def _drop_down_control(document: Any, entries: list[str]) -> None:
    """A content control offering ``entries`` (Word's Developer > Drop-Down List)."""
    sdt, properties, choices, content = (OxmlElement(tag) for tag in ("w:sdt", "w:sdtPr", "w:dropDownList",
                                                                        "w:sdtContent"))
    for entry in entries:
        item = OxmlElement("w:listItem")
        item.set(qn("w:displayText"), entry)
        item.set(qn("w:value"), entry)
        choices.append(item)
    properties.append(choices)
    sdt.append(properties)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "请选择"
    run.append(text)
    content.append(run)
    sdt.append(content)
    paragraph = document.add_paragraph("密级：")
    paragraph._p.append(sdt)


def test_a_content_controls_level_choices_are_no_mark_but_a_mark_among_them_is() -> None:
    document = docx.Document()
    _drop_down_control(document, ["绝密", "机密", "秘密", "非密"])
    result = scan_bytes(saved(document), "form.docx")[0]
    assert [f.rule for f in result.findings if f.category == "mark"] == []
    document = docx.Document()
    _drop_down_control(document, ["绝密", "机密", "秘密", MARK])
    document.add_paragraph().add_run().add_picture(_png(), width=Cm(1))
    document.inline_shapes[0]._inline.docPr.set("descr", "机密")  # the text of an entry, elsewhere: kept
    data = saved(document)
    assert mark_parts(data, "form.docx") == ["attributes"]
    attributes = {part.name: part.text for part in extract(data, "form.docx", Limits()).parts}["attributes"]
    assert attributes.splitlines()[:3] == ["绝密、机密、秘密", MARK, "机密"]


@pytest.mark.parametrize("formula", ['OR(C2="公开",C2="内部",C2="秘密",C2="机密")', 'IF(A2=1,"秘密","公开")'])
def test_a_classification_fields_custom_rule_is_no_mark(formula: str) -> None:
    """A custom rule or a formula list over a 密级 column names the levels it allows: choices, not marks."""
    data = _book_with_rule(formula)
    result = scan_bytes(data, "register.xlsx")[0]
    assert result.extraction.value == "full"
    assert [f.rule for f in result.findings if f.category == "mark"] == []
    assert any(part.name == "data-validations" and "秘密" in part.text
               for part in extract(data, "register.xlsx", Limits()).parts)


def _book_with_rule(formula: str) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["序号", "密级"])
    field = DataValidation(type="custom" if formula.startswith("OR") else "list", formula1=formula)
    book.active.add_data_validation(field)
    field.add("B2:B100")
    return saved(book)


def _form_with_control(entries: list[str]) -> bytes:
    document = docx.Document()
    _drop_down_control(document, entries)
    return saved(document)


@pytest.mark.parametrize(("name", "data"), [
    ("form.docx", _form_with_control(["公开", "机密★", "秘密"])),
    ("register.xlsx", _book_with_rule('"公开,机密★,秘密"')),
    ("register.xlsx", _book_with_rule('OR(B2="公开",B2="机密★",B2="秘密")')),
])
def test_a_mark_among_a_classification_fields_choices_stays_alone_on_its_line(name: str, data: bytes) -> None:
    """机密★ (a mark, its default period) among the levels a list offers:
    joined to the next choice (机密★、秘密) the grammar read no mark there,
    and the file was cleared; it stays alone on its line, as it was read
    before the choices were joined."""
    result = scan_bytes(data, name)[0]
    assert result.extraction.value == "full"
    assert [f.rule for f in result.findings if f.category == "mark"] == ["mark.state-secret"]


def _legacy_drop_down(paragraph: Any, entries: list[str], picked: str | None) -> None:
    """Word's legacy drop-down form field (FORMDROPDOWN) as Word writes it:
    no field result, the entry shown picked by ``w:result`` in its ``w:ffData``."""
    begin, field_data, choices = OxmlElement("w:fldChar"), OxmlElement("w:ffData"), OxmlElement("w:ddList")
    begin.set(qn("w:fldCharType"), "begin")
    if picked is not None:
        result = OxmlElement("w:result")
        result.set(qn("w:val"), picked)
        choices.append(result)
    for entry in entries:
        item = OxmlElement("w:listEntry")
        item.set(qn("w:val"), entry)
        choices.append(item)
    field_data.append(choices)
    begin.append(field_data)
    code, end = OxmlElement("w:instrText"), OxmlElement("w:fldChar")
    code.text = " FORMDROPDOWN "
    end.set(qn("w:fldCharType"), "end")
    for child in (begin, code, end):
        run = OxmlElement("w:r")
        run.append(child)
        paragraph._p.append(run)


@pytest.mark.parametrize(("picked", "shown"), [("1", "机密"), (None, "绝密")])
def test_the_entry_a_legacy_drop_down_shows_is_read_where_it_stands(picked: str | None, shown: str) -> None:
    """A legacy drop-down shows its picked entry (the first when none is
    picked) in the text, 密级：机密, though no run holds it: read only as
    the list's entries, one line once they were a 密级 field's choices, the
    form was cleared."""
    document = docx.Document()
    document.add_paragraph("关于某项目的报告")
    _legacy_drop_down(document.add_paragraph("密级："), ["绝密", "机密", "秘密", "公开"], picked)
    document.add_paragraph("正文。")
    data = saved(document)
    result = scan_bytes(data, "form.docx")[0]
    assert [(f.rule, f.part) for f in result.findings if f.category == "mark"] == [("mark.form-field", "body")]
    body = {part.name: part.text for part in extract(data, "form.docx", Limits()).parts}["body"]
    assert f"密级：{shown}" in body.splitlines()


def _pictures(document: Any, alt_texts: list[str]) -> None:
    """A paragraph per picture, each with its alt text (Word's Alt Text pane)."""
    for alt in alt_texts:
        document.add_paragraph().add_run().add_picture(_png(), width=Cm(1))
        document.inline_shapes[len(document.inline_shapes) - 1]._inline.docPr.set("descr", alt)


def _attribute_marks(data: bytes, name: str) -> list[tuple[str, str, str]]:
    result = scan_bytes(data, name)[0]
    assert result.extraction.value == "full"
    return [(f.rule, f.part, f.text) for f in result.findings if f.category == "mark"]


@pytest.mark.parametrize("before", ["pictures", "choices"])
def test_an_attributes_bare_level_counts_whatever_attribute_lines_precede_it(before: str) -> None:
    """Each line of ``attributes`` is a whole text of its own (a picture's alt
    text, a control's entries): a picture described as 机密 was a bare-level
    mark only while no more than two lines preceded it there; three pictures'
    alt texts, or three 密级 fields' choices (one line each), before it, and the
    file was cleared."""
    document = docx.Document()
    document.add_paragraph("关于某项目的报告")
    if before == "pictures":
        _pictures(document, ["单位标志", "项目现场照片", "组织结构图"])
    else:
        for choices in (["绝密", "机密", "秘密", "公开"], ["机密", "秘密", "非密"], ["秘密", "不涉密"]):
            _drop_down_control(document, choices)
    _pictures(document, ["机密"])
    data = saved(document)
    assert _attribute_marks(data, "report.docx") == [("mark.bare-level", "attributes", "机密")]
    attributes = {part.name: part.text for part in extract(data, "report.docx", Limits()).parts}["attributes"]
    assert attributes.splitlines()[3:] == ["机密"]


def test_a_slides_bare_level_alt_text_counts_after_other_slides_pictures() -> None:
    """The same in a deck, whose attributes gather every slide's alt texts in turn."""
    deck = pptx.Presentation()
    for alt in ("封面图片", "项目现场照片", "组织结构图", "机密"):
        picture = deck.slides.add_slide(deck.slide_layouts[6]).shapes.add_picture(_png(), 0, 0)
        picture._element.nvPicPr.cNvPr.set("descr", alt)
    assert _attribute_marks(saved(deck), "a.pptx") == [("mark.bare-level", "attributes", "机密")]


@pytest.mark.parametrize("before", [[], ["单位标志", "项目现场照片", "组织结构图"]])
def test_a_bare_level_heading_the_body_is_read_whatever_attributes_the_file_holds(before: list[str]) -> None:
    """A 公文's bare 机密 on its first line is read at the head of ``body``,
    the same with pictures' alt texts and 密级 choices in the file or not:
    ``attributes`` is a part of its own, its lines not counted in the body's head."""
    document = docx.Document()
    _pictures(document, before)
    if before:
        _drop_down_control(document, ["绝密", "机密", "秘密", "公开"])
    document.add_paragraph("机密")
    document.add_paragraph("关于某项目的报告")
    document.add_paragraph("各单位：现将有关事项通知如下。")
    assert _attribute_marks(saved(document), "notice.docx") == [("mark.bare-level", "body", "机密")]



def _export(levels: list[str]) -> bytes:
    """A register exported as XML (lxml), each record's fields its attributes,
    a level where one is given."""
    records = etree.Element("records", unit="某局档案室")
    for n, level in enumerate(levels, 1):
        record = etree.SubElement(records, "record", id=str(n), title=f"第{n}号文件", year="2021")
        if level:
            record.set("level", level)
    return etree.tostring(records, xml_declaration=True, encoding="utf-8")


def _rows_page(levels: list[str]) -> bytes:
    """A page listing files, each row's level in a ``data-*`` attribute a script filters on."""
    rows = "".join(f'<tr data-title="第{n}号文件"' + (f' data-level="{level}"' if level else "")
                   + f"><td>第{n}号文件</td></tr>" for n, level in enumerate(levels, 1))
    return f"<html><body><h1>文件目录</h1><table>{rows}</table></body></html>".encode()


@pytest.mark.parametrize("build, name", [(_export, "export.xml"), (_rows_page, "list.html")])
def test_a_level_among_the_values_records_hold_in_attributes_is_a_value(build: Any, name: str) -> None:
    """An XML export's every attribute value and a page's ``data-*`` values
    are in ``attributes``, a line each: a record's level 秘密 among other
    records' 公开 and 内部 is a value, as in a register's 密级 column, not a
    bare mark (found by a second reader: blocked once a bare level counted on
    any line there).  The level alone, the part listing no other value, is
    still a mark wherever it stands."""
    assert _attribute_marks(build(["公开", "内部", "公开", "秘密", "公开"]), name) == []
    assert _attribute_marks(build(["", "", "", "秘密", ""]), name) == [("mark.bare-level", "attributes", "秘密")]


def test_two_pictures_described_by_levels_are_two_marks() -> None:
    """Another state-secret level in ``attributes`` does not make the part a
    list of records' values: two pictures described 秘密 and 机密 each hid the
    other past the part's first lines (found by a third reader)."""
    document = docx.Document()
    document.add_paragraph("关于某项目的报告")
    _pictures(document, ["单位标志", "项目现场照片", "组织结构图", "秘密", "机密"])
    out = io.BytesIO()
    document.save(out)
    assert _attribute_marks(out.getvalue(), "report.docx") == [("mark.bare-level", "attributes", "秘密"),
                                                               ("mark.bare-level", "attributes", "机密")]
