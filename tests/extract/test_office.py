"""XLSX and PPTX: marks planted in every place are found in the right part
with honest spans; hidden sheets and slides and comments are flagged."""
from __future__ import annotations

import io

import openpyxl
from openpyxl.comments import Comment
from openpyxl.workbook.defined_name import DefinedName
from pptx import Presentation
from pptx.util import Inches

from scanner import scan_bytes
from scanner.config import Limits
from scanner.extract import extract


def workbook() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "公开"
    ws["A1"] = "名称"
    ws["B2"] = "单元格 机密★1年"
    ws["C3"] = "有批注"
    ws["C3"].comment = Comment("批注 机密★2年", "审核人")
    ws.oddHeader.center.text = "页眉 机密★3年"
    ws.oddFooter.right.text = "页脚 机密★4年"
    hidden = wb.create_sheet("隐藏表")
    hidden["A1"] = "隐藏 机密★5年"
    hidden.sheet_state = "hidden"
    very = wb.create_sheet("深度隐藏")
    very["D4"] = "深藏 机密★6年"
    very.sheet_state = "veryHidden"
    wb.defined_names["说明"] = DefinedName("说明", attr_text='"名称 机密★7年"')
    wb.properties.title = "标题 机密★8年"
    wb.properties.keywords = "关键词 机密★9年"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


XLSX_PLACES = {1: "sheet:公开", 2: "comment", 3: "header", 4: "footer", 5: "sheet:隐藏表",
               6: "sheet:深度隐藏", 7: "names", 8: "properties:title", 9: "properties:keywords"}


def assert_places(data: bytes, name: str, places: dict[int, str]) -> list:
    texts = {p.name: p.text for p in extract(data, name, Limits()).parts}
    [result, *_] = scan_bytes(data, name)
    marks = {(f.part, f.text) for f in result.findings if f.rule == "mark.state-secret"}
    for n, part in places.items():
        assert (part, f"机密★{n}年") in marks, (n, part, sorted(marks))
    for f in result.findings:
        if f.start is not None:
            assert texts[f.part][f.start:f.end] == f.text
    assert result.verdict.value == "block"
    return list(result.findings)


def test_xlsx_every_place() -> None:
    findings = assert_places(workbook(), "book.xlsx", XLSX_PLACES)
    hidden = sorted(f.part for f in findings if f.rule == "hidden.sheet")
    assert hidden == ["sheet:深度隐藏", "sheet:隐藏表"]
    assert any(f.rule == "hidden.comments" for f in findings)


def test_xlsx_cells_keep_row_and_column_layout() -> None:
    texts = {p.name: p.text for p in extract(workbook(), "book.xlsx", Limits()).parts}
    assert texts["sheet:公开"].split("\n")[1] == "\t单元格 机密★1年"
    assert texts["comment"] == "公开!C3: 批注 机密★2年"


def test_clean_xlsx_is_clear() -> None:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "2025年度预算公开表"
    wb.active["B1"] = 1234.5
    buf = io.BytesIO()
    wb.save(buf)
    [result] = scan_bytes(buf.getvalue(), "budget.xlsx")
    assert result.verdict.value == "clear" and result.extraction.value == "full"


def presentation() -> bytes:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    slide.shapes.title.text = "标题 机密★1年"
    table = slide.shapes.add_table(2, 2, Inches(1), Inches(2), Inches(4), Inches(1)).table
    table.cell(1, 1).text = "表格 机密★2年"
    group = slide.shapes.add_group_shape()
    inner = group.shapes.add_group_shape()
    inner.shapes.add_textbox(Inches(1), Inches(4), Inches(2), Inches(1)).text_frame.text = "组合 机密★3年"
    slide.notes_slide.notes_text_frame.text = "备注 机密★4年"
    hidden = prs.slides.add_slide(prs.slide_layouts[6])
    hidden.shapes.add_textbox(0, 0, Inches(3), Inches(1)).text_frame.text = "隐藏页 机密★5年"
    hidden._element.set("show", "0")
    master = prs.slide_masters[0]
    master.shapes[0].text_frame.text = "母版 机密★6年"
    prs.core_properties.subject = "主题 机密★7年"
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def test_pptx_every_place() -> None:
    findings = assert_places(presentation(), "talk.pptx",
                             {1: "slide:1", 2: "slide:1", 3: "slide:1", 4: "notes:1", 5: "slide:2",
                              6: "master", 7: "properties:subject"})
    assert [f.part for f in findings if f.rule == "hidden.slide"] == ["slide:2"]


def test_pptx_text_box_on_a_notes_page() -> None:
    """A text box on a notes page (PowerPoint's notes page view; LibreOffice
    writes an OpenDocument notes frame so) is read after the notes placeholder;
    the page's number is not."""
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    notes = slide.notes_slide
    notes.notes_text_frame.text = "讲稿"
    box = slide.shapes.add_textbox(Inches(1), Inches(8), Inches(4), Inches(1))  # python-pptx adds none to notes
    box.text_frame.text = "备注页文本框 机密★4年"
    notes.shapes._spTree.append(box._element)  # moved: the slide keeps none
    buf = io.BytesIO()
    prs.save(buf)
    doc = extract(buf.getvalue(), "talk.pptx", Limits())
    assert [p.text for p in doc.parts if p.name == "notes:1"] == ["讲稿\n备注页文本框 机密★4年"]


def test_pptx_comments_are_read_and_flagged(b) -> None:
    comment = ('<?xml version="1.0" encoding="UTF-8"?><p:cmLst xmlns:p="http://schemas.openxmlformats.org/'
               'presentationml/2006/main"><p:cm authorId="0" idx="1"><p:pos x="10" y="10"/>'
               '<p:text>评论 机密★8年</p:text></p:cm></p:cmLst>')
    data = b.add_part(presentation(), "ppt/comments/comment1.xml",
                      "application/vnd.openxmlformats-officedocument.presentationml.comments+xml", comment,
                      "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments",
                      source_rels="ppt/slides/_rels/slide1.xml.rels")
    findings = assert_places(data, "talk.pptx", {8: "comment"})
    assert any(f.rule == "hidden.comments" for f in findings)
