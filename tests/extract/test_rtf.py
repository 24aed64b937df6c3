"""RTF is read as LibreOffice reads it (converted to DOCX), not as raw text:
its Chinese is written as ``\\'b9\\'d8`` and ``\\u26426?`` escapes, which a
text reader never decodes (the red-team run: RTF from LibreOffice and from
Word/WPS with ``\\ansicpg936`` were cleared)."""
from __future__ import annotations

import io

import docx

from scanner import scan_bytes
from scanner.config import Convert, ScanConfig

MARK = "机密★5年"


def _marks(data: bytes, config: ScanConfig | None = None) -> tuple[str, str, list[tuple[str, str]]]:
    result = scan_bytes(data, "notice.rtf", config)[0]
    return result.format, result.verdict.value, [(f.rule, f.part) for f in result.findings]


def test_rtf_written_by_libreoffice(soffice) -> None:
    document = docx.Document()
    document.add_paragraph(MARK)
    document.add_paragraph("关于开展工作的通知")
    out = io.BytesIO()
    document.save(out)
    rtf = soffice(out.getvalue(), "docx", "rtf")
    assert rtf.startswith(b"{\\rtf") and MARK.encode() not in rtf  # escapes only
    assert _marks(rtf) == ("rtf", "block", [("mark.state-secret", "body")])


def test_rtf_in_the_chinese_code_page_as_word_and_wps_write_it() -> None:
    escaped = "".join(f"\\'{b:02x}" for b in MARK.encode("gbk"))
    rtf = ("{\\rtf1\\ansi\\ansicpg936\\deff0{\\fonttbl{\\f0\\fnil\\fcharset134 SimSun;}}\n\\f0 "
           f"{escaped}\\par\n正文\\par\n}}").encode("gbk")
    assert _marks(rtf) == ("rtf", "block", [("mark.state-secret", "body")])


def test_without_libreoffice_rtf_is_unreadable_not_raw_text() -> None:
    rtf = b"{\\rtf1\\ansi \\u26426?\\u23494?\\par}"
    fmt, verdict, found = _marks(rtf, ScanConfig(convert=Convert(enabled=False)))
    assert (fmt, verdict, found) == ("rtf", "review", [("unreadable.format", "body")])
