"""The text a picture carries besides its pixels: PNG text chunks (tEXt,
zTXt, iTXt), JPEG and GIF comments, EXIF descriptions (ImageDescription,
Artist, Copyright, Windows' XPTitle/XPComment/XPSubject/XPKeywords/XPAuthor,
UserComment) and XMP.  Cameras, scanners and editors fill them in; they
travel with the picture wherever it is published, in a file of its own or
inside a document, and any viewer's "properties" shows them.

Pillow reads only the headers for this (no pixels are decoded).  A picture
Pillow cannot open has no metadata here; reading its pixels (OCR) says what
is wrong with it.
"""
from __future__ import annotations

import io
from typing import Any

from lxml import etree

from .decode import decoded_text

# EXIF tags that hold text a person wrote, in the main directory
_EXIF_TEXT = (270, 315, 33432)  # ImageDescription, Artist, Copyright
_EXIF_XP = (0x9C9B, 0x9C9C, 0x9C9D, 0x9C9E, 0x9C9F)  # XPTitle, XPComment, XPAuthor, XPKeywords, XPSubject (UTF-16)
_EXIF_IFD, _USER_COMMENT = 0x8769, 0x9286
_XMP_KEYS = ("xmp", "XML:com.adobe.xmp")
_NOT_TEXT = frozenset({"dpi", "icc_profile", "exif", "transparency", "gamma", "aspect", "jfif", "jfif_version",
                       "jfif_unit", "jfif_density", "progressive", "progression", "adobe", "adobe_transform",
                       "compression", "duration", "loop", "background", "version", "extension"})


def picture_metadata(data: bytes) -> str:
    """The picture's metadata text, a value per line ("" when it has none)."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as picture:
            info = dict(picture.info)
            exif = picture.getexif()
            lines = _info_lines(info) + _exif_lines(exif)
    except Exception:  # noqa: BLE001 - whatever Pillow raises on a damaged header: the pixels' reader reports it
        return ""
    return "\n".join(dict.fromkeys(line.strip() for line in lines if line.strip()))


def _info_lines(info: dict[Any, object]) -> list[str]:
    lines = []
    for key, value in info.items():
        if key in _XMP_KEYS:
            lines += _xmp_lines(value.encode("utf-8") if isinstance(value, str) else value)
        elif key == "comment" and isinstance(value, bytes):
            lines.append(decoded_text(value))
        elif isinstance(value, str) and key not in _NOT_TEXT:
            lines.append(value)  # a PNG text chunk: Title, Description, Comment, Author ...
    return lines


def _exif_lines(exif: object) -> list[str]:
    from PIL import Image

    assert isinstance(exif, Image.Exif)
    lines = [_as_written(value) for tag in _EXIF_TEXT if isinstance(value := exif.get(tag), str)]
    for tag in _EXIF_XP:
        value = exif.get(tag)
        if isinstance(value, bytes):
            lines.append(value.decode("utf-16-le", "replace").rstrip("\0"))
        elif isinstance(value, tuple):  # some writers store the bytes as a tuple of ints
            lines.append(bytes(value).decode("utf-16-le", "replace").rstrip("\0"))
    comment = exif.get_ifd(_EXIF_IFD).get(_USER_COMMENT)
    if isinstance(comment, bytes) and len(comment) > 8:
        charset, body = comment[:8], comment[8:]
        # ASCII or an undefined charset (eight NULs): as its writer meant it, UTF-8, or GBK as Chinese phones
        # and cameras write it (decoded as UTF-8 with replacements, 机密★5年 was clear)
        text = body.decode("utf-16-le", "replace") if charset.startswith(b"UNICODE") else decoded_text(body.rstrip(b"\0"))
        lines.append(text.rstrip("\0"))
    elif isinstance(comment, str):
        lines.append(comment)
    return lines


def _as_written(value: str) -> str:
    """An EXIF ASCII tag as its writer meant it: Pillow reads the bytes as
    Latin-1, but tools write UTF-8 there, and Chinese Windows GBK."""
    try:
        raw = value.encode("latin-1")
    except UnicodeEncodeError:
        return value
    return decoded_text(raw) if not raw.isascii() else value


def _xmp_lines(raw: object) -> list[str]:
    if not isinstance(raw, bytes):
        return []
    try:
        root = etree.fromstring(raw.strip(), etree.XMLParser(resolve_entities=False, no_network=True, recover=True))
    except (etree.XMLSyntaxError, ValueError):
        return [decoded_text(raw)]
    if root is None:
        return []
    return [text for text in root.itertext() if text.strip()]
