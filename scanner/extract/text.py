"""Plain text, Markdown and CSV: the decoded text is the ``body`` part."""
from __future__ import annotations

from ..config import Limits
from ..types import Document, Part
from .decode import decode, non_ascii_lines
from .notices import encoding_notice


def _extract(data: bytes, fmt: str) -> Document:

    decoded = decode(data)
    parts = [Part("body", decoded.text)]
    if decoded.other is not None:
        parts.append(Part("big5-reading", non_ascii_lines(decoded.other)))
    if decoded.exact:
        return Document(format=fmt, parts=tuple(parts))
    return Document(format=fmt, parts=tuple(parts), notices=(encoding_notice(decoded),), failed_parts=("body",))


def extract_text(data: bytes, name: str, limits: Limits) -> Document:
    return _extract(data, "text")


def extract_markdown(data: bytes, name: str, limits: Limits) -> Document:
    return _extract(data, "markdown")


def extract_csv(data: bytes, name: str, limits: Limits) -> Document:
    return _extract(data, "csv")
