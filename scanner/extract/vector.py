"""Vector pictures (EMF, WMF, SVG) pasted into documents: their text read
from the drawing's records, not from pixels.

A chart or a diagram pasted into Word arrives as an EMF or WMF whose text is
drawn by text records (EMF ``EXTTEXTOUTW``, EMF+ ``DrawString``, WMF
``TEXTOUT``/``EXTTEXTOUT``) holding the characters themselves; an SVG holds
them in its ``<text>`` elements.  Reading those is exact and costs no OCR or
rendering (LibreOffice would need a second or more per picture, and a thesis
holds a preview WMF for each of its 100+ equations).  What the records
cannot give is an ``unreadable.ocr-needed`` notice naming the picture:

- text drawn as glyph indices (the characters are font positions, not code
  points) or in an ANSI code page that does not decode;
- a bitmap drawn inside the metafile (a scan pasted as EMF): the
  ``STRETCHDIBITS`` ones are taken out and read by OCR like any picture,
  other bitmap records are notices (``cause`` ``vector-bitmap``).
"""
from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator

from ..config import Limits
from ..errors import ExtractionError
from ..types import Notice, Part
from .decode import data_uri
from .notices import unreadable
from .ocr import RULE, PictureReader
from .xmlparts import local, parse_xml

VECTOR_SUFFIXES = (".emf", ".wmf", ".svg", ".emz", ".wmz", ".svgz")

# EMF record types (MS-EMF 2.1.1)
_EMR_HEADER, _EMR_EOF, _EMR_COMMENT = 1, 14, 70
_EMR_EXTTEXTOUTA, _EMR_EXTTEXTOUTW = 83, 84
_EMR_POLYTEXTOUTA, _EMR_POLYTEXTOUTW = 96, 97
_EMR_STRETCHDIBITS = 81
_EMR_BITMAPS = frozenset({76, 77, 78, 79, 80, 114, 116})  # BITBLT ... TRANSPARENTBLT (other than STRETCHDIBITS)
_EMR_SMALLTEXTOUT = 108
_ETO_GLYPH_INDEX = 0x10
# EMF+ records inside EMR_COMMENT (MS-EMFPLUS 2.1.1.1)
_EMFPLUS_DRAWSTRING, _EMFPLUS_DRAWIMAGES = 0x401C, frozenset({0x401A, 0x401B})
# WMF record functions (MS-WMF 2.1.1.1)
_META_TEXTOUT, _META_EXTTEXTOUT, _META_CREATEFONTINDIRECT = 0x0521, 0x0A32, 0x02FB
# where the DIB starts in the parameters of the records that carry one (STRETCHDIB, DIBSTRETCHBLT,
# DIBBITBLT, SETDIBTODEV), and the records whose bitmap is device-dependent (BITBLT, STRETCHBLT)
_META_DIB_AT = {0x0F43: 22, 0x0B41: 20, 0x0940: 16, 0x0D33: 18}
_META_BITMAPS = frozenset({0x0922, 0x0B23})
_ETO_OPAQUE, _ETO_CLIPPED = 0x2, 0x4
# WMF font charsets (MS-WMF 2.1.1.5) and the code pages their text is in
_CHARSETS = {0: "cp1252", 1: "cp1252", 2: "latin-1", 128: "cp932", 129: "cp949", 134: "gb18030",
             136: "big5", 161: "cp1253", 162: "cp1254", 177: "cp1255", 178: "cp1256", 186: "cp1257",
             204: "cp1251", 222: "cp874", 238: "cp1250"}
_PLACEABLE = 0x9AC6CDD7
# an EMZ/WMZ/SVGZ inflates to at most this (a drawing holding a scan at 300 dpi is ~30 MB)
MAX_INFLATED = 64 << 20
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_NOT_TAKEN = "a bitmap drawn inside the picture could not be taken out for OCR"
# a bitmap this small holds no line of text (ocr.MIN_SIDE): the drawing's fills and patterns
_MIN_BITMAP_SIDE = 12


class _Drawing:
    """What a metafile's records gave: its text, its bitmaps (BMP files), and why something was not read."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.bitmaps: list[bytes] = []
        self.unread: list[tuple[str, str]] = []  # (cause, reason)
        self._baseline: int | None = None

    def text(self, text: str, baseline: int | None) -> None:
        """A text record's characters; runs drawn one after another on the same
        baseline are one line (a chart label is often drawn a run per font)."""
        if baseline is not None and baseline == self._baseline and self.lines:
            self.lines[-1] += text
        else:
            self.lines.append(text)
        self._baseline = baseline


def is_vector(path: str) -> bool:
    return path.lower().endswith(VECTOR_SUFFIXES)


def sniff_vector(data: bytes) -> str | None:
    """``emf``, ``wmf`` or ``svg`` from the bytes (data URIs, misnamed media), else None."""
    if len(data) >= 44 and struct.unpack_from("<I", data)[0] == _EMR_HEADER and data[40:44] == b" EMF":
        return "emf"
    if len(data) >= 18 and (struct.unpack_from("<I", data)[0] == _PLACEABLE
                            or (struct.unpack_from("<HH", data) in ((1, 9), (2, 9)))):
        return "wmf"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<") and b"<svg" in head:
        return "svg"
    return None


def read_vector(name: str, data: bytes, ocr: PictureReader) -> tuple[list[Part], list[Notice]]:
    """The text of one vector picture as a part named after it; its bitmaps
    read by OCR (``name#bitmap:N``); notices for what could not be read."""
    if data[:2] == b"\x1f\x8b":  # EMZ, WMZ, SVGZ: gzip, inflated within the picture pixel budget's bytes
        try:
            data = _gunzip(data)
        except (OSError, EOFError, ValueError, zlib.error) as exc:
            return [], [_notice(name, "undecodable", f"picture {name} could not be inflated: {exc}")]
    kind = sniff_vector(data)
    if kind == "svg":
        return _svg(name, data, ocr)
    if kind is None:
        return [], [_notice(name, "undecodable", f"picture {name} is not an EMF, WMF or SVG drawing it can read")]
    drawing = _Drawing()
    try:
        (_emf if kind == "emf" else _wmf)(data, drawing)
    except (struct.error, ValueError) as exc:
        drawing.unread.append(("undecodable", f"picture {name}: its {kind.upper()} records are damaged ({exc})"))
    parts = [Part(name, "\n".join(drawing.lines))] if any(line.strip() for line in drawing.lines) else []
    notices = [_notice(name, cause, reason) for cause, reason in dict.fromkeys(drawing.unread)]
    for number, bmp in enumerate(drawing.bitmaps, 1):
        got_parts, got_notices = ocr.read_bytes(f"{name}#bitmap:{number}", bmp)
        parts += got_parts
        notices += got_notices
    return parts, notices


def _gunzip(data: bytes) -> bytes:
    """Inflate at most ``MAX_INFLATED`` bytes: a compressed drawing is no bomb."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = inflater.decompress(data, MAX_INFLATED + 1)
    if len(out) > MAX_INFLATED:
        raise ValueError(f"inflates past {MAX_INFLATED} bytes")
    return out


def _svg(name: str, data: bytes, ocr: PictureReader) -> tuple[list[Part], list[Notice]]:
    """An SVG's text nodes (``<text>``, ``<title>``, ``<desc>``), parsed as XML
    files are (safe parser; attribute values are path data, not read), and
    the raster pictures it holds as ``data:`` URIs, read by OCR
    (``name#img:N``); a linked picture is not part of the file and is not fetched."""
    from .xmldoc import extract_xml

    doc = extract_xml(data, name, Limits())  # it reads no limit
    parts = [Part(name, p.text) for p in doc.parts if p.name == "body"]
    notices = [_notice(name, "undecodable", f"picture {name}: {n.reason}") for n in doc.notices]
    if b"data:" not in data:
        return parts, notices
    try:
        root = parse_xml(data, name)
    except ExtractionError:
        return parts, notices  # already a notice
    images = (el for el in root.iter() if local(el.tag) == "image")
    for number, el in enumerate(images, 1):
        href = (el.get(_XLINK_HREF) or el.get("href") or "").lstrip()
        if href[:11].lower() != "data:image/":
            continue
        where = f"{name}#img:{number}"
        try:
            picture = data_uri(href, len(href)).data  # a data: URI decodes to no more than its length
        except ValueError as exc:
            notices.append(_notice(where, "undecodable", f"picture {where}: its data: URI is not valid base64 "
                                   f"({exc})"))
            continue
        got_parts, got_notices = ocr.read_bytes(where, picture)
        parts += got_parts
        notices += got_notices
    return parts, notices


def _records_emf(data: bytes) -> Iterator[tuple[int, int, int]]:
    """(type, offset, size) of each EMF record, refusing sizes that leave the file."""
    offset = 0
    while offset + 8 <= len(data):
        kind, size = struct.unpack_from("<II", data, offset)
        if size < 8 or size % 4 or offset + size > len(data):
            raise ValueError(f"record at byte {offset} has size {size}")
        yield kind, offset, size
        if kind == _EMR_EOF:
            return
        offset += size


def _emf(data: bytes, drawing: _Drawing) -> None:
    for kind, at, size in _records_emf(data):
        if kind in (_EMR_EXTTEXTOUTW, _EMR_EXTTEXTOUTA):
            _emr_text(data, at, at + 36, kind == _EMR_EXTTEXTOUTW, drawing)
        elif kind in (_EMR_POLYTEXTOUTW, _EMR_POLYTEXTOUTA):
            count = struct.unpack_from("<i", data, at + 32)[0]
            for k in range(max(0, count)):
                _emr_text(data, at, at + 36 + 40 * k, kind == _EMR_POLYTEXTOUTW, drawing)
        elif kind == _EMR_SMALLTEXTOUT:
            drawing.unread.append(("vector-text", "text drawn by SMALLTEXTOUT records is not read"))
        elif kind == _EMR_STRETCHDIBITS:
            off_bmi, cb_bmi, off_bits, cb_bits = struct.unpack_from("<IIII", data, at + 48)
            _dib(data, at, size, (off_bmi, cb_bmi, off_bits, cb_bits), drawing)
        elif kind in _EMR_BITMAPS:
            drawing.unread.append(("vector-bitmap", _NOT_TAKEN))
        elif kind == _EMR_COMMENT and data[at + 12:at + 16] == b"EMF+":
            _emf_plus(data, at + 16, at + 8 + 4 + struct.unpack_from("<I", data, at + 8)[0], drawing)


def _emr_text(data: bytes, record: int, emrtext: int, wide: bool, drawing: _Drawing) -> None:
    """One EMRTEXT object (MS-EMF 2.2.5): its characters, unless they are glyph indices."""
    chars, off_string, options = struct.unpack_from("<III", data, emrtext + 8)
    if chars == 0:
        return
    if options & _ETO_GLYPH_INDEX:
        drawing.unread.append(("vector-text", "text drawn as glyph indices, not characters"))
        return
    start = record + off_string
    raw = data[start:start + chars * (2 if wide else 1)]
    try:
        drawing.text(raw.decode("utf-16-le" if wide else "gb18030"), struct.unpack_from("<i", data, emrtext + 4)[0])
    except UnicodeDecodeError:
        drawing.unread.append(("vector-text", "text in an ANSI code page that does not decode"))


def _emf_plus(data: bytes, offset: int, end: int, drawing: _Drawing) -> None:
    """The EMF+ records of one comment: DrawString text; images drawn are not read."""
    while offset + 12 <= end:
        kind, _flags, size, data_size = struct.unpack_from("<HHII", data, offset)
        if size < 12 or offset + size > end:
            raise ValueError(f"EMF+ record at byte {offset} has size {size}")
        if kind == _EMFPLUS_DRAWSTRING and data_size >= 28:
            length = struct.unpack_from("<I", data, offset + 20)[0]
            raw = data[offset + 40:offset + 40 + 2 * length]
            try:
                drawing.text(raw.decode("utf-16-le"), None)
            except UnicodeDecodeError:
                drawing.unread.append(("vector-text", "EMF+ text that does not decode"))
        elif kind in _EMFPLUS_DRAWIMAGES:
            drawing.unread.append(("vector-bitmap", "an EMF+ image drawn inside the picture is not read"))
        offset += size


def _dib(data: bytes, at: int, size: int, where: tuple[int, int, int, int], drawing: _Drawing) -> None:
    """The device-independent bitmap of a record (``where``: offset and size of
    its header, offset and size of its bits), as a BMP file for OCR."""
    off_bmi, cb_bmi, off_bits, cb_bits = where
    if cb_bmi < 12 or cb_bits == 0 or off_bmi + cb_bmi > size or off_bits + cb_bits > size:
        return  # a raster operation without a source bitmap (a fill)
    bmi = data[at + off_bmi:at + off_bmi + cb_bmi]
    width, height = struct.unpack_from("<ii", bmi, 4) if cb_bmi >= 40 else struct.unpack_from("<hh", bmi, 4)
    if min(abs(width), abs(height)) < _MIN_BITMAP_SIDE:
        return
    header = b"BM" + struct.pack("<IHHI", 14 + cb_bmi + cb_bits, 0, 0, 14 + cb_bmi)
    drawing.bitmaps.append(header + bmi + data[at + off_bits:at + off_bits + cb_bits])


def _wmf(data: bytes, drawing: _Drawing) -> None:
    offset = 22 if struct.unpack_from("<I", data)[0] == _PLACEABLE else 0
    header_words = struct.unpack_from("<H", data, offset + 2)[0]
    offset += 2 * header_words
    encoding = "cp1252"
    while offset + 6 <= len(data):
        words, function = struct.unpack_from("<IH", data, offset)
        size = 2 * words
        if size < 6 or offset + size > len(data):
            raise ValueError(f"record at byte {offset} has size {size}")
        params = offset + 6
        if function == 0:  # META_EOF
            return
        if function == _META_CREATEFONTINDIRECT:
            encoding = _CHARSETS.get(data[params + 13], "cp1252")
        elif function == _META_TEXTOUT:
            length = max(0, struct.unpack_from("<h", data, params)[0])
            baseline = struct.unpack_from("<h", data, params + 2 + length + length % 2)[0]
            _wmf_text(data[params + 2:params + 2 + length], encoding, baseline, drawing)
        elif function == _META_EXTTEXTOUT:
            baseline, _x, length, options = struct.unpack_from("<hhhH", data, params)
            start = params + 8 + (8 if options & (_ETO_OPAQUE | _ETO_CLIPPED) else 0)
            _wmf_text(data[start:start + max(0, length)], encoding, baseline, drawing)
        elif function in _META_DIB_AT and size > _META_DIB_AT[function] + 6 + 12:
            bmp = _bmp(data[params + _META_DIB_AT[function]:offset + size])
            if bmp is None:
                drawing.unread.append(("vector-bitmap", _NOT_TAKEN))
            elif bmp:
                drawing.bitmaps.append(bmp)
        elif function in _META_BITMAPS:
            drawing.unread.append(("vector-bitmap", "a device-dependent bitmap drawn in the picture is not read"))
        offset += size


def _bmp(dib: bytes) -> bytes | None:
    """A packed DIB (header, colours, bits) as a BMP file; b"" when it is too
    small to hold text, None when its header makes no sense."""
    header = struct.unpack_from("<I", dib)[0]
    if header == 12:
        width, height, _planes, bits = struct.unpack_from("<HHHH", dib, 4)
        compression, used, entry = 0, 0, 3
    elif header in (40, 52, 56, 108, 124) and len(dib) >= header:
        width, height, _planes, bits, compression = struct.unpack_from("<iiHHI", dib, 4)
        used, entry = struct.unpack_from("<I", dib, 32)[0], 4
    else:
        return None
    if min(abs(width), abs(height)) < _MIN_BITMAP_SIDE:
        return b""
    colours = used or (1 << bits if bits <= 8 else 0)
    masks = 12 if header == 40 and compression == 3 else 0
    start = 14 + header + masks + colours * entry
    if start - 14 > len(dib):
        return None
    return b"BM" + struct.pack("<IHHI", 14 + len(dib), 0, 0, start) + dib


def _wmf_text(raw: bytes, encoding: str, baseline: int, drawing: _Drawing) -> None:
    try:
        drawing.text(raw.decode(encoding), baseline)
    except UnicodeDecodeError:
        drawing.unread.append(("vector-text", f"text that does not decode as {encoding}"))


def _notice(picture: str, cause: str, reason: str) -> Notice:
    return unreadable(reason, part=picture, rule=RULE, picture=picture, cause=cause)
