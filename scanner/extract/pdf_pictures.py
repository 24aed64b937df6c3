"""The pictures on PDF pages that have text, read as a DOCX's pictures are.

A page with a text layer is not OCR'd whole (pdf_ocr.py), yet a mark pasted
as a picture (a 密级 strip at the head of a page, a screenshot of a marked
page under a caption, the picture of a DOCX printed to PDF) shows to a
reader and is in no text layer.  Each image XObject on such a page goes
through the ``PictureReader`` (``may_hold_text``, OCR, or
``unreadable.ocr-needed`` without the extra) as part ``page:N:picture:K``
(its K-th picture).  Cost is kept to pictures: a document whose bytes hold
no ``/Image`` name has none to walk (inline images in a content stream are
not looked for on text pages); a picture too small to hold a line is not
decoded; the same picture drawn again (a logo on every page) is read once,
known by the hash of its stream's bytes; at most ``MAX_PICTURES`` distinct
pictures are decoded per document, the rest reported.

A page whose pictures cover most of it and whose text is all invisible
(render mode 3 or 7) is a "searchable scan": the text is another program's
OCR laid over the picture, not the page's truth, and the page is OCR'd
whole (``scanned_under_text``).
"""
from __future__ import annotations

import hashlib
import re
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..budget import allowance
from ..lang import Text
from ..types import Notice, Part
from .notices import unreadable
from .ocr import MAX_PIXELS, MIN_AREA, MIN_SIDE, OCR_MEMORY, RULE, PictureReader

# distinct pictures decoded (and OCR'd when they may hold text) per document
MAX_PICTURES = 100
# pictures covering this share of the page make it a scan (pdf_ocr.COVERED)
COVERED = 0.5
# the name /Image (an image XObject's /Subtype), as written or with a character #-escaped; not
# /ImageB, /ImageC, /ImageI (a /ProcSet's entries)
_IMAGE_NAME = re.compile(rb"/(?:I|#49)(?:m|#6[dD])(?:a|#61)(?:g|#67)(?:e|#65)(?![A-Za-z0-9#])")
_INVISIBLE = (pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE, pdfium_c.FPDF_TEXTRENDERMODE_CLIP)


class PagePictures:
    """The pictures of one document's text pages, each distinct one read once."""

    def __init__(self, data: bytes, ocr: PictureReader, limit: int | None = None) -> None:
        self.ocr = ocr
        self.limit = MAX_PICTURES if limit is None else limit
        self.present = _IMAGE_NAME.search(data) is not None
        self.seen: set[str] = set()
        self.over: list[str] = []  # the first page of each picture past the limit

    def images(self, page: pdfium.PdfPage) -> list[Any]:
        """The page's image objects (in form XObjects too); none are looked
        for when the document names no image XObject."""
        return list(page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,))) if self.present else []

    def read(self, number: int, images: list[Any]) -> tuple[list[Part], list[Notice]]:
        """Parts ``page:N:picture:K`` for the pictures of page ``number`` not
        read before, and notices for those that may hold text and were not read."""
        parts: list[Part] = []
        notices: list[Notice] = []
        for k, obj in enumerate(images, 1):
            name = f"page:{number}:picture:{k}"
            try:
                meta = obj.get_metadata()
                width, height = int(meta.width), int(meta.height)
                if min(width, height) < MIN_SIDE or width * height < MIN_AREA:
                    continue  # too small to hold a line of text: not decoded
                digest = hashlib.sha256(obj.get_data(decode_simple=False)).hexdigest()
                if digest in self.seen:
                    continue
                self.seen.add(digest)
                if len(self.seen) > self.limit:
                    self.over.append(name)
                    continue
                if width * height > MAX_PIXELS:
                    notices.append(_notice(name, "undecodable", Text(
                        f"picture {name} was not read: {width}x{height} px is over the {MAX_PIXELS} pixel limit",
                        f"图片 {name} 未识别：{width}x{height} 像素超过 {MAX_PIXELS} 像素的上限")))
                    continue
                with allowance(OCR_MEMORY):  # a picture of up to MAX_PIXELS, decoded as OCR would decode it
                    image = _bitmap(obj)
            except MemoryError:
                notices.append(_notice(name, "failed", Text(f"picture {name} was not read: out of memory decoding it",
                                                          f"图片 {name} 未识别：解码时内存不足")))
                continue
            except (pdfium.PdfiumError, OSError, ValueError, TypeError) as exc:  # a picture pdfium cannot decode
                notices.append(_notice(name, "undecodable", Text(f"picture {name} could not be decoded: {exc}",
                                                               f"图片 {name} 无法解码：{exc}")))
                continue
            got_parts, got_notices = self.ocr.read_image(name, image)
            parts += got_parts
            notices += got_notices
        return parts, notices

    def limit_notice(self) -> list[Notice]:
        """One notice for the distinct pictures past ``limit``, not decoded."""
        if not self.over:
            return []
        return [unreadable(Text(
            f"{len(self.over)} picture(s) on pages with text were not read: more than {self.limit} distinct "
            f"pictures in the document (the first: {self.over[0]})",
            f"有文字的页面上有 {len(self.over)} 张图片未识别：文件中不同的图片超过 {self.limit} 张"
            f"（第一张：{self.over[0]}）"), part=self.over[0], rule=RULE, picture=self.over[0], cause="limit")]


def _bitmap(obj: Any) -> Any:
    """The picture as a reader sees it (its mask applied, at its own
    resolution), or its decoded pixels where pdfium cannot render it alone."""
    try:
        return obj.get_bitmap(render=True).to_pil()
    except pdfium.PdfiumError:
        return obj.get_bitmap(render=False).to_pil()


def covered(page: pdfium.PdfPage, images: list[Any]) -> bool:
    """Whether the pictures cover most of the page."""
    width, height = page.get_size()
    area = 0.0
    for obj in images:
        left, bottom, right, top = obj.get_bounds()
        area += max(0.0, min(right, width) - max(left, 0.0)) * max(0.0, min(top, height) - max(bottom, 0.0))
        if area >= COVERED * width * height:
            return True
    return False


def invisible_text_only(page: pdfium.PdfPage) -> bool:
    """Whether the page's text objects are all drawn invisible (render mode
    3, or 7: clip only), as a searchable scan's OCR layer is."""
    found = False
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_TEXT,)):
        if pdfium_c.FPDFTextObj_GetTextRenderMode(obj) not in _INVISIBLE:
            return False
        found = True
    return found


def _notice(picture: str, cause: str, reason: Text) -> Notice:
    return unreadable(reason, part=picture, rule=RULE, picture=picture, cause=cause)
