"""Decide an item's format from its bytes, not its name.

A ZIP is told apart by what it contains (``[Content_Types].xml`` names the
OOXML main part, ``OFD.xml`` marks an OFD), an OLE compound file by its
stream names, a compressed stream by peeking at what it decompresses to.  The
extension is only a tie-breaker where the bytes cannot decide: text flavours
(markdown, csv, html) and the WPS/ET variants of Word/Excel OLE files.  A
sniffer never raises: bytes it cannot place are ``binary``.

A PDF is known by its ``%PDF-`` header, or, where the header is damaged, by
its cross-reference trailer (``startxref`` and ``%%EOF`` at the end) or its
first objects: such bytes are a broken PDF, never text to decode.  ``name_mismatch`` says when a
name claims a binary format its bytes are not (``.pptx`` holding bytes that
happen to decode as GBK).
"""
from __future__ import annotations

import bz2
import io
import lzma
import os
import re
import zipfile
import zlib

import olefile

_TEXT_EXT = {".md": "markdown", ".markdown": "markdown", ".csv": "csv",
             ".html": "html", ".htm": "html", ".xhtml": "html"}

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_GZIP_MAGIC = b"\x1f\x8b"
_BZ2_MAGIC = b"BZh"
_XZ_MAGIC = b"\xfd7zXZ\x00"

# OOXML main-part content types -> format
_OOXML_MAIN = (
    ("wordprocessingml.document.main", "docx"),
    ("wordprocessingml.template.main", "docx"),
    ("ms-word.document.macroenabled.main", "docx"),
    ("ms-word.template.macroenabledtemplate.main", "docx"),
    ("spreadsheetml.sheet.main", "xlsx"),
    ("spreadsheetml.template.main", "xlsx"),
    ("ms-excel.sheet.macroenabled.main", "xlsx"),
    ("presentationml.presentation.main", "pptx"),
    ("presentationml.slideshow.main", "pptx"),
    ("presentationml.template.main", "pptx"),
    ("ms-powerpoint.presentation.macroenabled.main", "pptx"),
    ("ms-powerpoint.slideshow.macroenabled.main", "pptx"),
)
_CONTENT_TYPES_CAP = 1024 * 1024  # [Content_Types].xml is a few KB; never inflate more


# extension -> the formats its bytes may sniff as (OOXML and OFD are ZIPs,
# Word saves .doc files as DOCX, WPS saves .wps as Word 97)
_WORD, _EXCEL, _SLIDES = ("doc", "docx", "wps", "ooxml-encrypted", "ole"), \
    ("xls", "xlsx", "et", "ooxml-encrypted", "ole"), ("ppt", "pptx", "dps", "ooxml-encrypted", "ole")
_ARCHIVES = ("zip", "tar", "gzip", "bz2", "xz")
CLAIMED = {
    ".pdf": ("pdf",), ".ofd": ("ofd",),
    ".docx": _WORD, ".docm": _WORD, ".dotx": _WORD, ".doc": _WORD, ".wps": _WORD,
    ".xlsx": _EXCEL, ".xlsm": _EXCEL, ".xltx": _EXCEL, ".xls": _EXCEL, ".et": _EXCEL,
    ".pptx": _SLIDES, ".pptm": _SLIDES, ".ppsx": _SLIDES, ".potx": _SLIDES, ".ppt": _SLIDES, ".dps": _SLIDES,
    ".zip": ("zip", "docx", "xlsx", "pptx", "ofd"), ".tar": ("tar",), ".tgz": ("tar",), ".gz": _ARCHIVES,
    ".bz2": _ARCHIVES, ".xz": _ARCHIVES,
    ".rar": ("binary",), ".7z": ("binary",),  # not read (format not supported), but never text
}
_PDF_TRAILER = re.compile(rb"startxref\s+\d+\s+%%EOF\s*$")
_PDF_OBJECT = re.compile(rb"(?:^|[\r\n])\d{1,10}\s+\d{1,5}\s+obj\s*<<")


def name_mismatch(fmt: str, name: str) -> str | None:
    """The binary format ``name`` claims when the sniffed ``fmt`` is not one
    its bytes may be; None when the name claims nothing or the bytes agree."""
    ext = os.path.splitext(name.lower())[1]
    allowed = CLAIMED.get(ext)
    return None if allowed is None or fmt in allowed else ext.lstrip(".")


def damaged_pdf_header(data: bytes) -> bool:
    """A PDF (by its trailer, or, truncated too, by its first objects:
    ``1 0 obj <<`` ... ``endobj``) without the ``%PDF-`` header in its first 1 KB."""
    if b"%PDF-" in data[:1024]:
        return False
    if _PDF_TRAILER.search(data[-1024:]):
        return True
    head = data[:4096]
    return bool(_PDF_OBJECT.search(head)) and b"endobj" in head


def sniff(data: bytes, name: str) -> str:
    head = data[:8]
    ext = os.path.splitext(name.lower())[1]
    if head.startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _sniff_zip(data)
    if head.startswith(_OLE_MAGIC):
        return _sniff_ole(data, ext)
    if head.startswith((_GZIP_MAGIC, _BZ2_MAGIC, _XZ_MAGIC)):
        return _sniff_compressed(data)
    if _is_tar(data):
        return "tar"
    if _is_image(data):
        return "image"
    if damaged_pdf_header(data):  # after the magic numbers: a ZIP may hold a PDF's objects
        return "pdf"
    if _looks_binary(data):
        return "binary"
    if ext in _TEXT_EXT:
        return _TEXT_EXT[ext]
    if _looks_html(data):
        return "html"
    if _looks_xml(data, ext):
        return "xml"
    return "text"


def _sniff_zip(data: bytes) -> str:
    """OOXML by its main content type, OFD by ``OFD.xml``, else a plain archive."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "OFD.xml" in names:
                return "ofd"
            if "[Content_Types].xml" not in names:
                return "zip"
            with zf.open("[Content_Types].xml") as fh:
                types = fh.read(_CONTENT_TYPES_CAP).decode("utf-8", "replace").lower()
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError,
            NotImplementedError, zlib.error):
        # a damaged OOXML package still names its parts in the raw bytes
        return _guess_damaged_ooxml(data)
    for marker, fmt in _OOXML_MAIN:
        if marker in types:
            return fmt
    return "zip"


def _guess_damaged_ooxml(data: bytes) -> str:
    """A truncated DOCX has no central directory; its local headers still say what it was."""
    head = data[:65536]
    for prefix, fmt in ((b"word/", "docx"), (b"xl/", "xlsx"), (b"ppt/", "pptx")):
        if prefix in head:
            return fmt
    if b"OFD.xml" in head:
        return "ofd"
    return "zip"


def _sniff_ole(data: bytes, ext: str) -> str:
    """Word/Excel/PowerPoint binaries by stream name; WPS Office files share
    Word's and Excel's streams, so the extension separates those."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            streams = {"/".join(entry) for entry in ole.listdir(streams=True, storages=True)}
    except (OSError, ValueError, IndexError, TypeError, AttributeError, NotImplementedError):
        return "ole"
    if "EncryptedPackage" in streams:
        return "ooxml-encrypted"
    if "WordDocument" in streams:
        return "wps" if ext == ".wps" else "doc"
    if "Workbook" in streams or "Book" in streams:
        return "et" if ext == ".et" else "xls"
    if "PowerPoint Document" in streams:
        return "dps" if ext == ".dps" else "ppt"
    return "ole"


def _sniff_compressed(data: bytes) -> str:
    """A compressed tar is a ``tar``; a lone compressed file is ``gzip``/``bz2``/``xz``."""
    if data.startswith(_GZIP_MAGIC):
        fmt, inflater = "gzip", zlib.decompressobj(wbits=47)
    elif data.startswith(_BZ2_MAGIC):
        fmt, inflater = "bz2", bz2.BZ2Decompressor()
    else:
        fmt, inflater = "xz", lzma.LZMADecompressor()
    try:
        head = inflater.decompress(data[:65536], 1024)
    except (zlib.error, OSError, EOFError, lzma.LZMAError, ValueError):
        return "binary"
    return "tar" if _is_tar(head) else fmt


def _is_tar(data: bytes) -> bool:
    """POSIX/GNU tar headers carry ``ustar`` at 257; old v7 headers only a checksum."""
    if len(data) < 512:
        return False
    if data[257:262] == b"ustar":
        return True
    field = data[148:156].split(b"\x00")[0].strip()
    if not re.fullmatch(rb"[0-7]{1,7}", field or b"x"):
        return False
    return int(field, 8) == sum(data[:148]) + 8 * 32 + sum(data[156:512])


_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*", b"BM")


def _is_image(data: bytes) -> bool:
    """PNG, JPEG, GIF, TIFF, BMP (with its header size) and WebP, read by OCR."""
    if data.startswith(b"BM"):
        return len(data) > 18 and data[14:18] in (b"\x0c\x00\x00\x00", b"(\x00\x00\x00",
                                                  b"@\x00\x00\x00", b"l\x00\x00\x00", b"|\x00\x00\x00")
    return data.startswith(_IMAGE_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def _looks_binary(data: bytes) -> bool:
    """NUL bytes mean binary, except in UTF-16/32 text that starts with a BOM."""
    sample = data[:8192]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    return b"\x00" in sample


def _looks_xml(data: bytes, ext: str) -> bool:
    """XML and SVG carry character references and entities: read as markup, not text."""
    start = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<?xml", b"<svg")) or (ext in (".xml", ".svg") and start.startswith(b"<"))


def _looks_html(data: bytes) -> bool:
    start = data[:512].lstrip().lower()
    return start.startswith((b"<!doctype html", b"<html"))
