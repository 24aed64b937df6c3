"""Text in OOXML parts the format readers do not walk is still read: a text
box LibreOffice draws on a sheet, a chart openpyxl adds, a chunk of HTML
Word imports when it opens the file.  Each was cleared before (the mark
never read); now each is a part named by its path in the package."""
from __future__ import annotations

import io
import types
import zipfile

import docx
import openpyxl
import pptx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part as OpcPart
from openpyxl.chart import BarChart, Reference

from scanner import scan_bytes

MARK = "机密★5年"

TEXT_BOX_SHEET = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.2"
 office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
 <office:body><office:spreadsheet><table:table table:name="预算">
  <table:shapes><draw:frame svg:x="2cm" svg:y="2cm" svg:width="6cm" svg:height="2cm">
   <draw:text-box><text:p>{MARK}</text:p></draw:text-box></draw:frame></table:shapes>
  <table:table-row><table:table-cell office:value-type="string"><text:p>年度预算</text:p></table:table-cell>
  </table:table-row>
 </table:table></office:spreadsheet></office:body>
</office:document>"""


def _marks(data: bytes, name: str) -> list[str]:
    result = scan_bytes(data, name)[0]
    assert result.extraction.value == "full", [f.reason for f in result.findings]
    return [f.part for f in result.findings if f.rule == "mark.state-secret"]


def test_text_box_libreoffice_draws_on_a_sheet(soffice) -> None:
    data = soffice(TEXT_BOX_SHEET.encode(), "fods", "xlsx")
    assert "xl/drawings/drawing1.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert _marks(data, "budget.xlsx") == ["xl/drawings/drawing1.xml"]  # its runs (机密★ / 5 / 年) on one line


def test_chart_title_openpyxl_adds_to_a_sheet() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (("季度", "经费"), ("一", 10), ("二", 20)):
        sheet.append(row)
    chart = BarChart()
    chart.title = f"{MARK} 经费统计"
    chart.add_data(Reference(sheet, min_col=2, min_row=1, max_row=3), titles_from_data=True)
    sheet.add_chart(chart, "D2")
    out = io.BytesIO()
    book.save(out)
    assert _marks(out.getvalue(), "funds.xlsx") == ["xl/charts/chart1.xml"]


def _docx_with_chunk(body: bytes, ext: str, content_type: str) -> bytes:
    """A chunk python-docx's package API stores and links from the body
    with ``w:altChunk``, as document generators do: Word merges it in on open."""
    document = docx.Document()
    document.add_paragraph("关于年度工作的通知")
    chunk = OpcPart(PackURI(f"/word/afchunk1.{ext}"), content_type, body, document.part.package)
    rid = document.part.relate_to(chunk, RT.A_F_CHUNK)
    alt = document.element.body.makeelement(docx.oxml.ns.qn("w:altChunk"), {docx.oxml.ns.qn("r:id"): rid})
    document.element.body.insert(0, alt)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be"])
def test_a_part_after_a_byte_order_mark_is_read_as_xml(b: types.SimpleNamespace, encoding: str) -> None:
    """A chart's alt text on a drawing written in UTF-8 after a byte-order
    mark, or in UTF-16 with one or without (its declaration says so), as
    the XML parser reads them, and the sheets are: read as markup with its
    tags stripped before, the part lost its attributes and was cleared."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (("季度", "经费"), ("一", 10), ("二", 20)):
        sheet.append(row)
    chart = BarChart()
    chart.add_data(Reference(sheet, min_col=2, min_row=1, max_row=3), titles_from_data=True)
    sheet.add_chart(chart, "D2")
    out = io.BytesIO()
    book.save(out)
    path = "xl/drawings/drawing1.xml"
    drawing = zipfile.ZipFile(out).read(path).decode().replace('name="Chart 1"', f'name="Chart 1" descr="{MARK}"')
    declared = f'<?xml version="1.0" encoding="{"UTF-8" if encoding == "utf-8-sig" else "UTF-16"}"?>'
    data = b.zip_edit(out.getvalue(), replace={path: (declared + drawing).encode(encoding)})
    assert _marks(data, "funds.xlsx") == [path]


def test_html_chunk_word_imports() -> None:
    data = _docx_with_chunk(f"<html><body><p>{MARK}</p><p>附件</p></body></html>".encode("gbk"), "htm", "text/html")
    assert _marks(data, "notice.docx") == ["word/afchunk1.htm"]


def test_rtf_chunk_is_not_read_and_says_so() -> None:
    data = _docx_with_chunk(rb"{\rtf1\ansi secret}", "rtf", "application/rtf")
    result = scan_bytes(data, "notice.docx")[0]
    assert result.verdict.value == "review" and result.extraction.value == "partial"
    assert any(f.part == "word/afchunk1.rtf" and "not read" in f.reason for f in result.findings)


def test_a_file_stored_outside_the_scanned_folders_is_not_cleared() -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("secret.txt", MARK)
    document = docx.Document()
    document.add_paragraph("正文")
    out = io.BytesIO()
    document.save(out)
    with zipfile.ZipFile(out, "a") as z:
        z.writestr("word/stash.bin", inner.getvalue())
    result = scan_bytes(out.getvalue(), "notice.docx")[0]
    assert result.verdict.value == "review"
    assert any(f.rule == "unreadable.embedded" and "word/stash.bin" in f.reason for f in result.findings)


def test_notes_master_text_is_read_and_slides_are_not_read_twice() -> None:
    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = MARK
    slide.notes_slide.notes_text_frame.text = "讲稿"
    master = deck.notes_master
    master.placeholders[1].text_frame.text = "秘密★1年"  # on every printed notes page
    out = io.BytesIO()
    deck.save(out)
    result = scan_bytes(out.getvalue(), "deck.pptx")[0]
    assert sorted((f.level, f.part) for f in result.findings if f.category == "mark") == [
        ("机密", "slide:1"), ("秘密", "ppt/notesMasters/notesMaster1.xml")]


def test_ordinary_packages_gain_no_parts(soffice) -> None:
    """What python-docx, openpyxl and LibreOffice write without extra parts
    reads as before: nothing new, nothing flagged."""
    document = docx.Document()
    document.add_paragraph("正文")
    out = io.BytesIO()
    document.save(out)
    for data, name in ((out.getvalue(), "a.docx"), (soffice(out.getvalue(), "docx", "docx"), "b.docx")):
        result = scan_bytes(data, name)[0]
        assert (result.verdict.value, result.extraction.value, result.findings) == ("clear", "full", ())
