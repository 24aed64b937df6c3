"""OFD (GB/T 33190-2016): the fixed-layout format of Chinese e-government.

An OFD is a ZIP of XML: ``OFD.xml`` names each document's ``DocRoot`` and
carries its ``DocInfo`` metadata; ``Document.xml`` lists the pages (each a
``Content.xml`` of ``TextObject``/``TextCode``), the template pages they draw
on, and the annotations.  Locations (``ST_Loc``) are absolute from the
package root when they start with ``/``, else relative to the file that
names them.

Parts: ``page:N`` (one line per text object), ``template`` (text on template
pages, shown under every page that uses them), ``annotation``, ``metadata``,
``attachments`` (the attachments' names), ``outline`` (bookmark titles),
and the text of every other XML part under its path (custom tags, composite
graphics in the resources, extensions, signatures, an unlisted page: by
``leftover``).  Each attached file is a member
item of its own (``gazette.ofd!Doc_0/Attachs/data.xlsx``), scanned as an
archive's members are; one the index names but the package lacks is
``unreadable.embedded``.
"""
from __future__ import annotations

import posixpath
from collections.abc import Iterator

from lxml import etree

from ..config import Limits
from ..errors import ExtractionError, LimitExceeded
from ..lang import Text
from ..types import Document, Member, Notice, Part
from .image import package_pictures
from .leftover import leftover
from .notices import unreadable
from .ocr import PictureReader
from .xmlparts import local, parse_xml
from .zipguard import GuardedZip

_INFO_FIELDS = ("Title", "Author", "Subject", "Abstract", "Keyword", "Creator", "CustomData")


def extract_ofd(data: bytes, name: str, limits: Limits, ocr: PictureReader) -> Document:
    parts: list[Part] = []
    notices: list[Notice] = []
    failed: list[str] = []
    with GuardedZip(data, limits, stage="ofd") as pkg:
        pkg.check_declared()
        root = _xml(pkg, "OFD.xml")
        bodies = [el for el in root if local(el.tag) == "DocBody"]
        if not bodies:
            raise ExtractionError("OFD.xml names no document (DocBody)", stage="ofd")
        meta: dict[str, list[str]] = {}
        attached: list[str] = []  # the attachments' paths: members, not parts
        for body in bodies:
            _doc_info(body, meta)
            doc_root = _child_text(body, "DocRoot")
            if doc_root:
                _document(pkg, _resolve("OFD.xml", doc_root), parts, notices, failed, attached)
        # scanned pages and pasted pictures are image resources of the package
        pictures, picture_notices = package_pictures(pkg, "", ocr)
        # the rest: custom tags (a 公文's 密级 among them), composite graphics drawn from the
        # resources, extensions, signatures' XML, and parts no index lists (an unlisted page)
        others, other_notices = leftover(pkg, attached, parts)
    parts += others
    parts += pictures
    notices += picture_notices + other_notices
    parts += [Part(f"metadata:{label}", "\n".join(values)) for label, values in meta.items()]
    return Document("ofd", parts=tuple(parts), notices=tuple(notices), failed_parts=tuple(failed))


def _document(pkg: GuardedZip, path: str, parts: list[Part], notices: list[Notice],
              failed: list[str], attached: list[str]) -> None:
    doc = _xml(pkg, path)
    templates = {}
    for el in doc.iter():
        if local(el.tag) == "TemplatePage" and el.get("BaseLoc"):
            templates[el.get("ID")] = _resolve(path, el.get("BaseLoc"))
    page_ids: dict[str, int] = {}
    used_templates: list[str] = []
    for number, page in enumerate((el for el in doc.iter() if local(el.tag) == "Page" and el.get("BaseLoc")), 1):
        page_ids[page.get("ID") or ""] = number
        try:
            content = _xml(pkg, _resolve(path, page.get("BaseLoc")))
        except ExtractionError as exc:
            failed.append(f"page:{number}")
            notices.append(unreadable(exc.reason, part=f"page:{number}"))
            continue
        lines = _text_objects(content)
        if lines:
            parts.append(Part(f"page:{number}", "\n".join(lines)))
        for tpl in content.iter():
            if local(tpl.tag) == "Template" and tpl.get("TemplateID") in templates:
                used_templates.append(templates[tpl.get("TemplateID")])
    template_lines = []
    for tpl_path in dict.fromkeys(used_templates):
        template_lines += _text_objects(_xml(pkg, tpl_path))
    if template_lines:
        parts.append(Part("template", "\n".join(template_lines)))
    annotations = _annotations(pkg, path, doc, page_ids)
    if annotations:
        parts.append(Part("annotation", "\n".join(annotations)))
    outline = [el.get("Title") or "" for el in doc.iter("{*}OutlineElem") if (el.get("Title") or "").strip()]
    if outline:
        parts.append(Part("outline", "\n".join(outline)))
    names = []
    for label, file_path in _attachments(pkg, path, doc):
        attached.append(file_path)
        names.append(f"{label} ({posixpath.basename(file_path)})" if label else posixpath.basename(file_path))
        if not pkg.has(file_path):
            notices.append(unreadable(Text(f"OFD attachment {label or file_path} is not in the package ({file_path})",
                                           f"OFD 附件“{label or file_path}”不在文件包中（{file_path}）"),
                                      part="attachments", rule="unreadable.embedded", object=file_path))
    if names:
        parts.append(Part("attachments", "\n".join(names)))


def _attachments(pkg: GuardedZip, doc_path: str, doc: etree._Element) -> list[tuple[str, str]]:
    """(name, package path) of each file the document's attachment index lists."""
    loc = _child_text(doc, "Attachments")
    if not loc:
        return []
    index_path = _resolve(doc_path, loc)
    found = []
    for attachment in _xml(pkg, index_path).iter():
        if local(attachment.tag) == "Attachment":
            file_loc = _child_text(attachment, "FileLoc")
            if file_loc:
                found.append((attachment.get("Name") or "", _resolve(index_path, file_loc)))
    return found


def attachment_paths(data: bytes, limits: Limits) -> list[str]:
    """The package paths of the attached files the package holds, in index
    order (a package or index that cannot be read gives none: the extractor
    has said why)."""
    try:
        with GuardedZip(data, limits, stage="ofd") as pkg:
            paths = []
            for body in (el for el in _xml(pkg, "OFD.xml") if local(el.tag) == "DocBody"):
                doc_root = _child_text(body, "DocRoot")
                if doc_root:
                    doc_path = _resolve("OFD.xml", doc_root)
                    paths += [path for _, path in _attachments(pkg, doc_path, _xml(pkg, doc_path)) if pkg.has(path)]
            return list(dict.fromkeys(paths))
    except (ExtractionError, LimitExceeded):
        return []


def iter_attachments(data: bytes, paths: list[str], limits: Limits) -> Iterator[Member]:
    """Each of ``paths`` as a member item."""
    with GuardedZip(data, limits, stage="ofd") as pkg:
        for path in paths:
            try:
                yield Member(path, pkg.read(path))
            except LimitExceeded as exc:
                yield Member(path, problem=unreadable(f"limit {exc.limit} exceeded: {exc.reason}",
                                                      rule="unreadable.limit", limit=exc.limit))
            except ExtractionError as exc:
                yield Member(path, problem=unreadable(exc.reason))


def _annotations(pkg: GuardedZip, doc_path: str, doc: etree._Element, page_ids: dict[str, int]) -> list[str]:
    loc = _child_text(doc, "Annotations")
    if not loc:
        return []
    index_path = _resolve(doc_path, loc)
    lines = []
    for page in _xml(pkg, index_path):
        if local(page.tag) != "Page":
            continue
        number = page_ids.get(page.get("PageID") or "", 0)
        file_loc = _child_text(page, "FileLoc")
        if not file_loc:
            continue
        for annot in _xml(pkg, _resolve(index_path, file_loc)).iter():
            if local(annot.tag) != "Annot":
                continue
            texts = [t for t in (_child_text(annot, "Remark"),) if t]
            texts += [p.text for p in annot.iter() if local(p.tag) == "Parameter" and p.text and p.text.strip()]
            texts += _text_objects(annot)
            lines += [f"p{number} {annot.get('Type', 'Annot')}: {t}" for t in texts]
    return lines


def _text_objects(root: etree._Element) -> list[str]:
    """One line per ``TextObject``: its ``TextCode`` runs in order."""
    lines = []
    for obj in root.iter():
        if local(obj.tag) == "TextObject":
            text = "".join(code.text or "" for code in obj if local(code.tag) == "TextCode")
            if text.strip():
                lines.append(text)
    return lines


def _doc_info(body: etree._Element, fields: dict[str, list[str]]) -> None:
    """DocInfo fields into ``fields`` (label -> values): each becomes its own
    ``metadata:<label>`` part, so a field holding only a marker is a label."""
    for info in body:
        if local(info.tag) != "DocInfo":
            continue
        for el in info.iter():
            tag = local(el.tag)
            if tag in _INFO_FIELDS and el.text and el.text.strip():
                label = el.get("Name") if tag == "CustomData" and el.get("Name") else tag
                fields.setdefault(label, []).append(el.text.strip())


def _child_text(el: etree._Element, name: str) -> str:
    for child in el:
        if local(child.tag) == name and child.text:
            return str(child.text).strip()
    return ""


def _resolve(base_file: str, loc: str) -> str:
    loc = loc.strip().replace("\\", "/")
    if loc.startswith("/"):
        return posixpath.normpath(loc.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_file), loc))


def _xml(pkg: GuardedZip, path: str) -> etree._Element:
    if not pkg.has(path):
        raise ExtractionError(f"OFD part {path} is missing", part=path, stage="ofd")
    return parse_xml(pkg.read(path), path)
