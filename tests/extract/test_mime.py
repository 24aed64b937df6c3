"""Single-file web pages (.mht, as Word and browsers save them) and e-mail
messages (.eml) are decoded, not read as raw text: their bodies are
quoted-printable or base64 in their own charset, so the mark was never seen
(the red-team run).  Each file is written by Python's email package."""
from __future__ import annotations

import io
from email import charset as email_charset
from email.message import EmailMessage
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

import docx
from PIL import Image

from scanner import scan_bytes

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
