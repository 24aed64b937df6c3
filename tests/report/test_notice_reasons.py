"""Notices of what could not be read say so in Chinese too: a vector-drawn
PDF page, an embedded object, a picture that cannot be decoded (these once
showed their English reason after the rule's Chinese name).  A notice's
basis is its rule's, from the catalogue."""
from __future__ import annotations

import base64
import io
import zipfile

import docx
from reportlab.pdfgen import canvas

from scanner import scan_bytes
from scanner.types import Finding


def unreadable(data: bytes, name: str) -> list[Finding]:
    [result] = scan_bytes(data, name)[:1]
    assert result.verdict.value == "review"
    return [f for f in result.findings if f.category == "unreadable"]


def test_a_vector_drawn_page() -> None:
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.rect(100, 100, 200, 200, fill=1)
    c.showPage()
    c.save()
    [notice] = unreadable(buf.getvalue(), "drawn.pdf")
    assert notice.to_dict(lang="zh")["reason"] == "第 1 页没有文字层：页面由矢量路径绘制，未读出任何文字"
    assert notice.to_dict(lang="en")["reason"].startswith("page 1 has no text layer")


def test_an_embedded_object() -> None:
    d = docx.Document()
    d.add_paragraph("公开的通知正文。")
    plain = io.BytesIO()
    d.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("word/embeddings/oleObject1.bin", b"\xd0\xcf\x11\xe0opaque")
    [notice] = unreadable(out.getvalue(), "with-object.docx")
    assert notice.rule == "unreadable.embedded"
    assert notice.to_dict(lang="zh")["reason"] == "嵌入对象未扫描：word/embeddings/oleObject1.bin"


def test_pictures_that_cannot_be_decoded() -> None:
    garbage = base64.b64encode(b"\x89PNG\r\n\x1a\n not a picture").decode()
    page = (f'<html><body><p>通知</p><img src="data:image/png;base64,{garbage}">'
            '<img src="data:image/png;base64,@@@"></body></html>')
    first, second = unreadable(page.encode(), "page.html")
    assert first.to_dict(lang="zh")["reason"].startswith("图片 img:1 无法解码：")
    assert second.to_dict(lang="zh")["reason"].startswith("图片 img:2：其 data: URI 不是有效的 base64（")


def test_an_odd_member_name_cites_its_basis_in_chinese() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("../escape.txt", "公开材料")
    [result, *_] = scan_bytes(out.getvalue(), "odd.zip")
    [notice] = [f for f in result.findings if f.rule == "metadata.unsafe-member-name"]
    assert notice.to_dict(lang="zh")["basis"] == "压缩包成员名称随文件一并公开；异常名称会掩盖成员的真实内容"


def test_hidden_content_cites_its_basis_from_the_catalogue() -> None:
    d = docx.Document()
    d.add_paragraph("公开的通知正文。").add_run("隐藏的一句。").font.hidden = True
    buf = io.BytesIO()
    d.save(buf)
    [result] = scan_bytes(buf.getvalue(), "hidden.docx")
    [notice] = [f for f in result.findings if f.rule == "hidden.text"]
    assert notice.to_dict(lang="zh")["basis"] == "公开审查实践：隐藏内容随文件一并公开"
    assert notice.to_dict(lang="en")["basis"] == "disclosure review practice: hidden content is published with the file"
