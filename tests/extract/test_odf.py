"""OpenDocument files (.odt .ods .odp .odg, and their flat forms .fodt ...)
are read as LibreOffice reads them, converted to DOCX/XLSX/PPTX: every file
here is written by LibreOffice itself.  Read as the loose XML members of a ZIP,
a Word form saved as .odt and a level alone in an .odt's header were clear, or
found only by OCR of the thumbnail."""
from __future__ import annotations

import io
import zipfile

import docx
import openpyxl
import pytest

from scanner import scan_bytes
from scanner.config import Convert, Limits, ScanConfig
from scanner.extract.sniff import sniff

from .odfpackages import with_members

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
      'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" '
      'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:ooow="http://openoffice.org/2004/writer" '
      'xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" xmlns:ooo="http://openoffice.org/2004/office" '
      'office:version="1.3"')
NO_LIBREOFFICE = ScanConfig(convert=Convert(enabled=False))


def saved(document: docx.document.Document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def flat_text(body: str, before: str = "") -> bytes:
    """A flat OpenDocument text (.fodt) holding ``body`` (``before`` it: the
    root's other children), for LibreOffice to save as .odt."""
    return (f'<?xml version="1.0" encoding="UTF-8"?><office:document {NS} '
            f'office:mimetype="application/vnd.oasis.opendocument.text">{before}<office:body><office:text>'
            f'{body}</office:text></office:body></office:document>').encode()


def findings(data: bytes, name: str, config: ScanConfig | None = None) -> tuple[str, str, str, list[tuple[str, str]]]:
    [result] = scan_bytes(data, name, config)
    return (result.format, result.verdict.value, result.extraction.value,
            sorted((f.rule, f.part) for f in result.findings))


def edited(package: bytes, member: str, edit) -> bytes:
    """The package with one member's text edited and the rest as LibreOffice stored it."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info, edit(data.decode()).encode() if info.filename == member else data)
    return out.getvalue()


@pytest.fixture(scope="module")
def form_odt(soffice) -> bytes:
    """A Word form (header row over a value row) saved as .odt by LibreOffice."""
    return soffice(saved(word_form()), "docx", "odt")


def word_form(header: str = "") -> docx.document.Document:
    """A Word form: 文件名称 | 密级 | 份数 over 某工程设计方案 | 机密 | 2, and ``header`` in its page header."""
    document = docx.Document()
    if header:
        document.sections[0].header.paragraphs[0].text = header
    document.add_paragraph("文件报送单")
    table = document.add_table(rows=2, cols=3)
    for row, values in enumerate((("文件名称", "密级", "份数"), ("某工程设计方案", "机密", "2"))):
        for column, value in enumerate(values):
            table.cell(row, column).text = value
    return document


def content_xml(package: bytes, name: str) -> list[str]:
    """The text of the ``content.xml`` parts the reader adds to a package's conversion."""
    from scanner.extract import extract

    return [part.text for part in extract(package, name, Limits()).parts if part.name == "content.xml"]


def test_a_word_form_saved_as_odt_blocks_on_its_level_column(form_odt: bytes) -> None:
    assert sniff(form_odt, "form.odt") == "odt"
    assert findings(form_odt, "form.odt") == ("odt", "block", "full", [("mark.form-field", "table")])


def test_a_level_alone_in_the_header_of_an_odt(soffice) -> None:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "机密"
    document.add_paragraph("关于开展年度检查工作的通知")
    document.add_paragraph("各单位：现将有关事项通知如下。")
    odt = soffice(saved(document), "docx", "odt")
    assert findings(odt, "notice.odt") == ("odt", "block", "full", [("mark.bare-level", "header")])


def test_a_register_saved_as_ods_and_its_hidden_sheet(soffice) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "登记"
    sheet.append(["文件名称", "密级", "份数"])
    sheet.append(["某工程设计方案", "机密", 2])
    hidden = book.create_sheet("备用")
    hidden["A1"] = "内部资料"
    hidden.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    ods = soffice(out.getvalue(), "xlsx", "ods")
    assert sniff(ods, "register.ods") == "ods"
    assert findings(ods, "register.ods") == ("ods", "block", "full", [
        ("hidden.sheet", "sheet:备用"), ("mark.form-field", "sheet:登记"), ("marker.work-secret", "sheet:备用")])


def test_speaker_notes_of_an_odp(soffice) -> None:
    fodp = (f'<?xml version="1.0" encoding="UTF-8"?><office:document {NS} '
            'office:mimetype="application/vnd.oasis.opendocument.presentation"><office:body><office:presentation>'
            '<draw:page draw:name="p1"><draw:frame svg:x="1cm" svg:y="1cm" svg:width="10cm" svg:height="3cm">'
            '<draw:text-box><text:p>年度工作汇报</text:p></draw:text-box></draw:frame>'
            '<presentation:notes><draw:frame svg:x="1cm" svg:y="10cm" svg:width="10cm" svg:height="3cm">'
            '<draw:text-box><text:p>讲稿：本页内容为秘密★1年</text:p></draw:text-box></draw:frame>'
            '</presentation:notes></draw:page></office:presentation></office:body></office:document>').encode()
    odp = soffice(fodp, "fodp", "odp")
    assert sniff(odp, "talk.odp") == "odp"
    # LibreOffice writes the notes frame as a text box of the PPTX notes page, not its notes placeholder
    assert findings(odp, "talk.odp") == ("odp", "block", "full", [("mark.state-secret", "notes:1")])


def test_comments_and_tracked_changes_keep_the_reading_full(soffice) -> None:
    """Their authors and dates are not text the converted file must hold."""
    fodt = flat_text(
        '<text:tracked-changes><text:changed-region text:id="c1"><text:deletion><office:change-info>'
        '<dc:creator>李四光</dc:creator><dc:date>2026-01-01T10:00:00</dc:date></office:change-info>'
        '<text:p>秘密★1年</text:p></text:deletion></text:changed-region></text:tracked-changes>'
        '<text:p><text:change text:change-id="c1"/>关于开展年度检查工作的通知</text:p>'
        '<text:p>正文内容<office:annotation><dc:creator>张三丰</dc:creator><dc:date>2026-01-01T10:00:00</dc:date>'
        '<text:p>此处应标注机密★5年</text:p></office:annotation>继续。</text:p>')
    odt = soffice(fodt, "fodt", "odt")
    assert findings(odt, "notice.odt") == ("odt", "block", "full", [
        ("hidden.comments", "comment"), ("hidden.tracked-changes", "deleted"), ("mark.state-secret", "comment"),
        ("mark.state-secret", "deleted")])


def test_text_libreoffice_leaves_out_is_read_from_the_xml_and_the_item_is_review(form_odt: bytes) -> None:
    """A paragraph outside the document's text (LibreOffice does not import it) is read from content.xml."""
    odt = edited(form_odt, "content.xml", lambda xml: xml.replace(
        "<office:body>", '<office:body><x:extra xmlns:x="urn:example:x"><text:p>秘密★1年</text:p></x:extra>', 1))
    fmt, verdict, extraction, found = findings(odt, "form.odt")
    assert (fmt, verdict, extraction) == ("odt", "block", "partial")
    assert found == [("mark.form-field", "table"), ("mark.state-secret", "content.xml"), ("unreadable.extract", "body")]


def with_macro(package: bytes, manifest: bool) -> bytes:
    """The package with a macro module whose comment holds a mark; listed in
    the manifest, as LibreOffice lists the macros it saves, or not."""
    module = "Basic/Standard/Module1.xml"
    entry = f'<manifest:file-entry manifest:full-path="{module}" manifest:media-type="text/xml"/>'
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if manifest and info.filename == "META-INF/manifest.xml":
                data = data.replace(b"</manifest:manifest>", entry.encode() + b"</manifest:manifest>")
            dst.writestr(info, data)
        dst.writestr(module, '<?xml version="1.0"?><module name="Module1">REM 绝密★长期\nSub Main\nEnd Sub</module>')
    return out.getvalue()


def test_a_macro_the_conversion_drops_is_read_from_the_package(form_odt: bytes) -> None:
    assert findings(with_macro(form_odt, manifest=True), "form.odt") == ("odt", "block", "full", [
        ("mark.form-field", "table"), ("mark.state-secret", "Basic/Standard/Module1.xml")])


def test_a_package_libreoffice_will_not_open_is_read_from_its_xml(form_odt: bytes) -> None:
    """A member its manifest does not list: LibreOffice refuses the package as damaged."""
    fmt, verdict, extraction, found = findings(with_macro(form_odt, manifest=False), "form.odt")
    assert (fmt, verdict, extraction) == ("odt", "block", "partial")
    assert found == [("mark.state-secret", "Basic/Standard/Module1.xml"), ("unreadable.format", "body")]


def test_without_libreoffice_the_xml_is_read_and_the_item_is_review(form_odt: bytes, soffice) -> None:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "秘密★1年"
    document.add_paragraph("关于开展年度检查工作的通知")
    document.core_properties.title = "机密★5年"
    odt = soffice(saved(document), "docx", "odt")
    assert findings(odt, "notice.odt", NO_LIBREOFFICE) == ("odt", "block", "partial", [
        ("mark.state-secret", "meta.xml"), ("mark.state-secret", "styles.xml"), ("unreadable.format", "body")])
    # the form's layout is not read: its level is not found, and the item is never clear
    assert findings(form_odt, "form.odt", NO_LIBREOFFICE) == ("odt", "review", "partial",
                                                               [("unreadable.format", "body")])


def test_a_password_protected_package_is_encrypted(form_odt: bytes) -> None:
    """The manifest gives its members encryption data, as LibreOffice writes it for a password."""
    entry = ('<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml" '
             'manifest:size="1"><manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x">'
             '<manifest:algorithm manifest:algorithm-name="http://www.w3.org/2001/04/xmlenc#aes256-cbc" '
             'manifest:initialisation-vector="x"/></manifest:encryption-data></manifest:file-entry>')
    odt = edited(form_odt, "META-INF/manifest.xml", lambda xml: xml.replace("</manifest:manifest>",
                                                                               entry + "</manifest:manifest>"))
    assert findings(odt, "form.odt") == ("odt", "review", "failed", [("unreadable.encrypted", "body")])


def test_templates_are_read_as_their_documents_and_drawings_as_presentations(form_odt: bytes) -> None:
    """A drawing was a ZIP, each member an item of its own (found by its second reader)."""
    template = edited(form_odt, "mimetype", lambda _: "application/vnd.oasis.opendocument.text-template")
    assert sniff(template, "form.ott") == "odt"
    for media_type in ("graphics", "graphics-template"):
        drawing = edited(form_odt, "mimetype", lambda _, kind=media_type: f"application/vnd.oasis.opendocument.{kind}")
        assert sniff(drawing, "drawing.odg") == "odp"


def test_a_part_stored_twice_is_refused(form_odt: bytes) -> None:
    """Read by name, only one copy of content.xml would be read (found by its second reader)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate it is asked to write
        odt = with_members(form_odt, {}, twice="content.xml")
    fmt, verdict, extraction, found = findings(odt, "form.odt")
    assert (fmt, verdict, extraction) == ("odt", "review", "failed") and found == [("unreadable.extract", "item")]


def test_text_the_conversion_writes_more_often_than_the_package_holds_it(soffice) -> None:
    """LibreOffice 7.4 writes an input field's text four times in its DOCX: the
    level alone in the field read 机密机密机密机密, and the file was clear (found by its second reader)."""
    odt = soffice(flat_text('<text:p>关于开展年度检查工作的通知</text:p>'
                            '<text:p><text:text-input text:description="密级填写">机密</text:text-input></text:p>'),
                  "fodt", "odt")
    assert findings(odt, "form.odt") == ("odt", "block", "partial", [
        ("mark.bare-level", "content.xml"), ("unreadable.extract", "body")])


def test_files_added_to_the_picture_folders_are_read(form_odt: bytes, soffice) -> None:
    """Only pictures are passed over there: a text or a document added under
    Pictures/ is read or reported, at the root and in an embedded object's folder."""
    document = docx.Document()
    document.add_paragraph("机密★5年")
    odt = with_members(form_odt, {"Pictures/notes.xml": "<a>绝密★长期</a>", "Object 9/Pictures/x.txt": "秘密★1年",
                                  "Pictures/doc.docx": saved(document),
                                  "Pictures/dot.png": bytes.fromhex("89504e470d0a1a0a") + bytes(40)})
    [result] = scan_bytes(odt, "form.odt")
    assert result.verdict.value == "block"
    found = sorted((f.rule, f.part, f.text) for f in result.findings)
    assert ("mark.state-secret", "Pictures/notes.xml", "绝密★长期") in found
    assert ("mark.state-secret", "Object 9/Pictures/x.txt", "秘密★1年") in found
    assert [dict(f.details).get("object") for f in result.findings if f.rule == "unreadable.embedded"] == [
        "Pictures/doc.docx"]


def test_a_word_table_of_contents_saved_as_odt_stays_full(soffice) -> None:
    """LibreOffice keeps an index's templates (目录) beside the index it shows:
    not text the conversion must hold (found by its second reader)."""
    from docx.oxml import parse_xml

    document = docx.Document()
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    document.element.body.insert(0, parse_xml(
        f'<w:sdt {w}><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/><w:docPartUnique/>'
        '</w:docPartObj></w:sdtPr><w:sdtContent><w:p><w:pPr><w:pStyle w:val="TOCHeading"/></w:pPr><w:r>'
        '<w:t>目录</w:t></w:r></w:p><w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r>'
        '<w:instrText xml:space="preserve"> TOC \\o "1-3" \\h \\z \\u </w:instrText></w:r><w:r>'
        '<w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>第一章 总则</w:t></w:r><w:r><w:tab/><w:t>1</w:t></w:r>'
        '</w:p><w:p><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:sdtContent></w:sdt>'))
    document.add_heading("第一章 总则", 1)
    document.add_paragraph("为加强管理，制定本办法。")
    odt = soffice(saved(document), "docx", "odt")
    assert b"index-title-template" in zipfile.ZipFile(io.BytesIO(odt)).read("content.xml")
    assert findings(odt, "rules.odt") == ("odt", "clear", "full", [])


def test_a_package_without_its_body_is_not_full(form_odt: bytes) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(form_odt)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename not in ("content.xml", "styles.xml"):
                dst.writestr(info, src.read(info))
    fmt, verdict, extraction, found = findings(out.getvalue(), "form.odt")
    assert (fmt, verdict) == ("odt", "review") and extraction != "full" and ("unreadable.extract", "body") in found


def test_an_embedded_objects_own_document_is_read(soffice) -> None:
    """Text of an embedded object's content.xml that LibreOffice neither converts nor draws in the object's
    picture: the change check parsed the member, which then counted as read, and it was never read (found
    on the re-read of the change)."""
    from .test_embedded import odt_embedding, workbook_with_mark

    odt = edited(odt_embedding(soffice(workbook_with_mark(), "xlsx", "ods")), "Object 1/content.xml",
                 lambda xml: xml.replace("<office:body>", '<office:body><x:n xmlns:x="urn:x">秘密★3年</x:n>', 1))
    [result] = scan_bytes(odt, "report.odt")
    assert ("mark.state-secret", "Object 1/content.xml", "秘密★3年") in [
        (f.rule, f.part, f.text) for f in result.findings]


@pytest.mark.parametrize("field", [
    '<text:hidden-text text:condition="ooow:1==1" text:string-value="机密"/>',  # hidden while its condition holds
    ('<text:conditional-text text:condition="ooow:1==2" text:string-value-if-true="机密" '
     'text:string-value-if-false="公开">公开</text:conditional-text>'),  # shows 公开
    '<text:variable-set text:name="密级" text:display="none" office:value-type="string" office:string-value="机密"/>',
], ids=["hidden-text", "conditional-text", "variable-set"])
def test_a_level_a_field_keeps_in_an_attribute_blocks(soffice, field: str) -> None:
    """LibreOffice's DOCX holds none of these texts, and the change check read
    no attribute: the file was clear, and read from its XML only review."""
    decls = '<text:variable-decls><text:variable-decl office:value-type="string" text:name="密级"/></text:variable-decls>'
    odt = soffice(flat_text(f'{decls}<text:p>关于开展年度检查工作的通知</text:p><text:p>正文{field}。</text:p>'), "fodt", "odt")
    assert field.split(" ", 1)[0].encode() in zipfile.ZipFile(io.BytesIO(odt)).read("content.xml")  # as LibreOffice saves it
    assert findings(odt, "notice.odt") == ("odt", "block", "full", [("mark.bare-level", "content.xml")])
    assert findings(odt, "notice.odt", NO_LIBREOFFICE) == ("odt", "block", "partial", [
        ("mark.bare-level", "content.xml"), ("unreadable.format", "body")])


def test_an_input_fields_hint_is_read(soffice) -> None:
    """The description of an input field (Insert > Field > Input field), the
    hint shown over it, as Word's help text is read: a level there was clear."""
    field = '<text:text-input text:description="机密★5年">请填写</text:text-input>'
    odt = soffice(flat_text(f'<text:p>关于开展年度检查工作的通知</text:p><text:p>正文{field}。</text:p>'), "fodt", "odt")
    assert b"text:description" in zipfile.ZipFile(io.BytesIO(odt)).read("content.xml")  # as LibreOffice saves it
    _, verdict, _, found = findings(odt, "notice.odt")
    assert verdict == "block" and ("mark.state-secret", "content.xml") in found


def test_only_what_a_field_does_not_show_is_read_from_its_attributes(soffice) -> None:
    """A field's value it shows is the conversion's already: not read twice;
    the choice it does not show and a hidden text are (they were clear)."""

    odt = soffice(flat_text(
        '<text:user-field-decls><text:user-field-decl office:value-type="string" office:string-value="某工程设计方案" '
        'text:name="项目"/></text:user-field-decls><text:p>关于<text:user-field-get text:name="项目">某工程设计方案'
        '</text:user-field-get>的请示</text:p><text:p><text:conditional-text text:condition="ooow:1==1" '
        'text:string-value-if-true="内部资料" text:string-value-if-false="公开">内部资料</text:conditional-text></text:p>'
        '<text:p>附件<text:hidden-text text:condition="ooow:1==1" text:string-value="机密"/></text:p>'), "fodt", "odt")
    assert content_xml(odt, "request.odt") == ["公开\n机密"]
    [result] = scan_bytes(odt, "request.odt")
    assert (result.verdict.value, result.extraction.value) == ("block", "full")
    assert sorted((f.rule, f.part) for f in result.findings) == [
        ("mark.bare-level", "content.xml"), ("marker.work-secret", "body"), ("marker.work-secret", "field")]


@pytest.fixture(scope="module")
def form_fodt(soffice) -> bytes:
    """A Word form with a level alone in its header, saved as .fodt by LibreOffice."""
    return soffice(saved(word_form(header="机密")), "docx", "fodt")


def test_a_flat_text_is_read_as_its_package(form_fodt: bytes, soffice) -> None:
    """A .fodt was XML text: its form's 密级 column was read as a run of text,
    its header's level as a line of the body, a hidden text not at all."""
    assert sniff(form_fodt, "form.fodt") == "odt"
    assert findings(form_fodt, "form.fodt") == ("odt", "block", "full", [
        ("mark.bare-level", "header"), ("mark.form-field", "table")])
    fodt = soffice(flat_text(
        '<text:p>关于开展年度检查工作的通知<text:hidden-text text:condition="ooow:1==1" text:string-value="秘密"/></text:p>'
        '<text:p>正文内容<office:annotation><dc:creator>张三丰</dc:creator><text:p>此处应标注机密★5年</text:p>'
        '</office:annotation>继续。</text:p>'), "fodt", "fodt")
    assert findings(fodt, "notice.fodt") == ("odt", "block", "full", [
        ("hidden.comments", "comment"), ("mark.bare-level", "content.xml"), ("mark.state-secret", "comment")])


def test_a_flat_texts_macros_and_stray_text_are_read() -> None:
    """Its macros' source (as LibreOffice writes it in a .fodt), and text outside any part of a package."""
    scripts = ('<office:scripts><office:script script:language="ooo:Basic"><ooo:libraries><ooo:library-embedded '
               'ooo:name="Standard"><ooo:module ooo:name="Module1"><ooo:source-code>REM 绝密★长期\nSub Main\nEnd Sub'
               '</ooo:source-code></ooo:module></ooo:library-embedded></ooo:libraries></office:script></office:scripts>')
    fodt = flat_text("<text:p>关于开展年度检查工作的通知</text:p>", scripts + '<x:n xmlns:x="urn:x">秘密★3年</x:n><!-- 机密★5年 -->')
    [result] = scan_bytes(fodt, "notice.fodt")
    assert result.format == "odt" and result.verdict.value == "block"
    assert sorted((f.rule, f.part, f.text) for f in result.findings) == [
        ("mark.state-secret", "flat.xml", "机密★5年"), ("mark.state-secret", "flat.xml", "秘密★3年"),
        ("mark.state-secret", "flat.xml", "绝密★长期")]


def test_a_flat_file_that_is_no_document_is_never_clear(form_fodt: bytes) -> None:
    """Truncated, a billion laughs, a DTD, too big: review, with what the XML reader finds."""
    entities = "".join(f'<!ENTITY e{n + 1} "{f"&e{n};" * 10}">' for n in range(9))
    root = form_fodt[form_fodt.index(b"<office:document"):form_fodt.index(b">", form_fodt.index(b"<office:document")) + 1]
    laughs = (f'<?xml version="1.0"?><!DOCTYPE office:document [<!ENTITY e0 "机密">{entities}]>'.encode()
              + root + b"<office:body><office:text><text:p>&e9;</text:p></office:text></office:body></office:document>")
    declared = form_fodt.replace(b"?>", b'?><!DOCTYPE office:document [<!ENTITY n "x">]>', 1)
    for data in (form_fodt[:len(form_fodt) // 2], laughs, declared):
        assert sniff(data, "form.fodt") == "odt"
        fmt, verdict, extraction, found = findings(data, "form.fodt")
        assert (fmt, verdict, extraction) == ("odt", "review", "partial") and ("unreadable.extract", "body") in found
    big = ScanConfig(limits=Limits(max_item_bytes=len(form_fodt) - 1))
    assert findings(form_fodt, "form.fodt", big)[1:] == ("review", "failed", [("unreadable.limit", "item")])


def test_a_drawing_is_read_as_one_document(soffice) -> None:
    """A drawing was a ZIP, each member an item: a shape beside its page (not
    in the thumbnail) was read as a run of content.xml's text, its level not
    alone; a page's name was an attribute among the others."""
    def page(name: str, shapes: str) -> str:
        return f'<draw:page draw:name="{name}" draw:master-page-name="Default">{shapes}</draw:page>'

    def shape(x: int, text: str) -> str:
        return (f'<draw:rect svg:x="{x}cm" svg:y="5cm" svg:width="5cm" svg:height="3cm"><text:p>{text}</text:p>'
                '</draw:rect>')

    text_box = ('<draw:frame svg:x="1cm" svg:y="1cm" svg:width="10cm" svg:height="3cm"><draw:text-box>'
                '<text:p>工程示意图</text:p></draw:text-box></draw:frame>')
    fodg = (f'<?xml version="1.0" encoding="UTF-8"?><office:document {NS} '
            'office:mimetype="application/vnd.oasis.opendocument.graphics"><office:body><office:drawing>'
            f'{page("page1", text_box + shape(40, "机密"))}{page("绝密", shape(1, "附图：秘密★1年"))}'
            '</office:drawing></office:body></office:document>').encode()
    odg = soffice(fodg, "fodg", "odg")
    assert sniff(odg, "plan.odg") == "odp"
    assert findings(odg, "plan.odg") == ("odp", "block", "full", [
        ("mark.bare-level", "content.xml"), ("mark.bare-level", "slide:1"), ("mark.state-secret", "slide:2")])
    # its flat form too, and LibreOffice's notes of a page (Draw keeps none; a drawing written by hand may)
    notes = ('<presentation:notes><draw:frame svg:x="1cm" svg:y="10cm" svg:width="10cm" svg:height="3cm"><draw:text-box>'
             '<text:p>备注：机密★5年</text:p></draw:text-box></draw:frame></presentation:notes>')
    assert findings(fodg.replace(b"</draw:page></office:drawing>", notes.encode() + b"</draw:page></office:drawing>"),
                    "plan.fodg") == ("odp", "block", "full", [
        ("mark.bare-level", "content.xml"), ("mark.bare-level", "slide:1"), ("mark.state-secret", "notes:2"),
        ("mark.state-secret", "slide:2")])


def test_a_flat_file_is_known_by_its_root_whatever_comes_before_it(form_fodt: bytes) -> None:
    """Its root was found by a pattern, in the first tag: a comment or a
    processing instruction holding ``<b>`` before it, a ``>`` in one of its
    attributes, UTF-16, or no office:mimetype (LibreOffice opens such a file
    as a text all the same), and the form was read as XML text, clear (found
    by its second reader)."""
    root = b"<office:document "
    text = form_fodt.decode()
    variants = {
        "comment": form_fodt.replace(root, b"<!-- made by <b>tool</b> -->" + root, 1),
        "instruction": form_fodt.replace(root, b"<?tool <b> ?>" + root, 1),
        "attribute": form_fodt.replace(root, root + b'xmlns:x="urn:x" x:note="a>b" ', 1),
        "utf-16": text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"),
        "utf-16-be": text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16-be"),
        "no type": form_fodt.replace(b' office:mimetype="application/vnd.oasis.opendocument.text"', b""),
    }
    for variant, data in variants.items():
        assert data != form_fodt, variant
        assert sniff(data, "form.fodt") == "odt", variant
        assert findings(data, "form.fodt") == ("odt", "block", "full", [
            ("mark.bare-level", "header"), ("mark.form-field", "table")]), variant
    # an ordinary XML file is no flat file, whatever it names
    office = 'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    for other in ('<document xmlns="urn:example" mimetype="application/vnd.oasis.opendocument.text"><p>x</p></document>',
                  '<svg xmlns="http://www.w3.org/2000/svg"><text>application/vnd.oasis.opendocument.text</text></svg>',
                  f'<root><office:document {office} office:mimetype="application/vnd.oasis.opendocument.text"/></root>'):
        assert sniff(f'<?xml version="1.0"?>{other}'.encode(), "page.xml") == "xml"


def test_text_beside_a_pictures_data_or_an_objects_document_is_read() -> None:
    """The text after an office:binary-data or after an embedded object's
    office:document went with it when the flat file was packaged: clear (found by its second reader)."""
    picture = flat_text('<text:p>正文<office:binary-data>QUFB</office:binary-data>机密★5年</text:p>')
    assert findings(picture, "notice.fodt") == ("odt", "block", "full", [("mark.state-secret", "body")])
    obj = flat_text('<text:p><draw:frame svg:width="2cm" svg:height="2cm"><draw:object><office:document '
                    'office:mimetype="application/vnd.oasis.opendocument.text"><office:body><office:text><text:p>附件'
                    '</text:p></office:text></office:body></office:document>秘密★3年</draw:object></draw:frame></text:p>')
    assert findings(obj, "notice.fodt") == ("odt", "block", "partial", [
        ("mark.state-secret", "content.xml"), ("unreadable.extract", "body")])


def test_binary_data_that_is_not_base64_is_read_as_xml() -> None:
    """A level where a picture's base64 should be: the extractor failed (a
    ValueError, not binascii.Error) and the level was not read."""
    fodt = flat_text('<text:p>正文<office:binary-data>机密★5年</office:binary-data></text:p>')
    assert findings(fodt, "notice.fodt") == ("odt", "block", "partial", [
        ("mark.state-secret", "body"), ("unreadable.extract", "body")])
    held = flat_text('<text:p><office:binary-data>QUFB<text:span>秘密★3年</text:span></office:binary-data></text:p>')
    assert findings(held, "notice.fodt") == ("odt", "block", "partial", [
        ("mark.state-secret", "body"), ("unreadable.extract", "body")])


def test_a_flat_file_in_a_pictures_or_an_objects_data_is_not_clear(form_fodt: bytes, soffice) -> None:
    """A flat file whose picture's (or OLE object's) data is another flat
    file, or a package holding one: read as the XML of a picture, its form's
    level and its header's were not seen as such, and it was clear (found by its second reader)."""
    import base64

    document = docx.Document()
    document.add_paragraph("关于开展年度检查工作的通知")
    odt = with_members(soffice(saved(document), "docx", "odt"), {"Pictures/form.fodt": form_fodt})
    fmt, verdict, extraction, found = findings(odt, "notice.odt")
    assert (fmt, verdict, extraction) == ("odt", "review", "partial") and ("unreadable.embedded", "embedded") in found

    data = base64.b64encode(form_fodt).decode()
    for holder in ("draw:image", "draw:object-ole"):
        fodt = flat_text(f'<text:p>关于开展年度检查工作的通知<draw:frame svg:width="2cm" svg:height="2cm"><{holder}>'
                         f'<office:binary-data>{data}</office:binary-data></{holder}></draw:frame></text:p>')
        fmt, verdict, extraction, found = findings(fodt, "notice.fodt")
        assert (fmt, verdict, extraction) == ("odt", "review", "partial"), holder
        assert ("unreadable.embedded", "embedded") in found, holder


def test_fields_in_fields_are_compared_with_their_text_once() -> None:
    """A field's value is compared with the text it shows: two thousand
    fields one in another round a long text read that text two thousand times
    (~10 s here; 100 MB of text, hours)."""
    import time

    depth = 2000
    fodt = flat_text('<text:p>' + '<text:span text:string-value="某">' * depth + "文字" * 1_000_000
                     + "</text:span>" * depth + "</text:p>")
    start = time.monotonic()
    assert findings(fodt, "notice.fodt", NO_LIBREOFFICE) == ("odt", "review", "partial", [("unreadable.format", "body")])
    assert time.monotonic() - start < 4


@pytest.mark.parametrize("label", ["是", "机密"])
def test_a_connectors_label_is_read_whole(soffice, label: str) -> None:
    """LibreOffice's PPTX holds no connector's or caption's text: a
    flowchart's 是 and 否 made an ordinary drawing review, its text read again
    as the change check's (found by its second reader); they are read whole, as a field's value is."""
    def shape(ident: str, x: int, text: str) -> str:
        return (f'<draw:rect draw:id="{ident}" svg:x="{x}cm" svg:y="1cm" svg:width="4cm" svg:height="2cm">'
                f'<text:p>{text}</text:p></draw:rect>')

    fodg = (f'<?xml version="1.0" encoding="UTF-8"?><office:document {NS} '
            'office:mimetype="application/vnd.oasis.opendocument.graphics"><office:body><office:drawing>'
            '<draw:page draw:name="page1">' + shape("a", 1, "提交申请") + shape("b", 10, "审批")
            + f'<draw:connector draw:start-shape="a" draw:end-shape="b" svg:x1="5cm" svg:y1="2cm" svg:x2="10cm" '
            f'svg:y2="2cm"><text:p>{label}</text:p></draw:connector><draw:caption svg:x="1cm" svg:y="6cm" '
            'svg:width="4cm" svg:height="2cm" draw:caption-point-x="0cm" draw:caption-point-y="0cm"><text:p>否则退回'
            '</text:p></draw:caption></draw:page></office:drawing></office:body></office:document>').encode()
    odg = soffice(fodg, "fodg", "odg")
    expected = [] if label == "是" else [("mark.bare-level", "content.xml")]
    assert findings(odg, "flow.odg") == ("odp", "clear" if label == "是" else "block", "full", expected)


def test_a_value_a_field_shows_with_other_blanks_is_not_read_again(soffice) -> None:
    """Spaces past the first and tabs are elements in the package (text:s,
    text:tab): a value holding them differed from the text the field shows,
    and was read again as text the field does not show."""

    decls = ('<text:variable-decls><text:variable-decl office:value-type="string" text:name="v"/>'
             '<text:variable-decl office:value-type="string" text:name="w"/></text:variable-decls>')
    odt = soffice(flat_text(
        f'{decls}<text:p>项目：<text:variable-set text:name="v" office:value-type="string" '
        'office:string-value="某工程  设计方案">某工程<text:s text:c="2"/>设计方案</text:variable-set>。</text:p>'
        '<text:p>类别：<text:variable-set text:name="w" office:value-type="string" office:string-value="一般&#9;文件">'
        '一般<text:tab/>文件</text:variable-set></text:p><text:p><text:conditional-text text:condition="ooow:1==1" '
        'text:string-value-if-true="甲  乙" text:string-value-if-false="丙">甲<text:s/> 乙</text:conditional-text>'
        '</text:p>'), "fodt", "odt")
    assert content_xml(odt, "plan.odt") == ["丙"]


def test_a_pictures_title_keeps_a_text_full(soffice) -> None:
    """LibreOffice's DOCX holds a picture's description, not its title (the
    alt text's 示意图): an ordinary text with a titled picture was review."""
    from docx.shared import Cm
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (60, 30), "white").save(picture, "PNG")
    for title in ("示意图", "机密"):
        document = docx.Document()
        document.add_paragraph("关于开展年度检查工作的通知")
        document.add_picture(io.BytesIO(picture.getvalue()), width=Cm(2))
        document.inline_shapes[0]._inline.docPr.set("title", title)
        document.inline_shapes[0]._inline.docPr.set("descr", "工程示意图")
        odt = soffice(saved(document), "docx", "odt")
        assert f"<svg:title>{title}</svg:title>".encode() in zipfile.ZipFile(io.BytesIO(odt)).read("content.xml")
        assert findings(odt, "notice.odt") == (("odt", "clear", "full", []) if title == "示意图" else
                                               ("odt", "block", "full", [("mark.bare-level", "content.xml")]))
