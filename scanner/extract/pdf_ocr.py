"""OCR of PDF pages: pages whose text the text layer does not hold.

A page is rendered (pypdfium2, 150 dpi) and read by OCR when it has no text
layer but draws pictures, when pictures cover most of it (a scan with a few
words of text layer, a page number stamped on it, or a searchable scan whose
text is all invisible), or when its glyphs have no Unicode mapping or map to
the Private Use Area.  The coverage test runs on every page of a document
that holds image XObjects (pdf_pictures.py walks them anyway), and otherwise
only on pages with little text: walking the objects of every text page would
cost more than reading them.  The recognised text is the part ``page:N:ocr``.
"""
from __future__ import annotations

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..types import Notice, Part
from .ocr import PictureReader

RENDER_DPI = 150
# pictures covering this share of the page make it a scan
COVERED = 0.5
# pages with at least this many characters of text layer are not checked for coverage
TEXT_PAGE_CHARS = 500


def few_characters(text: str) -> bool:
    """Whether a page's text layer holds too few visible characters for a
    page of text (pictures covering it are then looked for).  str.split()
    cuts at exactly the characters str.isspace() names, in C (a generator
    over a page's characters was a fifth of a text PDF's reading)."""
    return len(text) < TEXT_PAGE_CHARS or len("".join(text.split())) < TEXT_PAGE_CHARS


def pictures_cover(page: pdfium.PdfPage) -> bool:
    """Whether pictures cover most of the page (asked of a page already
    loaded: loading it again cost as much as reading its text)."""
    width, height = page.get_size()
    covered = 0.0
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)):
        # pypdfium2 5 renamed get_pos to get_bounds: every page with a picture and a little
        # text failed with AttributeError ("page text could not be read") on pypdfium2 5
        left, bottom, right, top = (obj.get_bounds if hasattr(obj, "get_bounds") else obj.get_pos)()
        covered += max(0.0, min(right, width) - max(left, 0.0)) * max(0.0, min(top, height) - max(bottom, 0.0))
        if covered >= COVERED * width * height:
            return True
    return False


def read_page(pdf: pdfium.PdfDocument, index: int, ocr: PictureReader) -> tuple[list[Part], list[Notice]]:
    """Render the page and read it; parts ``page:N:ocr``, notices for what was not read."""
    page = pdf[index]
    try:
        bitmap = page.render(scale=RENDER_DPI / 72)
        image = bitmap.to_pil()
    finally:
        page.close()
    return ocr.read_image(f"page:{index + 1}:ocr", image)
