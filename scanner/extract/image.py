"""Pictures: image files as items, and the pictures inside OOXML packages.

An image file's text is what OCR reads from it (``image``, or ``image:N``
for the frames of a multi-page TIFF or an animated GIF).  In a DOCX, PPTX or
XLSX the pictures sit in the package's media folder; each is read as a part
named by its package path (``word/media/image2.png``) so a finding points at
the picture.  Vector pictures (EMF, WMF, SVG, as files in a package or as
data URIs) are read from their text records by ``scanner.extract.vector``,
not rasterised.  A raster picture's metadata text (EXIF, XMP, PNG text
chunks, comments: ``scanner.extract.imagemeta``) is a part of its own,
``image:metadata`` or ``<package path>:metadata``.
"""
from __future__ import annotations

from collections.abc import Iterable

from ..config import Limits
from ..errors import LimitExceeded
from ..lang import Text
from ..types import Document, Notice, Part
from .decode import data_uri
from .imagemeta import picture_metadata
from .notices import unreadable
from .ocr import PictureReader, is_picture
from .vector import is_vector, read_vector, sniff_vector
from .zipguard import GuardedZip


def extract_image(data: bytes, name: str, limits: Limits, ocr: PictureReader) -> Document:
    parts, notices = ocr.read_bytes("image", data)
    notes = () if parts or notices else ("no text found on the picture",)
    metadata = picture_metadata(data)
    if metadata:
        parts.append(Part("image:metadata", metadata))
    return Document("image", parts=tuple(parts), notices=tuple(notices), notes=notes)


def package_pictures(pkg: GuardedZip, folder: str, ocr: PictureReader) -> tuple[list[Part], list[Notice]]:
    """OCR every raster picture under ``folder``, within the package's budget."""
    parts: list[Part] = []
    notices: list[Notice] = []
    for path in sorted(n for n in pkg.names() if n.startswith(folder) and (is_picture(n) or is_vector(n))):
        got_parts, got_notices = read_picture(path, pkg.read(path), ocr)
        parts += got_parts
        notices += got_notices
    return parts, notices


def data_uri_pictures(sources: Iterable[tuple[str, str | None]], limits: Limits,
                      ocr: PictureReader) -> tuple[list[Part], list[Notice]]:
    """Read each source that is a ``data:`` URI of a picture, base64 or
    percent-encoded (an SVG often is), as the part it is named."""
    parts: list[Part] = []
    notices: list[Notice] = []
    for name, source in sources:
        src = (source or "").lstrip()
        if src[:11].lower() != "data:image/":
            continue
        try:
            data = data_uri(src, limits.max_item_bytes).data
        except LimitExceeded:
            notices.append(unreadable(Text(f"picture {name} is larger than max_item_bytes",
                                           f"图片 {name} 超过 max_item_bytes"), part=name,
                                      rule="unreadable.limit", limit="max_item_bytes"))
            continue
        except ValueError as exc:  # base64 that is not
            notices.append(unreadable(Text(f"picture {name}: its data: URI is not valid base64 ({exc})",
                                           f"图片 {name}：其 data: URI 不是有效的 base64（{exc}）"), part=name,
                                      rule="unreadable.ocr-needed", picture=name, cause="undecodable"))
            continue
        got_parts, got_notices = read_picture(name, data, ocr)
        parts += got_parts
        notices += got_notices
    return parts, notices


def read_picture(name: str, data: bytes, ocr: PictureReader) -> tuple[list[Part], list[Notice]]:
    """A raster picture by OCR, a vector one by its text records (by name, then by the bytes)."""
    if is_vector(name) or sniff_vector(data) is not None:
        return read_vector(name, data, ocr)
    parts, notices = ocr.read_bytes(name, data)
    metadata = picture_metadata(data)
    if metadata:
        parts = [*parts, Part(f"{name}:metadata", metadata)]
    return parts, notices
