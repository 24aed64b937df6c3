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


def original_path(shown: str) -> str:
    """The name as the operating system wants it (surrogateescape str) for ``open``."""
    return os.fsdecode(unescape_name(shown))
