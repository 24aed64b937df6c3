"""Legacy binary Office files (.doc .xls .ppt, WPS Office .wps .et .dps) and
password-protected OOXML, all OLE compound files.

The body is read by converting the file to DOCX/XLSX/PPTX with LibreOffice
(``legacy_convert``) and running the OOXML extractor on the result, so every
part comes out under its usual name; the item keeps its legacy format and a
note says how it was read.  Without LibreOffice (not installed, disabled in
``[convert]``, or the conversion failed) the body is ``unreadable.format``
naming the format, or ``unreadable.limit`` when the conversion ran out of
time: never clear.  A damaged file (strict olefile finds a defect) is converted
all the same, for whatever marks LibreOffice recovers, but is never ``full``.

The ``properties:<field>`` parts come from the OLE property sets, read by olefile
from the original bytes (title, subject, author, keywords, comments,
company, manager); values only the converted file carries (custom
properties) are added after them, and a value both carry appears once, so a
mark in the title is one finding, not two.  A password-protected OOXML file
(an OLE ``EncryptedPackage``) is ``unreadable.encrypted``.
"""
from __future__ import annotations

import io

import olefile

from ..config import Convert, Limits
from ..errors import LimitExceeded
from ..lang import Text
from ..types import Document, Notice, Part
from .embedded import iter_embedded
from .legacy_convert import TARGETS, ConversionFailed, conversion_timeout, convert as convert_to_ooxml
from .notices import unreadable
from .ocr import PictureReader
from .xmlparts import PROPERTIES, property_parts

_NAMES = {"doc": "Word 97-2003 document (.doc)", "xls": "Excel 97-2003 workbook (.xls)",
          "ppt": "PowerPoint 97-2003 presentation (.ppt)", "wps": "WPS Writer document (.wps)",
          "et": "WPS Spreadsheets workbook (.et)", "dps": "WPS Presentation (.dps)",
          "rtf": "RTF document (.rtf)", "ole": "OLE compound file of unknown type"}
_SUMMARY = ("title", "subject", "author", "keywords", "comments", "last_saved_by")
_DOC_SUMMARY = ("company", "manager", "category")
# OLE property -> the OOXML field label (scanner.extract.xmlparts), so both name a field alike
_OLE_LABELS = {"author": "author", "comments": "description", "last_saved_by": "last modified by"}
OLE_ERRORS = (OSError, ValueError, IndexError, TypeError, AttributeError, NotImplementedError,
              KeyError, UnicodeDecodeError, LookupError)


def extract_legacy(data: bytes, name: str, limits: Limits, convert: Convert | None = None,
                   ocr: PictureReader | None = None, *, fmt: str) -> Document:
    if fmt == "ooxml-encrypted":
        return Document(fmt, notices=(unreadable(
            "password-protected Office file (encrypted OOXML package)", rule="unreadable.encrypted"),))
    notices: list[Notice] = []
    ole = fmt != "rtf"  # RTF is text, not an OLE compound file: its \\info is read from the conversion
    try:
        props = _properties(data) if ole else []
    except OLE_ERRORS as exc:
        props = []
        notices.append(unreadable(f"OLE properties could not be read: {exc}", part="properties"))
    convert = convert or Convert()
    problem = None
    if fmt in TARGETS and convert.enabled:
        damage = _damage(data) if ole else None
        if damage:
            notices.append(unreadable(f"damaged OLE file ({damage}): LibreOffice may have read only part of it"))
        try:
            ooxml = convert_to_ooxml(data, fmt, convert.soffice, conversion_timeout(limits.item_timeout),
                                     limits.max_item_bytes, convert.warm_conversions)
            return read_converted(fmt, _NAMES[fmt], ooxml, name, limits, props, notices,
                                  ocr or PictureReader.for_item(limits.item_timeout))
        except ConversionFailed as exc:
            problem = str(exc)
        except LimitExceeded as exc:
            notices.insert(0, unreadable(f"{_NAMES[fmt]} not read: {exc}", part="body",
                                         rule="unreadable.limit", limit=exc.limit, format=fmt))
            return Document(fmt, parts=tuple(props), notices=tuple(notices), failed_parts=("body",))
    elif fmt in TARGETS:
        problem = "LibreOffice conversion disabled ([convert] enabled = false)"
    details = {"format": fmt} if problem is None else {"format": fmt, "conversion": problem}
    notices.insert(0, unreadable(f"legacy binary format not readable: {_NAMES.get(fmt, fmt)}; "
                                 "convert it to DOCX/XLSX/PPTX/PDF and scan again",
                                 part="body", rule="unreadable.format", **details))
    return Document(fmt, parts=tuple(props), notices=tuple(notices), failed_parts=("body",))


def read_converted(fmt: str, described: str, ooxml: bytes, name: str, limits: Limits, props: list[Part],
                   notices: list[Notice], ocr: PictureReader, objects: bool = True) -> Document:
    """The OOXML extractor's Document for the bytes LibreOffice converted
    an item of format ``fmt`` (``described`` for people) to, under ``fmt``;
    ``props``: the properties read from the original, first; ``objects``:
    whether the converted package's embedded objects are noted as not
    scanned (not where the caller reads them from the original)."""
    from . import docx, pptx, xlsx
    extractor = {"docx": docx.extract_docx, "xlsx": xlsx.extract_xlsx, "pptx": pptx.extract_pptx}
    out_ext = TARGETS[fmt][2]
    doc = extractor[out_ext](ooxml, name, limits, ocr)
    body = [p for p in doc.parts if p.name.split(":")[0] != PROPERTIES]
    converted_props = [p for p in doc.parts if p.name.split(":")[0] == PROPERTIES]
    merged = _merge_properties(props, converted_props)
    note = f"body read through LibreOffice conversion to {out_ext.upper()} ({described})"
    # objects the converted package embeds are not members of this item: never cleared unread
    if objects:
        notices += [unreadable(Text(f"embedded object not scanned: {member.name}", f"嵌入对象未扫描：{member.name}"),
                               part="embedded", rule="unreadable.embedded", object=member.name)
                    for member in iter_embedded(ooxml, out_ext, limits)]
    return Document(fmt, parts=(*body, *merged), notices=(*doc.notices, *notices),
                    failed_parts=doc.failed_parts, notes=(*doc.notes, note))


def _merge_properties(ole: list[Part], converted: list[Part]) -> list[Part]:
    """olefile's fields first (read from the original bytes); then the
    converted file's fields whose value olefile did not already give."""
    seen = {p.text for p in ole}
    return [*ole, *(p for p in converted if p.text not in seen)]


def _damage(data: bytes) -> str | None:
    """What strict olefile finds wrong, reading every stream: LibreOffice
    silently recovers a truncated file, which must then not pass as fully read."""
    try:
        with olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT) as ole:
            for entry in ole.listdir():
                ole.openstream(entry).read()
    except OLE_ERRORS as exc:
        return str(exc) or type(exc).__name__
    return None


def _properties(data: bytes) -> list[Part]:
    """The OLE property sets, a part per field named as the OOXML one is."""
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        meta = ole.get_metadata()
        codepage = (meta.codepage or 936) & 0xFFFF  # a 16-bit field olefile reads signed (65001 -> -535)
    fields: dict[str, list[str]] = {}
    for key in (*_SUMMARY, *_DOC_SUMMARY):
        value = getattr(meta, key, None)
        if isinstance(value, bytes):
            value = _decode(value, codepage)
        if value and str(value).strip():
            fields[_OLE_LABELS.get(key, key)] = [str(value)]
    return property_parts(fields)


def _decode(raw: bytes, codepage: int) -> str:
    """OLE property strings are in the file's code page (936 = GBK on Chinese Windows)."""
    encoding = "utf-16-le" if codepage == 1200 else f"cp{codepage}"
    try:
        return raw.decode(encoding).rstrip("\x00")
    except (LookupError, UnicodeDecodeError):
        return raw.decode("gb18030", "replace").rstrip("\x00")
