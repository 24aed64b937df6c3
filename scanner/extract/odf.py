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
  the package, in its picture folders too (only pictures are passed over
  there); an OLE object's own bytes stay ``unreadable.embedded``;
- the text of the body (``content.xml``) and of the headers, footers and
  master pages (``styles.xml``), where the conversion's text does not hold it
  as the package does (``lostchars``): a Chinese character or two side by side
  the package holds and the conversion lacks, or a character the conversion
  writes more often than the package holds it (LibreOffice 7.4 writes an input
  field's text four times, so a level alone in it was not alone).  That text
  is read from the XML too (parts ``content.xml``, ``styles.xml``) and the
  item is ``review``, since its layout was not read.

A part stored twice, or a package whose directory admits to being a bomb, is
refused before LibreOffice sees it (``GuardedZip.check_declared``).
Without LibreOffice (not installed, ``[convert] enabled = false``, the
conversion failed) the same XML is read for its text and the item is
``review`` (``unreadable.format``): marks are found, a form's layout is not.
A password-protected package is ``unreadable.encrypted``.
"""
from __future__ import annotations

import re
from copy import deepcopy

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
from .sniff import Probe
from .xmlparts import local, parse_xml
from .zipguard import GuardedZip

NAMES = {"odt": "OpenDocument text (.odt)", "ods": "OpenDocument spreadsheet (.ods)",
         "odp": "OpenDocument presentation (.odp)"}
# members of the package itself, not of the document: its type, settings, manifest and properties
# (which the converted file carries); at its root only
_PACKAGE = frozenset({"mimetype", "settings.xml", "meta.xml", "manifest.rdf", "layout-cache", "META-INF/manifest.xml"})
# folders of pictures: of the document (the converted file carries those it shows), of its first page (a
# thumbnail), of its objects (previews); at the root or an embedded object's (Object 1/Pictures/)
_PICTURE_FOLDERS = frozenset({"Pictures", "Thumbnails", "ObjectReplacements"})
_OBJECT = re.compile(r"Object \d+/")
# where in each part the text a reader sees lies: the body, and the master pages (headers, footers)
_DOCUMENT = {"content.xml": "body", "styles.xml": "master-styles"}
_DC, _META, _OFFICE, _TEXT = ("http://purl.org/dc/elements/1.1/", "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
                              "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
                              "urn:oasis:names:tc:opendocument:xmlns:text:1.0")
# who wrote a comment or a change, and when: not text the converted file must hold
_BYLINES = (f"{{{_DC}}}creator", f"{{{_DC}}}date", f"{{{_META}}}date-string", f"{{{_OFFICE}}}change-info")
# the templates an index is made from (a table of contents' 目录 title, its entries' patterns): not shown
_TEMPLATES = tuple(f"{{{_TEXT}}}{name}-source" for name in (
    "table-of-content", "illustration-index", "table-index", "object-index", "user-index", "alphabetical-index",
    "bibliography"))
# the parts of the converted reading that hold the document's flow, as the package's body and master
# pages do (not its properties, attributes, fields' codes, links, or other package parts)
_FLOW = frozenset({"body", "table", "textbox", "header", "footer", "footnote", "endnote", "comment", "deleted",
                   "hidden", "sheet", "slide", "notes", "master"})


def extract_odf(data: bytes, name: str, limits: Limits, convert: Convert | None = None,
                ocr: PictureReader | None = None, *, fmt: str) -> Document:
    with GuardedZip(data, limits, stage=fmt) as pkg:
        pkg.check_declared()  # a part stored twice would be read once; a bomb is refused before LibreOffice
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
        parts, notices = list(converted.parts), list(converted.notices)
        failed = list(converted.failed_parts)
        roots = _document_roots(pkg, notices)
        if not roots:
            notices.append(unreadable(Text("the package has no content.xml or styles.xml that could be read",
                                           "文件包中没有可读取的 content.xml 或 styles.xml"), part="body"))
            failed.append("body")
        objects, object_texts = _object_roots(pkg)
        changed = _changed(roots, objects, parts)
        if changed:
            # text the conversion left out, or wrote that the package does not hold (LibreOffice 7.4
            # writes an input field's text four times): the members read from their XML too
            seen = {line.strip() for part in parts for line in part.text.splitlines()}
            for member, elements in roots:
                lines = [line for line in _lines(elements) if line.strip() not in seen]
                if member in changed and lines:
                    parts.append(Part(member, "\n".join(lines)))
            notices.append(unreadable(
                Text(f"LibreOffice's reading of the {NAMES[fmt]} does not hold the text its {', '.join(changed)} "
                     "holds; that text was read from the XML too, without its layout",
                     f"LibreOffice 读取该 OpenDocument 文件所得文字与 {'、'.join(changed)} 中的文字不符，"
                     "这些文字已另从 XML 读取，但未读取其版式"), part="body"))
            failed.append("body")
        others, other_notices = leftover(pkg, _passed_over(pkg), parts, object_texts)
        return Document(fmt, parts=(*parts, *others), notices=(*notices, *other_notices),
                        failed_parts=tuple(dict.fromkeys(failed)), notes=converted.notes)


def _changed(roots: list[tuple[str, list[etree._Element]]], objects: list[tuple[str, list[etree._Element]]],
             parts: list[Part]) -> list[str]:
    """The members whose text the conversion did not keep: a Chinese
    character or two side by side (``lostchars``) that a member holds (less
    the authors and dates of comments and changes) and the reading does
    not; or a Chinese character the reading's flow (``_FLOW``) holds more
    often than the package (its embedded objects' bodies, a chart's title
    too, the authors and dates and every attribute's value, a sheet's name,
    counted), where every member is named."""
    reading = "\n".join(part.text for part in parts)
    flow = "\n".join(part.text for part in parts if part.name.split(":")[0] in _FLOW)
    whole = "\n".join(_nodes_text(elements, values=True) for _, elements in (*roots, *objects))
    if lost_han(flow, whole, pairs=False):
        return [member for member, _ in roots]
    return [member for member, elements in roots if lost_han(_nodes_text(elements, bylines=False), reading)]


def _object_roots(pkg: GuardedZip) -> tuple[list[tuple[str, list[etree._Element]]], dict[str, str]]:
    """(member, [its body]) of each embedded object's ``content.xml`` that
    can be parsed, and each one's text as ``leftover`` reads a member, for
    it to read them from (inflated once; read by ``pkg``, they would be
    passed over as the format's own parts)."""
    found, texts = [], {}
    for name in pkg.names():
        if _OBJECT.fullmatch(name.removesuffix("content.xml")):
            try:
                root = parse_xml(pkg.read(name), name)
            except ExtractionError:
                pkg.read_names.discard(name)  # leftover reads it again and says why it could not
                continue
            texts[name] = xml_text(root)
            found.append((name, [el for el in root if isinstance(el.tag, str) and local(el.tag) == "body"]))
    return found, texts


def _unconverted(pkg: GuardedZip, fmt: str, problem: str, cause: Notice | None = None) -> Document:
    """The package's text without LibreOffice: its body, headers and
    footers, its properties (``meta.xml``) and every other member read as
    XML, the item not full (``cause``: why, else ``unreadable.format``)."""
    notices: list[Notice] = []
    parts = [Part(member, text) for member, elements in _document_roots(pkg, notices)
             if (text := "\n".join(_lines(elements)))]
    others, other_notices = leftover(pkg, _passed_over(pkg) - {"meta.xml"}, parts)
    cause = cause or unreadable(
        Text(f"{NAMES[fmt]} read from its XML, without its layout (LibreOffice did not convert it: {problem})",
             f"{NAMES[fmt]} 仅从 XML 读取了文字，未读取其版式（LibreOffice 未能转换：{problem}）"),
        part="body", rule="unreadable.format", format=fmt, conversion=problem)
    return Document(fmt, parts=(*parts, *others), notices=(cause, *notices, *other_notices), failed_parts=("body",))


def _document_roots(pkg: GuardedZip, notices: list[Notice]) -> list[tuple[str, list[etree._Element]]]:
    """(member, elements) of ``content.xml`` and ``styles.xml``: the
    elements of each that hold the text a reader sees (``_DOCUMENT``: the
    body, the master pages), less the templates of indexes (``_TEMPLATES``);
    a member that cannot be parsed gets a notice."""
    found = []
    for member, wanted in _DOCUMENT.items():
        if member not in pkg.names():
            continue
        try:
            root = parse_xml(pkg.read(member), member)
        except ExtractionError as exc:
            notices.append(unreadable(exc.reason, part=member))
            continue
        etree.strip_elements(root, *_TEMPLATES, with_tail=False)
        found.append((member, [el for el in root if isinstance(el.tag, str) and local(el.tag) == wanted]))
    return found


def _lines(elements: list[etree._Element]) -> list[str]:
    """Their text, a paragraph a line, and the text of their attributes
    (``xml_text``), less the authors and dates of comments and changes."""
    return [line for el in elements for line in xml_text(_without_bylines(el), items=False).splitlines()
            if line.strip()]


def _nodes_text(elements: list[etree._Element], bylines: bool = True, values: bool = False) -> str:
    """Their text a node a line (where a comment or a text box anchored in a
    paragraph is not read inside it), with or without the authors and dates
    of comments and changes (``_BYLINES``), and (``values``) every attribute's value."""
    roots = [el if bylines else _without_bylines(el) for el in elements]
    texts = [text for el in roots for text in el.itertext()]
    if values:
        texts += [value for el in roots for inner in el.iter() for value in inner.attrib.values()]
    return "\n".join(texts)


def _without_bylines(el: etree._Element) -> etree._Element:
    """A copy of ``el`` without ``_BYLINES``."""
    copy = deepcopy(el)
    etree.strip_elements(copy, *_BYLINES, with_tail=False)
    return copy


def _passed_over(pkg: GuardedZip) -> set[str]:
    """The members ``leftover`` does not read: the document's parts (read
    above), the package's own (``_PACKAGE``) and the pictures of its picture
    folders (``_PICTURE_FOLDERS``), told by their bytes: any other file there
    is read or reported as any added file is."""
    passed = set()
    for name in pkg.names():
        inner = name[m.end():] if (m := _OBJECT.match(name)) else name
        if name in _DOCUMENT or name in _PACKAGE or (
                inner.split("/", 1)[0] in _PICTURE_FOLDERS and "/" in inner and not name.endswith("/")
                and Probe(pkg.head(name, 64), name).is_image):
            passed.add(name)
    return passed


def _encrypted(pkg: GuardedZip) -> bool:
    """Whether the manifest gives any member encryption data (a password was set)."""
    if "META-INF/manifest.xml" not in pkg.names():
        return False
    try:
        root = parse_xml(pkg.read("META-INF/manifest.xml"), "META-INF/manifest.xml")
    except ExtractionError:
        return False
    return any(local(el.tag) == "encryption-data" for el in root.iter(etree.Element))
