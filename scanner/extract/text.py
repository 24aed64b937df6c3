"""Plain text, Markdown and CSV: the decoded text is the ``body`` part; a
data or code file whose strings are written with ``\\u`` escapes also has
them decoded (``unescaped``)."""
from __future__ import annotations

from ..config import Limits
from ..types import Document, Part
from .decode import decode, non_ascii_lines
from .notices import encoding_notice

# data and code files whose strings may be written with \u escapes (json.dumps writes Chinese so)
_ESCAPING = (".json", ".geojson", ".js", ".mjs", ".ts", ".yaml", ".yml", ".toml", ".py", ".java", ".php")


def _extract(data: bytes, fmt: str, name: str = "") -> Document:

    decoded = decode(data)
    parts = [Part("body", decoded.text)]
    if name.lower().endswith(_ESCAPING) and "\\" in decoded.text:
        from .html import unicode_escapes_decoded  # lxml's import only where it is needed

        unescaped = unicode_escapes_decoded(decoded.text)
        if unescaped != decoded.text:
            parts.append(Part("unescaped", unescaped))
    if decoded.other is not None:
        parts.append(Part("big5-reading", non_ascii_lines(decoded.other)))
    if decoded.exact:
        return Document(format=fmt, parts=tuple(parts))
    return Document(format=fmt, parts=tuple(parts), notices=(encoding_notice(decoded),), failed_parts=("body",))


def extract_text(data: bytes, name: str, limits: Limits) -> Document:
    return _extract(data, "text", name)


def extract_markdown(data: bytes, name: str, limits: Limits) -> Document:
    return _extract(data, "markdown")


def extract_csv(data: bytes, name: str, limits: Limits) -> Document:
    return _extract(data, "csv")
