"""Defects the fuzz harness found, each kept as a test on a real file."""
from __future__ import annotations

import io
import zipfile

import pptx

from scanner import scan_bytes

MARK = "机密★5年"


def test_utf8_page_with_one_bad_byte_is_not_read_as_a_latin_code_page() -> None:
    page = f"<html><body><p>{MARK}</p><p title='附件'>各部门：请按要求做好准备。</p></body></html>".encode()
    damaged = page.replace(b"title", b"title\xbd", 1)  # one byte that is not UTF-8
    r = scan_bytes(damaged, "notice.html")[0]
    assert any(f.rule == "mark.state-secret" for f in r.findings)
    assert r.extraction.value == "partial" and r.verdict.value == "block"


def test_short_utf8_page_with_two_bad_bytes_is_not_read_as_a_mac_code_page() -> None:
    """The fuzz run's 102-byte page: 7 good characters, 2 bad bytes; no
    Chinese encoding reads it, and charset-normalizer's guess (Mac Cyrillic)
    was called exact, so the mark was never seen: clear and full."""
    page = bytes.fromhex(
        "3c21444f43545950452068746d6c3e3c68746d6c3e3c686561643e3c7469746c653e69809ae79fa53c2f7469746c653e3c2f"
        "686561643e3c626f64793e3c6469763e3c703ee69cbae5af86e2988535e5b9b43c2f703e3c70207469746c653d27e99984e4bbb6")
    r = scan_bytes(page, "notice.html")[0]
    assert any(f.rule == "mark.state-secret" for f in r.findings)
    assert r.extraction.value == "partial" and r.verdict.value == "block"


def test_gbk_text_with_one_bad_byte_still_finds_the_mark() -> None:
    text = (f"{MARK}\n关于开展年度安全检查工作的通知\n" + "a" * 100_000).encode("gbk")
    damaged = text[:-50] + b"\xff" + text[-49:]
    r = scan_bytes(damaged, "notice.txt")[0]
    assert r.verdict.value == "block" and r.extraction.value == "partial"


def test_gbk_text_few_han_characters_that_also_reads_as_big5_is_scanned_as_gbk() -> None:
    """The fuzz run's mutated GBK page: a mark among hundreds of ASCII tags,
    five Han characters.  Both Chinese encodings read it strictly and the Big5
    noise scored higher (5 of 5 common against 4 of 5), so it was read as Big5
    alone and cleared."""
    data = b"<span>" * 200 + f"痵{MARK} 关".encode("gb18030")
    r = scan_bytes(data, "notice.txt")[0]
    assert any(f.rule == "mark.state-secret" and f.part == "body" for f in r.findings)
    assert r.verdict.value == "block"


def test_pptx_slide_nested_past_libxml2_depth_is_review_not_an_exception() -> None:
    prs = pptx.Presentation()
    prs.slides.add_slide(prs.slide_layouts[1]).shapes.title.text = MARK
    buf = io.BytesIO()
    prs.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "ppt/slides/slide1.xml":
                i = body.index(b">", body.index(b"<p:sld")) + 1
                body = body[:i] + b"<a:r>" * 300 + b"</a:r>" * 300 + body[i:]
            dst.writestr(info.filename, body)
    r = scan_bytes(out.getvalue(), "deck.pptx")[0]
    assert r.verdict.value != "clear" and r.extraction.value != "full"


def test_every_copy_of_a_duplicated_zip_member_is_scanned() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("notice.txt", f"{MARK}\n关于开展工作的通知".encode())
        zf.writestr("notice.txt", b"")  # the copy a reader by name would take
    results = scan_bytes(buf.getvalue(), "bundle.zip")
    assert [r.item for r in results] == ["bundle.zip", "bundle.zip!notice.txt", "bundle.zip!notice.txt (copy 2)"]
    assert results[0].verdict.value == "block"


def test_a_package_storing_a_part_twice_is_never_clear() -> None:
    import docx

    d = docx.Document()
    d.add_paragraph(MARK)
    raw = io.BytesIO()
    d.save(raw)
    src = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        body = src.read("word/document.xml").replace(MARK.encode(), "关于开展工作的通知".encode())
        dst.writestr("word/document.xml", body)
    r = scan_bytes(out.getvalue(), "twice.docx")[0]
    assert r.verdict.value == "review" and r.extraction.value != "full"


def test_html_text_swallowed_by_broken_markup_is_not_full() -> None:
    page = ("<!DOC\x14YPE html><html><head><t&#xD800;htle?通知</title>=\x0fhead><body><div>"
            f"<p>{MARK}</p><t title='附件'>各部门：请按要求做好准备。</p?</div></bod}}></html>").encode()
    r = scan_bytes(page, "notice.html")[0]
    assert not (r.verdict.value == "clear" and r.extraction.value == "full")
    assert any(f.rule == "mark.state-secret" for f in r.findings)


def test_a_pdf_page_pdfium_reads_as_empty_is_read_by_pdfminer_and_not_cleared() -> None:
    """One byte before the content stream's dictionary: pdfium sees a blank
    page (no objects, no text), pdfminer still reads the mark."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    c.setFont("STSong-Light", 14)
    c.drawString(72, 760, MARK)
    c.drawString(72, 730, "关于开展年度安全检查工作的通知")
    c.save()
    data = buf.getvalue()
    stream = data.index(b"<<", data.index(b"/Filter") - 40)  # the content stream object's dictionary
    damaged = data[:stream] + b"&" + data[stream:]
    r = scan_bytes(damaged, "notice.pdf")[0]
    assert any(f.rule == "mark.state-secret" for f in r.findings)
    assert r.verdict.value == "block" and r.extraction.value == "partial"
