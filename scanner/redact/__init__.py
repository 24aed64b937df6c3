"""Redacted copies (Provisional Rules, Art. 36: declassified material is
published without its state-secret marks).

``redact_bytes`` covers every mark finding (with ``everything``, every
finding with a span) in a TXT/Markdown/CSV/HTML or DOCX item, then scans the copy
with the same engine and refuses it unless nothing it should have removed is
left and the copy is fully readable.  PDF and other formats are refused:
no maintained Python library removes PDF text for certain.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..engine import Engine
from ..extract.sniff import sniff
from ..types import Extraction, Finding
from .errors import RedactionRefused
from .spans import DEFAULT_COVER, to_remove

__all__ = ["DEFAULT_COVER", "Redaction", "RedactionRefused", "redact_bytes"]

TEXT_FORMATS = ("text", "markdown", "csv", "html")


@dataclass(frozen=True)
class Redaction:
    data: bytes
    format: str
    covered: tuple[Finding, ...]  # spans are in the redactor's text of each part


def redact_bytes(engine: Engine, data: bytes, name: str, *, everything: bool = False,
                 cover_char: str = DEFAULT_COVER) -> Redaction:
    """A verified redacted copy of ``data``, or ``RedactionRefused`` saying why not."""
    from .. import scan_bytes

    fmt = sniff(data, name)
    if fmt in TEXT_FORMATS:
        from .text import redact_text

        copy, covered = redact_text(engine, data, fmt, everything, cover_char)
    elif fmt == "docx":
        from .docx_package import redact_docx

        copy, covered = redact_docx(engine, data, everything, cover_char)
    else:
        raise RedactionRefused(f"cannot redact {fmt} files (TXT, Markdown, CSV, HTML and DOCX only)")
    rescan = scan_bytes(copy, name, engine=engine)[0]
    if rescan.extraction is not Extraction.FULL:
        raise RedactionRefused(f"the copy could not be fully read to verify it ({rescan.extraction.value})")
    left = to_remove(rescan.findings, everything)
    if left:
        where = ", ".join(sorted({f"{f.rule} in {f.part}" for f in left}))
        raise RedactionRefused(f"{len(left)} finding(s) would remain in the copy: {where}")
    return Redaction(copy, fmt, tuple(covered))
