"""Objects embedded in Office files are opened and scanned as members: a
sheet LibreOffice embedded in a DOCX, a document python-pptx embedded in a
slide, files dropped into a document as OLE packages; equations are judged
harmless by type; what cannot be opened stays unreadable.embedded."""
from __future__ import annotations

import io
import struct
import zipfile

import docx
import openpyxl
import pytest
from pptx import Presentation
from pptx.enum.shapes import PROG_ID
from pptx.util import Inches

from scanner import scan_bytes
from scanner.config import Limits, ScanConfig
from scanner.service.parts import item_parts

ODT_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:xlink="http://www.w3.org/1999/xlink"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.3">
<office:body><office:text><text:p>关于年度预算执行情况的报告</text:p>
<text:p><draw:frame draw:name="Object1" svg:width="12cm" svg:height="4cm" text:anchor-type="paragraph">
<draw:object xlink:href="./Object 1" xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/>
</draw:frame></text:p></office:text></office:body></office:document-content>"""


def workbook_with_mark() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "预算"
    ws["A1"] = "项目"
    ws["B2"] = "机密★10年"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def odt_embedding(ods: bytes) -> bytes:
    """A text document whose paragraph holds the spreadsheet as an embedded
    object (``Object 1/``), as LibreOffice Writer stores one."""
    inner = zipfile.ZipFile(io.BytesIO(ods))
    ns = 'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
    odt, ods = "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet"
    manifest = ['<?xml version="1.0" encoding="UTF-8"?>', f'<manifest:manifest {ns} manifest:version="1.3">',
                f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{odt}"/>',
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>',
                f'<manifest:file-entry manifest:full-path="Object 1/" manifest:media-type="{ods}"/>']
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", ODT_CONTENT)
        for name in ("content.xml", "styles.xml", "meta.xml", "settings.xml"):
            z.writestr(f"Object 1/{name}", inner.read(name))
            manifest.append(f'<manifest:file-entry manifest:full-path="Object 1/{name}" '
                            'manifest:media-type="text/xml"/>')
        z.writestr("META-INF/manifest.xml", "\n".join([*manifest, "</manifest:manifest>"]))
    return out.getvalue()


@pytest.fixture(scope="module")
def libreoffice_docx(soffice) -> bytes:
    """openpyxl writes the sheet, LibreOffice turns it into ODS, embeds it in a
    text document and saves that as DOCX: the sheet lands in
    word/embeddings/ as LibreOffice puts it there."""
    return soffice(odt_embedding(soffice(workbook_with_mark(), "xlsx", "ods")), "odt", "docx")


def test_sheet_embedded_by_libreoffice_in_a_docx(libreoffice_docx: bytes) -> None:
    docx_bytes = libreoffice_docx
    embedded = [n for n in zipfile.ZipFile(io.BytesIO(docx_bytes)).namelist() if n.startswith("word/embeddings/")]
    assert len(embedded) == 1
    results = scan_bytes(docx_bytes, "report.docx")
    outer, inner = results
    assert inner.item == f"report.docx!{embedded[0]}"
    assert inner.parent == "report.docx" and inner.format == "xlsx"
    assert [(f.part, f.text) for f in inner.findings if f.rule == "mark.state-secret"] == [("sheet:预算", "机密★10年")]
    assert outer.verdict.value == "block"
    assert not any(f.rule == "unreadable.embedded" for f in outer.findings)


def deck_with_marked_docx() -> bytes:
    inner = docx.Document()
    inner.add_paragraph("会议纪要")
    inner.add_paragraph("秘密★1年")
    buf = io.BytesIO()
    inner.save(buf)
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    slide.shapes.add_ole_object(io.BytesIO(buf.getvalue()), PROG_ID.DOCX, Inches(1), Inches(1))
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def test_docx_embedded_in_a_slide_by_python_pptx() -> None:
    outer, member = scan_bytes(deck_with_marked_docx(), "deck.pptx")
    assert member.item.startswith("deck.pptx!ppt/embeddings/") and member.format == "docx"
    assert [f.text for f in member.findings if f.rule == "mark.state-secret"] == ["秘密★1年"]
    assert outer.verdict.value == "block"


def test_the_item_page_shows_the_text_of_embedded_objects_as_scanned() -> None:
    """The desk's item page (scanner.service.parts) lists the members the scan
    scanned, so a finding in an embedded document points into text the page has."""
    data = deck_with_marked_docx()
    _, member = scan_bytes(data, "deck.pptx")
    [mark] = [f for f in member.findings if f.rule == "mark.state-secret"]

    parts = {(p.item, p.part): p.text for p in item_parts(data, "deck.pptx", ScanConfig())}

    assert parts[(member.item, mark.part)][mark.start:mark.end] == "秘密★1年"


def ole10_native(label: str, data: bytes) -> bytes:
    """The \\x01Ole10Native stream of an OLE Package object holding a file."""
    name = label.encode("gbk") + b"\0"
    path = b"C:\\Users\\a\\" + name
    body = (struct.pack("<H", 2) + name + path + struct.pack("<I", 0x00030000)
            + struct.pack("<I", len(path)) + path + struct.pack("<I", len(data)) + data)
    return struct.pack("<I", len(body)) + body


def with_embedding(path: str, payload: bytes, b) -> bytes:
    d = docx.Document()
    d.add_paragraph("公开的通知正文。")
    return b.zip_edit(b.docx_bytes(d), replace={path: payload})


def test_file_dropped_in_as_an_ole_package_is_scanned(b, ole) -> None:
    note = "附件说明\n内部资料 注意保存\n".encode()
    data = with_embedding("word/embeddings/oleObject3.bin", ole("\x01Ole10Native", ole10_native("说明.txt", note)), b)
    outer, member = scan_bytes(data, "thesis.docx")
    assert member.item == "thesis.docx!word/embeddings/oleObject3.bin"
    assert {f.rule for f in member.findings} == {"marker.work-secret"}
    assert outer.verdict.value == "review" and outer.extraction.value == "full"


def test_equation_objects_are_harmless_by_type(b, ole) -> None:
    data = with_embedding("word/embeddings/oleObject1.bin", ole("Equation Native", b"\x1c\x00" + b"\x00" * 64), b)
    [result] = scan_bytes(data, "thesis.docx")
    assert result.verdict.value == "clear" and result.findings == ()


def test_an_object_that_cannot_be_opened_stays_unreadable(b, ole) -> None:
    data = with_embedding("word/embeddings/oleObject2.bin", ole("VisioDocument"), b)
    [result] = scan_bytes(data, "drawing.docx")
    assert result.verdict.value == "review"
    assert [f.rule for f in result.findings] == ["unreadable.embedded"]


def test_embedded_objects_keep_the_depth_limit(b) -> None:
    inner = docx.Document()
    inner.add_paragraph("机密★3年")
    buf = io.BytesIO()
    inner.save(buf)
    data = with_embedding("word/embeddings/Microsoft_Word_Document.docx", buf.getvalue(), b)
    results = scan_bytes(data, "outer.docx")
    assert [r.verdict.value for r in results] == ["block", "block"]
    [shallow] = scan_bytes(data, "outer.docx", ScanConfig(limits=Limits(max_depth=0)))
    assert shallow.verdict.value == "review"
    assert [f.rule for f in shallow.findings] == ["unreadable.limit"]


def test_object_in_a_legacy_doc_is_never_cleared_unread(soffice, libreoffice_docx: bytes) -> None:
    """A .doc (saved by LibreOffice, the sheet in its ObjectPool) is read
    through conversion to DOCX; the object the converted file embeds is not a
    member of the .doc item, so it is flagged, not dropped.  The object's
    preview (a WMF of the sheet as shown) is read from its text records: the
    mark in the sheet is found there."""
    [result] = scan_bytes(soffice(libreoffice_docx, "docx", "doc"), "old.doc")
    assert result.format == "doc" and result.verdict.value == "block"
    [finding] = [f for f in result.findings if f.rule == "unreadable.embedded"]
    assert dict(finding.details)["object"].startswith("word/embeddings/")
    [mark] = [f for f in result.findings if f.rule == "mark.state-secret"]
    assert mark.part.startswith("word/media/image") and mark.part.endswith((".wmf", ".emf"))


def test_a_package_without_objects_at_the_depth_limit_is_not_a_container() -> None:
    d = docx.Document()
    d.add_paragraph("公开的通知正文。")
    buf = io.BytesIO()
    d.save(buf)
    [result] = scan_bytes(buf.getvalue(), "plain.docx", ScanConfig(limits=Limits(max_depth=0)))
    assert result.verdict.value == "clear" and result.findings == ()


def docx_with_equation(text: str) -> bytes:
    """A notice whose second paragraph is an equation (Office Math) starting with ``text``,
    as Word stores one typed in; python-docx writes the notice, a zipfile edit the equation."""
    d = docx.Document()
    d.add_paragraph("关于年度预算执行情况的报告")
    d.add_paragraph("EQUATION")
    buf = io.BytesIO()
    d.save(buf)
    math = ('<m:oMathPara xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"><m:oMath>'
            f'<m:r><m:t>{text}</m:t></m:r><m:sSup><m:e><m:r><m:t>c</m:t></m:r></m:e>'
            '<m:sup><m:r><m:t>2</m:t></m:r></m:sup></m:sSup></m:oMath></m:oMathPara>')
    src, out = zipfile.ZipFile(io.BytesIO(buf.getvalue())), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "word/document.xml":
                body = body.replace(b"<w:r><w:t>EQUATION</w:t></w:r>", math.encode())
                assert math.encode() in body
            z.writestr(info.filename, body)
    return out.getvalue()


@pytest.mark.parametrize("text,verdict", [("机密★5年", "block"), ("E=m", "clear")])
def test_equation_in_a_legacy_doc(soffice, text: str, verdict: str) -> None:
    """LibreOffice saves the equation into the .doc as an Equation Editor
    object (ObjectPool, an ``Equation Native`` stream); the .doc is read, its
    equation's text with it, and nothing is left unreadable.embedded."""
    import olefile

    legacy = soffice(docx_with_equation(text), "docx", "doc")
    streams = ["/".join(e) for e in olefile.OleFileIO(io.BytesIO(legacy)).listdir()]
    assert any(s.startswith("ObjectPool/") and s.endswith("/Equation Native") for s in streams), (
        "no equation object in the .doc: LibreOffice without its Math module (apt-get install "
        f"libreoffice-math-nogui) drops formulas; streams: {streams}")
    results = scan_bytes(legacy, "thesis.doc")
    assert [r.verdict.value for r in results] == [verdict]
    assert not [f for f in results[0].findings if f.category == "unreadable"]
    if verdict == "block":
        [hit] = [f for f in results[0].findings if f.rule == "mark.state-secret"]
        assert hit.part == "body" and hit.text == text


def test_equation_text_in_a_docx_is_read() -> None:
    [result] = scan_bytes(docx_with_equation("机密★5年"), "paper.docx")
    assert result.verdict.value == "block"
    assert [f.text for f in result.findings if f.rule == "mark.state-secret"] == ["机密★5年"]
