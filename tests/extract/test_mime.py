"""Single-file web pages (.mht, as Word and browsers save them) and e-mail
messages (.eml) are decoded, not read as raw text: their bodies are
quoted-printable or base64 in their own charset, so the mark was never seen
(the red-team run).  Each file is written by Python's email package."""
from __future__ import annotations

import base64
import io
from email import charset as email_charset
from email.message import EmailMessage
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
    utf8 = email_charset.Charset("utf-8")
    utf8.body_encoding = email_charset.QP
    mht = MIMEMultipart("related")
    mht["Subject"] = "通知"
    mht["MIME-Version"] = "1.0"
    for text, subtype, location in ((page, "html", "https://example.invalid/notice.htm"),
                                    (sheet, "css", "https://example.invalid/style.css")):
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
