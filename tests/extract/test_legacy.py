"""Legacy binary Office files are sniffed by their OLE streams and are never clear."""
from __future__ import annotations

import pytest

from scanner import scan_bytes
from scanner.extract.sniff import sniff


@pytest.mark.parametrize("stream, name, fmt", [
    ("WordDocument", "report.doc", "doc"), ("WordDocument", "report.wps", "wps"),
    ("WordDocument", "renamed.txt", "doc"), ("Workbook", "table.xls", "xls"), ("Workbook", "table.et", "et"),
    ("PowerPoint Document", "talk.ppt", "ppt"),
])
def test_legacy_formats_are_sniffed_and_never_clear(ole, stream: str, name: str, fmt: str) -> None:
    data = ole(stream)
    assert sniff(data, name) == fmt
    [result] = scan_bytes(data, name)
    assert result.format == fmt and result.verdict.value == "review"
    [finding] = [f for f in result.findings if f.rule == "unreadable.format"]
    assert dict(finding.details)["format"] == fmt
    assert result.extraction.value != "full"


def test_password_protected_ooxml_is_encrypted(ole) -> None:
    [result] = scan_bytes(ole("EncryptedPackage"), "locked.docx")
    assert result.verdict.value == "review"
    assert [f.rule for f in result.findings] == ["unreadable.encrypted"]
