"""DOCX redaction: marks gone from body, table, headers, footer and
properties; every other character of every part unchanged; run formatting
and untouched package parts kept; the copy re-scans clean."""
from __future__ import annotations

import io
import zipfile

import docx

from scanner import scan_bytes
from scanner.config import Limits
from scanner.extract import extract
from scanner.redact import redact_bytes

MARKS = ("机密★5年", "秘密★1年", "绝密★长期", "秘密★10年", "机密★二十年")


def parts(data: bytes) -> dict[str, str]:
    return {p.name: p.text for p in extract(data, "n.docx", Limits()).parts}


def expected_copy(engine, original: bytes, categories: set[str] | None) -> dict[str, str]:
    """Each part's text with exactly the original findings' spans covered."""
    texts = parts(original)
    for f in scan_bytes(original, "n.docx", engine=engine)[0].findings:
        if f.start is not None and (categories is None or f.category in categories):
            text = texts[f.part]
            texts[f.part] = text[:f.start] + "■" * (f.end - f.start) + text[f.end:]
    return texts


def test_marks_covered_everywhere_and_nothing_else_changed(engine, marked_docx):
    result = redact_bytes(engine, marked_docx, "n.docx")
    before = parts(marked_docx)
    assert all(any(m in text for text in before.values()) for m in MARKS)
    after = parts(result.data)
    assert after == expected_copy(engine, marked_docx, {"mark"})
    assert not any(m in text for m in MARKS for text in after.values())
    assert {f.part for f in result.covered} == {"body", "header", "footer", "properties"}  # tables are in the body story
    # what is not a mark stays: the lexicon term, the phone number, the work-secret label
    assert "天枢-7工程" in after["body"] and "13812345678" in after["body"] and "内部文件" in after["header"]
    rescan = scan_bytes(result.data, "n.docx", engine=engine)[0]
    assert [f for f in rescan.findings if f.category == "mark"] == []


def test_formatting_and_other_parts_untouched(engine, marked_docx):
    copy = redact_bytes(engine, marked_docx, "n.docx").data
    doc = docx.Document(io.BytesIO(copy))
    head = doc.paragraphs[1]
    assert [(r.text, r.bold, r.font.size.pt if r.font.size else None) for r in head.runs] == \
        [("■■", True, 16.0), ("■■■", None, None)]
    assert doc.core_properties.title == "■■■■■ 关于天枢-7工程的通知"
    assert doc.core_properties.subject == "■■■■■" and doc.core_properties.author == "办公室"
    assert doc.sections[0].first_page_header.paragraphs[0].text == "■■■■■■"
    assert doc.tables[0].cell(0, 1).text == "■■■■■" and doc.tables[0].cell(1, 1).text == "本表随文件管理"
    with zipfile.ZipFile(io.BytesIO(marked_docx)) as a, zipfile.ZipFile(io.BytesIO(copy)) as b:
        assert a.namelist() == b.namelist()
        changed = {n for n in a.namelist() if a.read(n) != b.read(n)}
    headers = {n for n in a.namelist() if n.startswith(("word/header", "word/footer"))}
    assert changed == {"word/document.xml", "docProps/core.xml"} | headers


def test_all_covers_every_finding(engine, marked_docx):
    result = redact_bytes(engine, marked_docx, "n.docx", everything=True)
    assert parts(result.data) == expected_copy(engine, marked_docx, None)
    rescan = scan_bytes(result.data, "n.docx", engine=engine)[0]
    assert [f for f in rescan.findings if f.start is not None] == []
    assert rescan.verdict.value == "clear"


def test_removal_instead_of_cover(engine, marked_docx):
    after = parts(redact_bytes(engine, marked_docx, "n.docx", cover_char="").data)
    assert after["footer"] == " 第 1 页" and after["body"].startswith("000123\n\n特急")


def test_nothing_to_cover_returns_the_same_bytes(engine):
    doc = docx.Document()
    doc.add_paragraph("关于征求意见的公告")
    buf = io.BytesIO()
    doc.save(buf)
    result = redact_bytes(engine, buf.getvalue(), "p.docx")
    assert result.data == buf.getvalue() and result.covered == ()
