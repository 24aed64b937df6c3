"""Pictures: image files as items, and the pictures inside OOXML packages.

An image file's text is what OCR reads from it (``image``, or ``image:N``
for the frames of a multi-page TIFF or an animated GIF).  In a DOCX, PPTX or
XLSX the pictures sit in the package's media folder; each is read as a part
named by its package path (``word/media/image2.png``) so a finding points at
the picture.  Vector pictures (EMF, WMF, SVG) are not rasterised: Office
stores the previews of embedded objects as EMF, and those objects are
scanned themselves.
"""
from __future__ import annotations

from ..config import Limits
from ..types import Document, Notice, Part
from .ocr import PictureReader, is_picture
from .zipguard import GuardedZip


def extract_image(data: bytes, name: str, limits: Limits, ocr: PictureReader) -> Document:
    parts, notices = ocr.read_bytes("image", data)
    notes = () if parts or notices else ("no text found on the picture",)
    return Document("image", parts=tuple(parts), notices=tuple(notices), notes=notes)


def package_pictures(pkg: GuardedZip, folder: str, ocr: PictureReader) -> tuple[list[Part], list[Notice]]:
    """OCR every raster picture under ``folder``, within the package's budget."""
    parts: list[Part] = []
    notices: list[Notice] = []
    for path in sorted(n for n in pkg.names() if n.startswith(folder) and is_picture(n)):
        got_parts, got_notices = ocr.read_bytes(path, pkg.read(path))
        parts += got_parts
        notices += got_notices
    return parts, notices
