"""XML and SVG files: the text the markup means, not the markup.

Scanned as raw text, ``&#26426;&#23494;`` never becomes 机密, and text held
in an internal DTD entity is never seen.  The file is parsed with the safe
parser of ``xmlparts`` (internal entities expanded under libxml2's
amplification limit, nothing external loaded); text nodes go to ``body``,
attribute values (SVG titles, labels) to ``attributes``, comments and
processing instructions (inside the root, around it or inside the internal
DTD), the internal DTD's entities and its attributes' default values to
``xml-comment``, and the elements that name a record's 密级 field
(``<密级>机密</密级>``, ``<secretLevel>``: ``scanner.levels.FIELD_NAMES``) again to
``fields``, as ``name: text`` lines: in ``body`` their text is a level alone on
a line, whose name the markup held (a 公文 exchange file's record was clear).  A file that does not parse is still read, with the tags
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
from ..levels import FIELD_NAMES
from ..types import Document, Part
from .decode import decode
from .notices import unreadable
from .xmlparts import parse_xml

_TAG = re.compile(r"<!\[CDATA\[(.*?)\]\]>|<!--.*?-->|<[^>]*>", re.DOTALL)
# an XML declaration, which may name an encoding: the text a message's part holds is decoded already
_DECLARATION = re.compile(r"\A\ufeff?\s*<\?xml[^>]*>")
# the tokens of a prolog: a comment's or a processing instruction's text, a quoted
# literal (which may hold any of the others), the DOCTYPE, the internal subset's
# brackets, a tag's start, and runs of anything else
_PROLOG = re.compile(r"""<!--(.*?)-->|<\?(.*?)\?>|"[^"]*"|'[^']*'|<!DOCTYPE|[\[\]<]|[^<"'\[\]]+""", re.DOTALL)


def _stripped(text: str) -> str:
    """Text with markup removed and references decoded (CDATA kept)."""
    return html.unescape(_TAG.sub(lambda m: f" {m.group(1)} " if m.group(1) else " ", text))


def _outside_the_root(root: etree._Element, data: bytes) -> list[str]:
    """What the file says outside its root element: comments and processing
    instructions before and after it, and what the internal DTD declares
    (text declared there is in the file all the same): its comments and
    processing instructions, the entities the document does not use (a used
    one is read where it is used) and its attributes' default values."""
    found = []
    for node in (*reversed(list(root.itersiblings(preceding=True))), *root.itersiblings()):
        if node.text and node.text.strip():
            found.append(node.text.strip())
    docinfo = root.getroottree().docinfo
    dtd = docinfo.internalDTD
    if dtd is not None:
        found += _subset_comments(data, docinfo.encoding)
        found += [entity.content.strip() for entity in dtd.iterentities()
                  if entity.content and entity.content.strip() and f"&{entity.name};".encode() not in data]
        found += [attribute.default_value.strip() for element in dtd.iterelements()
                  for attribute in element.iterattributes()
                  if attribute.default_value and attribute.default_value.strip()]
    return found


def _subset_comments(data: bytes, encoding: str) -> list[str]:
    """The comments and processing instructions inside the internal DTD:
    libxml2 keeps them on the DTD, which lxml does not show, so they are
    found in the file's text (read in the encoding the parser used).  The
    file parsed, so its prolog is well formed: the tokens stop at the end of
    the internal subset or at the root element, whichever comes first."""
    try:
        text = data.decode(encoding, "replace")
    except LookupError:
        text = decode(data).text
    found = []
    inside = False
    for token in _PROLOG.finditer(text):
        if inside and token.lastindex:  # a comment or a processing instruction
            if token[token.lastindex].strip():
                found.append(token[token.lastindex].strip())
        elif token[0] == "[":
            inside = True
        elif token[0] == "]" or (token[0] == "<" and not inside):
            break
    return found


def read_xml_text(text: str, limits: Limits) -> Document:
    """XML already decoded (a web archive's or a message's ``text/xml``
    part, in the charset the part says) read as an ``.xml`` file is, its
    declaration left out: the encoding it may name is not the text's."""
    return extract_xml(_DECLARATION.sub("", text, count=1).encode("utf-8"), "", limits)


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
    fields: list[str] = []
    for el in root.iter():
        if isinstance(el, (etree._Comment, etree._ProcessingInstruction)):
            if el.text and el.text.strip():
                comments.append(el.text.strip())
        elif isinstance(el.tag, str):
            texts.append(el.text or "")  # in document order, as written: runs of one line stay joined
            name = el.tag.rpartition("}")[2]
            if el.text and el.text.strip() and name.lower() in FIELD_NAMES:
                fields.append(f"{name}: {el.text.strip()}")
            attributes += [v.strip() for v in el.attrib.values() if v.strip()]
        if el is not root:
            texts.append(el.tail or "")
    comments += _outside_the_root(root, data)
    body = "".join(texts).strip()
    parts = [Part(part, text) for part, text in
             (("body", body), ("attributes", "\n".join(attributes)), ("xml-comment", "\n".join(comments)),
              ("fields", "\n".join(fields)))
             if text]
    return Document("xml", parts=tuple(parts))
