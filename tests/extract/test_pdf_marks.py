"""Marks in PDFs as real toolchains print them: a Word notice in the GB/T 9704
layout printed by LibreOffice (★ drawn from a fallback font, in another text
run than its level word), and reportlab pages whose ★ is a text object of its
own, drawn before or after the level word.  Every one must block, the finding
quoting the mark as it reads on the page."""
from __future__ import annotations

import io
import re

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from scanner import scan_bytes
from scanner.config import Limits
from scanner.extract import extract

NAMES = ("chinese-numeral", "arabic", "long-term", "spaced", "condition")


def squeeze(text: str) -> str:
    return re.sub(r"\s", "", text)


def marks_of(result) -> list:
    return [f for f in result.findings if f.category == "mark"]


@pytest.mark.parametrize("name", NAMES)
def test_libreoffice_printed_notice_blocks_quoting_the_mark(gbt9704_pdfs, name: str) -> None:
    mark, data = gbt9704_pdfs[name]
    [result] = scan_bytes(data, f"{name}.pdf")
    assert result.verdict.value == "block", result.findings
    assert result.extraction.value == "full"
    [finding] = marks_of(result)
    assert finding.part.startswith("page:1")
    assert squeeze(finding.text) == squeeze(mark)


@pytest.mark.parametrize("name", NAMES)
def test_the_word_notice_itself_blocks(gbt9704, name: str) -> None:
    """The DOCX typed in Word's layout, before printing (the condition form
    was once dropped as a star not followed by a period)."""
    mark = gbt9704.marks[name]
    [result] = scan_bytes(gbt9704.docx(mark), f"{name}.docx")
    assert result.verdict.value == "block", result.findings
    [finding] = marks_of(result)
    assert (finding.part, finding.text) == ("body", mark)


def _star_font() -> str:
    """★ from DejaVu Sans, a font of its own (as a fallback font draws it)."""
    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
    return "DejaVuSans"


def _separate_star_pdf(cjk_font: str, star_first: bool) -> bytes:
    """秘密★一年 on line 2: the level and the period one text object in the CJK
    font with a blank between them, the ★ a text object of its own in another
    font, a little lower and smaller, drawn into the blank before or after it."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    star = _star_font()

    def draw_star() -> None:
        t = c.beginText(72 + 32, 760 - 3)
        t.setFont(star, 12)
        t.textOut("★")
        c.drawText(t)

    c.setFont(cjk_font, 16)
    c.drawString(72, 790, "000123")
    if star_first:
        draw_star()
    c.setFont(cjk_font, 16)
    c.drawString(72, 760, "秘密\u3000一年")
    if not star_first:
        draw_star()
    c.setFont(cjk_font, 22)
    c.drawString(120, 700, "关于做好年度保密自查工作的通知")
    c.setFont(cjk_font, 16)
    for i in range(5):
        c.drawString(72, 660 - 28 * i, f"各有关单位：现将第{i + 1}项有关事项通知如下。")
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.mark.parametrize("star_first", [True, False], ids=["star-drawn-first", "star-drawn-last"])
def test_star_in_a_separate_text_object_blocks(cjk_font: str, star_first: bool) -> None:
    [result] = scan_bytes(_separate_star_pdf(cjk_font, star_first), "notice.pdf")
    assert result.verdict.value == "block", result.findings
    [finding] = marks_of(result)
    assert squeeze(finding.text) == "秘密★一年"


def test_each_pdf_property_is_its_own_part(gbt9704_pdfs) -> None:
    """A Subject holding only 内部资料 注意保存 is a label (review), read from
    the info dictionary and from the XMP packet alike."""
    _, data = gbt9704_pdfs["properties-label"]
    parts = {p.name: p.text for p in extract(data, "notice.pdf", Limits()).parts}
    assert parts["metadata:Subject"] == parts["metadata:dc:description"] == "内部资料 注意保存"
    assert parts["metadata:Title"] == parts["metadata:dc:title"] == "年度通知"
    assert parts["metadata:pdf:Keywords"] == "自查"
    [result] = scan_bytes(data, "notice.pdf")
    assert result.verdict.value == "review"
    labels = {(f.part, f.text) for f in result.findings if f.rule == "marker.work-secret"}
    assert labels == {(part, word) for part in ("metadata:Subject", "metadata:dc:description")
                      for word in ("内部资料", "注意保存")}


def test_columns_are_not_joined_into_a_mark(cjk_font: str) -> None:
    """Two columns side by side: a left line ending in 机密 and a right line
    starting with ★5年 on the same baseline are two lines in reading order
    (the gap between columns is a line break), so no mark is made up."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont(cjk_font, 12)
    for i in range(6):
        c.drawString(60, 760 - 20 * i, f"左栏第{i}行关于信息系统机密" if i == 2 else f"左栏第{i}行普通内容")
    for i in range(6):
        c.drawString(330, 760 - 20 * i, f"★5年度报告第{i}行" if i == 2 else f"右栏第{i}行普通内容")
    c.showPage()
    c.save()
    data = buf.getvalue()
    parts = {p.name: p.text for p in extract(data, "columns.pdf", Limits()).parts}
    assert "左栏第2行关于信息系统机密\n★5年度报告第2行" in parts["page:1:layout"]
    [result] = scan_bytes(data, "columns.pdf")
    assert marks_of(result) == []


def test_native_box_loop_equals_the_ctypes_loop(gbt9704_pdfs, cjk_font: str) -> None:
    """Batch workers (numba loaded) read character boxes in one native loop;
    a one-file scan calls pdfium per character: the same boxes, the same
    reading order, rotated characters left out by both."""
    import numpy as np
    import pypdfium2 as pdfium

    from scanner.extract import pdf_layout
    from scanner.extract.pdfium_check import char_boxes

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont(cjk_font, 16)
    c.drawString(72, 760, "秘密★一年")
    c.saveState()
    c.translate(200, 400)
    c.rotate(45)
    c.drawString(0, 0, "水印文字")
    c.restoreState()
    c.showPage()
    c.save()
    rotated = 0
    for data in (gbt9704_pdfs["chinese-numeral"][1], buf.getvalue()):
        pdf = pdfium.PdfDocument(data)
        textpage = pdf[0].get_textpage()
        count = textpage.count_chars()
        native = char_boxes(textpage.raw, count)
        assert np.array_equal(native, pdf_layout.ctypes_boxes(textpage.raw, count), equal_nan=True)
        text = textpage.get_text_range()
        rotated += sum(1 for ch, row in zip(text, native) if not ch.isspace() and np.isnan(row).all())
        textpage.close()
        pdf.close()
    assert rotated == 4  # 水印文字


def test_pdftotext_of_a_printed_notice_behind_a_blank_page_blocks(soffice, tmp_path) -> None:
    """A notice whose first page is blank (a cover left empty, a scanned page
    with no text layer), printed by LibreOffice and turned into text by
    pdftotext, as a publishing system's text export does: the text starts with
    the form feed of the blank page, \\f机密.  Cleared before, when only \\n and
    \\r\\n ended a line; the PDF itself blocked."""
    import shutil
    import subprocess

    from docx import Document as Docx
    from docx.enum.text import WD_BREAK

    assert shutil.which("pdftotext"), "pdftotext not found: apt-get install poppler-utils (see .ci/run)"
    doc = Docx()
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    for line in ("机密", "关于做好年度保密自查工作的通知", "各有关单位：根据工作安排，现将有关事项通知如下。"):
        doc.add_paragraph(line)
    out = io.BytesIO()
    doc.save(out)
    pdf = tmp_path / "notice.pdf"
    pdf.write_bytes(soffice(out.getvalue(), "docx", "pdf"))
    subprocess.run(["pdftotext", str(pdf), str(tmp_path / "notice.txt")], check=True, timeout=60)
    text = (tmp_path / "notice.txt").read_bytes()
    assert text.startswith("\f机密\n".encode())
    for data, name in ((text, "notice.txt"), (pdf.read_bytes(), "notice.pdf")):
        [result] = scan_bytes(data, name)
        assert result.verdict.value == "block", (name, result.findings)
        assert [(f.rule, f.text) for f in marks_of(result)] == [("mark.bare-level", "机密")]


@pytest.mark.parametrize("typed", ["symbol", "private-use run"])
def test_a_wingdings_star_printed_to_pdf_blocks(soffice, typed: str) -> None:
    """机密★5年 with Word's Insert > Symbol star (Wingdings ``w:sym`` F0AB), or
    the same code typed in a Wingdings run as WPS and pasted text carry it,
    printed by LibreOffice: the PDF's text is 机密\\uf0ab5 年, a star in a symbol
    font's private-use code, which was clear (found by a red-team run)."""
    from docx import Document as Docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    doc = Docx()
    paragraph = doc.add_paragraph()
    paragraph.add_run("机密")
    if typed == "symbol":
        sym = OxmlElement("w:sym")
        sym.set(qn("w:font"), "Wingdings")
        sym.set(qn("w:char"), "F0AB")
        paragraph.add_run()._r.append(sym)
    else:
        paragraph.add_run("\uf0ab").font.name = "Wingdings"
    paragraph.add_run("5年")
    for line in ("关于某工程建设进展情况的报告", "市委、市政府：", "工程总体进展顺利，各项指标按计划完成。"):
        doc.add_paragraph(line)
    out = io.BytesIO()
    doc.save(out)
    pdf = soffice(out.getvalue(), "docx", "pdf")
    assert "\uf0ab" in "".join(p.text for p in extract(pdf, "report.pdf", Limits()).parts)
    for data, name in ((pdf, "report.pdf"), (out.getvalue(), "report.docx")):
        [result] = scan_bytes(data, name)
        assert result.verdict.value == "block", (name, result.findings)
        assert [(f.rule, dict(f.details).get("period_years")) for f in marks_of(result)] == [("mark.state-secret", 5)]
