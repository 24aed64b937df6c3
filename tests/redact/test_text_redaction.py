"""Text, Markdown and HTML redaction keeps the original encoding and every
byte outside the findings; what cannot be covered or proven clean is refused."""
from __future__ import annotations

import io

import pytest
from reportlab.pdfgen import canvas

from scanner import scan_bytes
from scanner.redact import RedactionRefused, redact_bytes

NOTICE = "000123\n机密★5年\n特急\n\n关于天枢-7工程的通知\n联系电话：13812345678\n"
NOTICE_BIG5 = "000123\n機密★5年\n特急\n\n關於工程進度的通知\n"


def same_outside_covers(original: str, copy: str) -> bool:
    return len(original) == len(copy) and all(a == b or b == "■" for a, b in zip(original, copy))


@pytest.mark.parametrize("encoding, bom", [("gb18030", b""), ("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"),
                                           ("utf-16-le", b"\xff\xfe"), ("big5", b"")])
def test_encoding_and_bytes_kept(engine, encoding, bom):
    text = NOTICE_BIG5 if encoding == "big5" else NOTICE
    data = bom + text.encode(encoding)
    result = redact_bytes(engine, data, "notice.txt")
    assert result.data.startswith(bom)
    copy = result.data[len(bom):].decode(encoding)
    assert copy == text.replace("机密★5年", "■■■■■").replace("機密★5年", "■■■■■")
    assert [f.rule for f in scan_bytes(result.data, "notice.txt", engine=engine)[0].findings
            if f.category == "mark"] == []


def test_markdown_all_findings(engine):
    data = ("# 通知\n\n> 秘密★1年\n\n" + NOTICE).encode("utf-8")
    result = redact_bytes(engine, data, "notice.md", everything=True)
    copy = result.data.decode("utf-8")
    assert same_outside_covers(data.decode("utf-8"), copy)
    for gone in ("秘密★1年", "机密★5年", "天枢-7工程", "13812345678"):
        assert gone not in copy
    assert result.format == "markdown"


def test_html_marks_in_text_and_comments(engine):
    page = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>通知</title></head><body>'
            '<p class="mark">机密★5年</p><!-- 原件：秘密★10年 --><p>正文</p></body></html>')
    result = redact_bytes(engine, page.encode("utf-8"), "n.html")
    copy = result.data.decode("utf-8")
    assert copy == page.replace("机密★5年", "■■■■■").replace("秘密★10年", "■■■■■■")
    rescan = scan_bytes(result.data, "n.html", engine=engine)[0]
    assert [f for f in rescan.findings if f.category == "mark"] == []


def test_mark_split_by_markup_is_refused(engine):
    page = '<!DOCTYPE html><html><body><p>机<b>密</b>★5年</p></body></html>'.encode()
    assert any(f.category == "mark" for f in scan_bytes(page, "s.html", engine=engine)[0].findings)
    with pytest.raises(RedactionRefused, match="would remain in the copy: mark.state-secret in body"):
        redact_bytes(engine, page, "s.html")


def test_mark_only_in_the_big5_reading_of_a_short_text_is_refused(engine):
    data = "機密★5年\n".encode("big5")  # too few characters to choose GB18030 or Big5: both are scanned
    with pytest.raises(RedactionRefused, match="would remain in the copy: mark.state-secret in big5-reading"):
        redact_bytes(engine, data, "n.txt")


def test_pdf_is_refused(engine):
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, "secret")
    c.save()
    with pytest.raises(RedactionRefused, match="cannot redact pdf"):
        redact_bytes(engine, buf.getvalue(), "a.pdf")


def test_cover_character_the_encoding_cannot_hold(engine):
    data = NOTICE_BIG5.encode("big5")
    with pytest.raises(RedactionRefused, match="cannot be written in big5"):
        redact_bytes(engine, data, "n.txt", cover_char="\U0001F600")


@pytest.mark.parametrize("name, text, copy", [
    ("form.txt", "关于某工程的请示\n拟稿单位：某处\n文件编号：001\n【密级】：\n\n机密\n正文。\n",
     "关于某工程的请示\n拟稿单位：某处\n文件编号：001\n【■■■■\n\n■■\n正文。\n"),
    ("form.tsv", "项目\t内容\n文件标题\t某工程设计方案\n密级\t机密\n份数\t2\n",
     "项目\t内容\n文件标题\t某工程设计方案\n■■\t■■\n份数\t2\n"),
    ("form-ff.txt", "第一段。\n第二段。\n第三段。\n第四段。\n密级：\f机密\n正文。\n",
     "第一段。\n第二段。\n第三段。\n第四段。\n■■■\f■■\n正文。\n"),
    ("form-ls.txt", "第一段。\n第二段。\n第三段。\n第四段。\n密级：\u2028机密\n正文。\n",
     "第一段。\n第二段。\n第三段。\n第四段。\n■■■\u2028■■\n正文。\n"),
])
def test_a_finding_over_lines_or_cells_is_covered_on_each_keeping_them(engine, name, text, copy):
    """A form's 密级 and 机密 read a cell a line (or a row's cells, a tab
    between them) are one finding: its line break and tab were covered too,
    and the copy's lines and cells ran together (found by a second reader)."""
    result = redact_bytes(engine, text.encode("utf-8"), name)
    assert [f.rule for f in result.covered] == ["mark.form-field"]
    assert result.data.decode("utf-8") == copy


# a 密级 column's 机密 under its header: the scan reads it through the text's grid
COLUMN_TABLES = {
    "register.txt": "文件名称,密级,日期\n关于某工程的报告,机密,2024-01-01\n",
    "register.csv": "文件名称,密级,日期\n关于某工程的报告,机密,2024-01-01\n",
    "register.md": "# 登记\n\n| 文件名称 | 密级 | 日期 |\n|---|---|---|\n| 关于某工程的报告 | 机密 | 2024-01-01 |\n",
}


@pytest.mark.parametrize("name", sorted(COLUMN_TABLES))
def test_a_column_field_of_a_text_table_is_covered_in_its_cell(engine, name):
    text = COLUMN_TABLES[name]
    data = text.encode("gb18030")
    before = scan_bytes(data, name, engine=engine)[0]
    assert "mark.form-field" in {f.rule for f in before.findings}
    result = redact_bytes(engine, data, name)
    copy = result.data.decode("gb18030")
    assert copy == text.replace(",机密,", ",■■,").replace("| 机密 |", "| ■■ |")
    assert [f for f in scan_bytes(result.data, name, engine=engine)[0].findings if f.category == "mark"] == []
