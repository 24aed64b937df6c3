"""File names that are not valid UTF-8, shown as text without losing a byte.

Linux names are bytes; Python hands the bytes that are not UTF-8 over as
lone surrogates (``surrogateescape``), which no UTF-8 writer (JSON, CSV,
HTML, DOCX, SARIF, the store, HTTP) accepts.  Where a name enters the
scanner (the walk, ``scan_bytes``, the review workflow) it is turned once
into its display form:

- each byte that is not part of valid UTF-8 is written ``\\xNN`` (two
  lowercase hex digits): ``bad\\xffname.txt``;
- a backslash that would read as such an escape (one followed by ``x`` and
  two hex digits) is itself written ``\\x5c``;
- everything else is left as it is.

The form is reversible (``unescape_name``), and a valid UTF-8 name without
that rare backslash sequence is unchanged.  docs/names.md documents it.
"""
from __future__ import annotations

import os
import re

_ESCAPE_LIKE = re.compile(r"\\(?=x[0-9a-fA-F]{2})")
_SURROGATE = re.compile("[\udc80-\udcff]")
_ESCAPE = re.compile(r"\\x([0-9a-fA-F]{2})")


def escape_name(name: str) -> str:
    """The display form of a name decoded with surrogateescape (apply once)."""
    name = _ESCAPE_LIKE.sub(r"\\x5c", name)
    return _SURROGATE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", name)


def unescape_name(shown: str) -> bytes:
    """The original bytes of a name in display form (the inverse of ``escape_name``)."""
    out = bytearray()
    pos = 0
    for m in _ESCAPE.finditer(shown):
        out += shown[pos:m.start()].encode("utf-8")
        out.append(int(m.group(1), 16))
        pos = m.end()
    out += shown[pos:].encode("utf-8")
    return bytes(out)


def readable_name(shown: str) -> str:
    """A name in display form as a person reads it, for the name check.

    A name whose bytes are not UTF-8 is most often GBK (or Big5): what
    ``unzip`` of a zh-CN Windows ZIP, or a FAT stick mounted without
    ``iocharset``, leaves on Linux.  ``\\xbb\\xfa…`` hides 机密 from the
    check, so such a name is read in the Chinese encoding that reads it
    whole (both readings when GB18030 and Big5 tie, a line each, as a ZIP
    comment is read); otherwise, and for a UTF-8 name, it is returned as it
    is.  The item keeps its display name: only the check reads this."""
    if "\\x" not in shown:
        return shown
    raw = unescape_name(shown)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        reading = legacy_reading(raw)
        return shown if reading is None else reading
    return shown


def legacy_reading(raw: bytes, both: bool = True) -> str | None:
    """Bytes that are not UTF-8 read as GB18030 or Big5 when one of them reads
    them without error (``both``: with the other reading's line when they
    tie, for a check; without, the one a name is shown as); None otherwise."""
    from .extract.decode import decode  # the text decoder: its GBK-or-Big5 choice

    decoded = decode(raw)
    if decoded.exact and decoded.encoding in ("gb18030", "big5"):
        return decoded.both_readings() if both else decoded.text
    return None


def original_path(shown: str) -> str:
    """The name as the operating system wants it (surrogateescape str) for ``open``."""
    return os.fsdecode(unescape_name(shown))
