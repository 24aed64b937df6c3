"""PDF: page text with pypdfium2, checked page by page against itself, with
pdfminer.six as the reference for pages pdfium gets wrong and for the
document structure (info, XMP, annotations, form fields, outlines).

pdfium is about ten times faster than pdfminer.six but has been seen to drop
characters; a page whose returned text does not account for every character
pdfium counted, or that contains unmapped glyphs, is re-read by pdfminer.six.
White, tiny or off-page text is text: neither library looks at colour or
position when extracting, so it is read like any other.

Parts: ``page:N`` (1-based), ``metadata`` (info dictionary and XMP),
``annotation``, ``form``, ``outline``.  Notices: ``unreadable.encrypted``
(a user password other than the empty one), ``unreadable.ocr-needed`` (a page
with images and no text layer), ``unreadable.limit`` (``max_pdf_pages``),
``unreadable.extract`` (a truncated file, a structure pdfminer could not read).
"""
from __future__ import annotations

import io
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from lxml import etree
from pdfminer.converter import TextConverter
from pdfminer.layout import LAParams
from pdfminer.pdfdocument import PDFDocument, PDFNoOutlines, PDFPasswordIncorrect
from pdfminer.pdfexceptions import PDFException
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1
from pdfminer.psexceptions import PSException
from pdfminer.psparser import PSLiteral
from pdfminer.utils import decode_text

from ..config import Limits
from ..errors import ExtractionError
from ..types import Document, Notice, Part
from . import unreadable
from .xmlparts import local, parse_xml

_PDFIUM_PASSWORD = 4
_UNMAPPED = ("\ufffd", "\ufffe", "\x00")
# what pdfminer raises on malformed input besides its own exception types
MINER_ERRORS = (PDFException, PSException, KeyError, ValueError, TypeError,
                AttributeError, IndexError, AssertionError, RecursionError, EOFError, OSError)


def extract_pdf(data: bytes, name: str, limits: Limits) -> Document:
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == _PDFIUM_PASSWORD:
            return Document("pdf", notices=(unreadable(
                "encrypted PDF: the empty user password does not open it",
                rule="unreadable.encrypted"),))
        return _damaged(data, limits, exc)
    try:
        miner = _MinerDoc(data)
        parts, notices, failed = _pages(pdf, miner, limits)
    finally:
        pdf.close()
    for part_name, reader in (("metadata", _metadata), ("annotation", _annotations),
                              ("form", _forms), ("outline", _outlines)):
        try:
            text = reader(miner)
        except (ExtractionError, *MINER_ERRORS) as exc:
            failed.append(part_name)
            notices.append(unreadable(f"{part_name} could not be read: {type(exc).__name__}: {exc}",
                                      part=part_name))
            continue
        if text:
            parts.append(Part(part_name, text))
    if b"%%EOF" not in data[-2048:]:
        notices.append(unreadable("the file is truncated (no %%EOF trailer); content may be missing"))
    return Document("pdf", parts=tuple(parts), notices=tuple(notices), failed_parts=tuple(failed))


def _damaged(data: bytes, limits: Limits, cause: Exception) -> Document:
    """pdfium refuses a damaged file; pdfminer's object scan may still recover
    pages from it.  What it recovers is scanned, the item stays partial."""
    miner = _MinerDoc(data)
    parts: list[Part] = []
    try:
        for index in range(min(len(miner.pages), limits.max_pdf_pages)):
            text = miner.page_text(index)
            if text.strip():
                parts.append(Part(f"page:{index + 1}", text))
    except (ExtractionError, *MINER_ERRORS) as exc:
        if not parts:
            raise ExtractionError(f"PDF cannot be opened: {cause}; pdfminer: {type(exc).__name__}: {exc}",
                                  stage="pdf") from exc
    return Document("pdf", parts=tuple(parts), failed_parts=("pages",), notices=(unreadable(
        f"damaged PDF ({cause}); {len(parts)} page(s) recovered, content may be missing"),))


class _MinerDoc:
    """pdfminer's view of the same bytes, parsed only when first needed."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._doc: PDFDocument | None = None
        self._pages: list[PDFPage] | None = None

    @property
    def doc(self) -> PDFDocument:
        if self._doc is None:
            try:
                self._doc = PDFDocument(PDFParser(io.BytesIO(self._data)), password="")
            except PDFPasswordIncorrect as exc:
                raise ExtractionError("encrypted PDF: pdfminer cannot decrypt it", stage="pdf") from exc
        return self._doc

    @property
    def pages(self) -> list[PDFPage]:
        if self._pages is None:
            self._pages = list(PDFPage.create_pages(self.doc))
        return self._pages

    def page_text(self, index: int) -> str:
        rsrc = PDFResourceManager()
        out = io.StringIO()
        device = TextConverter(rsrc, out, laparams=LAParams())
        try:
            PDFPageInterpreter(rsrc, device).process_page(self.pages[index])
        finally:
            device.close()
        return out.getvalue().rstrip("\x0c")


def _pages(pdf: pdfium.PdfDocument, miner: _MinerDoc,
           limits: Limits) -> tuple[list[Part], list[Notice], list[str]]:
    parts: list[Part] = []
    notices: list[Notice] = []
    failed: list[str] = []
    count = len(pdf)
    if count > limits.max_pdf_pages:
        notices.append(unreadable(f"limit max_pdf_pages exceeded: {count} pages, only the first "
                                  f"{limits.max_pdf_pages} were read", rule="unreadable.limit",
                                  limit="max_pdf_pages"))
        failed.append(f"page:{limits.max_pdf_pages + 1}-{count}")
    for index in range(min(count, limits.max_pdf_pages)):
        part = f"page:{index + 1}"
        try:
            text, has_images = _pdfium_page(pdf, index)
            if text is None:
                text = miner.page_text(index)
        except (pdfium.PdfiumError, ExtractionError, *MINER_ERRORS) as exc:
            failed.append(part)
            notices.append(unreadable(f"page text could not be read: {type(exc).__name__}: {exc}", part=part))
            continue
        if text.strip():
            parts.append(Part(part, text))
        elif has_images:
            notices.append(unreadable("no text layer: needs OCR (the page is an image)", part=part,
                                      rule="unreadable.ocr-needed"))
    return parts, notices, failed


def _pdfium_page(pdf: pdfium.PdfDocument, index: int) -> tuple[str | None, bool]:
    """(pdfium's text, or None when it does not account for every character; whether the page has images)."""
    page = pdf[index]
    try:
        textpage = page.get_textpage()
        try:
            count = textpage.count_chars()
            text = textpage.get_text_range() if count else ""
        finally:
            textpage.close()
        has_images = not text.strip() and any(
            True for _ in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)))
    finally:
        page.close()
    if len(text) != count or any(bad in text for bad in _UNMAPPED):
        return None, has_images
    return text.replace("\r\n", "\n"), has_images


def _string(value: Any) -> str:
    value = resolve1(value)
    if isinstance(value, bytes):
        return decode_text(value)
    if isinstance(value, PSLiteral):
        return str(value.name)
    return "" if value is None else str(value)


def _metadata(miner: _MinerDoc) -> str:
    lines = []
    for info in miner.doc.info:
        for key, value in info.items():
            text = _string(value)
            if text.strip():
                lines.append(f"{key}: {text}")
    xmp = resolve1(miner.doc.catalog.get("Metadata"))
    if xmp is not None and hasattr(xmp, "get_data"):
        root = parse_xml(xmp.get_data(), "XMP metadata")
        for el in root.iter():
            if isinstance(el.tag, str) and el.text and el.text.strip():
                lines.append(f"{local(el.tag)}: {el.text.strip()}")
            for key, value in el.attrib.items():
                if value.strip() and etree.QName(key).namespace not in (None, _RDF):
                    lines.append(f"{local(key)}: {value}")
    return "\n".join(lines)


_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def _annotations(miner: _MinerDoc) -> str:
    lines = []
    for number, page in enumerate(miner.pages, 1):
        for annot in resolve1(page.annots) or ():
            annot = resolve1(annot)
            if not isinstance(annot, dict):
                continue
            for key in ("Contents", "T", "Subj", "RC"):
                text = _string(annot.get(key))
                if text.strip():
                    lines.append(f"p{number} {key}: {text}")
    return "\n".join(lines)


def _forms(miner: _MinerDoc) -> str:
    form = resolve1(miner.doc.catalog.get("AcroForm"))
    if not isinstance(form, dict):
        return ""
    lines: list[str] = []
    _walk_fields(resolve1(form.get("Fields")) or (), "", lines, 0)
    return "\n".join(lines)


def _walk_fields(fields: Any, prefix: str, lines: list[str], depth: int) -> None:
    if depth > 32:
        raise ExtractionError("form field tree too deep", part="form", stage="pdf")
    for ref in fields:
        field = resolve1(ref)
        if not isinstance(field, dict):
            continue
        name = prefix + _string(field.get("T"))
        for key in ("V", "TU"):
            text = _string(field.get(key))
            if text.strip():
                lines.append(f"{name}: {text}")
        kids = resolve1(field.get("Kids"))
        if kids:
            _walk_fields(kids, name + ".", lines, depth + 1)


def _outlines(miner: _MinerDoc) -> str:
    try:
        titles = [_string(title) for _level, title, *_ in miner.doc.get_outlines()]
    except PDFNoOutlines:
        return ""
    return "\n".join(t for t in titles if t.strip())
