"""What a PDF carries besides its pages' text: attached files are scanned as
its members (``report.pdf!data.xlsx``), a file attached to an annotation makes
it ``review``, the text a stamp draws is read, and so is text an incremental
update deleted from an earlier revision.  Before, each was cleared."""
from __future__ import annotations

import ctypes
import io
import struct
import zlib
from pathlib import Path

import docx
import openpyxl
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from scanner import scan_bytes
from scanner.config import Limits, ScanConfig
from scanner.extract import extract

MARK = "机密★5年"


def _libreoffice_pdf(soffice) -> bytes:
    document = docx.Document()
    document.add_paragraph("关于公开年度预算的说明")
    out = io.BytesIO()
    document.save(out)
    return soffice(out.getvalue(), "docx", "pdf")


def _with_attachment(pdf_bytes: bytes, name: str, data: bytes) -> bytes:
    pdf = pdfium.PdfDocument(pdf_bytes)
    pdf.new_attachment(name).set_data(data)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _sheet_with_mark() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["项目", MARK])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_attached_sheet_is_a_member_and_blocks_the_pdf(soffice) -> None:
    data = _with_attachment(_libreoffice_pdf(soffice), "预算明细.xlsx", _sheet_with_mark())
    outer, inner = scan_bytes(data, "report.pdf")
    assert inner.item == "report.pdf!预算明细.xlsx" and inner.format == "xlsx"
    assert [f.rule for f in inner.findings] == ["mark.state-secret"]
    assert outer.verdict.value == "block" and not outer.findings  # the container takes its member's verdict


def test_a_clean_attachment_leaves_the_pdf_clear(soffice) -> None:
    data = _with_attachment(_libreoffice_pdf(soffice), "说明.txt", "附件说明".encode())
    assert [(r.item, r.verdict.value) for r in scan_bytes(data, "report.pdf")] == [
        ("report.pdf", "clear"), ("report.pdf!说明.txt", "clear")]


def test_an_attachment_past_the_item_size_is_a_limit_not_a_pass(soffice) -> None:
    data = _with_attachment(_libreoffice_pdf(soffice), "big.txt", b"a" * 50_000)
    config = ScanConfig(limits=Limits(max_item_bytes=40_000))
    member = scan_bytes(data, "report.pdf", config)[1]
    assert member.verdict.value == "review"
    assert [f.rule for f in member.findings] == ["unreadable.limit"]


def test_file_attached_to_an_annotation_is_not_cleared(soffice) -> None:
    pdf = pdfium.PdfDocument(_libreoffice_pdf(soffice))
    page = pdf[0]
    annot = pdfium_c.FPDFPage_CreateAnnot(page, pdfium_c.FPDF_ANNOT_FILEATTACHMENT)
    name = ctypes.create_string_buffer("原始数据.txt\x00".encode("utf-16-le"))
    attachment = pdfium_c.FPDFAnnot_AddFileAttachment(annot, ctypes.cast(name, pdfium_c.FPDF_WIDESTRING))
    body = MARK.encode()
    pdfium_c.FPDFAttachment_SetFile(attachment, pdf.raw, body, len(body))
    pdfium_c.FPDFPage_CloseAnnot(annot)
    page.close()
    out = io.BytesIO()
    pdf.save(out)
    result = scan_bytes(out.getvalue(), "report.pdf")[0]
    assert result.verdict.value == "review"
    notice = next(f for f in result.findings if f.rule == "unreadable.embedded")
    assert "page 1: 原始数据.txt" in notice.reason


ZENHEI = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"  # Debian fonts-wqy-zenhei (.ci/run)


def test_text_an_annotation_draws_is_read(soffice) -> None:
    """A stamp whose appearance draws the mark and whose Contents is empty,
    added with pdfium's own annotation API (as signing and stamping tools
    do): drawn on the page a reader sees, and cleared before."""
    pdf = pdfium.PdfDocument(_libreoffice_pdf(soffice))
    page = pdf[0]
    font_bytes = Path(ZENHEI).read_bytes()
    buffer = (ctypes.c_uint8 * len(font_bytes)).from_buffer_copy(font_bytes)
    font = pdfium_c.FPDFText_LoadFont(pdf.raw, buffer, len(font_bytes), pdfium_c.FPDF_FONT_TRUETYPE, True)
    annot = pdfium_c.FPDFPage_CreateAnnot(page.raw, pdfium_c.FPDF_ANNOT_STAMP)
    pdfium_c.FPDFAnnot_SetRect(annot, pdfium_c.FS_RECTF(72, 770, 250, 800))
    text = pdfium_c.FPDFPageObj_CreateTextObj(pdf.raw, font, 16.0)
    wide = ctypes.create_string_buffer((MARK + "\0").encode("utf-16-le"))
    pdfium_c.FPDFText_SetText(text, ctypes.cast(wide, ctypes.POINTER(pdfium_c.FPDF_WCHAR)))
    pdfium_c.FPDFPageObj_Transform(text, 1, 0, 0, 1, 76, 778)
    assert pdfium_c.FPDFAnnot_AppendObject(annot, text)
    pdfium_c.FPDFPage_CloseAnnot(annot)
    page.close()
    out = io.BytesIO()
    pdf.save(out)
    result = scan_bytes(out.getvalue(), "stamped.pdf")[0]
    assert [(f.rule, f.part) for f in result.findings] == [("mark.state-secret", "annotation")]
    assert result.extraction.value == "full"


def _reportlab_pdf(lines: list[str]) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.setFont("STSong-Light", 14)
    for number, line in enumerate(lines):
        page.drawString(72, 780 - 30 * number, line)
    page.save()
    return out.getvalue()


def _saved_incrementally(pdf: pdfium.PdfDocument) -> bytes:
    out = io.BytesIO()
    pdf.save(out, flags=pdfium_c.FPDF_INCREMENTAL)  # as Acrobat's Save, a signature or a filled-in form
    return out.getvalue()


def test_text_an_incremental_update_deleted_is_read_from_the_earlier_revision() -> None:
    original = _reportlab_pdf([MARK, "关于开展工作的通知", "正文内容。"])
    pdf = pdfium.PdfDocument(original)
    page = pdf[0]
    for obj in list(page.get_objects()):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_TEXT and obj.get_bounds()[1] > 770:  # the mark's line
            page.remove_obj(obj)
    page.gen_content()
    data = _saved_incrementally(pdf)
    assert data.startswith(original)  # the first revision is still in the file, whole
    result = scan_bytes(data, "notice.pdf")[0]
    assert [(f.rule, f.part) for f in result.findings] == [("mark.state-secret", "revision:1")]


def test_an_update_that_deletes_nothing_adds_no_part() -> None:
    pdf = pdfium.PdfDocument(_reportlab_pdf(["关于开展工作的通知", "正文内容。"]))
    pdf.new_attachment("说明.txt").set_data("附件说明".encode())
    parts = [p.name for p in extract(_saved_incrementally(pdf), "notice.pdf", Limits()).parts]
    assert not [name for name in parts if name.startswith("revision:")]


def test_a_zip_whose_first_member_is_a_pdf_is_read_as_the_zip() -> None:
    """Stored first, the PDF's header sits near the start of the ZIP, and the
    file was read as that PDF alone: the other members went unseen."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as bundle:
        bundle.writestr("report.pdf", _reportlab_pdf(["关于开展工作的通知"]))
        bundle.writestr("readme.txt", MARK)
    results = scan_bytes(out.getvalue(), "bundle")
    assert [(r.item, r.format, r.verdict.value) for r in results] == [
        ("bundle", "zip", "block"), ("bundle!readme.txt", "text", "block"), ("bundle!report.pdf", "pdf", "clear")]


def _docx_with_picture(description: str) -> bytes:
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (200, 120), "white").save(picture, "PNG")
    document = docx.Document()
    document.add_paragraph("关于开展工作的通知")
    document.add_picture(picture)
    document.inline_shapes[0]._inline.docPr.set("descr", description)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_page_with_a_picture_and_a_little_text_is_read(soffice) -> None:
    """pypdfium2 5 renamed a picture's get_pos to get_bounds: such a page (a
    LibreOffice PDF of a short notice with a picture) failed with "page text
    could not be read" and the whole PDF was review."""
    result = scan_bytes(soffice(_docx_with_picture("图片"), "docx", "pdf"), "notice.pdf")[0]
    assert (result.verdict.value, result.extraction.value, result.findings) == ("clear", "full", ())


def test_alt_text_of_a_tagged_pdf(soffice) -> None:
    tagged = 'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}'
    data = soffice(_docx_with_picture(f"扫描件：{MARK}"), "docx", tagged)
    result = scan_bytes(data, "notice.pdf")[0]
    assert [(f.rule, f.part) for f in result.findings] == [("mark.state-secret", "alt-text")]


def _minimal_pdf(catalog_extra: str, objects: list[str], page_extra: str = "") -> bytes:
    """A one-page PDF with ``catalog_extra`` in its catalog, ``page_extra`` in
    its page and ``objects`` from number 4 on: the places no library here
    writes (scripts, page labels)."""
    return _raw_pdf(["<< /Type /Catalog /Pages 2 0 R " + catalog_extra + " >>",
                     "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                     "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] " + page_extra + " >>", *objects])


def _raw_pdf(bodies: list[str], packed: tuple[int, ...] = ()) -> bytes:
    """A PDF of ``bodies``, numbered from 1 (the catalog), with a correct
    cross-reference table; the objects numbered in ``packed`` are written
    compressed in an object stream, and the cross-reference as a stream
    (PDF 1.5, as Word and Acrobat write)."""
    raw = [body.encode("latin-1") for body in bodies]
    entries: dict[int, tuple[int, int, int]] = {}  # number: (type, offset or object stream, generation or index)
    if packed:
        header, packed_bodies = b"", b""
        for index, number in enumerate(packed):
            header += f"{number} {len(packed_bodies)} ".encode()
            packed_bodies += raw[number - 1] + b"\n"
            entries[number] = (2, len(raw) + 1, index)
        stream = zlib.compress(header + packed_bodies)
        raw.append(f"<< /Type /ObjStm /N {len(packed)} /First {len(header)} /Filter /FlateDecode "
                   f"/Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    for number, body in enumerate(raw, 1):
        if number not in entries:
            entries[number] = (1, out.tell(), 0)
            out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    start = out.tell()
    if packed:
        size = len(raw) + 2  # the free object 0 and the cross-reference stream
        entries[size - 1] = (1, start, 0)
        rows = b"".join(struct.pack(">BIH", *entries.get(number, (0, 0, 65535))) for number in range(size))
        out.write(f"{size - 1} 0 obj\n<< /Type /XRef /Size {size} /W [1 4 2] /Root 1 0 R /Length {len(rows)} >>"
                  "\nstream\n".encode() + rows + b"\nendstream\nendobj\n")
    else:
        out.write(f"xref\n0 {len(raw) + 1}\n0000000000 65535 f \n".encode())
        out.write("".join(f"{entries[number][1]:010d} 00000 n \n" for number in range(1, len(raw) + 1)).encode())
        out.write(f"trailer\n<< /Size {len(raw) + 1} /Root 1 0 R >>\n".encode())
    out.write(f"startxref\n{start}\n%%EOF\n".encode())
    return out.getvalue()


def _pdf_text(text: str) -> str:
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def test_scripts_and_page_labels() -> None:
    script = f"app.alert('{MARK}');".encode().decode("latin-1")  # a script stream's bytes are UTF-8
    data = _minimal_pdf("/OpenAction 4 0 R /Names << /JavaScript << /Names [(a) 5 0 R] >> >> "
                        f"/PageLabels << /Nums [0 << /S /D /P {_pdf_text('秘密★1年-')} >>] >>",
                        ["<< /S /JavaScript /JS 6 0 R >>", f"<< /S /JavaScript /JS {_pdf_text('绝密★长期')} >>",
                         f"<< /Length {len(script.encode('latin-1'))} >>\nstream\n{script}\nendstream"])
    result = scan_bytes(data, "notice.pdf")[0]
    assert sorted((f.part, f.text) for f in result.findings if f.category == "mark") == [
        ("javascript", "机密★5年"), ("javascript", "绝密★长期"), ("page-labels", "秘密★1年")]


def test_the_options_of_a_choice_field() -> None:
    data = _minimal_pdf("/AcroForm << /Fields [4 0 R] >>",
                        [f"<< /FT /Ch /T (level) /Opt [(public) [(c) {_pdf_text(MARK)}]] /V (public) >>"])
    result = scan_bytes(data, "form.pdf")[0]
    assert [(f.rule, f.part) for f in result.findings] == [("mark.state-secret", "form")]


def test_a_name_tree_that_lists_itself_is_read_once() -> None:
    """A node among its own kids, three times: 3**32 visits before (the
    item's whole time limit); each node is now read once."""
    data = _minimal_pdf("/Names << /JavaScript 4 0 R >>",
                        ["<< /Kids [4 0 R 4 0 R 4 0 R] /Names [(a) 5 0 R] >>",
                         f"<< /S /JavaScript /JS {_pdf_text(MARK)} >>"])
    result = scan_bytes(data, "loop.pdf")[0]
    assert [(f.rule, f.part) for f in result.findings] == [("mark.state-secret", "javascript")]


# STSong-Light, one of the CJK fonts every reader has (reportlab's UnicodeCIDFont): UCS-2 codes, nothing embedded
_SONG = ("<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
         "/DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
         "/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
         "/FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
         "/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >> "
         ">>] >>")


def _drawing(text: str, extra: str = "") -> str:
    """A stream that draws ``text`` in font /F1 (``_SONG``)."""
    ops = f"BT /F1 12 Tf 4 6 Td <{text.encode('utf-16-be').hex()}> Tj ET"
    return f"<< /Length {len(ops)} {extra} >>\nstream\n{ops}\nendstream"


def _findings(data: bytes, name: str = "notice.pdf") -> list[tuple[str, str]]:
    result = scan_bytes(data, name)[0]
    return sorted((f.part, f.text) for f in result.findings if f.category == "mark")


def test_a_link_s_address_is_read_with_its_percent_escapes_decoded() -> None:
    """reportlab's linkURL, as a browser shows the address: ``%E6%9C%BA`` is 机."""
    from urllib.parse import quote

    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 780, "Annual report")
    page.linkURL(f"https://example.invalid/files?level={quote(MARK)}", (72, 700, 300, 720))
    page.save()
    result = scan_bytes(out.getvalue(), "links.pdf")[0]
    assert [(f.rule, f.part, f.text) for f in result.findings] == [("mark.state-secret", "link", MARK)]
    assert result.extraction.value == "full"


def test_the_files_links_open_and_an_address_escaped_in_gbk() -> None:
    link = "<< /Type /Annot /Subtype /Link /Rect [0 {0} 100 {1}] /A {2} >>"
    gbk = "".join(f"%{byte:02X}" for byte in "秘密★1年".encode("gbk"))
    data = _minimal_pdf("", [link.format(0, 20, f"<< /S /URI /URI (http://example.invalid/{gbk}) >>"),
                             link.format(30, 50, f"<< /S /Launch /F {_pdf_text('绝密★长期 名单.xls')} >>"),
                             link.format(60, 80, "<< /S /GoToR /D [0 /Fit] /F << /Type /Filespec "
                                                 f"/F {_pdf_text(MARK + ' 纪要.pdf')} >> >>")],
                        page_extra="/Annots [4 0 R 5 0 R 6 0 R]")
    assert _findings(data) == [("link", "机密★5年"), ("link", "秘密★1年"), ("link", "绝密★长期")]


def test_the_text_a_redaction_puts_in_place_of_what_it_removes() -> None:
    """A redaction's ``OverlayText`` (shown once it is applied); its
    ``Contents`` was read already, as every annotation's."""
    redaction = (f"<< /Type /Annot /Subtype /Redact /Rect [0 0 100 20] /OverlayText {_pdf_text(MARK)} "
                 f"/Contents {_pdf_text('秘密★1年')} >>")
    data = _minimal_pdf("", [redaction], page_extra="/Annots [4 0 R]")
    result = scan_bytes(data, "redacted.pdf")[0]
    assert sorted((f.part, f.text) for f in result.findings) == [("annotation", "机密★5年"), ("annotation", "秘密★1年")]
    assert result.extraction.value == "full"


def test_a_form_field_that_shows_other_text_than_its_value() -> None:
    """A viewer draws a field's appearance stream: here the mark, while its
    value, which the ``form`` part reads, says 公开."""
    field = (f"<< /Type /Annot /Subtype /Widget /FT /Tx /T (level) /V {_pdf_text('公开')} "
             "/Rect [10 10 190 40] /P 3 0 R /AP << /N 5 0 R >> >>")
    appearance = _drawing(MARK, "/Type /XObject /Subtype /Form /BBox [0 0 180 30] /Resources << /Font << /F1 6 0 R >> >>")
    data = _minimal_pdf("/AcroForm << /Fields [4 0 R] >>", [field, appearance, _SONG], page_extra="/Annots [4 0 R]")
    result = scan_bytes(data, "form.pdf")[0]
    assert [(f.rule, f.part) for f in result.findings] == [("mark.state-secret", "annotation")]
    assert result.extraction.value == "full"


def _attached(description: str, name: str = "notes.txt") -> list[str]:
    """A file specification (first object) and the attached file's stream."""
    return [f"<< /Type /Filespec /F ({name}) /UF ({name}) /EF << /F 5 0 R >> /Desc {_pdf_text(description)} >>",
            "<< /Type /EmbeddedFile /Length 11 >>\nstream\nplain notes\nendstream"]


def test_the_description_of_an_attached_file() -> None:
    """The text a viewer's attachments pane shows beside the file's name."""
    data = _minimal_pdf("/Names << /EmbeddedFiles << /Names [(notes.txt) 4 0 R] >> >>", _attached(MARK))
    outer, member = scan_bytes(data, "report.pdf")
    assert [(f.rule, f.part) for f in outer.findings] == [("mark.state-secret", "attachments")]
    assert outer.extraction.value == "full"
    assert (member.item, member.verdict.value) == ("report.pdf!notes.txt", "clear")


def test_the_description_of_a_file_attached_to_an_annotation() -> None:
    spec, body = _attached(MARK)
    data = _minimal_pdf("", [f"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 20 20] /FS {spec} >>", body],
                        page_extra="/Annots [4 0 R]")
    assert _findings(data) == [("attachments", MARK)]


def test_article_thread_titles() -> None:
    data = _minimal_pdf("/Threads [4 0 R]",
                        [f"<< /Type /Thread /I << /Title {_pdf_text(MARK)} /Subject (budget) >> /F 5 0 R >>",
                         "<< /Type /Bead /T 4 0 R /N 5 0 R /V 5 0 R /P 3 0 R /R [0 0 100 100] >>"])
    assert _findings(data) == [("threads", MARK)]


def test_a_portfolio_s_column_names_and_its_files_values() -> None:
    spec, body = _attached("说明")
    spec = spec.replace("/Desc", f"/CI << /level {_pdf_text('秘密★1年')} /page << /D 3 /P {_pdf_text('绝密★长期 ')} >> >> "
                                 "/Desc")
    data = _minimal_pdf("/Names << /EmbeddedFiles << /Names [(notes.txt) 4 0 R] >> >> "
                        "/Collection << /Type /Collection /View /D /Schema << "
                        f"/level << /Type /CollectionField /Subtype /S /N {_pdf_text(MARK)} /O 1 >> "
                        "/page << /Type /CollectionField /Subtype /N /N (Page) /O 2 >> >> >>", [spec, body])
    assert _findings(data) == [("portfolio", "机密★5年"), ("portfolio", "秘密★1年"), ("portfolio", "绝密★长期")]


def _reportlab_pages(lines: list[str]) -> bytes:
    """A page for each line, as reportlab writes them: a flat page tree."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    pages = canvas.Canvas(out)
    for line in lines:
        pages.setFont("STSong-Light", 14)
        pages.drawString(72, 780, line)
        pages.showPage()
    pages.save()
    return out.getvalue()


def test_a_portfolio_s_folders() -> None:
    """A portfolio's folder tree (``/Folders``: a root whose ``/Child`` and
    its ``/Next`` siblings a viewer lists beside the files): each folder's
    name, description and values in the columns."""
    data = _minimal_pdf("/Collection << /Type /Collection /View /T /Folders 4 0 R >>",
                        ["<< /Type /Folder /ID 0 /Name (root) /Child 5 0 R >>",
                         f"<< /Type /Folder /ID 1 /Parent 4 0 R /Name {_pdf_text(MARK)} /Next 6 0 R /Child 7 0 R >>",
                         f"<< /Type /Folder /ID 2 /Parent 4 0 R /Name (docs) /Desc {_pdf_text('秘密★1年')} /Next 5 0 R >>",
                         f"<< /Type /Folder /ID 3 /Parent 5 0 R /Name (old) /CI << /level {_pdf_text('绝密★长期')} >> >>"])
    assert _findings(data) == [("portfolio", "机密★5年"), ("portfolio", "秘密★1年"), ("portfolio", "绝密★长期")]


def test_scripts_links_and_events_run() -> None:
    """What a link runs (``/A``) and the action chained after it
    (``/Next``), what runs when a page opens or a field changes (``/AA``),
    and a bookmark's script: read with the document's scripts."""
    script = "<< /S /JavaScript /JS {} {} >>"
    link = "<< /Type /Annot /Subtype /Link /Rect [0 0 50 20] /A 5 0 R >>"
    field = (f"<< /Type /Annot /Subtype /Widget /FT /Tx /T (level) /Rect [0 30 50 50] /P 3 0 R "
             f"/AA << /K {script.format(_pdf_text('秘密★1年'), '')} >> >>")
    data = _minimal_pdf("/AcroForm << /Fields [6 0 R] >> /Outlines 8 0 R",
                        [link, script.format("(app.alert\\(1\\))", "/Next [7 0 R]"), field,
                         script.format(_pdf_text(MARK), ""),
                         "<< /Type /Outlines /First 9 0 R /Last 9 0 R /Count 1 >>",
                         "<< /Title (Go) /Parent 8 0 R /A << /S /GoTo /D [3 0 R /Fit] /Next 10 0 R >> >>",
                         script.format(_pdf_text("绝密★长期"), "")],
                        page_extra=f"/Annots [4 0 R 6 0 R] /AA << /O {script.format(_pdf_text('机密★10年'), '')} >>")
    assert _findings(data) == [("javascript", "机密★10年"), ("javascript", "机密★5年"), ("javascript", "秘密★1年"),
                               ("javascript", "绝密★长期")]


def test_a_script_the_document_and_a_link_both_run_is_read_once() -> None:
    data = _minimal_pdf("/Names << /JavaScript << /Names [(a) 5 0 R] >> >>",
                        ["<< /Type /Annot /Subtype /Link /Rect [0 0 50 20] /A 5 0 R >>",
                         f"<< /S /JavaScript /JS {_pdf_text(MARK)} /Next << /S /JavaScript /JS {_pdf_text(MARK)} >> >>"],
                        page_extra="/Annots [4 0 R]")
    result = scan_bytes(data, "notice.pdf")[0]
    assert [(f.rule, f.part) for f in result.findings] == [("mark.state-secret", "javascript")]


def test_a_script_the_document_lists_twice_does_not_hide_a_link_s_script() -> None:
    """The open action is also the names tree's script (one object, one
    ``/JS`` in the bytes): counted twice among the document's scripts, it
    made the file's two ``/JS`` look all accounted for, and the script a
    link runs was never read."""
    data = _minimal_pdf("/OpenAction 5 0 R /Names << /JavaScript << /Names [(a) 5 0 R (b) 5 0 R] >> >>",
                        ["<< /Type /Annot /Subtype /Link /Rect [0 0 50 20] /A 6 0 R >>",
                         "<< /S /JavaScript /JS (app.alert\\(1\\)) >>", f"<< /S /JavaScript /JS {_pdf_text(MARK)} >>"],
                        page_extra="/Annots [4 0 R]")
    assert _findings(data) == [("javascript", MARK)]


def _past_the_count(second: str = MARK, packed: tuple[int, ...] = ()) -> bytes:
    """Two pages in the page tree, whose ``/Count`` says one; ``second`` is
    drawn on the second."""
    page = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << /Font << /F1 5 0 R >> >> " \
           "/Contents {} 0 R >>"
    return _raw_pdf(["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 1 >>",
                     page.format(6), page.format(7), _SONG, _drawing("关于开展工作的通知"), _drawing(second)], packed)


def test_a_page_past_the_page_tree_s_count_is_read() -> None:
    """pdfium takes the page count from ``/Count``; a viewer that walks the
    tree shows the second page.  A reportlab file edited so, and the same
    pages in a compressed object stream (Word, Acrobat)."""
    edited = _reportlab_pages(["关于开展工作的通知", MARK]).replace(b"/Count 2", b"/Count 1")  # the same length: the offsets hold
    assert len(pdfium.PdfDocument(edited)) == 1
    for data in (edited, _past_the_count(), _past_the_count(packed=(2, 3, 4))):
        result = scan_bytes(data, "notice.pdf")[0]
        assert [(f.rule, f.part) for f in result.findings] == [("mark.state-secret", "page:2")]
        assert result.extraction.value == "full"


def test_a_page_behind_a_kid_without_type_is_read() -> None:
    """pdfium takes a kid without ``/Type`` for a page, pdfminer passes it
    over: a reportlab file whose first page lost its ``/Type /Page`` and
    whose ``/Count`` says 1 had pdfium read that page, and the page after
    it, which a viewer walking the tree shows, was read by neither (the
    name /Page occurred once, as often as pdfium's count: no walk)."""
    data = _reportlab_pages(["关于开展工作的通知", MARK])
    edited = data.replace(b"/Type /Page\n", b" " * 12, 1).replace(b"/Count 2", b"/Count 1")  # offsets hold
    assert len(pdfium.PdfDocument(edited)) == 1
    result = scan_bytes(edited, "notice.pdf")[0]
    assert [(f.rule, f.part) for f in result.findings] == [("mark.state-secret", "page:2")]
    assert result.extraction.value == "full"


def test_a_kid_without_type_past_the_count_is_read() -> None:
    """Past ``/Count`` and without ``/Type``: pdfium stops before it and
    pdfminer's walk does not take it for a page."""
    page = "<< /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << /Font << /F1 5 0 R >> >> /Contents {} 0 R >>"
    data = _raw_pdf(["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 1 >>",
                     page.format(6).replace("<<", "<< /Type /Page", 1), page.format(7), _SONG,
                     _drawing("关于开展工作的通知"), _drawing(MARK)])
    assert _verdict(data) == ("block", "full", [("mark.state-secret", "page:2")])


def test_a_node_typed_as_a_page_is_read() -> None:
    """A kid whose ``/Type`` is ``/Page`` and that holds ``/Kids``: pdfminer
    (and pdf.js) take it for a page and draw its contents, pdfium walks into
    its kids.  pdfium's count held its one kid, so the page pdfminer found
    was dropped as one already read."""
    resources = "/MediaBox [0 0 200 200] /Resources << /Font << /F1 5 0 R >> >>"
    data = _raw_pdf(["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                     f"<< /Type /Page /Parent 2 0 R /Kids [4 0 R] {resources} /Contents 7 0 R >>",
                     f"<< /Type /Page /Parent 3 0 R {resources} /Contents 6 0 R >>", _SONG,
                     _drawing("关于开展工作的通知"), _drawing(MARK)])
    assert _verdict(data) == ("block", "full", [("mark.state-secret", "page:2")])


def test_a_page_tree_node_written_as_a_stream_is_walked_as_pdfium_walks_it() -> None:
    """pdfium takes a stream's dictionary for a kid and walks into its
    ``/Kids``: counted as one kid that is no page, it left the numbering one
    short, and the page past ``/Count`` was read by neither reader."""
    resources = "/MediaBox [0 0 200 200] /Resources << /Font << /F1 5 0 R >> >>"
    data = _raw_pdf(["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
                     "<< /Type /Pages /Parent 2 0 R /Kids [8 0 R 9 0 R] /Count 2 /Length 0 >>\nstream\n\nendstream",
                     f"<< /Type /Page /Parent 2 0 R {resources} /Contents 7 0 R >>", _SONG,
                     _drawing("关于开展工作的通知"), _drawing(MARK),
                     f"<< /Type /Page /Parent 3 0 R {resources} /Contents 6 0 R >>",
                     f"<< /Type /Page /Parent 3 0 R {resources} /Contents 6 0 R >>"])
    assert len(pdfium.PdfDocument(data)) == 2
    assert _verdict(data) == ("block", "full", [("mark.state-secret", "page:3")])


def test_a_deep_page_tree_is_walked_in_linear_memory() -> None:
    """A chain of nested nodes: each level copied its ancestors' set before
    (8,000 levels, a 660 KB file, took 1.4 GB and 4.5 s)."""
    import tracemalloc

    from scanner.extract.pdf import _MinerDoc, _pdfium_leaves

    depth = 3000
    nodes = [f"<< /Type /Pages /Kids [{number + 1} 0 R] /Count 1 >>" for number in range(2, depth + 2)]
    miner = _MinerDoc(_raw_pdf(["<< /Type /Catalog /Pages 2 0 R >>", *nodes,
                                "<< /Type /Page /MediaBox [0 0 200 200] >>"]))
    miner.doc.getobj(2)
    tracemalloc.start()
    try:
        leaves = _pdfium_leaves(miner.doc)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(leaves) == 1 and peak < 40 * 2**20


def test_a_plain_page_tree_is_not_walked() -> None:
    """The walk costs some 0.2 ms a page: a file whose bytes hold one
    ``/Page`` for each page pdfium counts, and no room for more, is not
    walked."""
    from scanner.extract.pdf import _MinerDoc, _past_count

    miner = _MinerDoc(_reportlab_pages(["关于开展工作的通知", "正文"]))
    assert _past_count(miner, 2) == 0 and miner._numbered is None


def test_a_page_tree_that_lists_itself_is_walked_once() -> None:
    data = _raw_pdf(["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [2 0 R 3 0 R 2 0 R] /Count 1 >>",
                     "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"])
    result = scan_bytes(data, "loop.pdf")[0]
    assert (result.verdict.value, result.extraction.value) == ("clear", "full")


def test_a_page_past_the_count_with_no_text_is_not_cleared() -> None:
    """pdfium cannot render it for OCR: a scanned page there is not read."""
    result = scan_bytes(_past_the_count(second=""), "notice.pdf")[0]
    assert (result.verdict.value, result.extraction.value) == ("review", "partial")
    assert [(f.rule, f.part) for f in result.findings] == [("unreadable.extract", "page:2")]


def _verdict(data: bytes) -> tuple[str, str, list[tuple[str, str]]]:
    result = scan_bytes(data, "x.pdf")[0]
    return result.verdict.value, result.extraction.value, [(f.rule, f.part) for f in result.findings]


@pytest.mark.parametrize("prefix", [b"", b"\xfe\xff\n", b"\xff\xfe\n"])
def test_a_stamp_is_read_whatever_bytes_its_appearance_starts_with(prefix: bytes) -> None:
    """pdfium hands an appearance stream over decoded as a text string: one
    that starts with FE FF reads as UTF-16 (no operator in sight) while its
    content still draws the mark.  The page is flattened whenever an
    annotation has an appearance, not when its text looks like drawing."""
    ops = prefix.decode("latin-1") + f"BT /F1 12 Tf 4 6 Td <{MARK.encode('utf-16-be').hex()}> Tj ET"
    appearance = (f"<< /Type /XObject /Subtype /Form /BBox [0 0 180 30] /Resources << /Font << /F1 6 0 R >> >> "
                  f"/Length {len(ops)} >>\nstream\n{ops}\nendstream")
    stamp = "<< /Type /Annot /Subtype /Stamp /Rect [10 10 190 40] /AP << /N 5 0 R >> >>"
    data = _minimal_pdf("", [stamp, appearance, _SONG], page_extra="/Annots [4 0 R]")
    assert _verdict(data) == ("block", "full", [("mark.state-secret", "annotation")])


def test_a_widget_no_field_list_names_is_read_by_its_appearance() -> None:
    """A filled-in field the form's field list does not hold: its value is
    in no ``form`` part, so what its appearance draws is kept, not dropped
    as a copy of the value; a value written as a text stream is read too."""
    appearance = _drawing(MARK, "/Type /XObject /Subtype /Form /BBox [0 0 180 30] "
                                "/Resources << /Font << /F1 6 0 R >> >>")
    field = (f"<< /Type /Annot /Subtype /Widget /FT /Tx /T (level) /V {_pdf_text(MARK)} "
             "/Rect [10 10 190 40] /P 3 0 R /AP << /N 5 0 R >> >>")
    data = _minimal_pdf("/AcroForm << /Fields [] >>", [field, appearance, _SONG], page_extra="/Annots [4 0 R]")
    assert _verdict(data) == ("block", "full", [("mark.state-secret", "annotation")])
    value = b"\xfe\xff" + MARK.encode("utf-16-be")
    stream = f"<< /Length {len(value)} >>\nstream\n" + value.decode("latin-1") + "\nendstream"
    field = field.replace(f"/V {_pdf_text(MARK)}", "/V 7 0 R")
    data = _minimal_pdf("/AcroForm << /Fields [4 0 R] >>", [field, appearance, _SONG, stream],
                        page_extra="/Annots [4 0 R]")
    assert ("mark.state-secret", "form") in _verdict(data)[2]


def test_annotations_on_a_page_past_the_count_are_not_cleared() -> None:
    """pdfminer reads the text of a page past ``/Count``, not its
    annotations: a file attached there is not read, and the page says so."""
    resources = "/MediaBox [0 0 200 200] /Resources << /Font << /F1 5 0 R >> >>"
    attached = MARK.encode()
    bodies = ["<< /Type /Catalog /Pages 2 0 R >>",
              "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 1 >>",
              f"<< /Type /Page /Parent 2 0 R {resources} /Contents 6 0 R >>",
              f"<< /Type /Page /Parent 2 0 R {resources} /Contents 7 0 R /Annots [8 0 R] >>",
              _SONG, _drawing("关于开展工作的通知"), _drawing("附件二"),
              ("<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 20 20] "
               "/FS << /Type /Filespec /F (data.txt) /EF << /F 9 0 R >> >> >>"),
              f"<< /Type /EmbeddedFile /Length {len(attached)} >>\nstream\n{attached.decode('latin-1')}\nendstream"]
    assert _verdict(_raw_pdf(bodies)) == ("review", "partial", [("unreadable.extract", "page:2")])


def test_a_cross_reference_stream_with_absurd_field_widths_is_refused() -> None:
    """``/W [1 10**12 1]`` in a hybrid file's cross-reference stream: a field
    of 10**12 bytes is no file's, and reading it a byte at a time never ends."""
    base = _raw_pdf(["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                     "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"])
    body = base.partition(b"xref\n")[0]
    stream_at = len(body)
    body += (b"9 0 obj\n<< /Type /XRef /Size 10 /Index [9 1] /W [1 1000000000000 1] /Length 3 >>\nstream\n"
             b"\x01\x00\x00\nendstream\nendobj\n")
    table_at = len(body)
    body += (b"xref\n0 4\n0000000000 65535 f \n"
             + b"".join(f"{base.index(f'{n} 0 obj'.encode()):010d} 00000 n \n".encode() for n in (1, 2, 3))
             + f"trailer\n<< /Size 10 /Root 1 0 R /XRefStm {stream_at} >>\nstartxref\n{table_at}\n%%EOF\n".encode())
    verdict, extraction, findings = _verdict(body)
    assert (verdict, extraction) == ("review", "failed") and ("unreadable.extract", "page-tree") in findings
