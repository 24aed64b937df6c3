"""DOCX: a mark planted in every place a leak hides is found in the right
part, at a span that points at the mark in that part's text."""
from __future__ import annotations

import docx
import pytest

from scanner import scan_bytes
from scanner.config import Limits
from scanner.extract import extract

CT = "application/vnd.openxmlformats-officedocument.wordprocessingml."
FOOTNOTE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
ENDNOTE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes"
COMMENTS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"

# place -> (mark number, part it must be reported in)
PLACES = {
    "body": (1, "body"), "nested table": (2, "table"), "default header": (3, "header"),
    "first-page header": (4, "header"), "even footer": (5, "footer"), "footnote": (6, "footnote"),
    "endnote": (7, "endnote"), "comment": (8, "comment"), "drawingml textbox": (9, "textbox"),
    "vml textbox": (10, "textbox"), "hidden run": (11, "hidden"), "tracked deletion": (12, "deleted"),
    "tracked insertion": (13, "body"), "field code": (14, "field"), "field result": (15, "body"),
    "title": (16, "properties:title"), "company": (17, "properties:company"),
    "custom property": (18, "properties:密级"),
    "watermark": (19, "watermark"), "hidden style": (20, "hidden"),
}


def build_everywhere(b) -> bytes:
    m = {place: b.mark(n) for place, (n, _) in PLACES.items()}
    d = docx.Document()
    d.core_properties.title = f"通知 {m['title']}"
    d.core_properties.author = "办公室"
    d.add_paragraph(f"正文开始 {m['body']} 正文结束")
    outer = d.add_table(rows=1, cols=2)
    outer.cell(0, 1).add_table(rows=1, cols=1).cell(0, 0).text = f"内层 {m['nested table']}"
    section = d.sections[0]
    section.different_first_page_header_footer = True
    d.settings.odd_and_even_pages_header_footer = True
    section.header.paragraphs[0].text = f"页眉 {m['default header']}"
    section.first_page_header.paragraphs[0].text = f"首页 {m['first-page header']}"
    section.even_page_footer.paragraphs[0].text = f"偶数页脚 {m['even footer']}"
    data = b.docx_bytes(d)
    textbox = (
        '<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx>'
        f'<w:txbxContent>{b.para(b.run("文本框 " + m["drawingml textbox"]))}</w:txbxContent>'
        '</wps:txbx></wps:wsp></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>'
        f'<w:txbxContent>{b.para(b.run("文本框 " + m["drawingml textbox"]))}</w:txbxContent>'
        '</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>'
        '<w:p><w:r><w:pict><v:shape><v:textbox>'
        f'<w:txbxContent>{b.para(b.run("旧式 " + m["vml textbox"]))}</w:txbxContent>'
        '</v:textbox></v:shape></w:pict></w:r></w:p>'
    )
    tracked = b.para(
        b.run("可见 "), b.run(m["hidden run"], "<w:vanish/>"),
        f'<w:del w:id="1" w:author="a"><w:r><w:delText>{m["tracked deletion"]}</w:delText></w:r></w:del>',
        f'<w:ins w:id="2" w:author="a">{b.run(m["tracked insertion"])}</w:ins>',
        b.run(m["hidden style"], '<w:rStyle w:val="Secret"/>'))
    field = b.para(
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r><w:instrText xml:space="preserve"> QUOTE {m["field code"]} </w:instrText></w:r>',
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>', b.run(m["field result"]),
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
    data = b.insert_body_xml(data, textbox + tracked + field)
    data = b.add_part(data, "word/footnotes.xml", CT + "footnotes+xml", b.story_xml(
        "footnotes", f'<w:footnote w:id="1">{b.para(b.run("脚注 " + m["footnote"]))}</w:footnote>'), FOOTNOTE)
    data = b.add_part(data, "word/endnotes.xml", CT + "endnotes+xml", b.story_xml(
        "endnotes", f'<w:endnote w:id="1">{b.para(b.run("尾注 " + m["endnote"]))}</w:endnote>'), ENDNOTE)
    data = b.add_part(data, "word/comments.xml", CT + "comments+xml", b.story_xml(
        "comments", f'<w:comment w:id="0" w:author="审核">{b.para(b.run("批注 " + m["comment"]))}</w:comment>'),
        COMMENTS)
    custom = ('<?xml version="1.0" encoding="UTF-8"?><Properties xmlns="http://schemas.openxmlformats.org/'
              'officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
              '2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="密级">'
              f'<vt:lpwstr>{m["custom property"]}</vt:lpwstr></property></Properties>')
    data = b.add_part(data, "docProps/custom.xml", "application/vnd.openxmlformats-officedocument."
                      "custom-properties+xml", custom, CUSTOM, source_rels="_rels/.rels")
    watermark = f'<w:p><w:r><w:pict><v:shape><v:textpath string="{m["watermark"]}"/></v:shape></w:pict></w:r></w:p>'
    style = ('<w:style w:type="character" w:styleId="Secret"><w:name w:val="Secret"/>'
             '<w:rPr><w:vanish/></w:rPr></w:style></w:styles>')
    return b.zip_edit(data, edit={
        "docProps/app.xml": lambda t: t.replace("</Properties>", f"<Company>单位 {m['company']}</Company></Properties>"),
        "word/header1.xml": lambda t: t.replace("</w:hdr>", watermark + "</w:hdr>"),
        "word/styles.xml": lambda t: t.replace("</w:styles>", style),
    })


@pytest.fixture(scope="module")
def everywhere(b) -> bytes:
    return build_everywhere(b)


@pytest.mark.parametrize("place", PLACES)
def test_each_place_yields_its_part_and_span(everywhere: bytes, place: str) -> None:
    n, part = PLACES[place]
    doc = extract(everywhere, "notice.docx", Limits())
    parts = {p.name: p.text for p in doc.parts}
    needle = f"机密★{n}年"
    assert part in parts, f"{place}: no part {part} in {sorted(parts)}"
    start = parts[part].find(needle)
    assert start >= 0, f"{place}: {needle} not in part {part}: {parts[part]!r}"
    # the mark is in exactly one place: hidden, deleted and textbox text is not duplicated into the body
    elsewhere = [name for name, text in parts.items() if needle in text and name != part]
    assert elsewhere == []
    assert parts[part].count(needle) == 1


def test_scan_reports_every_place_with_honest_spans(everywhere: bytes) -> None:
    doc = extract(everywhere, "notice.docx", Limits())
    texts = {p.name: p.text for p in doc.parts}
    [result] = scan_bytes(everywhere, "notice.docx")
    assert result.verdict.value == "block"
    assert result.format == "docx" and result.extraction.value == "full"
    marks = [(f.part, f.text) for f in result.findings if f.rule.startswith("mark.")]
    for place, (n, part) in PLACES.items():
        assert any(p == part and f"机密★{n}年" in text for p, text in marks), place
    for f in result.findings:
        if f.start is not None:
            assert texts[f.part][f.start:f.end] == f.text
    rules = {f.rule for f in result.findings}
    assert {"hidden.comments", "hidden.tracked-changes", "hidden.text"} <= rules


def test_presence_of_comments_alone_is_review(b) -> None:
    d = docx.Document()
    d.add_paragraph("公开的通知正文。")
    data = b.add_part(b.docx_bytes(d), "word/comments.xml", CT + "comments+xml", b.story_xml(
        "comments", f'<w:comment w:id="0" w:author="a">{b.para(b.run("请再核对数字"))}</w:comment>'), COMMENTS)
    [result] = scan_bytes(data, "plain.docx")
    assert result.verdict.value == "review"
    assert [f.rule for f in result.findings] == ["hidden.comments"]


def test_clean_docx_is_clear() -> None:
    d = docx.Document()
    d.add_paragraph("关于举办运动会的通知。")
    buf = __import__("io").BytesIO()
    d.save(buf)
    [result] = scan_bytes(buf.getvalue(), "clean.docx")
    assert result.verdict.value == "clear", result.findings
    assert result.extraction.value == "full"


def test_docx_named_txt_is_read_as_docx(everywhere: bytes) -> None:
    [result] = scan_bytes(everywhere, "readme.txt")
    assert result.format == "docx"
    assert any(f.part == "footnote" and f.text == "机密★6年" for f in result.findings)


def test_truncated_docx_is_never_clear(everywhere: bytes) -> None:
    [result] = scan_bytes(everywhere[: len(everywhere) // 2], "cut.docx")
    assert result.format == "docx"
    assert result.verdict.value == "review"
    assert result.extraction.value == "failed"
    assert any(f.category == "unreadable" for f in result.findings)


def test_embedded_object_is_not_silently_cleared(b) -> None:
    d = docx.Document()
    d.add_paragraph("公开的通知正文。")
    data = b.zip_edit(b.docx_bytes(d), replace={"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0opaque"})
    [result] = scan_bytes(data, "with-object.docx")
    assert result.verdict.value == "review" and result.extraction.value == "partial"
    [finding] = result.findings
    assert finding.rule == "unreadable.embedded" and dict(finding.details)["object"] == "word/embeddings/oleObject1.bin"


def _styled_hidden(b, styles_edit) -> bytes:
    """A DOCX whose run uses character style Secret, defined hidden by ``styles_edit``."""
    d = docx.Document()
    d.add_paragraph("公开的正文。")
    data = b.insert_body_xml(b.docx_bytes(d), b.para(b.run("机密★3年", '<w:rStyle w:val="Secret"/>')))
    return b.zip_edit(data, edit={"word/styles.xml": styles_edit})


@pytest.mark.parametrize("how", ["entity", "utf-16", "utf-16-le", "utf-32-le"])
def test_a_hidden_style_is_found_however_styles_xml_is_written(b, how: str) -> None:
    """styles.xml is passed over unparsed when its bytes hold no "vanish": a
    hidden style written through a DTD entity (its character references
    spell the element) or in UTF-16 must still be read."""
    style = '<w:style w:type="character" w:styleId="Secret"><w:name w:val="Secret"/><w:rPr>{}</w:rPr></w:style>'
    if how == "entity":
        def edit(t: str) -> str:
            head, _, rest = t.partition("<w:styles ")
            dtd = ('<!DOCTYPE w:styles [<!ENTITY h "&#60;v&#97;nish '
                   'xmlns=\'http://schemas.openxmlformats.org/wordprocessingml/2006/main\'/&#62;">]>')
            return head + dtd + "<w:styles " + rest.replace("</w:styles>", style.format("&h;") + "</w:styles>")
        data = _styled_hidden(b, edit)
    else:
        d = docx.Document()
        d.add_paragraph("公开的正文。")
        plain = b.insert_body_xml(b.docx_bytes(d), b.para(b.run("机密★3年", '<w:rStyle w:val="Secret"/>')))
        import io
        import zipfile
        text = zipfile.ZipFile(io.BytesIO(plain)).read("word/styles.xml").decode("utf-8")
        text = text.replace('encoding="UTF-8"', f'encoding="{how[:6].upper()}"').replace(
            "</w:styles>", style.format("<w:vanish/>") + "</w:styles>")
        # "utf-16" writes a byte-order mark; the -le codecs do not (libxml2 tells them by the NUL bytes)
        data = b.zip_edit(plain, replace={"word/styles.xml": text.encode(how)})
    parts = {p.name: p.text for p in extract(data, "styled.docx", Limits()).parts}
    assert "机密★3年" in parts.get("hidden", ""), parts


def test_a_template_without_hidden_styles_reads_the_same(b) -> None:
    """The common case the shortcut is for: python-docx's template (no vanish)."""
    data = _styled_hidden(b, lambda t: t)
    parts = {p.name: p.text for p in extract(data, "plain.docx", Limits()).parts}
    assert "机密★3年" in parts["body"] and "hidden" not in parts


@pytest.mark.parametrize("hides", [False, True])
def test_a_malformed_styles_part_matters_only_where_it_can_hide_text(b, hides: bool) -> None:
    """styles.xml holds no text: like settings.xml or numbering.xml it is
    read only for what it can hide. Cut in half, one that could define a
    hidden style makes the item unreadable (as before); one that cannot is
    passed over and the document's text is read in full."""
    style = '<w:style w:type="character" w:styleId="Secret"><w:rPr><w:vanish/></w:rPr></w:style>'

    def cut(text: str) -> str:
        if hides:  # the style first, so the half that is kept has it
            opening = text.index(">", text.index("<w:styles")) + 1
            text = text[:opening] + style + text[opening:]
        return text[: len(text) // 2]
    data = _styled_hidden(b, cut)
    [result] = scan_bytes(data, "cut-styles.docx")
    if hides:
        assert result.extraction.value != "full"
        assert any(f.rule.startswith("unreadable") and "styles.xml" in f.reason for f in result.findings)
    else:
        assert result.extraction.value == "full"
        assert any(f.text == "机密★3年" and f.part == "body" for f in result.findings)
