"""PDF: page text with no character lost, hidden-looking text, annotations,
form fields, outlines, metadata; encrypted, image-only and damaged files."""
from __future__ import annotations

import io

import pytest
from reportlab.lib import pdfencrypt
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from scanner import scan_bytes
from scanner.config import Limits
from scanner.extract import extract
from scanner.extract.pdf import _MinerDoc


def lines_for(page: int) -> list[str]:
    return [f"第{page}页第{i}行：关于保密审查工作的通知 ABC abc 123，句末。" for i in range(30)]


def make_pdf(font: str, pages: int = 3, encrypt: object = None, extra=None) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt=encrypt)
    for page in range(1, pages + 1):
        c.setFont(font, 11)
        for i, line in enumerate(lines_for(page)):
            c.drawString(40, 800 - i * 24, line)
        if extra:
            extra(c, page)
        c.showPage()
    c.save()
    return buf.getvalue()


def parts_of(data: bytes, limits: Limits | None = None) -> dict[str, str]:
    return {p.name: p.text for p in extract(data, "t.pdf", limits or Limits()).parts}


def test_no_character_lost_on_any_page(cjk_font: str) -> None:
    parts = parts_of(make_pdf(cjk_font, pages=5))
    for page in range(1, 6):
        text = parts[f"page:{page}"]
        for line in lines_for(page):
            assert line in text


def test_pdfminer_fallback_reads_the_same_lines(cjk_font: str) -> None:
    """The per-page fallback (used where pdfium miscounts) loses nothing either."""
    miner = _MinerDoc(make_pdf(cjk_font, pages=2))
    for page in (1, 2):
        text = miner.page_text(page - 1)
        for line in lines_for(page):
            assert line in text


def test_white_tiny_and_off_page_text_is_text(cjk_font: str) -> None:
    def hide(c: canvas.Canvas, page: int) -> None:
        if page != 1:
            return
        c.setFillColorRGB(1, 1, 1)
        c.drawString(40, 60, "白字 机密★1年")
        c.setFillColorRGB(0, 0, 0)
        c.setFont(cjk_font, 0.5)
        c.drawString(40, 40, "小字 机密★2年")
        c.setFont(cjk_font, 11)
        c.drawString(2000, 2000, "页外 机密★3年")

    [result] = scan_bytes(make_pdf(cjk_font, pages=1, extra=hide), "hidden.pdf")
    found = {f.text for f in result.findings if f.part == "page:1" and f.rule == "mark.state-secret"}
    assert {"机密★1年", "机密★2年", "机密★3年"} <= found
    assert result.verdict.value == "block"


def test_annotation_form_outline_and_metadata(cjk_font: str) -> None:
    def extras(c: canvas.Canvas, page: int) -> None:
        c.bookmarkPage(f"p{page}")
        c.addOutlineEntry(f"第{page}章 机密★{page + 3}年", f"p{page}")
        if page == 1:
            c.textAnnotation("批注 机密★7年", Rect=(40, 40, 200, 80))
            c.acroForm.textfield(name="level", value="form value 8 (CONFIDENTIAL)", x=300, y=40, width=200, height=20,
                                 fontName="Helvetica")

    buf_extra = make_pdf(cjk_font, pages=2, extra=extras)
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setTitle("标题 机密★9年")
    c.setSubject("主题 机密★10年")
    c.setKeywords("关键词 机密★11年")
    c.setFont(cjk_font, 11)
    c.drawString(40, 800, "正文")
    c.showPage()
    c.save()
    parts = parts_of(buf_extra)
    assert "批注 机密★7年" in parts["annotation"]
    assert "level: form value 8 (CONFIDENTIAL)" in parts["form"]
    assert "第1章 机密★4年" in parts["outline"] and "第2章 机密★5年" in parts["outline"]
    meta = parts_of(buf.getvalue())
    for field, value in (("Title", "标题 机密★9年"), ("Subject", "主题 机密★10年"), ("Keywords", "关键词 机密★11年")):
        assert meta[f"metadata:{field}"] == value
    [result] = scan_bytes(buf_extra, "structure.pdf")
    texts = {p.name: p.text for p in extract(buf_extra, "structure.pdf", Limits()).parts}
    spans = {(f.part, f.text) for f in result.findings if f.rule == "mark.state-secret"}
    assert {("annotation", "机密★7年"), ("outline", "机密★4年")} <= spans
    for f in result.findings:
        if f.start is not None:
            assert texts[f.part][f.start:f.end] == f.text


def test_empty_user_password_is_read(cjk_font: str) -> None:
    enc = pdfencrypt.StandardEncryption("", ownerPassword="owner", canPrint=0)
    doc = extract(make_pdf(cjk_font, pages=1, encrypt=enc), "e.pdf", Limits())
    assert doc.extraction.value == "full"
    assert lines_for(1)[0] in {p.name: p.text for p in doc.parts}["page:1"]


def test_user_password_is_unreadable_encrypted(cjk_font: str) -> None:
    enc = pdfencrypt.StandardEncryption("secret", ownerPassword="owner")
    [result] = scan_bytes(make_pdf(cjk_font, pages=1, encrypt=enc), "locked.pdf")
    assert result.verdict.value == "review"
    assert [f.rule for f in result.findings] == ["unreadable.encrypted"]


def test_blank_image_only_page_holds_no_text(cjk_font: str) -> None:
    """A page whose only picture is blank is rendered and judged empty by
    OCR's cheap test (tests/extract/test_ocr.py reads pages with text)."""
    from PIL import Image
    image = Image.new("RGB", (200, 100), "white")

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawImage(ImageReader(image), 50, 500, width=200, height=100)
    c.showPage()
    c.setFont(cjk_font, 11)
    c.drawString(40, 800, "第二页有文字")
    c.showPage()
    c.save()
    [result] = scan_bytes(buf.getvalue(), "scan.pdf")
    assert result.verdict.value == "clear"
    assert result.findings == ()
    assert result.extraction.value == "full"


def test_page_limit_reads_first_pages_and_says_so(cjk_font: str) -> None:
    doc = extract(make_pdf(cjk_font, pages=3), "long.pdf", Limits(max_pdf_pages=2))
    assert [p.name for p in doc.parts if p.name.startswith("page:")] == ["page:1", "page:2"]
    [limit] = [n for n in doc.notices if n.rule == "unreadable.limit"]
    assert dict(limit.details)["limit"] == "max_pdf_pages"
    assert doc.extraction.value == "partial"


@pytest.mark.parametrize("keep", [0.5, 0.9])
def test_truncated_pdf_is_never_clear(cjk_font: str, keep: float) -> None:
    data = make_pdf(cjk_font, pages=2)
    [result] = scan_bytes(data[: int(len(data) * keep)], "cut.pdf")
    assert result.format == "pdf"
    assert result.verdict.value == "review"
    assert result.extraction.value in ("partial", "failed")
    assert any(f.category == "unreadable" for f in result.findings)


def test_vector_only_page_has_no_text_layer(cjk_font: str) -> None:
    """A page drawn with paths and no text (text as outlines, a chart) is not clear."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.rect(100, 100, 200, 200, fill=1)
    path = c.beginPath()
    path.moveTo(50, 50)
    path.curveTo(80, 200, 150, 20, 300, 300)
    c.drawPath(path)
    c.showPage()
    c.setFont(cjk_font, 11)
    c.drawString(40, 800, "第二页有文字")
    c.showPage()
    c.save()
    [result] = scan_bytes(buf.getvalue(), "drawn.pdf")
    assert result.verdict.value == "review"
    assert result.extraction.value == "partial"
    [notice] = [f for f in result.findings if f.category == "unreadable"]
    assert (notice.part, notice.rule) == ("page:1", "unreadable.ocr-needed")
    assert "page 1 has no text layer" in notice.reason


def test_blank_page_is_not_a_missing_text_layer(cjk_font: str) -> None:
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.showPage()
    c.setFont(cjk_font, 11)
    c.drawString(40, 800, "第二页有文字")
    c.showPage()
    c.save()
    [result] = scan_bytes(buf.getvalue(), "blank.pdf")
    assert (result.verdict.value, result.extraction.value) == ("clear", "full")


@pytest.mark.parametrize("name, keep", [("notice.pdf", 1.0), ("notice.bin", 1.0), ("notice.bin", 0.8)])
def test_damaged_pdf_header_is_never_decoded_as_text(cjk_font: str, name: str, keep: float) -> None:
    """Uncompressed pages hold no NUL byte: without its %PDF- header the file
    once went to the text decoder (GB18030) and came out clear."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pageCompression=0)
    c.setFont(cjk_font, 12)
    c.drawString(72, 760, "机密★5年 关于某项工作的通知")
    c.showPage()
    c.save()
    data = buf.getvalue().replace(b"%PDF-", b"%PDX-", 1)
    data = data[:int(len(data) * keep)]  # 0.8: truncated as well, no trailer left
    assert b"\x00" not in data[:8192]
    [result] = scan_bytes(data, name)
    assert result.format == "pdf"
    assert result.verdict.value != "clear"
    if keep < 1:
        assert result.extraction.value in ("partial", "failed")
        assert any(f.category == "unreadable" for f in result.findings)
        return
    assert result.extraction.value == "partial"
    assert any(f.category == "unreadable" and "no %PDF- header" in f.reason for f in result.findings)
    assert [f.text for f in result.findings if f.category == "mark"] == ["机密★5年"]
    assert result.verdict.value == "block"
