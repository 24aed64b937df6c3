"""Redacting TXT, Markdown, CSV and HTML source: spans are found in the
decoded source and covered there, and the copy is re-encoded in the original
encoding (BOM included).  A text's tables (CSV records, a Markdown page's
pipe tables, a .txt of fields between commas) are read by the grids the scan
reads, so a 密级 column's 机密 the scan blocks is covered too.  Text the
scanner only sees after parsing (a mark split by tags or written as
entities) is caught by the re-scan, which then refuses."""
from __future__ import annotations

import codecs

from ..engine import Engine
from ..extract.decode import decode
from ..extract.text import text_tables
from ..pipeline import find_in_text
from ..types import Finding
from .errors import RedactionRefused
from .spans import cover, span_mask, to_remove

# longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def redact_text(engine: Engine, data: bytes, fmt: str, everything: bool, cover_char: str
                ) -> tuple[bytes, list[Finding]]:
    decoded = decode(data)
    if not decoded.exact:
        raise RedactionRefused("the text encoding could not be determined")
    bom = next((b for b in _BOMS if data.startswith(b)), b"")
    encoding = decoded.encoding.replace("-sig", "")
    if bom + decoded.text.encode(encoding) != data:
        raise RedactionRefused(f"re-encoding as {encoding} would change bytes outside the findings")
    found = to_remove(find_in_text(engine, decoded.text, "body", tables=text_tables(fmt, decoded.text)), everything)
    if not found:
        return data, []
    covered = cover(decoded.text, span_mask(len(decoded.text), found), cover_char)
    try:
        return bom + covered.encode(encoding), found
    except UnicodeEncodeError as exc:
        raise RedactionRefused(f"the cover character {cover_char!r} cannot be written in {encoding}") from exc
