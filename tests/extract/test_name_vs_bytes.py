"""A name that claims a binary format the bytes are not: never decoded as
text, never clear; a misnamed document is read by its bytes and still review."""
from __future__ import annotations

import io

import pytest
from docx import Document as Docx

from scanner import scan_bytes


@pytest.mark.parametrize("name", ["slides.pptx", "report.docx", "table.xlsx", "paper.pdf", "notice.ofd",
                                  "bundle.zip", "old.doc", "old.xls", "old.ppt", "old.wps", "files.rar",
                                  "files.7z"])
def test_text_bytes_under_a_binary_name_are_review(name: str) -> None:
    data = "关于做好年度工作的通知，请各单位认真执行。".encode("gbk")  # decodes cleanly as GBK
    [result] = scan_bytes(data, name)
    assert result.verdict.value == "review"
    assert result.extraction.value == "failed"
    [finding] = result.findings
    assert finding.rule == "unreadable.format"
    ext = name.rsplit(".", 1)[1]
    assert dict(finding.details) == {"claimed": ext, "sniffed": "text"}
    assert ext.upper() in finding.reason and "text" in finding.reason


def test_a_document_under_another_binary_name_is_read_by_its_bytes() -> None:
    doc = Docx()
    doc.add_paragraph("机密★5年")
    buf = io.BytesIO()
    doc.save(buf)
    [result] = scan_bytes(buf.getvalue(), "slides.pdf")
    assert result.format == "docx"
    assert result.verdict.value == "block"
    assert result.extraction.value == "partial"
    assert {f.rule for f in result.findings} == {"mark.state-secret", "unreadable.format"}


@pytest.mark.parametrize("name", ["notice.docx", "notice.doc", "notice.zip"])
def test_word_formats_under_word_or_zip_names_are_fine(name: str) -> None:
    doc = Docx()
    doc.add_paragraph("关于做好年度工作的通知")
    buf = io.BytesIO()
    doc.save(buf)
    [result] = scan_bytes(buf.getvalue(), name)
    assert (result.verdict.value, result.extraction.value) == ("clear", "full")
