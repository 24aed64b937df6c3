"""The parts of an OOXML package that no format reader looked at, read for
their text, so a mark in a part preclear has no dedicated reader for is
still seen rather than cleared.

Word, Excel and PowerPoint show text from parts the DOCX, XLSX and PPTX
readers do not walk: a text box, a shape or a chart drawn on a sheet
(``xl/drawings/``, ``xl/charts/``), SmartArt (``word/diagrams/``), a notes
master, custom XML bound to content controls, the cached cells of an
external link, and a chunk Word imports whole when it opens the file
(``w:altChunk``: an HTML or text file in the package).  Each such part that
holds text becomes a part of the item named by its path in the package:

- XML: the text of its elements, a paragraph (``p``) per line, and the
  text it keeps in attributes (alt text, shape names, tooltips: ``xmlparts.attribute_lines``);
- HTML, VML (Office's drawing markup, often not well-formed XML) and plain
  text: decoded, markup stripped;
- MHTML and RTF chunks, which are not read here: ``unreadable.extract``;
- a file of its own outside the folders whose files are scanned (a package,
  a PDF or a picture dropped into the package): ``unreadable.embedded``.

Lines the format's own parts already hold are not repeated (a chart title
python-pptx read, a comment's text in its VML shape).  Parts with no
document text (relationships, themes, styles, settings, fonts, printer
settings, signatures) and the folders read elsewhere (pictures, embedded
objects) are passed over; in an OOXML package (``binary``) a part of bytes
nobody reads (an ActiveX control's persistence, a video) is reported.
"""
from __future__ import annotations

import codecs
import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence

from lxml import etree

from ..errors import ExtractionError
from ..lang import Text
from ..types import Notice, Part
from .decode import decode
from .notices import encoding_notice, unreadable
from .sniff import sniff
from .xmlparts import attribute_lines, local, parse_xml
from .zipguard import GuardedZip

# no document text: how Office, WPS and LibreOffice name these parts
_NO_TEXT = re.compile(
    r"(?:theme|styles|stylesWithEffects|settings|fontTable|webSettings|numbering|calcChain|presProps|viewProps"
    r"|tableStyles|commentsIds|commentsExtensible|people|itemProps|printerSettings|vbaData|vbaProject|sigs?)"
    r"\d*\.(?:xml|bin|sigs)", re.IGNORECASE)
# (the pictures of a media folder and of docProps/ (a thumbnail), ActiveX controls and document properties are
# not passed over by folder: their readers read them, and what is left there, a file no reader took (a text
# file, a video, a control's binary persistence), is read or reported here)
_READ_ELSEWHERE = re.compile(r"(?:[^/]+/)?(?:embeddings|fonts|theme|printerSettings)/"
                             r"|_xmlsignatures/|\[trash\]/", re.IGNORECASE)
_MARKUP = (".htm", ".html", ".xhtml", ".vml")
# the byte-order marks the XML parser reads an encoding from (UTF-32's is not among them)
_BYTE_ORDER_MARKS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_NOT_READ = (".mht", ".mhtml", ".rtf")
# elements whose text places or formats a shape or chart, not text a reader sees
_LAYOUT = frozenset({"col", "row", "colOff", "rowOff", "posOffset", "pctWidth", "pctHeight", "pctPosHOffset",
                     "pctPosVOffset", "f", "formatCode"})
_FILES = frozenset({"docx", "xlsx", "pptx", "odt", "ods", "odp", "pdf", "ofd", "image", "zip", "tar", "gzip", "bz2", "xz",
                    "doc", "xls", "ppt", "ole"})


def leftover(pkg: GuardedZip, read: Iterable[str], known: Sequence[Part],
             texts: Mapping[str, str] | None = None, *, binary: bool = False) -> tuple[list[Part], list[Notice]]:
    """Parts and notices for the members of ``pkg`` not in ``read`` (and not
    read by ``pkg`` itself); lines already in ``known`` are left out.
    ``texts``: members the format's reader read for a few attributes, and
    their text as ``part_text`` gave it then (not inflated again here).
    ``binary``: a member that is bytes, not text, is reported (``unreadable.embedded``),
    not passed over: in an OOXML package no such part is left to this reader
    but one nobody reads (an ActiveX control's ``activeX1.bin``, a file put
    in the media folder)."""
    texts = texts or {}
    done = (set(read) | pkg.read_names) - texts.keys()
    todo = [name for name in sorted(pkg.names()) if name not in done and _may_hold_text(name)]
    if not todo:
        return [], []
    seen: set[str] | None = None  # the lines the format's parts hold, gathered when a part has text
    parts: list[Part] = []
    notices: list[Notice] = []
    for name in todo:
        try:
            text = texts[name] if name in texts else part_text(pkg.read(name), name, notices, binary=binary)
        except ExtractionError as exc:
            notices.append(unreadable(exc.reason, part=name))
            continue
        if not text.strip():
            continue
        if seen is None:
            seen = {line.strip() for part in known for line in part.text.splitlines()}
        lines = [line for line in text.splitlines() if line.strip() and line.strip() not in seen]
        if lines:
            parts.append(Part(name, "\n".join(lines)))
    return parts, notices


def _may_hold_text(name: str) -> bool:
    base = posixpath.basename(name)
    return bool(base) and not (name.endswith(".rels") or name == "[Content_Types].xml"
                               or _NO_TEXT.fullmatch(base) or _READ_ELSEWHERE.match(name))


def _xml_part(data: bytes, name: str) -> bool:
    """Whether ``part_text`` reads the part as XML: markup (``.vml``,
    ``.htm``), text and the formats not read aside, bytes that open with
    ``<`` (``opens_with_markup``)."""
    ext = posixpath.splitext(name)[1].lower()
    return ext not in _MARKUP and ext != ".txt" and ext not in _NOT_READ and opens_with_markup(data)


def opens_with_markup(data: bytes) -> bool:
    """Whether the bytes open with ``<`` after white space, in UTF-8 or in
    UTF-16, after a byte-order mark or not, as the XML parser reads them
    (a sheet written so is read, by LibreOffice too).  Read with the markup
    stripped instead, a part lost what it keeps in attributes: a pivot
    cache's every item."""
    for bom, codec in _BYTE_ORDER_MARKS:
        if data.startswith(bom):
            return data[len(bom):len(bom) + 256].decode(codec, "ignore").lstrip().startswith("<")
    return data.lstrip().startswith(b"<") or data.startswith(b"\x00<")  # UTF-16LE's opens with < as it is


def part_text(data: bytes, name: str, notices: list[Notice], binary: bool = False) -> str:
    """The text of one part (``notices`` gets what could not be read); XML
    (``_xml_part``) parsed by ``parse_xml`` (its error raised) and read by ``xml_text``;
    bytes that are not text reported when ``binary`` (``leftover``), else passed over."""
    if _xml_part(data, name):
        return xml_text(parse_xml(data, name))
    ext = posixpath.splitext(name)[1].lower()
    if ext in _NOT_READ:
        notices.append(unreadable(Text(f"package part {name} ({ext[1:].upper()}) is not read",
                                       f"文件包中的部件 {name}（{ext[1:].upper()}）未读取"), part=name))
        return ""
    kind = sniff(data, "")
    if ext not in _MARKUP and ext != ".txt" and kind in _FILES:
        notices.append(unreadable(Text(f"package part {name} is a file that is not scanned ({kind})",
                                       f"文件包中的部件 {name} 是未扫描的文件（{kind}）"),
                                  part="embedded", rule="unreadable.embedded", object=name))
        return ""
    if ext not in _MARKUP and ext != ".txt" and kind not in ("text", "html", "markdown", "csv"):
        if binary and data and "/activex/" in name.lower():
            notices.append(unreadable(Text(f"package part {name} is an ActiveX control's binary data (its caption "
                                           "and value), which is not read",
                                           f"文件包中的部件 {name} 是 ActiveX 控件的二进制数据（其标题和值），未读取"),
                                      part="embedded", rule="unreadable.embedded", object=name))
        elif binary and data:
            notices.append(unreadable(Text(f"package part {name} holds data that is not read ({kind})",
                                           f"文件包中的部件 {name} 含有未读取的数据（{kind}）"),
                                      part="embedded", rule="unreadable.embedded", object=name))
        return ""  # bytes, not text
    decoded = decode(data)
    if not decoded.exact:
        notices.append(encoding_notice(decoded))
    text = decoded.both_readings()
    if ext == ".txt":
        return text
    from .html import markup_text

    return markup_text(text)


def xml_text(root: etree._Element, items: bool = True, attributes: bool = True) -> str:
    """The text of every element but those that place a shape (``_LAYOUT``),
    the runs of a paragraph (an element named ``p``: DrawingML,
    WordprocessingML) on one line, any other element's text on a line of its
    own; ``v`` attributes of ``s`` elements too (the
    strings of a pivot cache, which keeps its source data), unless not
    ``items``: a pivot cache definition the XLSX reader read them from; the
    text kept in attributes (``attribute_lines``) unless not ``attributes``."""
    lines: list[str] = []
    current: list[str] = []
    open_paragraphs = 0
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = local(el.tag)
        if event == "start":
            if tag == "p":
                if open_paragraphs == 0 and current:
                    lines.append("".join(current))
                    current = []
                open_paragraphs += 1
            if el.text and isinstance(el.tag, str) and tag not in _LAYOUT:
                current.append(el.text)
            if items and tag == "s" and el.get("v"):
                current.append(el.get("v") or "")
            continue
        if tag == "p":
            open_paragraphs -= 1
        if open_paragraphs == 0 and current:
            lines.append("".join(current))
            current = []
        if el.tail:
            current.append(el.tail)
    if current:
        lines.append("".join(current))
    if attributes:
        lines += attribute_lines(root)
    return "\n".join(line for line in lines if line.strip())
