"""PDF: page text and annotations with pypdfium2, each page checked against
what pdfium itself read; pdfminer.six re-reads the pages pdfium gets wrong and
reads the document structure (info, XMP, form fields, outlines).

pdfium is many times faster than pdfminer.six but alters text in known ways: a
line-final hyphen becomes U+FFFE with the line break dropped, a glyph without
a Unicode mapping comes out as its raw character code, a character it cannot
map at all as NUL or U+FFFD.  A page whose text does not account for every
character pdfium counted, or that holds any of these, is re-read by pdfminer.
What pdfium leaves out on purpose is an exact duplicate of a character drawn
again on the same spot (fake bold): no text is lost with it.  White, tiny or
off-page text is text: neither library looks at colour or position when
extracting, so it is read like any other.

Both libraries give characters in content-stream order, so a ★ drawn from a
fallback font comes out away from its level word (LibreOffice prints
``秘密★一年`` as ``秘密 一年 ★``).  A page that may hold a mark also gets its
text in reading order from the character boxes (scanner.extract.pdf_layout)
as ``page:N:layout`` when its lines read otherwise; the pipeline keeps one
finding of what both parts show.

Parts: ``page:N`` (1-based, as pdfium walks the page tree; pages the tree
holds past its ``/Count`` and pages only pdfminer takes follow, read by
pdfminer), ``page:N:layout``, ``page:N:ocr`` (what OCR
read on an image-only or vector-drawn page, a page mostly covered by
pictures, a searchable scan, or a page whose glyphs have no Unicode mapping
or map to the Private Use Area: pdf_ocr.py), ``page:N:picture:K`` (what OCR
read on the pictures of other pages: pdf_pictures.py), ``page:N:glyphs``
(pdfminer's reading of the glyphs where a span's ``/ActualText``, which
pdfium reads in their place, says otherwise), ``page:N:pattern`` (the text
of the page's tiling patterns),
``metadata:<field>`` (each info entry and XMP property, e.g.
``metadata:Subject``, ``metadata:dc:title``, holding only its value),
``annotation`` (a redaction's overlay text too, and the text stamps,
free-text boxes and form fields draw), ``link`` (the address or file each
link opens, percent-escapes decoded), ``form``, ``outline``,
``javascript`` (the scripts the document runs when it opens and from its
names tree, and those links, bookmarks, events and action chains run),
``attachments`` (attached files' descriptions), ``threads`` (article
threads' titles), ``portfolio`` (a portfolio's column names, its files'
values in them, its folders' names and descriptions); attached files are members (pdfattach.py).  Notices:
``unreadable.encrypted`` (a user password other than the empty one),
``unreadable.ocr-needed`` (a page that may hold text OCR did not read; a
page drawn with vector paths), ``unreadable.limit`` (``max_pdf_pages``),
``unreadable.extract`` (a truncated file or Flate stream, a damaged header, a structure
pdfminer could not read, glyphs that neither library can map to text, a
page past the ``/Count`` with no text pdfminer can read or with annotations,
a cross-reference stream with fields wider than 8 bytes).
"""
from __future__ import annotations

import ctypes
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import repeat
from typing import Any
from urllib.parse import unquote_to_bytes

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from lxml import etree
from pdfminer.converter import PDFPageAggregator, TextConverter
from pdfminer.layout import LAParams, LTChar, LTContainer
from pdfminer.pdfdocument import PDFDocument, PDFNoOutlines, PDFPasswordIncorrect, PDFXRefFallback, PDFXRefStream
from pdfminer.pdfexceptions import PDFException
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFStream, resolve1
from pdfminer.psexceptions import PSException
from pdfminer.psparser import END_KEYWORD, PSLiteral
from pdfminer.utils import MATRIX_IDENTITY, decode_text

from .. import native
from ..config import Limits
from ..errors import ExtractionError
from ..lang import Text
from ..normalize import STAR, STAR_VARIANTS
from ..types import CellGrid, Document, Notice, Part
from .decode import decoded_text
from .notices import unreadable
from .ocr import PictureReader
from .pdf_layout import joined_order, miner_reading_order, pdfium_boxes, pdfium_chars, reading_order, same_lines
from .pdf_ocr import few_characters, pictures_cover, read_page
from .pdf_pictures import PagePictures, covered, invisible_text_only
from .pdfstreams import StreamFacts, check_streams
from .pdfxfa import xfa_document
from .sniff import damaged_pdf_header
from .xmlparts import parse_xml

_PDFIUM_PASSWORD = 4
# pdfium's marks for a character it did not read as itself (see the docstring)
_ALTERED = ("\ufffd", "\ufffe", "\x00")
# how pdfminer writes a glyph it cannot map to Unicode
_MINER_UNMAPPED = re.compile(r"\(cid:\d+\)")
# a redaction's OverlayText is what it shows in place of the text it removes
_ANNOT_KEYS = ("Contents", "T", "Subj", "RC", "OverlayText")
# the end of a revision: its cross-reference offset and %%EOF (an incremental update follows it)
_REVISION_END = re.compile(rb"startxref\s+\d+\s+%%EOF")
MAX_STRUCTURE_ELEMENTS = 200_000  # tagged-structure elements looked at for alternate text
MAX_REVISIONS = 8  # the latest earlier revisions read (a file signed many times keeps many)
# annotations whose appearance is not read as page text: links and pop-up notes (their text is read
# from Contents); a form field's is, less the lines its value (the ``form`` part) holds
_NOT_DRAWN = (pdfium_c.FPDF_ANNOT_LINK, pdfium_c.FPDF_ANNOT_POPUP)
# link actions that open a file: its name is read
_FILE_ACTIONS = (pdfium_c.PDFACTION_LAUNCH, pdfium_c.PDFACTION_REMOTEGOTO, pdfium_c.PDFACTION_EMBEDDEDGOTO)

# Text extraction needs each character's code, Unicode value and position,
# never its outline.  With the system font mapper, pdfium substitutes an
# installed font (Noto CJK: CFF outlines in a large TTC) for each non-embedded
# font such as STSong-Light and loads a glyph for every character's box: a
# third of the speed, the same text.  Without it pdfium keeps to its built-in
# fonts and the metrics in the PDF.  This is process-wide; preclear renders no
# PDF.
pdfium_c.FPDF_SetSystemFontInfo(None)
# what pdfminer raises on malformed input besides its own exception types
MINER_ERRORS = (PDFException, PSException, KeyError, ValueError, TypeError,
                AttributeError, IndexError, AssertionError, RecursionError, EOFError, OSError)


def extract_pdf(data: bytes, name: str, limits: Limits, ocr: PictureReader) -> Document:
    facts = StreamFacts()
    check_streams(data, limits, facts)  # refuses a stream bomb before pdfium/pdfminer inflate it
    cut = facts.cut
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
        parts, notices, failed, annotations = _pages(pdf, miner, limits, ocr, facts.actual_text)
        parts += _one("page-labels", _page_labels(pdf, limits))
    finally:
        pdf.close()
    readers: tuple[tuple[str, Callable[[_MinerDoc], list[Part]]], ...] = (
        ("metadata", _metadata), ("annotation", lambda _: _one("annotation", "\n".join(annotations.lines))),
        ("link", lambda _: _one("link", "\n".join(annotations.links))),
        ("javascript", lambda m: _one("javascript", _scripts(m))),
        ("alt-text", lambda m: _one("alt-text", _structure_texts(m))),
        ("form", lambda m: _one("form", _forms(m))), ("outline", lambda m: _one("outline", _outlines(m))),
        ("attachments", lambda m: _one("attachments", _descriptions(m, annotations.attached))),
        ("threads", lambda m: _one("threads", _threads(m))), ("portfolio", lambda m: _one("portfolio", _portfolio(m))))
    for part_name, reader in readers:
        try:
            parts += reader(miner)
        except (ExtractionError, *MINER_ERRORS) as exc:
            failed.append(part_name)
            notices.append(unreadable(f"{part_name} could not be read: {type(exc).__name__}: {exc}",
                                      part=part_name))
    try:
        xfa = xfa_document(miner.doc.catalog, limits)  # a LiveCycle form's fields and data, which no page holds
        parts += xfa.parts
        notices += xfa.notices
        failed += xfa.failed_parts
    except (ExtractionError, *MINER_ERRORS) as exc:
        failed.append("xfa")
        notices.append(unreadable(f"the XFA form could not be read: {type(exc).__name__}", part="xfa"))
    parts = _continued_tables(parts)
    parts += _earlier_revisions(data, parts, limits)
    if b"%%EOF" not in data[-2048:]:
        notices.append(unreadable("the file is truncated (no %%EOF trailer); content may be missing"))
    if cut:
        notices.append(unreadable(Text(
            f"{len(cut)} compressed stream(s) end before their data does ({', '.join(cut[:5])}): a page's "
            "content, a font or a picture is cut short, and what follows the cut is not read",
            f"{len(cut)} 个压缩流在数据结束前中断（{'、'.join(cut[:5])}）：页面内容、字体或图片不完整，"
            "中断之后的内容未读取")))
    if damaged_pdf_header(data):
        notices.append(unreadable("damaged PDF: no %PDF- header; read from its cross-reference trailer, "
                                  "content may be missing"))
    return Document("pdf", parts=tuple(parts), notices=tuple(notices), failed_parts=tuple(failed))


def _damaged(data: bytes, limits: Limits, cause: Exception) -> Document:
    """pdfium refuses a damaged file; pdfminer's object scan may still recover
    pages from it.  What it recovers is scanned, the item stays partial."""
    miner = _MinerDoc(data)
    parts: list[Part] = []
    try:
        for index in range(min(len(miner.numbered), limits.max_pdf_pages)):
            text = miner.page_text(index)
            if text.strip():
                parts.append(Part(f"page:{index + 1}", text))
                parts += _layout_part(f"page:{index + 1}", text, partial(miner.page_layout, index))
    except (ExtractionError, *MINER_ERRORS) as exc:
        if not parts:
            raise ExtractionError(f"PDF cannot be opened: {cause}; pdfminer: {type(exc).__name__}: {exc}",
                                  stage="pdf") from exc
    header = "no %PDF- header, " if damaged_pdf_header(data) else ""
    return Document("pdf", parts=tuple(_continued_tables(parts)), failed_parts=("pages",), notices=(unreadable(
        f"damaged PDF ({header}{cause}); {len(parts)} page(s) recovered, content may be missing"),))


# no PDF keyword is longer (the longest are a few dozen bytes)
KEYWORD_MOST = 1 << 16


class BoundedParser(PDFParser):
    """pdfminer's document parser, a keyword's bytes kept to its first
    ``KEYWORD_MOST``: pdfminer joins a keyword to the bytes read so far one
    4 KB buffer at a time, so a run of megabytes without a delimiter (a
    damaged or hostile file) cost time growing with its square: 55 s of one
    fuzz input, in the cross-reference reading.  Such a keyword is garbage
    whatever its length; what follows it is read as before."""

    def _parse_keyword(self, s: bytes, i: int) -> int:
        if len(self._curtoken) >= KEYWORD_MOST and END_KEYWORD.search(s, i) is None:
            return len(s)  # the rest of this buffer is more of the same keyword
        return super()._parse_keyword(s, i)


class _MinerDoc:
    """pdfminer's view of the same bytes, parsed only when first needed."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self._doc: PDFDocument | None = None
        self._pages: list[PDFPage] | None = None
        self._numbered: list[PDFPage | None] | None = None
        self._packed: list[bytes] | None = None
        self._file_specs: list[dict[str, Any]] | None = None

    @property
    def doc(self) -> PDFDocument:
        if self._doc is None:
            try:
                self._doc = PDFDocument(BoundedParser(io.BytesIO(self.data)), password="")
            except PDFPasswordIncorrect as exc:
                raise ExtractionError("encrypted PDF: pdfminer cannot decrypt it", stage="pdf") from exc
        return self._doc

    @property
    def pages(self) -> list[PDFPage]:
        if self._pages is None:
            self._pages = list(PDFPage.create_pages(self.doc))
        return self._pages

    @property
    def numbered(self) -> list[PDFPage | None]:
        """The pages as the scanner numbers them: the page tree's leaves in
        the order pdfium walks it, which is pdfium's numbering (a kid without
        ``/Kids`` is a page whatever its ``/Type`` says; None where a kid is
        not a dictionary), then the pages only pdfminer's walk takes (a node
        whose ``/Type`` is ``/Page``, pages found without a page tree).
        pdfminer's own list skips a kid without ``/Type /Page``, so its
        numbers can differ from pdfium's: a page read by pdfminer in place
        of pdfium's is this list's page of the same number."""
        if self._numbered is None:
            leaves = _pdfium_leaves(self.doc)
            seen = {page.pageid for page in leaves if page is not None}
            self._numbered = leaves + [page for page in self.pages if page.pageid not in seen]
        return self._numbered

    @property
    def packed(self) -> list[bytes]:
        """The data of the object streams the cross-references point into
        (the objects a byte check does not see in the file's own bytes)."""
        if self._packed is None:
            streams = (self.doc.getobj(number) for number in sorted(_object_streams(self.doc)))
            self._packed = [stream.get_data() for stream in streams if isinstance(stream, PDFStream)]
        return self._packed

    def page(self, index: int) -> PDFPage:
        page = self.numbered[index]
        if page is None:
            raise ExtractionError(f"page {index + 1} is not a page dictionary in the page tree", stage="pdf")
        return page

    @property
    def file_specs(self) -> list[dict[str, Any]]:
        """The file specifications of the document's attached files (the
        ``EmbeddedFiles`` name tree), walked once for the readers that need
        them."""
        if self._file_specs is None:
            names = resolve1(self.doc.catalog.get("Names"))
            specs: list[Any] = []
            if isinstance(names, dict) and "EmbeddedFiles" in names:
                _name_tree(names["EmbeddedFiles"], specs, "attachments")
            self._file_specs = [spec for spec in specs if isinstance(spec, dict)]
        return self._file_specs

    def page_text(self, index: int) -> str:
        rsrc = PDFResourceManager()
        out = io.StringIO()
        device = TextConverter(rsrc, out, laparams=LAParams())
        try:
            PDFPageInterpreter(rsrc, device).process_page(self.page(index))
        finally:
            device.close()
        return out.getvalue().rstrip("\x0c")

    def pattern_text(self, index: int) -> str:
        """The text drawn in the cells of the page's tiling patterns (a
        watermark a pattern tiles over the page: neither library reads a
        pattern's content stream as the page's), each pattern once."""
        page = self.page(index)
        resources = resolve1(page.resources)
        patterns = resolve1(resources.get("Pattern")) if isinstance(resources, dict) else None
        texts: list[str] = []
        for value in (patterns.values() if isinstance(patterns, dict) else ()):
            pattern = resolve1(value)
            if not isinstance(pattern, PDFStream) or resolve1(pattern.get("PatternType")) != 1:
                continue
            rsrc = PDFResourceManager()
            out = io.StringIO()
            device = TextConverter(rsrc, out, laparams=LAParams())
            try:
                device.begin_page(page, MATRIX_IDENTITY)
                own = resolve1(pattern.get("Resources"))
                PDFPageInterpreter(rsrc, device).render_contents(own if isinstance(own, dict) else {}, [pattern])
                device.end_page(page)
            finally:
                device.close()
            texts.append(out.getvalue().rstrip("\x0c").strip())
        return "\n".join(text for text in texts if text.strip())

    def page_layout(self, index: int) -> tuple[str, tuple[CellGrid, ...]]:
        """The page's characters in reading order, and its tables' grids (scanner.extract.pdf_layout)."""
        device = PDFPageAggregator(PDFResourceManager(), laparams=None)
        try:
            PDFPageInterpreter(device.rsrcmgr, device).process_page(self.page(index))
            return miner_reading_order(_miner_chars(device.get_result()))
        finally:
            device.close()


def _miner_chars(container: LTContainer[Any]) -> Iterator[LTChar]:
    for obj in container:
        if isinstance(obj, LTChar):
            yield obj
        elif isinstance(obj, LTContainer):
            yield from _miner_chars(obj)


# Every mark form holds 密 (绝密 机密 秘密 密级, 機密 祕密 絕密 alike) and a star
# or the field word 密级: a page without both cannot hold a mark that reading
# order would mend (a mark whose ★ was lost is read from the stream text).
_STAR_OR_FIELD = re.compile(f"[{re.escape(STAR + STAR_VARIANTS)}]|密级")


def may_hold_mark(text: str) -> bool:
    return "密" in text and _STAR_OR_FIELD.search(text) is not None


def _layout_part(name: str, text: str, layout: Callable[[], tuple[str, tuple[CellGrid, ...]]]) -> list[Part]:
    """``name:layout``, the page in reading order with its tables' grids (a
    printed form's 密级 column), where the page may hold a mark and its lines
    read otherwise than in stream order.  The pipeline keeps one finding of
    what both parts show."""
    if not may_hold_mark(text):
        return []
    ordered, tables = layout()
    return [] if same_lines(ordered, text) else [Part(f"{name}:layout", ordered, tables=tables)]


def _continued_tables(parts: list[Part]) -> list[Part]:
    """The layout parts, a page's first table given no grid where it goes
    on with the last table of the page before: its header row repeated over
    the rest of a register of several rows (Word's repeated header row).  Read
    alone, the one row of a register's last page was taken for a form's
    field (found by a second reader); a form of one row on each page is read."""
    out: list[Part] = []
    last: tuple[str, int] | None = None  # the page before's last table: its header row, its rows
    for part in parts:
        if part.name.endswith(":layout") and part.name.startswith("page:"):
            tables = part.tables
            if tables and last is not None and _header_row(part.text, tables[0]) == last[0] and last[1] > 2:
                part = replace(part, tables=tables[1:])
            last = (_header_row(part.text, tables[-1]), len(tables[-1])) if tables else None
        out.append(part)
    return out


def _header_row(text: str, grid: CellGrid) -> str:
    return "\t".join(text[start:end].strip() for _, _, start, end, _ in grid[0]) if grid else ""


def _one(name: str, text: str) -> list[Part]:
    return [Part(name, text)] if text else []


@dataclass
class _Annotations:
    """What the pages' annotations hold, read from the same loaded pages."""

    lines: list[str] = field(default_factory=list)  # the ``annotation`` part
    links: list[str] = field(default_factory=list)  # the ``link`` part: the address or file each link opens
    attached: list[tuple[int, str]] = field(default_factory=list)  # (page number, name) of a file attached to one


def _pages(pdf: pdfium.PdfDocument, miner: _MinerDoc, limits: Limits, ocr: PictureReader,
           spans: bool = False) -> tuple[list[Part], list[Notice], list[str], _Annotations]:
    """Page parts, notices, failed parts, and what the annotations on the
    same loaded pages hold.  ``spans``: a content stream of the document
    gives actual text for the glyphs it draws (``page:N:glyphs``)."""
    pictures = PagePictures(miner.data, ocr)
    tiled = _TILING.search(miner.data) is not None
    parts: list[Part] = []
    notices: list[Notice] = []
    failed: list[str] = []
    annotations = _Annotations()
    count = len(pdf)
    try:
        total = count + _past_count(miner, count)
    except (ExtractionError, *MINER_ERRORS) as exc:
        total = count
        failed.append("page-tree")
        notices.append(unreadable(f"page tree could not be read: {type(exc).__name__}: {exc}", part="page-tree"))
    if total > limits.max_pdf_pages:
        notices.append(unreadable(f"limit max_pdf_pages exceeded: {total} pages, only the first "
                                  f"{limits.max_pdf_pages} were read", rule="unreadable.limit",
                                  limit="max_pdf_pages"))
        failed.append(f"page:{limits.max_pdf_pages + 1}-{total}")
    for index in range(min(total, limits.max_pdf_pages)):
        part = f"page:{index + 1}"
        unmapped = 0
        try:
            # a page past pdfium's count is pdfminer's alone: no annotations, no OCR (pdfium cannot render it)
            text, layout, drawn, covered, layer, shown = (
                _pdfium_page(pdf, index, annotations, pictures) if index < count
                else (None, [], "", False, False, ([], [])))
            glyphs = _glyphs(part, text, partial(miner.page_text, index), notices) if spans and text is not None else []
            glyphs += _patterns(miner, index, notices) if tiled and index < count else []
            if text is None:
                text = miner.page_text(index)
                layout = _layout_part(part, text, partial(miner.page_layout, index))
                unmapped = len(_MINER_UNMAPPED.findall(text))
            elif not text.strip() and not drawn and (mined := miner.page_text(index)).strip():
                # pdfium sees nothing at all on a page whose content stream it could not
                # parse; pdfminer is more tolerant: read its text, and say the page is damaged
                text = mined
                layout = _layout_part(part, text, partial(miner.page_layout, index))
                notices.append(unreadable(f"page {index + 1}: pdfium read nothing on the page but pdfminer read "
                                          "text: its content may be damaged and read only in part", part=part))
            # OCR: image-only or mostly-image pages, searchable scans (an invisible text layer over
            # a picture), glyphs without a Unicode mapping or mapped to the Private Use Area (a
            # vector-drawn page is read too: text drawn as outlines); on other pages, their pictures
            pua = _private_use(text)
            scan = index < count and (unmapped or pua or layer or drawn in ("image", "vector")
                                      or (text.strip() and covered and few_characters(text)))
            ocr_parts, ocr_notices = read_page(pdf, index, ocr) if scan else shown
        except (pdfium.PdfiumError, ExtractionError, *MINER_ERRORS) as exc:
            failed.append(part)
            notices.append(unreadable(f"page text could not be read: {type(exc).__name__}: {exc}", part=part))
            continue
        if unmapped and not ocr_parts:
            notices.append(unreadable(f"{unmapped} glyph(s) have no Unicode mapping in either "
                                      "pdfium or pdfminer: their text cannot be read", part=part))
        elif pua and not ocr_parts:
            notices.append(unreadable(Text(f"page {index + 1}: its font maps {pua} character(s) to the Private "
                                           "Use Area: the text shown cannot be read from the text layer",
                                           f"第 {index + 1} 页：字体把 {pua} 个字符映射到私用区，"
                                           "无法从文字层读出显示的文字"), part=part))
        if text.strip():
            parts.append(Part(part, text))
            parts += layout
        elif drawn == "vector":
            notices.append(unreadable(Text(f"page {index + 1} has no text layer: it is drawn with vector paths, "
                                           "nothing on it was read as text",
                                           f"第 {index + 1} 页没有文字层：页面由矢量路径绘制，未读出任何文字"),
                                      part=part, rule="unreadable.ocr-needed"))
        elif index >= count:
            notices.append(unreadable(Text(f"page {index + 1} lies past the page count the file declares: pdfminer "
                                           "read no text on it, and pictures on it are not read",
                                           f"第 {index + 1} 页在文件声明的页数之外：pdfminer 未读出文字，"
                                           "页面上的图片未读取"), part=part))
        if index >= count and resolve1(miner.page(index).annots):
            notices.append(unreadable(Text(f"page {index + 1} lies past the page count the file declares: its "
                                           "annotations (notes, links, attached files) are not read",
                                           f"第 {index + 1} 页在文件声明的页数之外：其批注（注释、链接、附件）未读取"),
                                      part=part))
        parts += glyphs
        parts += ocr_parts
        notices += ocr_notices
    notices += pictures.limit_notice()
    notices += [unreadable(Text(f"file attached to an annotation not scanned: {where}",
                                f"批注中的附件未扫描：{where}"),
                           part="annotation", rule="unreadable.embedded", object=where)
                for where in (f"page {number}: {name}" for number, name in annotations.attached)]
    return parts, notices, failed, annotations


# a tiling pattern's dictionary (a stream's: in the file's own bytes, never in an object stream)
_TILING = re.compile(rb"/PatternType\s*1(?![0-9.])")


def _patterns(miner: _MinerDoc, index: int, notices: list[Notice]) -> list[Part]:
    """``page:N:pattern``, the text of the page's tiling patterns; a pattern
    that cannot be read is a notice, the page's own text stays read."""
    part = f"page:{index + 1}:pattern"
    try:
        return _one(part, miner.pattern_text(index))
    except MINER_ERRORS as exc:
        notices.append(unreadable(f"tiling pattern text could not be read: {type(exc).__name__}: {exc}", part=part))
        return []


def _glyphs(part: str, text: str, mined: Callable[[], str], notices: list[Notice]) -> list[Part]:
    """``page:N:glyphs``, the page as pdfminer reads it from its glyphs, where
    pdfium's text (which takes a marked-content span's ``/ActualText`` in
    place of the glyphs the span draws) lacks characters it holds: a span
    whose actual text says 会议纪要 over drawn glyphs 机密★5年 shows the mark.
    When pdfminer cannot read the page, a notice; pdfium's text stays read."""
    try:
        glyphs = mined()
    except (ExtractionError, *MINER_ERRORS) as exc:
        notices.append(unreadable(f"the glyphs under the page's actual text could not be read: "
                                  f"{type(exc).__name__}: {exc}", part=f"{part}:glyphs"))
        return []
    have = set(text)
    missing = {ch for ch in _MINER_UNMAPPED.sub("", glyphs) if not ch.isspace() and ch not in have}
    return [Part(f"{part}:glyphs", glyphs)] if missing else []


# the Private Use Area less U+F000-U+F0FF (where symbol fonts' glyphs land, folded as Wingdings)
_PUA = "\ue000-\uefff\uf100-\uf8ff"
_PUA_CHAR = re.compile(f"[{_PUA}]")
# two PUA characters together, or one beside a CJK character: a font's text, not an icon
_PUA_TEXT = re.compile(f"[{_PUA}][{_PUA}\u3400-\u9fff]|[\u3400-\u9fff][{_PUA}]")


def _private_use(text: str) -> int:
    """How many Private Use characters the page's text holds, when they are
    a font's text: a third of its characters or more, two together, or one
    beside a CJK character (old Founder/方正 output maps its glyphs there;
    what the page shows cannot be read from them: OCR reads the page).  A
    lone icon of an icon font among Latin text counts 0."""
    found = len(_PUA_CHAR.findall(text))
    if not found:
        return 0
    return found if found * 3 >= len("".join(text.split())) or _PUA_TEXT.search(text) else 0


_AGE, _IDS = rb"(?:a|#61)(?:g|#67)(?:e|#65)", rb"(?:i|#69)(?:d|#64)(?:s|#73)"
# in one scan of the bytes: the name /Page, as written or #-escaped (both libraries decode it; each page object
# holds it once), and the name /Kids (a page-tree node's, a form field's) with the array written after it
# (group 2) when it holds digits, white space and R only; a /Kids followed by anything else is odd (a reference
# to an array, a dictionary in place, null, a comment)
_PAGE_OR_KIDS = re.compile(rb"/(?:P" + _AGE + rb"|#50" + _AGE + rb"|(?P<kids>K" + _IDS + rb"|#4[Bb]" + _IDS
                           + rb"))(?![A-Za-z0-9#])(?(kids)\s*(?:\[([\d\sR]*)\])?)")


@dataclass
class _TreeBytes:
    """What a file's bytes say of its page tree without parsing it."""

    names: int = 0  # the name /Page: each page object holds it once
    leaves: int = 1  # the most leaves the /Kids arrays make room for (a node of k kids adds k - 1)
    odd: bool = False  # a /Kids not written as an array of references

    def add(self, data: bytes) -> None:
        for match in _PAGE_OR_KIDS.finditer(data):
            if not match.group("kids"):
                self.names += 1
                continue
            tokens = (match.group(2) or b"").split()
            numbers = tokens[0::3] + tokens[1::3]
            if (match.group(2) is None or len(tokens) % 3 or any(token != b"R" for token in tokens[2::3])
                    or not all(number.isdigit() for number in numbers)):
                self.odd = True
            else:
                self.leaves += max(len(tokens) // 3 - 1, 0)

    def plain(self, count: int) -> bool:
        """Whether the bytes plainly hold the ``count`` pages pdfium reads:
        one ``/Page`` name for each, every ``/Kids`` an array of references,
        and room for no more leaves than ``count`` (pdfium then reads every
        leaf, or fails on a page it cannot load: ``review``).  A decoy only
        adds names or room (an empty ``/Kids`` adds none): it makes the walk
        happen, it cannot hide a leaf.  What this cannot see is a node whose
        ``/Type`` is ``/Page`` (pdfminer and pdf.js show it as a page,
        pdfium walks into it) when the names still add up, a kid without
        ``/Type`` under it."""
        return self.names == count and self.leaves <= count and not self.odd


def _past_count(miner: _MinerDoc, count: int) -> int:
    """How many pages the page tree holds past the ``count`` pdfium reads.

    pdfium takes the count from the page tree's ``/Count``; a viewer that
    walks the tree shows the pages a smaller ``/Count`` leaves out.  pdfium
    takes a kid without ``/Kids`` for a page whatever its ``/Type``, and
    pdfminer only a kid whose ``/Type`` is ``/Page``: one reads a page the
    other skips, and a page past ``/Count`` behind a kid without ``/Type``
    was read by neither.  Pages are numbered as pdfium walks the tree
    (``_MinerDoc.numbered``): those past its count, and those only pdfminer
    takes, follow and are read by pdfminer.  The walk costs some 0.2 ms a
    page, so it is made only when the file's bytes and its object streams
    (0.7 ms a MB) do not plainly hold ``count`` pages (``_TreeBytes``):
    an earlier revision's page objects and a form field's kids make the
    walk happen too; it tells."""
    seen = _TreeBytes()
    seen.add(miner.data)
    if seen.names <= count and seen.leaves <= count and not seen.odd:
        for data in miner.packed:
            seen.add(data)
    return 0 if seen.plain(count) else max(len(miner.numbered) - count, 0)


def _pdfium_leaves(doc: PDFDocument) -> list[PDFPage | None]:
    """The page tree's leaves in pdfium's order (CPDF_Document's walk): a
    kid holding ``/Kids`` is a node, any other kid a page, a kid that is not
    a dictionary a page pdfium cannot load (None); a stream is its
    dictionary (pdfium takes a stream's dictionary for a kid, and walks into
    its ``/Kids``); a kid that is one of its own ancestors is passed over.
    Each page gets the attributes its nodes pass down, as pdfminer's walk
    gives them.  The ancestors are one set, a node added on the way down and
    taken out on the way up: a chain of nested nodes costs its length, not
    its square."""
    root_ref = doc.catalog.get("Pages")
    root = _tree_node(resolve1(root_ref))
    if root is None:
        return []
    inherited = {key: value for key, value in doc.catalog.items() if key in PDFPage.INHERITABLE_ATTRS}
    if "Kids" not in root:
        return [PDFPage(doc, getattr(root_ref, "objid", None), {**inherited, **root}, None)]
    leaves: list[PDFPage | None] = []
    walked = 0
    root_id = getattr(root_ref, "objid", None)
    ancestors = {root_id} if root_id is not None else set()
    stack: list[tuple[Iterator[Any], dict[str, Any], Any]] = [(iter(_kids(root)), {**inherited, **root}, root_id)]
    while stack:
        kids, attrs, node_id = stack[-1]
        ref = next(kids, None)
        if ref is None:
            stack.pop()
            ancestors.discard(node_id)
            continue
        walked += 1
        if walked > MAX_STRUCTURE_ELEMENTS:
            raise ExtractionError(f"page tree larger than {MAX_STRUCTURE_ELEMENTS} kids", part="page-tree")
        objid = getattr(ref, "objid", None)
        if objid is not None and objid in ancestors:
            continue
        node = _tree_node(resolve1(ref))
        if node is None:
            leaves.append(None)
            continue
        own = {**{key: value for key, value in attrs.items() if key in PDFPage.INHERITABLE_ATTRS}, **node}
        if "Kids" in node and isinstance(resolve1(node["Kids"]), list):
            stack.append((iter(_kids(node)), own, objid))
            if objid is not None:
                ancestors.add(objid)
        else:
            leaves.append(PDFPage(doc, objid, own, None))
    return leaves


def _tree_node(value: Any) -> dict[str, Any] | None:
    """A page-tree kid as pdfium reads it: a dictionary, or a stream's
    dictionary; None for anything else."""
    if isinstance(value, PDFStream):
        value = value.attrs
    return value if isinstance(value, dict) else None


def _kids(node: dict[str, Any]) -> list[Any]:
    """A node's kids, a null among them kept (pdfium counts it a page)."""
    kids = resolve1(node.get("Kids"))
    return [_NULL if kid is None else kid for kid in kids] if isinstance(kids, list) else []


_NULL = object()  # a null kid: not a dictionary


def _object_streams(doc: PDFDocument) -> set[int]:
    """The object streams pdfminer's cross-references point into (a
    cross-reference table points into none)."""
    found: set[int] = set()
    for xref in doc.xrefs:
        if isinstance(xref, PDFXRefStream):
            found |= _stream_entries(xref)
        elif isinstance(xref, PDFXRefFallback):  # a damaged file's objects, found by a scan
            found.update(where for where, _index, _gen in xref.offsets.values() if where is not None)
    return found


def _stream_entries(xref: PDFXRefStream) -> set[int]:
    """The object streams a cross-reference stream's type-2 entries name,
    its rows read at once (a file has thousands of them)."""
    kind, where, width = xref.fl1 or 0, xref.fl2 or 0, xref.entlen or 0
    if not kind or not width or xref.data is None:  # without a type field every entry is of type 1
        return set()
    if not all(isinstance(w, int) and 0 <= w <= 8 for w in (kind, where, width - kind - where)):
        raise ExtractionError(f"cross-reference stream with field widths {xref.fl1}, {xref.fl2}, {xref.fl3}",
                              part="page-tree")  # /W from the file: 10**12 bytes a field loops as long
    rows = np.frombuffer(xref.data, np.uint8)[:len(xref.data) // width * width].reshape(-1, width)

    def column(start: int, size: int) -> Any:
        value = np.zeros(len(rows), np.uint64)
        for k in range(start, start + size):
            value = value * np.uint64(256) + rows[:, k]
        return value

    return set(column(kind, where)[column(0, kind) == 2].tolist())


_Read = tuple[list[Part], list[Notice]]


def _pdfium_page(pdf: pdfium.PdfDocument, index: int, annotations: _Annotations,
                 pictures: PagePictures | None = None) -> tuple[str | None, list[Part], str, bool, bool, _Read]:
    """(pdfium's text, or None when it is not complete; its layout part, if
    any; for a page without text, what is drawn on it: ``image``, ``vector``
    or ``""``; whether pictures cover most of a page with few characters or
    an incomplete text, the page read by OCR if its text has few characters
    too; whether pictures cover a page whose text is all invisible, a
    searchable scan read by OCR; what its pictures hold, read unless the
    page is read whole, and only with ``pictures``); what the page's
    annotations hold goes to ``annotations``."""
    page = pdf[index]
    layout: list[Part] = []
    try:
        textpage = page.get_textpage()
        try:
            count = textpage.count_chars()
            text = textpage.get_text_range() if count > 0 else ""
            complete = _complete(textpage, count, text)
            if complete:
                layout = _layout_part(f"page:{index + 1}", text, lambda: joined_order(reading_order(
                    pdfium_chars(text, count), pdfium_boxes(textpage.raw, count))))
        finally:
            textpage.close()
        drawn = "" if text.strip() else _drawn(page)
        images = pictures.images(page) if pictures is not None else []
        if pictures is not None and pictures.present:  # the walk is made: coverage is known on every page
            cover = covered(page, images)
            page_covered = cover and (not complete or few_characters(text))
            layer = cover and bool(text.strip()) and invisible_text_only(page)
        else:  # an inline picture may still cover a page with few characters
            page_covered = (not complete or few_characters(text)) and pictures_cover(page)
            layer = False
        shown = (pictures.read(index + 1, images) if pictures is not None and images
                 and not (drawn or page_covered or layer) else ([], []))
        # the appearances merged into the page's content (in this in-memory copy only), read below
        flat = (_page_annotations(pdf, page, index + 1, annotations)
                and pdfium_c.FPDFPage_Flatten(page, pdfium_c.FLAT_NORMALDISPLAY) == pdfium_c.FLATTEN_SUCCESS)
    finally:
        page.close()
    if flat:
        annotations.lines.extend(_appearance_lines(pdf, index, text))
    return (text.replace("\r\n", "\n") if complete else None), layout, drawn, page_covered, layer, shown


def _earlier_revisions(data: bytes, parts: list[Part], limits: Limits) -> list[Part]:
    """The text an incremental update took away (part ``revision:N``).  Saving
    a PDF incrementally (Acrobat's Save, a signature, a form filled in)
    appends the changes and keeps every earlier revision in the file: text
    deleted from the page is still there, a truncation away.  Each earlier
    revision that pdfium opens is read (its document information and its
    pages' text, without OCR) and the lines the final document no longer has
    become its part."""
    ends = [m.end() for m in _REVISION_END.finditer(data)][:-1]
    if not ends or b"%%EOF" not in data[-2048:]:
        return []
    if data[:1024].find(b"/Linearized") >= 0:
        ends = ends[1:]  # a linearized file's first section ends with its own %%EOF: not a revision
    have = {line.strip() for part in parts for line in part.text.splitlines()}
    found: list[Part] = []
    for number, end in enumerate(ends[-MAX_REVISIONS:], 1):
        try:
            pdf = pdfium.PdfDocument(data[:end])
        except pdfium.PdfiumError:
            continue  # a %%EOF inside a stored stream, not the end of a revision
        try:
            lines = [str(value) for value in pdf.get_metadata_dict(skip_empty=True).values()]
            for index in range(min(len(pdf), limits.max_pdf_pages)):
                page = pdf[index]
                try:
                    textpage = page.get_textpage()
                    try:
                        lines += textpage.get_text_range().splitlines() if textpage.count_chars() > 0 else []
                    finally:
                        textpage.close()
                finally:
                    page.close()
        except pdfium.PdfiumError:
            continue
        finally:
            pdf.close()
        gone = [line.strip() for line in lines if line.strip() and line.strip() not in have]
        if gone:
            found.append(Part(f"revision:{number}", "\n".join(dict.fromkeys(gone))))
    return found


def _appearance_lines(pdf: pdfium.PdfDocument, index: int, text: str) -> list[str]:
    """The lines the page's annotations draw (``pN appearance: ...``): the
    page, flattened, read again; the lines it did not have before.  A form
    field's value is often the ``form`` part's too: read twice rather than
    dropped on a comparison with what pdfium says the value is (the field
    list pdfminer reads need not hold the widget, nor the value be a string)."""
    page = pdf[index]
    try:
        textpage = page.get_textpage()
        try:
            flat = textpage.get_text_range() if textpage.count_chars() > 0 else ""
        finally:
            textpage.close()
    finally:
        page.close()
    had = {line.strip() for line in text.splitlines()}
    return [f"p{index + 1} appearance: {line.strip()}" for line in flat.splitlines()
            if line.strip() and line.strip() not in had]


def _drawn(page: pdfium.PdfPage) -> str:
    """What a page without text shows: an image (OCR reads it), vector paths
    or shadings (text drawn as outlines, a chart: nothing read), or nothing."""
    kinds = {obj.type for obj in page.get_objects(filter=_DRAWN)}
    return "image" if pdfium_c.FPDF_PAGEOBJ_IMAGE in kinds else "vector" if kinds else ""


_DRAWN = (pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_SHADING)


# FPDFText_HasUnicodeMapError(text page, index) through a prototype that declares no argument
# types: pypdfium2's binding converts its pointer argument on every call, which doubled the cost
# of the call (365 against 176 ns a character), and a text PDF asks it of every character
_HAS_MAP_ERROR = ctypes.CFUNCTYPE(ctypes.c_int)(
    ctypes.cast(pdfium_c.FPDFText_HasUnicodeMapError, ctypes.c_void_p).value or 0)
# what numba's loop saves per character over that ctypes call (scanner.native)
MAP_CHECK_SAVES_PER_CHAR = 0.17e-6  # 0.18 against 0.008 us a character


def _complete(textpage: pdfium.PdfTextPage, count: int, text: str) -> bool:
    """Whether ``text`` holds every character pdfium counted, each as itself.

    pdfium counts a character outside the BMP as its two UTF-16 halves, so
    the text is compared in UTF-16 code units; ``FPDFText_HasUnicodeMapError``
    flags a character pdfium replaced by its raw code."""
    if len(text.encode("utf-16-le")) != 2 * max(count, 0) or any(bad in text for bad in _ALTERED):
        return False
    return not _any_map_error(textpage.raw, count)


def _any_map_error(raw: Any, count: int) -> bool:
    if native.worth(count * MAP_CHECK_SAVES_PER_CHAR):  # numba loaded, or worth loading
        with native.room():
            from .pdfium_check import any_map_error

            return any_map_error(raw, count)
    textpage = ctypes.cast(raw, ctypes.c_void_p)
    return any(map(_HAS_MAP_ERROR, repeat(textpage, count), range(count)))


def _page_annotations(pdf: pdfium.PdfDocument, page: pdfium.PdfPage, number: int,
                      found: _Annotations) -> bool:
    """The text entries of the page's annotations, as pdfium decodes PDF text
    strings, and what its links open; a file attached to one (a paperclip on
    the page, not in the document's attachments that are scanned as members)
    goes to ``found.attached``.  Answers whether an annotation on the page
    has an appearance of its own (a stamp, a free-text box, a filled-in
    field: text drawn there is on the page a reader sees, whatever its
    ``Contents`` or value says).  Whether the appearance draws text is not
    guessed from its operators: pdfium hands the stream over decoded as a
    text string, and a stream that starts with FE FF reads as UTF-16 while
    its content still draws."""
    draws = False
    for i in range(pdfium_c.FPDFPage_GetAnnotCount(page)):
        annot = pdfium_c.FPDFPage_GetAnnot(page, i)
        if not annot:
            continue
        try:
            for key in _ANNOT_KEYS:
                text = _annot_string(annot, key)
                if text.strip():
                    found.lines.append(f"p{number} {key}: {text}")
            subtype = pdfium_c.FPDFAnnot_GetSubtype(annot)
            if subtype == pdfium_c.FPDF_ANNOT_LINK:
                target = _link_target(pdf, annot)
                if target.strip():
                    found.links.append(f"p{number} {target}")
            elif subtype == pdfium_c.FPDF_ANNOT_FILEATTACHMENT:
                attachment = pdfium_c.FPDFAnnot_GetFileAttachment(annot)
                name = pdfium.PdfAttachment(attachment, None).get_name() if attachment else ""
                found.attached.append((number, name or "unnamed"))
                if name:
                    found.lines.append(f"p{number} attached file: {name}")
            draws = draws or (subtype not in _NOT_DRAWN and bool(pdfium_c.FPDFAnnot_HasKey(annot, b"AP")))
        finally:
            pdfium_c.FPDFPage_CloseAnnot(annot)
    return draws


def _link_target(pdf: pdfium.PdfDocument, annot: Any) -> str:
    """The address a link opens (``/URI``) or the file (``/Launch``,
    ``/GoToR``), its bytes read as text is (a BOM, UTF-8, GBK:
    scanner.extract.decode) and percent-escapes decoded as a browser shows
    them (``%E6%9C%BA`` is 机)."""
    link = pdfium_c.FPDFAnnot_GetLink(annot)
    action = pdfium_c.FPDFLink_GetAction(link) if link else None
    if not action:
        return ""
    kind = pdfium_c.FPDFAction_GetType(action)
    if kind == pdfium_c.PDFACTION_URI:
        raw = _fetched(pdfium_c.FPDFAction_GetURIPath, pdf, action, unit=ctypes.c_char)
    elif kind in _FILE_ACTIONS:
        path = _fetched(pdfium_c.FPDFAction_GetFilePath, action, unit=ctypes.c_char).decode("utf-8", "replace")
        try:  # pdfium reads a file name's bytes (/F) a character each: the bytes again, UTF-16 or GBK
            raw = path.encode("latin-1")
        except UnicodeEncodeError:  # a Unicode name (/UF)
            raw = path.encode()
    else:
        return ""
    return decoded_text(unquote_to_bytes(decoded_text(raw)))


def _fetched(getter: Any, *args: Any, unit: Any = ctypes.c_ushort) -> bytes:
    """What a pdfium getter that takes ``(*args, buffer, size)`` fills in,
    its terminator (one ``unit``) dropped; the getter answers the size in
    bytes, terminator included, when the buffer is too small: asked once for
    the size, once for the data."""
    size = getter(*args, None, 0)
    width = ctypes.sizeof(unit)
    if size <= width:  # absent, or only the terminator
        return b""
    buffer = (unit * (size // width))()
    getter(*args, buffer, size)
    return bytes(buffer)[:size - width]


def _utf16(getter: Any, *args: Any) -> str:
    """A string from a pdfium getter that fills in UTF-16 (``_fetched``)."""
    return _fetched(getter, *args).decode("utf-16-le", errors="replace")


def _annot_string(annot: Any, key: str) -> str:
    return _utf16(pdfium_c.FPDFAnnot_GetStringValue, annot, key.encode("ascii"))


def _string(value: Any) -> str:
    """A PDF object as the text a viewer shows: a text string decoded, a name
    as itself, a text stream (a field's value may be one) by its data."""
    value = resolve1(value)
    if isinstance(value, PDFStream):
        value = value.get_data()
    if isinstance(value, bytes):
        return decode_text(value)
    if isinstance(value, PSLiteral):
        return str(value.name)
    return "" if value is None else str(value)


def _metadata(miner: _MinerDoc) -> list[Part]:
    """Each info entry and XMP property its own part (``metadata:Subject``,
    ``metadata:dc:title``) holding only its value: a Subject of 内部资料 注意保存
    is then a label standing alone, as it stands in the properties dialog."""
    fields: dict[str, list[str]] = {}
    for info in miner.doc.info:
        for key, value in info.items():
            text = _string(value)
            if text.strip():
                fields.setdefault(f"metadata:{key}", []).append(text)
    xmp = resolve1(miner.doc.catalog.get("Metadata"))
    if xmp is not None and hasattr(xmp, "get_data"):
        root = parse_xml(xmp.get_data(), "XMP metadata")
        for el in root.iter():
            if isinstance(el.tag, str) and el.text and el.text.strip():
                fields.setdefault(f"metadata:{_xmp_name(el)}", []).append(el.text.strip())
            for key, value in el.attrib.items():
                if value.strip() and etree.QName(key).namespace not in (None, _RDF, _XML):
                    fields.setdefault(f"metadata:{_prefixed(el, key)}", []).append(value)
    return [Part(name, "\n".join(values)) for name, values in fields.items()]


def _xmp_name(el: Any) -> str:
    """The property an element's text belongs to: an ``rdf:li`` item's is its
    container's owner (``dc:title`` for ``dc:title/rdf:Alt/rdf:li``)."""
    while etree.QName(el).namespace == _RDF and el.getparent() is not None:
        el = el.getparent()
    return _prefixed(el, el.tag)


def _prefixed(el: Any, tag: str) -> str:
    qname = etree.QName(tag)
    prefix = next((p for p, uri in el.nsmap.items() if uri == qname.namespace and p), None)
    return f"{prefix}:{qname.localname}" if prefix else qname.localname


_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XML = "http://www.w3.org/XML/1998/namespace"  # xml:lang="x-default" says nothing


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
        for option in resolve1(field.get("Opt")) or ():  # a choice field's entries: (text) or [(export) (text)]
            option = resolve1(option)
            shown = _string(resolve1(option[-1])) if isinstance(option, list) and option else _string(option)
            if shown.strip():
                lines.append(f"{name} option: {shown}")
        kids = resolve1(field.get("Kids"))
        if kids:
            _walk_fields(kids, name + ".", lines, depth + 1)


def _scripts(miner: _MinerDoc) -> str:
    """The document's JavaScript: what runs when it opens (``/OpenAction``)
    and the scripts of the names tree, then every other script action in
    the file: what a link or a bookmark runs (``/A``), what runs on a page,
    a field or an annotation's events or the document's (``/AA``), the
    actions chained after another (``/Next``).  Stream bytes are decoded as
    text is (a script's bytes are UTF-8 as often as PDFDocEncoding), and a
    script two actions run is read once.  The file's objects are walked for
    the others only when the name ``/JS`` (an action's script) occurs in its
    bytes and object streams more often than the document's scripts hold it."""
    catalog = miner.doc.catalog
    actions = [resolve1(catalog.get("OpenAction"))]
    names = resolve1(catalog.get("Names"))
    if isinstance(names, dict):
        _name_tree(names.get("JavaScript"), actions, "javascript")
    # each script action once: the open action and a names-tree entry (or entries) may be one object,
    # which holds the name /JS once in the bytes however often it is listed
    actions = list({id(action): action for action in actions if _runs_script(action)}.values())
    if _count_name(miner, _JS_NAME) > len(actions):
        known = {id(action) for action in actions}
        actions += [action for action in _script_actions(miner.doc) if id(action) not in known]
    scripts = []
    for action in actions:
        script = resolve1(action.get("JS"))
        if hasattr(script, "get_data"):
            scripts.append(decoded_text(script.get_data()))
        elif isinstance(script, bytes):
            scripts.append(_string(script))
    return "\n".join(dict.fromkeys(script for script in scripts if script.strip()))


def _name_pattern(name: str) -> re.Pattern[bytes]:
    """The PDF name ``/name`` as written or with any character #-escaped
    (pdfminer and pdfium decode both)."""
    hexes = ("".join(h if h.isdigit() else f"[{h}{h.upper()}]" for h in f"{ord(ch):02x}") for ch in name)
    chars = "".join(f"(?:{re.escape(ch)}|#{digits})" for ch, digits in zip(name, hexes))
    return re.compile(f"/{chars}(?![A-Za-z0-9#])".encode())


_JS_NAME = _name_pattern("JS")
MAX_OBJECTS = 200_000  # objects walked for the script actions outside the document's own


def _count_name(miner: _MinerDoc, pattern: re.Pattern[bytes]) -> int:
    """How often a name occurs in the file's bytes and its object streams."""
    found = len(pattern.findall(miner.data))
    return found + sum(len(pattern.findall(data)) for data in miner.packed)


def _runs_script(action: Any) -> bool:
    """A JavaScript action, or a rendition action's script (``/JS``)."""
    return isinstance(action, dict) and _name(action.get("S")) in ("JavaScript", "Rendition") and "JS" in action


def _script_actions(doc: PDFDocument) -> list[dict[str, Any]]:
    """Every script action among the objects the cross-references hold,
    and the dictionaries written in place inside them, in object order."""
    found: list[dict[str, Any]] = []
    numbers = dict.fromkeys(objid for xref in doc.xrefs for objid in xref.get_objids())
    if len(numbers) > MAX_OBJECTS:
        raise ExtractionError(f"more than {MAX_OBJECTS} objects to look for scripts in", part="javascript")
    for objid in numbers:
        try:
            stack = [doc.getobj(objid)]
        except MINER_ERRORS:
            continue  # a free or damaged entry: nothing there to run
        while stack:
            value = stack.pop()
            if isinstance(value, PDFStream):
                value = value.attrs
            if isinstance(value, dict):
                if _runs_script(value):
                    found.append(value)
                stack += reversed(list(value.values()))
            elif isinstance(value, list):
                stack += reversed(value)
    return found


def _structure_texts(miner: _MinerDoc) -> str:
    """The alternate and actual texts of a tagged PDF's structure (a picture's
    description, which Word and LibreOffice write from its alt text and a
    screen reader speaks), in the structure's order."""
    root = resolve1(miner.doc.catalog.get("StructTreeRoot"))
    if not isinstance(root, dict):
        return ""
    found: list[str] = []
    seen: set[int] = set()
    stack = [root.get("K")]
    pushed = 1
    while stack:
        ref = stack.pop()
        key = getattr(ref, "objid", None)
        if key is not None:
            if key in seen:
                continue  # an element referred to twice (or a loop) is read once
            seen.add(key)
        node = resolve1(ref)
        kids = node if isinstance(node, list) else [node.get("K")] if isinstance(node, dict) and "K" in node else []
        if isinstance(node, dict):
            found += [_string(node[key]) for key in ("Alt", "ActualText", "E") if key in node]
        pushed += len(kids)
        if pushed > MAX_STRUCTURE_ELEMENTS:
            raise ExtractionError(f"structure tree larger than {MAX_STRUCTURE_ELEMENTS} elements", part="alt-text")
        stack += reversed(kids)
    return "\n".join(dict.fromkeys(text for text in found if text.strip()))


def _name_tree(root: Any, values: list[Any], part: str) -> None:
    """The values of a PDF name tree, in order; each node read once (a node
    that lists itself among its kids is a loop, not a tree) and at most
    ``MAX_STRUCTURE_ELEMENTS`` of them."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        ref = stack.pop()
        key = getattr(ref, "objid", None)
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        if len(seen) > MAX_STRUCTURE_ELEMENTS:
            raise ExtractionError("name tree larger than its limit", part=part)
        node = resolve1(ref)
        if not isinstance(node, dict):
            continue
        pairs = resolve1(node.get("Names")) or []
        values += [resolve1(value) for value in list(pairs)[1::2]]
        stack += reversed(list(resolve1(node.get("Kids")) or []))


def _name(value: Any) -> str:
    value = resolve1(value)
    return str(value.name) if isinstance(value, PSLiteral) else str(value or "")


def _page_labels(pdf: pdfium.PdfDocument, limits: Limits) -> str:
    """Page labels with words in them (a viewer shows them for page numbers:
    ``/PageLabels``' prefixes), one per line."""
    labels = []
    for index in range(min(len(pdf), limits.max_pdf_pages)):
        label = _utf16(pdfium_c.FPDF_GetPageLabel, pdf, index)
        if any(ch.isalpha() for ch in label) and not label.isascii():
            labels.append(label)
    return "\n".join(dict.fromkeys(labels))


def _outlines(miner: _MinerDoc) -> str:
    try:
        titles = [_string(title) for _level, title, *_ in miner.doc.get_outlines()]
    except PDFNoOutlines:
        return ""
    return "\n".join(t for t in titles if t.strip())


def _descriptions(miner: _MinerDoc, annotated: list[tuple[int, str]]) -> str:
    """The descriptions of attached files (``/Desc``, what a viewer's
    attachments pane shows beside the name): the document's, and those of
    files attached to annotations on the ``annotated`` pages."""
    specs = [("", spec) for spec in miner.file_specs]
    for number in dict.fromkeys(number for number, _name in annotated):
        for annot in resolve1(miner.page(number - 1).annots) or ():
            annot = resolve1(annot)
            if isinstance(annot, dict) and _name(annot.get("Subtype")) == "FileAttachment":
                specs.append((f"page {number} ", resolve1(annot.get("FS"))))
    lines = []
    for where, spec in specs:
        text = _string(spec.get("Desc")) if isinstance(spec, dict) else ""
        if text.strip():
            lines.append(f"{where}{_string(spec.get('UF') or spec.get('F'))}: {text}")
    return "\n".join(lines)


def _threads(miner: _MinerDoc) -> str:
    """The entries of article threads' information dictionaries (``/I``:
    ``/Title``, ``/Subject``...), which a viewer's articles pane lists."""
    threads = resolve1(miner.doc.catalog.get("Threads"))
    lines = []
    for thread in threads if isinstance(threads, list) else ():
        thread = resolve1(thread)
        info = resolve1(thread.get("I")) if isinstance(thread, dict) else None
        if isinstance(info, dict):
            lines += _string_values(info)
    return "\n".join(lines)


def _portfolio(miner: _MinerDoc) -> str:
    """A portfolio's column names (``/Collection /Schema``, each field's
    ``/N``) and the values of its files in them (each file specification's
    ``/CI``): a viewer shows both in the portfolio's file list; then its
    folders (``_folders``)."""
    collection = resolve1(miner.doc.catalog.get("Collection"))
    if not isinstance(collection, dict):
        return ""
    schema = resolve1(collection.get("Schema"))
    fields = [resolve1(value) for value in schema.values()] if isinstance(schema, dict) else []
    lines = [_string(field.get("N")) for field in fields if isinstance(field, dict)]
    for spec in miner.file_specs:
        items = resolve1(spec.get("CI"))
        if isinstance(items, dict):
            lines += _string_values(items)
    lines += _folders(collection.get("Folders"))
    return "\n".join(line for line in lines if line.strip())


def _folders(root: Any) -> list[str]:
    """A portfolio's folders (``/Collection /Folders``, PDF 1.7 extension
    level 3): each folder's name, its description and its values in the
    portfolio's columns, as a viewer lists the folders beside the files;
    the root's children (``/Child``) and their siblings (``/Next``) walked
    depth first, each folder once."""
    lines: list[str] = []
    seen: set[int] = set()
    stack = [root]
    while stack:
        ref = stack.pop()
        folder = resolve1(ref)
        if not isinstance(folder, dict) or id(folder) in seen:
            continue
        seen.add(id(folder))
        if len(seen) > MAX_STRUCTURE_ELEMENTS:
            raise ExtractionError(f"more than {MAX_STRUCTURE_ELEMENTS} portfolio folders", part="portfolio")
        lines += [_string(folder.get(key)) for key in ("Name", "Desc")]
        items = resolve1(folder.get("CI"))
        if isinstance(items, dict):
            lines += _string_values(items)
        stack += [folder.get("Next"), folder.get("Child")]
    return lines


def _string_values(entries: dict[str, Any]) -> list[str]:
    """The text strings among a dictionary's values; a portfolio's subitem
    (``<< /P prefix /D value >>``) is its prefix and value as shown, joined."""
    texts = []
    for value in entries.values():
        value = resolve1(value)
        if isinstance(value, dict):
            text = _string(value.get("P")) + _string(value.get("D"))
        elif isinstance(value, bytes):
            text = _string(value)
        else:
            continue
        if text.strip():
            texts.append(text)
    return texts
