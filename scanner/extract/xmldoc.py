"""XML and SVG files: the text the markup means, not the markup.

Scanned as raw text, ``&#26426;&#23494;`` never becomes 机密, and text held
in an internal DTD entity is never seen.  The file is parsed with the safe
parser of ``xmlparts`` (internal entities expanded under libxml2's
amplification limit, nothing external loaded); text nodes go to ``body``,
attribute values (SVG titles, labels) to ``attributes``, comments and
processing instructions (inside the root or around it) and the internal
DTD's entities to ``xml-comment``.  A file that does not parse is still read, with the tags
stripped and character references decoded, and says it was read partially.

This also reads the XML parts of an OOXML package whose
``[Content_Types].xml`` is missing or damaged: such a package is scanned as a
plain ZIP and its parts arrive here as members.
"""
from __future__ import annotations

import html
import re

from lxml import etree

from ..config import Limits
from ..errors import ExtractionError
from ..types import Document, Part
from .decode import decode
from .notices import unreadable
from .xmlparts import parse_xml

_TAG = re.compile(r"<!\[CDATA\[(.*?)\]\]>|<!--.*?-->|<[^>]*>", re.DOTALL)


def _stripped(text: str) -> str:
    """Text with markup removed and references decoded (CDATA kept)."""
    return html.unescape(_TAG.sub(lambda m: f" {m.group(1)} " if m.group(1) else " ", text))


def _outside_the_root(root: etree._Element, data: bytes) -> list[str]:
    """What the file says outside its root element: comments and processing
    instructions before and after it, and the internal DTD's entities the
    document does not use (text declared there is in the file all the same;
    a used one is read where it is used)."""
    found = []
    for node in (*reversed(list(root.itersiblings(preceding=True))), *root.itersiblings()):
        if node.text and node.text.strip():
            found.append(node.text.strip())
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None:
        found += [entity.content.strip() for entity in dtd.iterentities()
                  if entity.content and entity.content.strip() and f"&{entity.name};".encode() not in data]
    return found


def extract_xml(data: bytes, name: str, limits: Limits) -> Document:

    try:
        root = parse_xml(data, "body")
    except ExtractionError as exc:
        text = _stripped(decode(data).text).strip()
        notice = unreadable(f"{exc.reason}; read with the markup stripped, text may be missing or out of order",
                            part="body")
        return Document("xml", parts=(Part("body", text),) if text else (), notices=(notice,),
                        failed_parts=("body",))
    texts: list[str] = []
    attributes: list[str] = []
    comments: list[str] = []
    for el in root.iter():
        if isinstance(el, (etree._Comment, etree._ProcessingInstruction)):
            if el.text and el.text.strip():
                comments.append(el.text.strip())
        elif isinstance(el.tag, str):
            texts.append(el.text or "")  # in document order, as written: runs of one line stay joined
            attributes += [v.strip() for v in el.attrib.values() if v.strip()]
        if el is not root:
            texts.append(el.tail or "")
    comments += _outside_the_root(root, data)
    body = "".join(texts).strip()
    parts = [Part(part, text) for part, text in
             (("body", body), ("attributes", "\n".join(attributes)), ("xml-comment", "\n".join(comments)))
             if text]
    return Document("xml", parts=tuple(parts))
