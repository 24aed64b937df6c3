"""What the tests of text Office keeps outside the flow share: the mark
they hide, a file saved by its library to bytes, and the parts a scan
finds the mark in."""
from __future__ import annotations

import io

from scanner import scan_bytes

MARK = "机密★5年"


def mark_parts(data: bytes, name: str) -> list[str]:
    """The parts a scan of ``data`` finds the mark in (the file read in full)."""
    result = scan_bytes(data, name)[0]
    assert result.extraction.value == "full", [f.reason for f in result.findings]
    return [f.part for f in result.findings if f.rule == "mark.state-secret"]


def saved(document: object) -> bytes:
    """A python-docx, openpyxl or python-pptx document as the bytes of its file."""
    out = io.BytesIO()
    document.save(out)  # type: ignore[attr-defined]
    return out.getvalue()
