"""What the sniffers look at: an item's bytes and name, and the structure
under them (``Probe``).

The format is decided from the bytes, not the name: each extractor's
``sniff`` (scanner.extract.builtin, and any registered through the
``preclear.extractors`` entry points) looks at the ``Probe`` and says how
sure it is; the surest wins (scanner.extract.registry).  A ZIP is told apart
by what it contains, an OLE compound file by its stream names, a compressed
stream by peeking at what it decompresses to; those views are read once per
item, here, whichever extractors ask.  A sniffer never raises: bytes no
extractor places are ``binary``.

A PDF is known by its ``%PDF-`` header, or, where the header is damaged, by
its cross-reference trailer (``startxref`` and ``%%EOF`` at the end) or its
first objects: such bytes are a broken PDF, never text to decode.  ``name_mismatch`` says when a
name claims a binary format its bytes are not (``.pptx`` holding bytes that
happen to decode as GBK).

Both ask the process's extractors, which the registry hands over when it is
imported (``serve``): this module is under the format modules that sniff
(embedded objects), which are under the registry that loads them.
"""
from __future__ import annotations

import bz2
import functools
import io
import lzma
import os
import re
import zipfile
import zlib
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import olefile

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_GZIP_MAGIC = b"\x1f\x8b"
_BZ2_MAGIC = b"BZh"
_XZ_MAGIC = b"\xfd7zXZ\x00"
_CONTENT_TYPES_CAP = 1024 * 1024  # [Content_Types].xml is a few KB; never inflate more
# an OpenDocument package names its type in its first member, ``mimetype``, stored
_ODF_TYPE = re.compile(rb"application/vnd\.oasis\.opendocument\.[a-z-]{1,40}")
# a flat OpenDocument file (.fodt .fods .fodp .fodg) is one XML document whose root is office:document; it
# names its type on the root (office:mimetype), and its body's one child says it too (LibreOffice reads a
# flat file with no type, or another, by its root and body, under any name)
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_FLAT_ROOT, _FLAT_BODY, _FLAT_MIMETYPE = (f"{{{_OFFICE}}}document", f"{{{_OFFICE}}}body", f"{{{_OFFICE}}}mimetype")
ODF_MEDIA_TYPE = "application/vnd.oasis.opendocument."
# the kinds of document the OpenDocument reader reads (media types less the prefix) -> its format; a drawing
# is read as LibreOffice's Impress reads it, as a presentation (a format of its own would be one the readers
# of packages' parts do not know); and the body of each kind
ODF_FORMATS = {"text": "odt", "text-master": "odt", "spreadsheet": "ods", "presentation": "odp", "graphics": "odp"}
_BODY_KINDS = {f"{{{_OFFICE}}}{body}": kind for body, kind in (
    ("text", "text"), ("spreadsheet", "spreadsheet"), ("presentation", "presentation"), ("drawing", "graphics"))}
# what a flat file's bytes begin with: markup (after a UTF-8 BOM and blanks), or UTF-16's BOM or first <; and
# its root's name as they hold it (UTF-8 and the encodings ASCII is part of, UTF-16)
_XML_START = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\r\n]*<")
_UTF16_STARTS = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")
_ROOT_WORDS = tuple("document".encode(encoding) for encoding in ("ascii", "utf-16-le", "utf-16-be"))
_FLAT_CHUNK = 8192  # fed to the parser at a time, until the root (and, without its type, the body) is seen
_PDF_TRAILER = re.compile(rb"startxref\s+\d+\s+%%EOF\s*$")
_PDF_OBJECT = re.compile(rb"(?:^|[\r\n])\d{1,10}\s+\d{1,5}\s+obj\s*<<")


class Claims(Protocol):
    """What ``sniff`` and ``name_mismatch`` ask of the registry
    (scanner.extract.registry.Registry)."""

    @property
    def names(self) -> Mapping[str, tuple[str, ...]]: ...

    def sniff(self, probe: Probe) -> tuple[int, str]: ...


_served: Callable[[], Claims] | None = None


def serve(extractors: Callable[[], Claims]) -> None:
    """Make ``extractors()`` what ``sniff`` and ``name_mismatch`` ask: the
    registry calls this when imported, and scanner.extract imports the
    registry before any of its modules runs."""
    global _served
    _served = extractors


def _claims() -> Claims:
    if _served is None:
        raise RuntimeError("scanner.extract.registry has not served the extractors")
    return _served()


def name_mismatch(fmt: str, name: str) -> str | None:
    """The binary format ``name`` claims when the sniffed ``fmt`` is not one
    its bytes may be; None when the name claims nothing or the bytes agree.
    Which extension claims what is each extractor's ``names``."""
    ext = os.path.splitext(name.lower())[1]
    allowed = _claims().names.get(ext)
    return None if allowed is None or fmt in allowed else ext.lstrip(".")


def flat_media_type(declared: str, body: str | None) -> str:
    """The media type of a flat OpenDocument file (or of a document embedded
    in one) whose root declares ``declared`` and whose body's first child is
    ``body``: the declared type when it is a kind the OpenDocument reader
    reads (``ODF_FORMATS``, or its template), else the body's, else (no
    body seen) a text's, as LibreOffice opens it; "" when ``declared`` is
    none of these and ``body`` is another kind (a chart, a formula)."""
    if declared.startswith(ODF_MEDIA_TYPE) and declared[len(ODF_MEDIA_TYPE):].removesuffix("-template") in ODF_FORMATS:
        return declared
    if body is None:
        return f"{ODF_MEDIA_TYPE}text"
    kind = _BODY_KINDS.get(body)
    return f"{ODF_MEDIA_TYPE}{kind}" if kind else ""


def damaged_pdf_header(data: bytes) -> bool:
    """A PDF (by its trailer, or, truncated too, by its first objects:
    ``1 0 obj <<`` ... ``endobj``) without the ``%PDF-`` header in its first 1 KB."""
    if b"%PDF-" in data[:1024]:
        return False
    tail = data[-1024:]
    if b"startxref" in tail and _PDF_TRAILER.search(tail):
        return True
    head = data[:4096]  # the literal first: the object pattern tries every position of the 4 KB
    return b"endobj" in head and bool(_PDF_OBJECT.search(head))


def sniff(data: bytes, name: str) -> str:
    """The format of ``data``: the one the most confident extractor claims
    (scanner.extract.registry), ``binary`` when none does."""
    _, fmt = _claims().sniff(Probe(data, name))
    return fmt


class Probe:
    """One item's bytes and name, as every extractor's ``sniff`` sees them.

    The views several sniffers need (a ZIP's directory, an OLE file's
    streams, the start of a compressed stream) are computed on first use
    and then shared, so an item is opened once however many extractors
    look at it."""

    def __init__(self, data: bytes, name: str) -> None:
        self.data = data
        self.name = name
        self.ext = os.path.splitext(name.lower())[1]
        self.head = data[:8]

    @functools.cached_property
    def pdf_header(self) -> bool:
        return self.head.startswith(b"%PDF-") or b"%PDF-" in self.data[:1024]

    @functools.cached_property
    def is_zip(self) -> bool:
        return self.head.startswith((b"PK\x03\x04", b"PK\x05\x06"))

    @functools.cached_property
    def zip_names(self) -> frozenset[str] | None:
        """The member names of a ZIP, None when its directory cannot be read."""
        return self._zip[0]

    @functools.cached_property
    def content_types(self) -> str:
        """``[Content_Types].xml`` of a readable ZIP, lower-cased ("" when absent)."""
        return self._zip[1]

    @functools.cached_property
    def _zip(self) -> tuple[frozenset[str] | None, str]:
        try:
            with zipfile.ZipFile(io.BytesIO(self.data)) as zf:
                names = frozenset(zf.namelist())
                if "OFD.xml" in names or "[Content_Types].xml" not in names:
                    return names, ""
                with zf.open("[Content_Types].xml") as fh:
                    return names, fh.read(_CONTENT_TYPES_CAP).decode("utf-8", "replace").lower()
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError,
                NotImplementedError, zlib.error):
            return None, ""

    @functools.cached_property
    def odf_type(self) -> str:
        """The media type an OpenDocument package names in its ``mimetype``
        member ("" when it is none): the first member, stored, as the format
        asks and LibreOffice, WPS and Yozo Office write it; else, in a package
        that holds ``content.xml``, the member wherever it is."""
        if not self.is_zip:
            return ""
        if self.data[30:38] == b"mimetype" and (m := _ODF_TYPE.match(self.data, 38)):
            return m.group().decode()
        names = self.zip_names
        if not names or "mimetype" not in names or "content.xml" not in names:
            return ""
        try:
            with zipfile.ZipFile(io.BytesIO(self.data)) as zf, zf.open("mimetype") as fh:
                head = fh.read(80)
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError, NotImplementedError, zlib.error):
            return ""
        m = _ODF_TYPE.match(head)
        return m.group().decode() if m else ""

    @functools.cached_property
    def flat_odf_type(self) -> str:
        """The media type of a flat OpenDocument file: one XML document (in
        any encoding the XML parser reads, after any comment or processing
        instruction) whose root is ``office:document``; the type its root
        names, or its body's (``flat_media_type``); "" when it is none.  Read
        by an XML parser, not by a pattern: a comment holding ``<b>`` before
        the root, a ``>`` in an attribute's value or UTF-16 hid the root, and
        a flat file that LibreOffice opens as a document was read as XML text."""
        if not (_XML_START.match(self.data) or self.data[:2] in _UTF16_STARTS) \
                or not any(word in self.data for word in _ROOT_WORDS):
            return ""  # no XML, or no element named document: no XML parser loaded for a text, a PDF, a picture
        from lxml import etree

        parser = etree.XMLPullParser(events=("start", "end"), resolve_entities=False, no_network=True,
                                     load_dtd=False, remove_comments=True, remove_pis=True)
        root: etree._Element | None = None
        declared, in_body = "", False
        for at in range(0, len(self.data), _FLAT_CHUNK):
            try:
                parser.feed(self.data[at:at + _FLAT_CHUNK])
                failed = False
            except (etree.XMLSyntaxError, ValueError):
                failed = True
            for event, el in parser.read_events():
                if root is None:
                    if el.tag != _FLAT_ROOT:
                        return ""
                    root, declared = el, str(el.get(_FLAT_MIMETYPE) or "")
                    if declared and flat_media_type(declared, "") == declared:  # a kind read: the body is not needed
                        return declared
                elif event == "start":
                    if in_body:
                        return flat_media_type(declared, el.tag)
                    in_body = el.tag == _FLAT_BODY
                elif el is not root:  # what lies before the body (styles, fonts) is not kept
                    el.clear(keep_tail=True)
                    while el.getprevious() is not None:
                        del el.getparent()[0]
            if failed:
                break
        return "" if root is None else flat_media_type(declared, None)

    @functools.cached_property
    def is_ole(self) -> bool:
        return self.head.startswith(_OLE_MAGIC)

    @functools.cached_property
    def ole_streams(self) -> frozenset[str] | None:
        """The stream and storage paths of an OLE compound file, None when unreadable."""
        try:
            with olefile.OleFileIO(io.BytesIO(self.data)) as ole:
                return frozenset("/".join(entry) for entry in ole.listdir(streams=True, storages=True))
        except (OSError, ValueError, IndexError, TypeError, AttributeError, NotImplementedError):
            return None

    @functools.cached_property
    def compressed(self) -> str | None:
        """``gzip``, ``bz2`` or ``xz`` by the magic number."""
        if self.head.startswith(_GZIP_MAGIC):
            return "gzip"
        if self.head.startswith(_BZ2_MAGIC):
            return "bz2"
        return "xz" if self.head.startswith(_XZ_MAGIC) else None

    @functools.cached_property
    def inflated_head(self) -> bytes | None:
        """Up to 1 KB of what a compressed stream inflates to, None when it does not inflate."""
        inflater: Any
        if self.compressed == "gzip":
            inflater = zlib.decompressobj(wbits=47)
        elif self.compressed == "bz2":
            inflater = bz2.BZ2Decompressor()
        else:
            inflater = lzma.LZMADecompressor()
        try:
            head: bytes = inflater.decompress(self.data[:65536], 1024)
        except (zlib.error, OSError, EOFError, lzma.LZMAError, ValueError):
            return None
        return head

    @functools.cached_property
    def is_tar(self) -> bool:
        return is_tar(self.data)

    @functools.cached_property
    def is_image(self) -> bool:
        return _is_image(self.data)

    @functools.cached_property
    def damaged_pdf(self) -> bool:
        return damaged_pdf_header(self.data)

    @functools.cached_property
    def looks_binary(self) -> bool:
        return _looks_binary(self.data)

    @functools.cached_property
    def looks_html(self) -> bool:
        return _looks_html(self.data)

    @functools.cached_property
    def looks_xml(self) -> bool:
        return _looks_xml(self.data, self.ext)


def is_tar(data: bytes) -> bool:
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
