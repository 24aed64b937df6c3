"""Plain text, Markdown and CSV: the decoded text is the ``body`` part."""
from __future__ import annotations

from ..config import Limits
from ..lang import Text
from ..types import Document, Part
from .decode import decode
from .notices import unreadable


def _extract(data: bytes, fmt: str) -> Document:

    decoded = decode(data)
    if decoded.exact:
        return Document(format=fmt, parts=(Part("body", decoded.text),))
    notice = unreadable(Text(f"text encoding could not be determined; read as {decoded.encoding} with replacements",
                             f"无法确定文字编码；已按 {decoded.encoding} 读取，无法解码的字符已替换"),
                        part="body", rule="unreadable.encoding")
    return Document(format=fmt, parts=(Part("body", decoded.text),), notices=(notice,), failed_parts=("body",))


def extract_text(data: bytes, name: str, limits: Limits) -> Document:
    return _extract(data, "text")


def extract_markdown(data: bytes, name: str, limits: Limits) -> Document:
    return _extract(data, "markdown")


def extract_csv(data: bytes, name: str, limits: Limits) -> Document:
    return _extract(data, "csv")
