"""HTML: visible text, and every place a page hides text from its reader.

Parts: ``title``, ``meta`` (meta content), ``body`` (visible text),
``hidden`` (elements with the ``hidden`` attribute, ``display:none``,
``visibility:hidden``, zero font size, ``<input type=hidden>``),
``attributes`` (alt and title attributes), ``html-comment``, ``img:N``
(OCR of a picture written into the page as a ``data:`` URI).
"""
from __future__ import annotations

import html
import re
from typing import Any

import lxml.etree
import lxml.html
import numpy as np

from ..config import Limits
from ..errors import ExtractionError
from ..types import Document, Part
from .decode import decode
from .image import data_uri_pictures
from .notices import unreadable
from .ocr import PictureReader

_SKIP = {"script", "style", "template", "head"}
_BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header",
          "footer", "table", "ul", "ol", "blockquote", "pre", "hr", "dt", "dd", "title", "td", "th", "nav",
          "aside", "main", "figure", "figcaption", "address", "center"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?:px|pt|em|%)?\s*(?:;|$)",
                           re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>")
_TAG = re.compile(r"<!--.*?-->|<[^>]*>", re.DOTALL)
_CODE = re.compile(r"<(script|style|template)\b[^>]*>.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_HAN_SPAN = 0xA000 - 0x3400  # U+3400 to U+9FFF, the gap U+4DC0-U+4DFF never counted


def _is_hidden(el: lxml.html.HtmlElement) -> bool:
    if el.get("hidden") is not None:
        return True
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


class _Collector:
    """Walks the tree once, routing text into the visible or hidden stream.

    The walk keeps its own stack: a page nested thousands of elements deep
    must not hit Python's recursion limit."""

    def __init__(self) -> None:
        self.visible: list[str] = []
        self.hidden: list[str] = []
        self.attributes: list[str] = []
        self.comments: list[str] = []

    def walk(self, root: Any, hidden: bool) -> None:
        # ("start", element, parent hidden) or ("end", element, parent hidden, own hidden)
        stack: list[tuple[Any, ...]] = [("start", root, hidden)]
        while stack:
            step = stack.pop()
            if step[0] == "end":
                _, el, parent_hidden, now_hidden = step
                if el.tag.lower() in _BLOCK:
                    (self.hidden if now_hidden else self.visible).append("\n")
                self._tail(el, parent_hidden)
                continue
            _, el, hidden = step
            if isinstance(el, lxml.etree._Comment):
                if el.text and el.text.strip():
                    self.comments.append(el.text.strip())
                self._tail(el, hidden)
                continue
            if not isinstance(el.tag, str):
                self._tail(el, hidden)
                continue
            tag = el.tag.lower()
            for attr in ("alt", "title"):
                if el.get(attr):
                    self.attributes.append(el.get(attr).strip())
            if tag == "input" and (el.get("type") or "").lower() == "hidden" and el.get("value"):
                self.hidden.append(el.get("value"))
            if tag in _SKIP:
                for child in el:
                    if isinstance(child, lxml.etree._Comment):
                        if child.text and child.text.strip():
                            self.comments.append(child.text.strip())
                        self._tail(child, hidden)
                self._tail(el, hidden)
                continue
            now_hidden = hidden or _is_hidden(el)
            out = self.hidden if now_hidden else self.visible
            if tag in _BLOCK:
                out.append("\n")
            if el.text:
                out.append(el.text)
            stack.append(("end", el, hidden, now_hidden))
            stack.extend(("start", child, now_hidden) for child in reversed(el))

    def _tail(self, el: Any, hidden: bool) -> None:
        if el.tail:
            (self.hidden if hidden else self.visible).append(el.tail)


def _clean(chunks: list[str]) -> str:
    text = "".join(chunks)
    lines = [ln.strip() for ln in text.splitlines()]
    return "\n".join(ln for ln in lines if ln)


def extract_html(data: bytes, name: str, limits: Limits, ocr: PictureReader) -> Document:

    decoded = decode(data)
    source = _XML_DECL.sub("", decoded.text)
    if not source.strip():
        return Document(format="html", parts=())
    # huge_tree: without it libxml2 stops, silently, at 256 levels of nesting or a
    # 10 MB text node or attribute, and everything after is lost
    parser = lxml.html.HTMLParser(huge_tree=True)
    try:
        root = lxml.html.document_fromstring(source, parser=parser)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ExtractionError(f"HTML could not be parsed: {exc}", part="body") from exc
    stopped = [e for e in parser.error_log if e.level_name == "FATAL"]
    parts: list[Part] = []
    title = root.findtext(".//title")
    if title and title.strip():
        parts.append(Part("title", title.strip()))
    metas = [f"{m.get('name') or m.get('property') or m.get('http-equiv') or 'meta'}: {m.get('content').strip()}"
             for m in root.iter("meta") if m.get("content") and m.get("content").strip()]
    if metas:
        parts.append(Part("meta", "\n".join(metas)))
    collector = _Collector()
    collector.walk(root, hidden=False)
    for name_, chunks in (("body", collector.visible), ("hidden", collector.hidden)):
        text = _clean(chunks)
        if text:
            parts.append(Part(name_, text))
    if collector.attributes:
        parts.append(Part("attributes", "\n".join(collector.attributes)))
    if collector.comments:
        parts.append(Part("html-comment", "\n".join(collector.comments)))
    pictures, picture_notices = data_uri_pictures((img.get("src") for img in root.iter("img")), limits, ocr)
    parts += pictures
    notices = []
    if not decoded.exact:
        notices.append(unreadable(f"text encoding could not be determined; read as {decoded.encoding} "
                                  "with replacements", part="body", rule="unreadable.encoding"))
    stripped = _stripped(source)
    if stopped:
        # the parser gave up part-way: the rest of the page is read without its structure
        notices.append(unreadable(f"the HTML parser stopped early ({stopped[0].message.strip()}); the page was "
                                  "also read with the markup stripped", part="body"))
        parts.append(Part("markup-text", stripped))
    elif _lost_han(stripped, parts):
        # broken markup the parser recovered from by swallowing text (found by the fuzz run)
        notices.append(unreadable("the HTML parser dropped text it could not place; the page was also read with "
                                  "the markup stripped", part="body"))
        parts.append(Part("markup-text", stripped))
    return Document(format="html", parts=tuple(parts), notices=(*notices, *picture_notices),
                    failed_parts=("body",) if notices else ())


def _stripped(source: str) -> str:
    """The page's text with every tag removed and references decoded (scripts and styles dropped)."""
    return _clean([html.unescape(_TAG.sub(" ", _CODE.sub(" ", source)))])


def _lost_han(stripped: str, parts: list[Part]) -> bool:
    """Does the tag-stripped page hold Chinese characters that no part has?"""
    want = _han_counts(stripped)
    if not want.any():
        return False
    return bool((_han_counts("".join(p.text for p in parts)) < want).any())


def _han_counts(text: str) -> np.ndarray:
    """How often each character of U+3400-U+4DBF and U+4E00-U+9FFF occurs
    (counted by numpy over the code points: a list of one-character matches
    and a Counter cost half of reading a page)."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    han = codes[((codes >= 0x3400) & (codes <= 0x4DBF)) | ((codes >= 0x4E00) & (codes <= 0x9FFF))]
    return np.bincount(han - 0x3400, minlength=_HAN_SPAN)
