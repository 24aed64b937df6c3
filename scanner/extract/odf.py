"""OpenDocument text, spreadsheets, presentations and drawings (.odt .ods
.odp .odg, their templates, and their flat forms .fodt .fods .fodp .fodg), as
LibreOffice, WPS and Yozo Office save them.  A drawing is read as LibreOffice's
Impress reads it, as a presentation (format ``odp``); a flat file, one XML
document, as the package it is the one-file form of (``_packaged``): read as
XML text, its header's level was a line of its body and its form's 密级 column
a run of text.  A flat file that does not parse (truncated, a billion laughs)
or declares a DTD is read as the XML reader reads any XML, and is not full.

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
  item is ``review``, since its layout was not read;
- the text fields keep in attributes and do not show (a hidden text, a
  conditional text's other choice, a variable's value) and the names of
  pages (``_values``): neither the conversion nor the change check holds
  them, and a level alone in one was clear.  They are read into the same
  parts; the item stays full, as they are read whole.  So is the text the
  conversion drops whole, which the change check then does not count: a
  connector's or a caption's label (a flowchart's 是 and 否 made an ordinary
  drawing review), a picture's title (its DOCX keeps only the description).

A member that is itself a flat file (a picture's data in a flat file, a file
added to a package) is read as XML by ``leftover`` and is ``unreadable.embedded``.
A part stored twice, or a package whose directory admits to being a bomb, is
refused before LibreOffice sees it (``GuardedZip.check_declared``).
Without LibreOffice (not installed, ``[convert] enabled = false``, the
conversion failed) the same XML is read for its text and the item is
``review`` (``unreadable.format``): marks are found, a form's layout is not.
A password-protected package is ``unreadable.encrypted``.
"""
from __future__ import annotations

import base64
import io
import re
import zipfile
from copy import deepcopy

from lxml import etree

from ..config import Convert, Limits
from ..errors import ExtractionError, LimitExceeded
from ..lang import Text
from ..types import Document, Notice, Part
from .leftover import _may_hold_text, leftover, xml_text
from .legacy import read_converted
from .legacy_convert import ConversionFailed, conversion_timeout, convert as convert_to_ooxml
from .lostchars import lost_han
from .notices import unreadable
from .ocr import PictureReader
from .sniff import Probe, flat_media_type
from .xmldoc import extract_xml
from .xmlparts import local, parse_xml
from .zipguard import GuardedZip

NAMES = {"odt": "OpenDocument text (.odt)", "ods": "OpenDocument spreadsheet (.ods)",
         "odp": "OpenDocument presentation (.odp)"}
_DRAWING = "OpenDocument drawing (.odg)"  # sniffed as odp: LibreOffice's Impress reads it
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
_DRAW, _XLINK, _MANIFEST = ("urn:oasis:names:tc:opendocument:xmlns:drawing:1.0", "http://www.w3.org/1999/xlink",
                            "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0")
# who wrote a comment or a change, and when: not text the converted file must hold
_BYLINES = (f"{{{_DC}}}creator", f"{{{_DC}}}date", f"{{{_META}}}date-string", f"{{{_OFFICE}}}change-info")
# the templates an index is made from (a table of contents' 目录 title, its entries' patterns): not shown
_TEMPLATES = tuple(f"{{{_TEXT}}}{name}-source" for name in (
    "table-of-content", "illustration-index", "table-index", "object-index", "user-index", "alphabetical-index",
    "bibliography"))
# where a text field keeps text in an attribute: a hidden text's (shown unless its condition holds), a
# conditional text's two (one shown), a variable's, an input variable's or a user field's value (shown
# where a field shows it, or nowhere), and an input field's or a placeholder's description (the hint shown
# over it, as Word's help text is read)
_VALUES = (f"{{{_TEXT}}}string-value", f"{{{_TEXT}}}string-value-if-true", f"{{{_TEXT}}}string-value-if-false",
           f"{{{_OFFICE}}}string-value", f"{{{_TEXT}}}description")
# text LibreOffice's conversion (7.4) leaves out: a connector's label (a flowchart's 是 and 否) and a
# caption's (a callout) in its PPTX, a picture's or a shape's title (its alt text's 示意图) in its DOCX: read
# whole (``_values``), not counted by the change check, where an ordinary drawing with a labelled connector
# and a text with a titled picture were review
_SVG = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
_UNCARRIED = (f"{{{_DRAW}}}connector", f"{{{_DRAW}}}caption", f"{{{_SVG}}}title", f"{{{_SVG}}}desc")
_PARAGRAPHS = (f"{{{_TEXT}}}p", f"{{{_TEXT}}}h")
# a drawing's or a presentation's page, and its name (which the navigator shows and no PPTX holds)
_PAGE, _PAGE_NAME = f"{{{_DRAW}}}page", f"{{{_DRAW}}}name"
# the members of a package that hold the children of a flat file's root (office:document), as
# LibreOffice saves it: the fonts and the automatic styles in both the body's and the styles'
_MEMBERS = {member: (root, tuple(f"{{{_OFFICE}}}{child}" for child in children)) for member, root, children in (
    ("content.xml", "document-content", ("font-face-decls", "automatic-styles", "body")),
    ("styles.xml", "document-styles", ("font-face-decls", "styles", "automatic-styles", "master-styles")),
    ("meta.xml", "document-meta", ("meta",)), ("settings.xml", "document-settings", ("settings",)))}
_HREF = f"{{{_XLINK}}}href"
_FLAT_PEEK = 65536  # of a member, to tell a flat OpenDocument file (its root, its type) from other XML
# the members inflated for leftover that may be kept at once, in all: a larger one is peeked at, then read
_KEPT_BYTES = 32 << 20
_OBJECT_DEPTH = 8  # objects embedded in objects deeper than this stay in their document's XML
# the parts of the converted reading that hold the document's flow, as the package's body and master
# pages do (not its properties, attributes, fields' codes, links, or other package parts)
_FLOW = frozenset({"body", "table", "textbox", "header", "footer", "footnote", "endnote", "comment", "deleted",
                   "hidden", "sheet", "slide", "notes", "master"})


def extract_odf(data: bytes, name: str, limits: Limits, convert: Convert | None = None,
                ocr: PictureReader | None = None, *, fmt: str) -> Document:
    flat = not Probe(data, name).is_zip
    if flat:
        try:
            data = _packaged(data)
        except ExtractionError as exc:
            return _unparsed(data, name, limits, fmt, exc)
    with _Package(data, limits, stage=fmt) as pkg:
        pkg.check_declared()  # a part stored twice would be read once; a bomb is refused before LibreOffice
        described = _described(Probe(data, name).odf_type, fmt, flat)
        if _encrypted(pkg):
            return Document(fmt, notices=(unreadable(f"password-protected {described}", part="body",
                                                     rule="unreadable.encrypted"),), failed_parts=("body",))
        convert = convert or Convert()
        if not convert.enabled:
            return _unconverted(pkg, fmt, described, "LibreOffice conversion disabled ([convert] enabled = false)")
        try:
            ooxml = convert_to_ooxml(data, fmt, convert.soffice, conversion_timeout(limits.item_timeout),
                                     limits.max_item_bytes, convert.warm_conversions)
        except ConversionFailed as exc:
            return _unconverted(pkg, fmt, described, str(exc))
        except LimitExceeded as exc:
            limit = unreadable(f"{described} not converted: {exc}", part="body", rule="unreadable.limit",
                               limit=exc.limit, format=fmt)
            return _unconverted(pkg, fmt, described, str(exc), limit)
        converted = read_converted(fmt, described, ooxml, name, limits, [], [],
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
        # text the conversion left out, or wrote that the package does not hold (LibreOffice 7.4 writes
        # an input field's text four times): those members read from their XML too; of the others, the
        # text kept in attributes that the conversion does not carry (``_values``)
        seen = {line.strip() for part in parts for line in part.text.splitlines()}
        for member, elements in roots:
            lines = [line for line in (_lines(elements) if member in changed else _values(elements))
                     if line.strip() not in seen]
            if lines:
                parts.append(Part(member, "\n".join(lines)))
        if changed:
            notices.append(unreadable(
                Text(f"LibreOffice's reading of the {described} does not hold the text its {', '.join(changed)} "
                     "holds; that text was read from the XML too, without its layout",
                     f"LibreOffice 读取该 OpenDocument 文件所得文字与 {'、'.join(changed)} 中的文字不符，"
                     "这些文字已另从 XML 读取，但未读取其版式"), part="body"))
            failed.append("body")
        passed = _passed_over(pkg)
        notices += _flat_members(pkg, passed)
        others, other_notices = leftover(pkg, passed, parts, object_texts)
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
    return [member for member, elements in roots
            if lost_han(_nodes_text(elements, bylines=False, uncarried=False), reading)]


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


def _unconverted(pkg: GuardedZip, fmt: str, described: str, problem: str, cause: Notice | None = None) -> Document:
    """The package's text without LibreOffice: its body, headers and
    footers, its properties (``meta.xml``) and every other member read as
    XML, the item not full (``cause``: why, else ``unreadable.format``)."""
    notices: list[Notice] = []
    parts = [Part(member, text) for member, elements in _document_roots(pkg, notices)
             if (text := "\n".join(_lines(elements)))]
    passed = _passed_over(pkg) - {"meta.xml"}
    notices += _flat_members(pkg, passed)
    others, other_notices = leftover(pkg, passed, parts)
    cause = cause or unreadable(
        Text(f"{described} read from its XML, without its layout (LibreOffice did not convert it: {problem})",
             f"{described} 仅从 XML 读取了文字，未读取其版式（LibreOffice 未能转换：{problem}）"),
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
    (``xml_text``, ``_values``), less the authors and dates of comments and changes."""
    lines = [line for el in elements for line in xml_text(_without_bylines(el), items=False).splitlines()]
    return [line for line in (*lines, *_values(elements)) if line.strip()]


def _values(elements: list[etree._Element]) -> list[str]:
    """The text fields keep in attributes (``_VALUES``) other than the text
    they show, and the names of pages (``_PAGE``) but ASCII ones
    (``page1``): neither is text LibreOffice's conversion carries (a hidden
    text's 机密 was nowhere in its DOCX), nor text the change check counts;
    and the paragraphs of connectors and captions and the titles of shapes
    (``_UNCARRIED``), which the conversion leaves out and the change check
    does not count."""
    found: list[str] = []
    fields: list[tuple[etree._Element, list[str]]] = []
    for el in elements:
        for inner in el.iter(f"{{{_TEXT}}}*", _PAGE, *_UNCARRIED):
            if inner.tag == _PAGE:
                found += [page] if not (page := inner.get(_PAGE_NAME, "")).isascii() else []
            elif inner.tag in _UNCARRIED:
                found += ["".join(held.itertext()) for held in _held(inner)]
            elif values := [value for key in _VALUES if (value := (inner.get(key) or "").strip())]:
                fields.append((inner, values))
    for n, (inner, values) in enumerate(fields):
        # a field holding another (hostile: a field in a field, two thousand deep, round a long text) is
        # not compared with what it shows: its text read once a level was quadratic
        holds = n + 1 < len(fields) and any(up is inner for up in fields[n + 1][0].iterancestors())
        # the text it shows as the package holds it: spaces past the first and tabs are elements (text:s,
        # text:tab), so a value is compared without its blanks (某工程  设计方案 shows 某工程设计方案 there)
        shown = None if holds else "".join("".join(inner.itertext()).split())
        found += [value for value in values if "".join(value.split()) != shown]
    return list(dict.fromkeys(found))


def _nodes_text(elements: list[etree._Element], bylines: bool = True, values: bool = False,
                uncarried: bool = True) -> str:
    """Their text a node a line (where a comment or a text box anchored in a
    paragraph is not read inside it), with or without the authors and dates
    of comments and changes (``_BYLINES``), and (``values``) every attribute's value;
    without the text ``_values`` reads of the shapes it reads (``_held``) unless ``uncarried``."""
    roots = [el if bylines else _without_bylines(el, uncarried) for el in elements]
    texts = [text for el in roots for text in el.itertext()]
    if values:
        texts += [value for el in roots for inner in el.iter() for value in inner.attrib.values()]
    return "\n".join(texts)


def _without_bylines(el: etree._Element, uncarried: bool = True) -> etree._Element:
    """A copy of ``el`` without ``_BYLINES``, and without the text ``_values``
    reads of connectors, captions and titles (``_held``) unless ``uncarried``."""
    copy = deepcopy(el)
    etree.strip_elements(copy, *_BYLINES, with_tail=False)
    if not uncarried:
        for inner in list(copy.iter(*_UNCARRIED)):
            for held in _held(inner):
                _detach(held)
    return copy


def _held(shape: etree._Element) -> list[etree._Element]:
    """What ``_values`` reads of a connector, a caption or a title
    (``_UNCARRIED``): its paragraphs, or (none) all of it; any other text
    in it stays the change check's."""
    return list(shape.iter(*_PARAGRAPHS)) or [shape]


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


def _flat_members(pkg: GuardedZip, passed: set[str]) -> list[Notice]:
    """``unreadable.embedded`` for each member ``leftover`` reads that is a
    flat OpenDocument file (``Probe.flat_odf_type``): a picture's or an OLE
    object's data in a flat file (``office:binary-data``), a file added to a
    package.  ``leftover`` reads it as XML, its text a line a node: a form's
    密级 column and a level alone in its header were not seen as such, and it
    was clear; it is not read as a document here (its text still is).

    A member ``leftover`` reads is inflated whole here and kept for it
    (``_Package``), up to ``_KEPT_BYTES`` in all: its prolog peeked at, then
    read again, it was inflated twice.  One that cannot be read whole is
    peeked at, and ``leftover`` says why it could not read it."""
    notices = []
    for name in pkg.names():
        if name in passed or name.endswith("/") or _OBJECT.fullmatch(name.removesuffix("content.xml")):
            continue
        head = _kept_head(pkg, name, passed) if isinstance(pkg, _Package) else None
        if head is None:
            try:
                head = pkg.head(name, _FLAT_PEEK)
            except ExtractionError:
                continue  # leftover reads it, and says why it could not
        if Probe(head, name).flat_odf_type:
            notices.append(unreadable(
                Text(f"package part {name} is a flat OpenDocument file, read as XML, not as a document",
                     f"文件包中的部件 {name} 是单文件 OpenDocument（flat XML），仅按 XML 读取了文字，未按文档读取"),
                part="embedded", rule="unreadable.embedded", object=name))
    return notices


def _kept_head(pkg: _Package, name: str, passed: set[str]) -> bytes | None:
    """The prolog of a member ``leftover`` will read, the member inflated
    whole and kept for it; None when it is not one, is past what may be kept,
    or cannot be read whole."""
    size = pkg.size(name)
    if name in pkg.read_names or not _may_hold_text(name) or pkg.kept_bytes + size > _KEPT_BYTES:
        return None
    try:
        data = pkg.read(name)
    except ExtractionError:
        return None
    pkg.read_names.discard(name)  # still leftover's to read
    pkg.keep(name, data)
    return data[:_FLAT_PEEK]


class _Package(GuardedZip):
    """A package whose members ``_flat_members`` inflated for ``leftover``
    are handed to it from memory, each inflated once."""

    def __init__(self, data: bytes, limits: Limits, stage: str = "zip") -> None:
        super().__init__(data, limits, stage)
        self._kept: dict[str, bytes] = {}
        self.kept_bytes = 0

    def size(self, name: str) -> int:
        """The size the directory declares for a member."""
        return self._infos[name].file_size

    def keep(self, name: str, data: bytes) -> None:
        self._kept[name] = data
        self.kept_bytes += len(data)

    def read(self, name: str | zipfile.ZipInfo) -> bytes:
        if isinstance(name, str) and name in self._kept:
            self.read_names.add(name)
            return self._kept.pop(name)
        return super().read(name)


def _described(media_type: str, fmt: str, flat: bool) -> str:
    """The item's kind for people: a drawing's own, a flat file's (``.fodt``) too."""
    described = _DRAWING if media_type.removesuffix("-template").endswith(".graphics") else NAMES[fmt]
    return f"flat {described.replace('(.', '(.f')}" if flat else described


def _unparsed(data: bytes, name: str, limits: Limits, fmt: str, exc: ExtractionError) -> Document:
    """A flat file that cannot be packaged (``_packaged``: truncated, a
    billion laughs, a DTD): read as the XML reader reads any XML, the item not full."""
    doc = extract_xml(data, name, limits)
    notice = unreadable(Text(f"flat OpenDocument file not read as a document: {exc.reason}",
                             f"单文件 OpenDocument（flat XML）未能按文档读取：{exc.reason}"), part="body")
    return Document(fmt, parts=doc.parts, notices=(notice, *doc.notices),
                    failed_parts=tuple(dict.fromkeys(("body", *doc.failed_parts))))


def _packaged(data: bytes) -> bytes:
    """The package a flat OpenDocument file (.fodt .fods .fodp .fodg) is the
    one-file form of, as LibreOffice saves it (``_split``), stored, not
    deflated (no bomb), for it to be read as its package is.  Raises
    ``ExtractionError`` when it does not parse, is no ``office:document`` or
    declares a DTD (LibreOffice writes none; the XML reader reads what one declares)."""
    root = parse_xml(data, "body")
    if root.getroottree().docinfo.internalDTD is not None:
        raise ExtractionError("the file declares a DTD", part="body")
    members: dict[str, bytes] = {}
    media_types: dict[str, str] = {}
    _split(root, "", members, media_types)
    manifest = etree.Element(f"{{{_MANIFEST}}}manifest", nsmap={"manifest": _MANIFEST})
    for path, media_type in (*media_types.items(), *dict.fromkeys(members, "").items()):
        etree.SubElement(manifest, f"{{{_MANIFEST}}}file-entry", {
            f"{{{_MANIFEST}}}full-path": path or "/", f"{{{_MANIFEST}}}media-type": media_type})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as package:
        package.writestr("mimetype", media_types[""])
        for member, content in members.items():
            package.writestr(member, content)
        package.writestr("META-INF/manifest.xml", etree.tostring(manifest, xml_declaration=True, encoding="UTF-8"))
    return out.getvalue()


def _split(document: etree._Element, folder: str, members: dict[str, bytes], media_types: dict[str, str],
           depth: int = 0) -> None:
    """The members of the ``office:document`` ``document`` under ``folder``
    (``Object 1/`` for an embedded object's): its body, styles, properties
    and settings in theirs (``_MEMBERS``); its embedded objects' documents,
    to ``_OBJECT_DEPTH``, in folders of their own; each binary (a picture,
    an OLE object's bytes) a member of its own; what no member of a package
    holds (its macros' source, an element or text of no known place, its
    comments) in ``flat.xml``, which ``leftover`` reads."""
    if document.tag != f"{{{_OFFICE}}}document":
        raise ExtractionError(f"{local(document.tag) or 'the root'} is not office:document", part="body")
    body = document.find(f"{{{_OFFICE}}}body")
    first = next((el for el in body if isinstance(el.tag, str)), None) if body is not None else None
    media_types[folder] = flat_media_type(document.get(f"{{{_OFFICE}}}mimetype", ""),
                                          None if first is None else first.tag)
    for frame in [el for el in document.iter(f"{{{_DRAW}}}object") if depth < _OBJECT_DEPTH
                  and next(el.iterancestors(f"{{{_OFFICE}}}document")) is document]:
        if (inner := frame.find(f"{{{_OFFICE}}}document")) is not None:
            name = f"Object {len(media_types)}"
            _detach(inner)
            frame.set(_HREF, f"./{name}")
            _split(inner, f"{folder}{name}/", members, media_types, depth + 1)
    for n, binary in enumerate(list(document.iter(f"{{{_OFFICE}}}binary-data")), 1):
        holder = binary.getparent()
        name = f"Object {n}.bin" if local(holder.tag) == "object-ole" else f"Pictures/{n}"
        if len(binary):
            raise ExtractionError("binary data that holds elements", part="body")
        try:
            members[f"{folder}{name}"] = base64.b64decode(binary.text or "")
        except ValueError as exc:  # binascii.Error; a character not ASCII (机密 where base64 should be)
            raise ExtractionError(f"binary data that is not base64: {exc}", part="body") from exc
        _detach(binary)
        holder.set(_HREF, name)
    roots = {member: etree.Element(f"{{{_OFFICE}}}{tag}", document.attrib, nsmap=document.nsmap)
             for member, (tag, _) in _MEMBERS.items()}
    unplaced = etree.Element("flat")
    lines = [document.text or "", *_comments(document)]
    for child in list(document):
        lines.append(child.tail or "")
        homes = [member for member, (_, held) in _MEMBERS.items() if child.tag in held]
        for member in homes[1:]:
            roots[member].append(deepcopy(child))
        (roots[homes[0]] if homes else unplaced).append(child)
    for member, root in roots.items():
        members[f"{folder}{member}"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    for line in filter(str.strip, lines):
        etree.SubElement(unplaced, "p").text = line
    if len(unplaced):
        members[f"{folder}flat.xml"] = etree.tostring(unplaced, xml_declaration=True, encoding="UTF-8")


def _detach(el: etree._Element) -> None:
    """Remove ``el`` from its parent, the text after it (its tail) left where
    it was: removed with it, a level after a picture's data or after an
    embedded object's document went unread."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        if (previous := el.getprevious()) is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _comments(document: etree._Element) -> list[str]:
    """The text of the comments and processing instructions in and around
    ``document`` (outside the root): not shown, but in the file."""
    found = [*document.iter(etree.Comment, etree.ProcessingInstruction),
             *document.itersiblings(preceding=True), *document.itersiblings()]
    return [el.text for el in found if el.text]


def _encrypted(pkg: GuardedZip) -> bool:
    """Whether the manifest gives any member encryption data (a password was set)."""
    if "META-INF/manifest.xml" not in pkg.names():
        return False
    try:
        root = parse_xml(pkg.read("META-INF/manifest.xml"), "META-INF/manifest.xml")
    except ExtractionError:
        return False
    return any(local(el.tag) == "encryption-data" for el in root.iter(etree.Element))
