"""OpenDocument text, spreadsheets and presentations (.odt .ods .odp, their
templates), as LibreOffice, WPS and Yozo Office save them.

They are read as LibreOffice reads them: converted to DOCX/XLSX/PPTX by the
warm LibreOffice of ``legacy_convert`` and read by the OOXML extractor, so a
form's grid, headers and footers, comments, hidden text, tracked changes,
hidden sheets and speaker notes come out under their usual part names, as a
``.doc``'s do.  Read as the loose XML members of a ZIP, as they were before,
a form's 密级 column and a level alone in a header were not seen as such, and
the item passed as fully read.

What the conversion does not carry is read from the package itself:

- its other members (``leftover``): the source of its macros (``Basic/``), the
  documents of its embedded objects (``Object 1/content.xml``), a file added to
  the package; an OLE object's own bytes stay ``unreadable.embedded``;
- text of the body (``content.xml``) or of the headers, footers and master
  pages (``styles.xml``) that the converted file lacks (``lostchars``): that
  text is read from the XML (parts ``content.xml``, ``styles.xml``) and the
  item is ``review``, since its layout was not read.

Without LibreOffice (not installed, ``[convert] enabled = false``, the
conversion failed) the same XML is read for its text and the item is
``review`` (``unreadable.format``): marks are found, a form's layout is not.
A password-protected package is ``unreadable.encrypted``.
"""
from __future__ import annotations

import posixpath
from collections.abc import Iterable

from lxml import etree

from ..config import Convert, Limits
from ..errors import ExtractionError, LimitExceeded
from ..lang import Text
from ..types import Document, Notice, Part
from .leftover import leftover, xml_text
from .legacy import read_converted
from .legacy_convert import ConversionFailed, conversion_timeout, convert as convert_to_ooxml
from .lostchars import lost_han
from .notices import unreadable
from .ocr import PictureReader
from .xmlparts import local, parse_xml
from .zipguard import GuardedZip

NAMES = {"odt": "OpenDocument text (.odt)", "ods": "OpenDocument spreadsheet (.ods)",
         "odp": "OpenDocument presentation (.odp)"}
# the package's own members that hold no document text the converted file lacks: its type and
# manifest, settings, document properties (converted), and folders of pictures the converted file
# carries or that only picture what is read (a thumbnail of the first page, objects' previews)
_PACKAGE = frozenset({"mimetype", "settings.xml", "meta.xml", "manifest.rdf", "layout-cache"})
_PACKAGE_FOLDERS = frozenset({"META-INF", "Thumbnails", "Pictures", "ObjectReplacements", "Configurations2"})
# where in each part the text a reader sees lies: the body, and the master pages (headers, footers)
_DOCUMENT = {"content.xml": "body", "styles.xml": "master-styles"}
# who wrote a comment or a change, and when: not text the converted file must hold
_DC, _META, _OFFICE = ("http://purl.org/dc/elements/1.1/", "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
                       "urn:oasis:names:tc:opendocument:xmlns:office:1.0")
_BYLINES = (f"{{{_DC}}}creator", f"{{{_DC}}}date", f"{{{_META}}}date-string", f"{{{_OFFICE}}}change-info")


def extract_odf(data: bytes, name: str, limits: Limits, convert: Convert | None = None,
                ocr: PictureReader | None = None, *, fmt: str) -> Document:
    with GuardedZip(data, limits, stage=fmt) as pkg:
        if _encrypted(pkg):
            return Document(fmt, notices=(unreadable(f"password-protected {NAMES[fmt]}", part="body",
                                                     rule="unreadable.encrypted"),), failed_parts=("body",))
        convert = convert or Convert()
        if not convert.enabled:
            return _unconverted(pkg, fmt, "LibreOffice conversion disabled ([convert] enabled = false)")
        try:
            ooxml = convert_to_ooxml(data, fmt, convert.soffice, conversion_timeout(limits.item_timeout),
                                     limits.max_item_bytes, convert.warm_conversions)
        except ConversionFailed as exc:
            return _unconverted(pkg, fmt, str(exc))
        except LimitExceeded as exc:
            limit = unreadable(f"{NAMES[fmt]} not converted: {exc}", part="body", rule="unreadable.limit",
                               limit=exc.limit, format=fmt)
            return _unconverted(pkg, fmt, str(exc), limit)
        converted = read_converted(fmt, NAMES[fmt], ooxml, name, limits, [], [],
                                   ocr or PictureReader.for_item(limits.item_timeout), objects=False)
        parts, notices, failed = list(converted.parts), list(converted.notices), list(converted.failed_parts)
        reading = "\n".join(part.text for part in parts)
        roots = _document_roots(pkg, notices)
        lost = [member for member, elements in roots if lost_han(_nodes_text(elements), reading)]
        if lost:
            # text LibreOffice did not carry over: the member read from its XML, its layout not read
            seen = {line.strip() for line in reading.splitlines()}
            for member, elements in roots:
                lines = [line for line in _lines(elements) if line.strip() not in seen]
                if member in lost and lines:
                    parts.append(Part(member, "\n".join(lines)))
            notices.append(unreadable(
                Text(f"LibreOffice's reading of the {NAMES[fmt]} left out text its {', '.join(lost)} holds; "
                     "that text was read from the XML, without its layout",
                     f"LibreOffice 读取该 OpenDocument 文件时遗漏了 {'、'.join(lost)} 中的文字，"
                     "这些文字已从 XML 读取，但未读取其版式"), part="body"))
            failed.append("body")
        others, other_notices = leftover(pkg, _passed_over(pkg.names()), parts)
        return Document(fmt, parts=(*parts, *others), notices=(*notices, *other_notices),
                        failed_parts=tuple(dict.fromkeys(failed)), notes=converted.notes)


def _unconverted(pkg: GuardedZip, fmt: str, problem: str, cause: Notice | None = None) -> Document:
    """The package's text without LibreOffice: its body, headers and
    footers, its properties (``meta.xml``) and every other member read as
    XML, the item not full (``cause``: why, else ``unreadable.format``)."""
    notices: list[Notice] = []
    parts = [Part(member, text) for member, elements in _document_roots(pkg, notices)
             if (text := "\n".join(_lines(elements)))]
    others, other_notices = leftover(pkg, _passed_over(pkg.names()) - {"meta.xml"}, parts)
    cause = cause or unreadable(
        Text(f"{NAMES[fmt]} read from its XML, without its layout (LibreOffice did not convert it: {problem})",
             f"{NAMES[fmt]} 仅从 XML 读取了文字，未读取其版式（LibreOffice 未能转换：{problem}）"),
        part="body", rule="unreadable.format", format=fmt, conversion=problem)
    return Document(fmt, parts=(*parts, *others), notices=(cause, *notices, *other_notices), failed_parts=("body",))


def _document_roots(pkg: GuardedZip, notices: list[Notice]) -> list[tuple[str, list[etree._Element]]]:
    """(member, elements) of ``content.xml`` and ``styles.xml``: the
    elements of each that hold the text a reader sees (``_DOCUMENT``: the
    body, the master pages), without the authors and dates of comments and
    changes (``_BYLINES``); a member that cannot be parsed gets a notice."""
    found = []
    for member, wanted in _DOCUMENT.items():
        if member not in pkg.names():
            continue
        try:
            root = parse_xml(pkg.read(member), member)
        except ExtractionError as exc:
            notices.append(unreadable(exc.reason, part=member))
            continue
        etree.strip_elements(root, *_BYLINES, with_tail=False)
        found.append((member, [el for el in root if isinstance(el.tag, str) and local(el.tag) == wanted]))
    return found


def _lines(elements: list[etree._Element]) -> list[str]:
    """Their text, a paragraph a line, and the text of their attributes (``xml_text``)."""
    return [line for el in elements for line in xml_text(el, items=False).splitlines() if line.strip()]


def _nodes_text(elements: list[etree._Element]) -> str:
    """Their text a node a line: what a reading of them must hold, where a
    comment or a text box anchored in a paragraph is not read inside it."""
    return "\n".join(text for root in elements for text in root.itertext())


def _passed_over(names: Iterable[str]) -> set[str]:
    """The members ``leftover`` does not read: ``_PACKAGE`` and ``_PACKAGE_FOLDERS``
    at any depth (an embedded object's own), and the document's parts, read above."""
    return {name for name in names
            if name in _DOCUMENT or posixpath.basename(name) in _PACKAGE
            or not _PACKAGE_FOLDERS.isdisjoint(name.split("/")[:-1])}


def _encrypted(pkg: GuardedZip) -> bool:
    """Whether the manifest gives any member encryption data (a password was set)."""
    if "META-INF/manifest.xml" not in pkg.names():
        return False
    try:
        root = parse_xml(pkg.read("META-INF/manifest.xml"), "META-INF/manifest.xml")
    except ExtractionError:
        return False
    return any(local(el.tag) == "encryption-data" for el in root.iter(etree.Element))
