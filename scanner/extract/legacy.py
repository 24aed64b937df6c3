"""Legacy binary Office files (.doc .xls .ppt, WPS Office .wps .et .dps) and
password-protected OOXML, all OLE compound files.

No maintained PyPI package reads the text of these formats reliably, so the
body is reported ``unreadable.format`` naming the format (never clear), and
what olefile can read for certain, the OLE property sets (title, subject,
author, keywords, comments, company, manager), becomes the ``properties``
part.  A password-protected OOXML file (an OLE ``EncryptedPackage``) is
``unreadable.encrypted``.
"""
from __future__ import annotations

import io

import olefile

from ..config import Limits
from ..types import Document, Part
from . import unreadable

_NAMES = {"doc": "Word 97-2003 document (.doc)", "xls": "Excel 97-2003 workbook (.xls)",
          "ppt": "PowerPoint 97-2003 presentation (.ppt)", "wps": "WPS Writer document (.wps)",
          "et": "WPS Spreadsheets workbook (.et)", "dps": "WPS Presentation (.dps)",
          "ole": "OLE compound file of unknown type"}
_SUMMARY = ("title", "subject", "author", "keywords", "comments", "last_saved_by")
_DOC_SUMMARY = ("company", "manager", "category")
OLE_ERRORS = (OSError, ValueError, IndexError, TypeError, AttributeError, NotImplementedError,
              KeyError, UnicodeDecodeError)


def extract_legacy(data: bytes, name: str, limits: Limits) -> Document:
    from .sniff import sniff
    fmt = sniff(data, name)
    if fmt == "ooxml-encrypted":
        return Document(fmt, notices=(unreadable(
            "password-protected Office file (encrypted OOXML package)", rule="unreadable.encrypted"),))
    notices = [unreadable(f"legacy binary format not readable: {_NAMES.get(fmt, fmt)}; "
                          "convert it to DOCX/XLSX/PPTX/PDF and scan again",
                          part="body", rule="unreadable.format", format=fmt)]
    try:
        props = _properties(data)
    except OLE_ERRORS as exc:
        props = None
        notices.append(unreadable(f"OLE properties could not be read: {exc}", part="properties"))
    parts = (props,) if props else ()
    return Document(fmt, parts=parts, notices=tuple(notices), failed_parts=("body",))


def _properties(data: bytes) -> Part | None:
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        meta = ole.get_metadata()
        codepage = meta.codepage or 936
    lines = []
    for key in (*_SUMMARY, *_DOC_SUMMARY):
        value = getattr(meta, key, None)
        if isinstance(value, bytes):
            value = _decode(value, codepage)
        if value and str(value).strip():
            lines.append(f"{key.replace('_', ' ')}: {value}")
    return Part("properties", "\n".join(lines)) if lines else None


def _decode(raw: bytes, codepage: int) -> str:
    """OLE property strings are in the file's code page (936 = GBK on Chinese Windows)."""
    encoding = "utf-16-le" if codepage == 1200 else f"cp{codepage}"
    try:
        return raw.decode(encoding).rstrip("\x00")
    except (LookupError, UnicodeDecodeError):
        return raw.decode("gb18030", "replace").rstrip("\x00")
