"""Single-file web pages (.mht, as Word and browsers save them) and e-mail
messages (.eml) are decoded, not read as raw text: their bodies are
quoted-printable or base64 in their own charset, so the mark was never seen
(the red-team run).  Each file is written by Python's email package."""
from __future__ import annotations

import base64
import io
import quopri
from email import charset as email_charset
from email.message import EmailMessage
from email.mime.base import MIMEBase
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

import docx
import pytest
from PIL import Image

from scanner import scan_bytes
from scanner.config import ScanConfig
from scanner.extract import extract

MARK = "机密★5年"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(out, "PNG")
    return out.getvalue()


def test_a_web_page_saved_as_mht_in_gb2312_quoted_printable() -> None:
    email_charset.add_charset("gb2312", email_charset.QP, email_charset.QP)
    page = MIMEMultipart("related")
    page["Subject"] = "通知"
    page["MIME-Version"] = "1.0"
    html = MIMEText(f"<html><body><p>{MARK}</p><p>关于开展工作的通知</p><img src='image001.png'></body></html>",
                    "html", "gb2312")
    html["Content-Location"] = "file:///C:/notice.htm"
    page.attach(html)
    picture = MIMEImage(_png(), "png")
    picture["Content-Location"] = "file:///C:/notice.files/image001.png"
    page.attach(picture)
    data = page.as_bytes()
    assert MARK.encode("gb2312", "ignore") not in data and MARK.encode() not in data
    outer, inner = scan_bytes(data, "notice.mht")
    assert (outer.format, [(f.rule, f.part) for f in outer.findings]) == ("mime", [("mark.state-secret", "text:1")])
    assert (inner.item, inner.format) == ("notice.mht!image001.png", "image")


def test_an_email_with_a_subject_a_base64_body_and_an_attachment() -> None:
    message = EmailMessage()
    message["Subject"] = f"{MARK} 会议纪要"
    message["From"] = "办公室 <office@example.invalid>"
    message["To"] = "all@example.invalid"
    message.set_content("各位：\n附件为会议纪要。\n", cte="base64")
    report = docx.Document()
    report.add_paragraph("秘密★1年")
    out = io.BytesIO()
    report.save(out)
    message.add_attachment(out.getvalue(), maintype="application",
                           subtype="vnd.openxmlformats-officedocument.wordprocessingml.document", filename="纪要.docx")
    results = scan_bytes(message.as_bytes(), "minutes.eml")
    assert [(r.item, r.format, [(f.level, f.part) for f in r.findings if f.category == "mark"]) for r in results] == [
        ("minutes.eml", "mime", [("机密", "headers")]), ("minutes.eml!纪要.docx", "docx", [("秘密", "body")])]


def _forwarding(inner: EmailMessage, cte: str) -> bytes:
    """A message forwarding ``inner`` as an attachment (``message/rfc822``),
    as written (``8bit``) or, as some mailers do though RFC 2046 forbids it,
    in base64 or quoted-printable."""
    outer = EmailMessage()
    outer["Subject"] = "转发：通知"
    outer["From"] = "office@example.invalid"
    outer.set_content("见转发的邮件。")
    outer.add_attachment(inner)
    data = outer.as_bytes()
    if cte == "8bit":
        return data
    written = inner.as_bytes()
    encoded = base64.encodebytes(written) if cte == "base64" else quopri.encodestring(written)
    head, _, rest = data.partition(b"Content-Type: message/rfc822\n")
    assert written.strip() in rest
    return (head + b"Content-Type: message/rfc822\nContent-Transfer-Encoding: " + cte.encode() + b"\n"
            + rest.replace(written.strip(), encoded.strip()))


@pytest.mark.parametrize("cte", ["8bit", "base64", "quoted-printable"])
def test_a_forwarded_message_s_headers_and_text(cte: str) -> None:
    """A message forwarded inside another has headers of its own, its
    subject ``headers:1``; forwarded in base64 or quoted-printable, ``email``
    parsed it as it stood (base64 a body without headers) and its text was
    never read: each was cleared."""
    inner = EmailMessage()
    inner["Subject"] = f"{MARK} 通知"
    inner["From"] = "办公室 <office@example.invalid>"
    inner.set_content("各位：请按要求做好准备。")
    result = scan_bytes(_forwarding(inner, cte), "forward.eml")[0]
    assert (result.verdict.value, result.extraction.value) == ("block", "full")
    assert [(f.rule, f.part) for f in result.findings] == [("mark.state-secret", "headers:1")]
    inner.replace_header("Subject", "通知")
    inner.set_content(f"各位：\n{MARK}\n请按要求做好准备。", cte="8bit")
    result = scan_bytes(_forwarding(inner, cte), "forward.eml")[0]
    assert [(f.rule, f.part) for f in result.findings] == [("mark.state-secret", "text:2")]
    inner.set_content("各位：请按要求做好准备。")
    result = scan_bytes(_forwarding(inner, cte), "forward.eml")[0]
    assert (result.verdict.value, result.extraction.value, result.findings) == ("clear", "full", ())


def test_plain_text_that_starts_like_a_letter_stays_text() -> None:
    assert scan_bytes("From: 办公室\n关于开展工作的通知\n".encode(), "letter.txt")[0].format == "text"


_ESCAPED = "".join(f"\\{ord(ch):x} " if ord(ch) > 127 else ch for ch in MARK)  # \673a \5bc6 ...


def _page_with_style_sheet(sheet: str, kind: str) -> bytes:
    """A page and its style sheet in one file: an MHT as a browser saves
    one (the sheet a ``text/css`` part of ``multipart/related``, quoted-
    printable, in UTF-8), or an e-mail whose HTML body has the sheet as a
    related part."""
    page = "<html><head><link rel='stylesheet' href='style.css'></head><body><p>关于开展工作的通知</p></body></html>"
    if kind == "eml":
        message = EmailMessage()
        message["Subject"] = "通知"
        message.set_content(page, subtype="html")
        message.add_related(sheet, subtype="css", cte="quoted-printable")
        return message.as_bytes()
    return _web_archive([(page, "html", "https://example.invalid/notice.htm"),
                         (sheet, "css", "https://example.invalid/style.css")])


def _web_archive(parts: list[tuple[str, str, str]]) -> bytes:
    """An MHT as a browser saves one: ``multipart/related``, each (text,
    subtype, location) a quoted-printable part in UTF-8."""
    utf8 = email_charset.Charset("utf-8")
    utf8.body_encoding = email_charset.QP
    mht = MIMEMultipart("related")
    mht["Subject"] = "通知"
    mht["MIME-Version"] = "1.0"
    for text, subtype, location in parts:
        part = MIMEText(text, subtype, utf8)  # type: ignore[arg-type]
        part["Content-Location"] = location
        mht.attach(part)
    return mht.as_bytes()


@pytest.mark.parametrize("kind", ["mht", "eml"])
@pytest.mark.parametrize(("sheet", "part"), [
    (f'.stamp::after {{ content: "{_ESCAPED}" }}', "text:2:style"),
    (f"/* {_ESCAPED} */ p {{ color: red }}", "text:2:style"),
    (f".a {{ background: url(data:text/plain;base64,{base64.b64encode(MARK.encode()).decode()}) }}", "text:2:data-uri"),
], ids=["content", "comment", "data-uri"])
def test_a_style_sheet_part_is_read_as_a_css_file(kind: str, sheet: str, part: str) -> None:
    """A ``text/css`` part is read as a ``.css`` file is: its escaped
    strings and comments decoded (``style``), its ``data:`` URIs (``data-uri``),
    beside the sheet as written (``text:N``); read as plain text before, cleared."""
    result = scan_bytes(_page_with_style_sheet(sheet, kind), f"notice.{kind}")[0]
    assert (result.format, result.extraction.value) == ("mime", "full")
    assert [(f.rule, f.part) for f in result.findings] == [("mark.state-secret", part)]


def test_a_style_sheet_part_is_read_once() -> None:
    """A mark written as it stands in the sheet is read in ``text:N``, not
    again as ``style``; an escaped 公开 is read and clear."""
    result = scan_bytes(_page_with_style_sheet(f'.stamp::after {{ content: "{MARK}" }}', "mht"), "notice.mht")[0]
    assert [(f.rule, f.part) for f in result.findings] == [("mark.state-secret", "text:2")]
    data = _page_with_style_sheet('.stamp::after { content: "\\516c\\5f00" }', "mht")
    assert {p.name: p.text for p in extract(data, "notice.mht", ScanConfig().limits).parts}["text:2:style"] == "公开"
    assert scan_bytes(data, "notice.mht")[0].verdict.value == "clear"


def _page(page: str, kind: str) -> bytes:
    """A page in a web archive (an MHT as a browser saves one, the page
    quoted-printable in UTF-8) or as an e-mail's HTML body (base64)."""
    if kind == "eml":
        message = EmailMessage()
        message["Subject"] = "通知"
        message.set_content(page, subtype="html", cte="base64")
        return message.as_bytes()
    return _web_archive([(page, "html", "https://example.invalid/notice.htm")])


_SVG = f'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="5" y="30">{MARK}</text></svg>'


@pytest.mark.parametrize("kind", ["mht", "eml"])
@pytest.mark.parametrize(("element", "part"), [
    (f'<img src="image001.png" alt="{MARK}">', "text:1:attributes"),
    (f"<!-- {MARK} -->", "text:1:html-comment"),
    (f"<script>var level = '{MARK}';</script>", "text:1:script"),
    (f'<style>.stamp::after {{ content: "{_ESCAPED}" }}</style>', "text:1:style"),
    (f"<template><p>{MARK}</p></template>", "text:1:template"),
    (f'<a href="data:text/plain;base64,{base64.b64encode(MARK.encode()).decode()}">附件</a>', "text:1:data-uri"),
    (f'<img src="data:image/svg+xml;base64,{base64.b64encode(_SVG.encode()).decode()}">', "text:1:img:1"),
    (f'<meta name="description" content="{MARK}">', "text:1:meta"),
], ids=["alt", "comment", "script", "style", "template", "data-uri", "img", "meta"])
def test_an_html_part_is_read_as_an_html_file(kind: str, element: str, part: str) -> None:
    """An HTML part is read as an ``.html`` file is, its parts under its own:
    read with the markup stripped before, a picture's alt text, a comment, a
    script's string, a ``data:`` URI or picture was lost and the page cleared."""
    page = f"<html><head><title>通知</title></head><body><p>关于开展工作的通知</p>{element}</body></html>"
    result = scan_bytes(_page(page, kind), f"notice.{kind}")[0]
    assert (result.format, result.extraction.value) == ("mime", "full")
    assert [(f.rule, f.part) for f in result.findings] == [("mark.state-secret", part)]


def test_an_html_part_s_visible_text_is_read_once() -> None:
    """The page's visible text is ``text:N`` (as the stripped text was), its
    title and hidden text parts beside it: each mark is one finding; a
    bare level among a page's alt texts is a mark as in an ``.html`` file's
    ``attributes`` (not a line deep in a body); a clean page stays clear."""
    page = (f"<html><head><title>{MARK}</title></head><body><p>说明</p><p>{MARK}</p>"
            f"<div hidden>{MARK}</div></body></html>")
    result = scan_bytes(_page(page, "mht"), "notice.mht")[0]
    assert sorted((f.rule, f.part) for f in result.findings) == [
        ("mark.state-secret", "text:1"), ("mark.state-secret", "text:1:hidden"), ("mark.state-secret", "text:1:title")]
    alts = "".join(f'<img src="image00{n}.png" alt="{alt}">' for n, alt in enumerate(["图一", "图二", "图三", "机密"]))
    result = scan_bytes(_page(f"<html><body><p>说明</p>{alts}</body></html>", "mht"), "notice.mht")[0]
    assert [(f.rule, f.part) for f in result.findings] == [("mark.bare-level", "text:1:attributes")]
    clean = ("<html><head><title>通知</title><style>p { color: red }</style></head><body><p>关于开展工作的通知</p>"
             '<img src="image001.png" alt="图一"><!-- 公开 --><script>var a = "公开";</script></body></html>')
    for kind in ("mht", "eml"):
        result = scan_bytes(_page(clean, kind), f"notice.{kind}")[0]
        assert (result.verdict.value, result.extraction.value, result.findings) == ("clear", "full", ())


def test_an_html_part_read_in_part_is_not_cleared() -> None:
    """Text the HTML parser drops (after ``</html>``) is read with the markup
    stripped, and the page, read in part, is ``review`` (cleared before); a
    page the parser finds empty too; a file in a ``data:`` URI is not read and
    says so."""
    result = scan_bytes(_page("<html><body><p>说明</p></body></html>附注", "mht"), "notice.mht")[0]
    assert (result.verdict.value, result.extraction.value) == ("review", "partial")
    assert [(f.rule, f.part) for f in result.findings] == [("unreadable.extract", "text:1")]
    document = extract(_page("<html><body><p>说明</p></body></html>附注", "mht"), "notice.mht", ScanConfig().limits)
    assert {p.name: p.text for p in document.parts}["text:1:markup-text"] == "说明   附注"
    result = scan_bytes(_page("<!-- 说明 -->", "eml"), "notice.eml")[0]
    assert [(f.rule, f.part) for f in result.findings] == [("unreadable.extract", "text:1")]
    pdf = base64.b64encode(b"%PDF-1.4\n%%EOF\n").decode()
    page = f'<html><body><p>说明</p><a download href="data:application/pdf;base64,{pdf}">下载</a></body></html>'
    result = scan_bytes(_page(page, "eml"), "notice.eml")[0]
    assert [(f.rule, f.part) for f in result.findings] == [("unreadable.embedded", "text:1:data-uri")]


@pytest.mark.parametrize("kind", ["mht", "eml"])
def test_text_after_the_page_is_found_though_its_characters_are_in_an_alt_text(kind: str) -> None:
    """A footer a mail gateway appended after ``</html>`` is dropped by the
    parser and read with the markup stripped; an alt text holding its
    characters (机构, 密码, 年度) hid the loss and the message was cleared,
    where read with the markup stripped before it was found."""
    page = '<html><body><p>说明</p><img src="image001.png" alt="机构密码年度"></body></html>\n' + MARK
    result = scan_bytes(_page(page, kind), f"notice.{kind}")[0]
    assert (result.verdict.value, result.extraction.value) == ("block", "partial")
    assert [(f.rule, f.part) for f in result.findings] == [("unreadable.extract", "text:1"),
                                                           ("mark.state-secret", "text:1:markup-text")]


@pytest.mark.parametrize(("xml", "part"), [
    (f'<?xml version="1.0" encoding="utf-8"?><doc><item level="{MARK}">说明</item></doc>', "text:2:attributes"),
    (f"<doc><p>说明</p><![CDATA[{MARK}]]></doc>", "text:2"),
    (f"<doc><p>说明</p><!-- {MARK} --></doc>", "text:2:xml-comment"),
], ids=["attribute", "cdata", "comment"])
def test_an_xml_part_is_read_as_an_xml_file(xml: str, part: str) -> None:
    """A ``text/xml`` part (Word's ``filelist.xml`` in a web archive, a
    data file a message carries) is read as an ``.xml`` file is, in the
    part's charset whatever its declaration says: read with the markup
    stripped before, an attribute's value, a CDATA section and a comment
    holding 机密★5年 were cleared."""
    email_charset.add_charset("gb2312", email_charset.QP, email_charset.QP)
    mht = MIMEMultipart("related")
    mht["MIME-Version"] = "1.0"
    mht.attach(MIMEText("<html><body><p>通知</p></body></html>", "html", "gb2312"))
    mht.attach(MIMEText(xml, "xml", "gb2312"))
    result = scan_bytes(mht.as_bytes(), "notice.mht")[0]
    assert (result.verdict.value, result.extraction.value) == ("block", "full")
    assert [(f.rule, f.part) for f in result.findings] == [("mark.state-secret", part)]


@pytest.mark.parametrize("subtype", ["plain", "html"])
def test_a_part_without_a_charset_read_with_replacements_is_not_cleared(subtype: str) -> None:
    """A text part that names no charset and whose bytes no encoding reads
    (its mark's 密 with a byte that is not UTF-8) was read with replacements and
    cleared: ``unreadable.encoding``, as a text file's; one that names none
    and reads as UTF-8 stays clear."""
    written = f"<p>关于开展工作的通知</p><p>{MARK}</p>" if subtype == "html" else f"关于开展工作的通知\n{MARK}\n"
    damaged = written.encode().replace("密".encode(), "密".encode()[:2] + b"\xff")
    part = MIMEBase("text", subtype)
    part.set_payload(base64.encodebytes(damaged).decode())
    part["Content-Transfer-Encoding"] = "base64"
    message = MIMEMultipart("mixed")
    message["Subject"] = "通知"
    message.attach(part)
    result = scan_bytes(message.as_bytes(), "notice.eml")[0]
    assert (result.verdict.value, result.extraction.value) == ("review", "partial")
    assert [f.rule for f in result.findings] == ["unreadable.encoding"]
    part.set_payload(base64.encodebytes("关于开展工作的通知".encode()).decode())
    result = scan_bytes(message.as_bytes(), "notice.eml")[0]
    assert (result.verdict.value, result.extraction.value, result.findings) == ("clear", "full", ())


def test_an_html_part_keeps_its_charset() -> None:
    """A page in GB2312, quoted-printable, as Word saves one: its alt text
    decoded in the part's charset."""
    email_charset.add_charset("gb2312", email_charset.QP, email_charset.QP)
    mht = MIMEMultipart("related")
    mht["MIME-Version"] = "1.0"
    mht.attach(MIMEText(f"<html><body><p>通知</p><img src='image001.png' alt='{MARK}'></body></html>",
                        "html", "gb2312"))
    data = mht.as_bytes()
    assert MARK.encode("gb2312", "ignore") not in data
    result = scan_bytes(data, "notice.mht")[0]
    assert [(f.rule, f.part) for f in result.findings] == [("mark.state-secret", "text:1:attributes")]


def _forwarded_within(inner: EmailMessage, levels: int) -> bytes:
    """``inner`` forwarded ``levels`` times, each message holding the one before (``message/rfc822``)."""
    data = inner.as_bytes()
    for level in range(levels):
        data = f"Subject: 转发 {level}\nContent-Type: message/rfc822\n\n".encode() + data
    return data


def test_messages_forwarded_a_thousand_deep_are_not_read_and_say_so() -> None:
    """email's parser recurses once a level: a thousand raised RecursionError
    out of the reader and, listing the parts that are not text, out of the
    scan itself.  Past ``_MAX_NESTING`` the item is unreadable (review); a
    chain of fifty forwards is read to its end."""
    inner = EmailMessage()
    inner["Subject"] = f"{MARK} 通知"
    inner.set_content("各位：请按要求做好准备。")
    result = scan_bytes(_forwarded_within(inner, 1000), "deep.eml")[0]
    assert (result.verdict.value, result.extraction.value) == ("review", "failed")
    assert [(f.rule, f.part) for f in result.findings] == [("unreadable.extract", "item")]
    result = scan_bytes(_forwarded_within(inner, 50), "forward.eml")[0]
    assert (result.verdict.value, result.extraction.value) == ("block", "full")
    assert [(f.rule, f.part) for f in result.findings] == [("mark.state-secret", "headers:50")]


def _labelled(body: bytes, subtype: str, charset: str) -> bytes:
    """A message whose one text part is labelled ``charset`` whatever its bytes are (a mailer's setting)."""
    message = EmailMessage()
    message["Subject"] = "notice"
    message["From"] = "office@example.org"
    message.set_content(body, maintype="text", subtype=subtype, cte="quoted-printable")
    message.replace_header("Content-Type", f"text/{subtype}; charset={charset}")
    return message.as_bytes()


@pytest.mark.parametrize("charset", ["iso-8859-1", "windows-1252"])
@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
@pytest.mark.parametrize(("subtype", "body", "part"), [
    ("plain", "机密★5年\n关于开展工作的通知\n", "text:1"),
    ("html", "<html><body><p>机密★5年</p><p>关于开展工作的通知</p></body></html>", "text:1:charset-reading"),
])
def test_chinese_text_labelled_latin_1_is_read_as_chinese_too(charset: str, encoding: str, subtype: str, body: str,
                                                            part: str) -> None:
    """UTF-8 or GBK text a mailer labels iso-8859-1 or windows-1252 reads
    without error in the declared charset, as other letters, and its mark
    was cleared; the reading a text file's bytes get is scanned beside it
    (the part's lines, or an HTML part's ``charset-reading``).  A message
    that is Latin-1 keeps only its own reading."""
    [result] = scan_bytes(_labelled(body.encode(encoding), subtype, charset), "notice.eml")
    assert result.extraction.value == "full"
    assert [(f.rule, f.part, f.text) for f in result.findings if f.category == "mark"] == [
        ("mark.state-secret", part, "机密★5年")]
    doc = extract(_labelled("Café crème, déjà vu.\n".encode("latin-1"), "plain", charset), "note.eml", ScanConfig().limits)
    assert [p.name for p in doc.parts if p.name.startswith("text:")] == ["text:1"]
    assert "Café crème" in next(p.text for p in doc.parts if p.name == "text:1")
