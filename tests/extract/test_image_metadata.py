"""The text a picture carries besides its pixels (EXIF, XMP, PNG text
chunks, comments) is read, in an image file and in a picture inside a
document.  Each picture here is written by Pillow; each was cleared before."""
from __future__ import annotations

import io

import docx
import pytest
from PIL import Image, PngImagePlugin

from scanner import scan_bytes
from scanner.config import Limits
from scanner.extract import extract

MARK = "机密★5年"


def _saved(fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    picture = Image.new("RGB", (60, 40), "white")
    (picture.convert("P") if fmt == "GIF" else picture).save(out, fmt, **options)
    return out.getvalue()


def _exif(**tags: object) -> Image.Exif:
    exif = Image.Exif()
    for tag, value in tags.items():
        exif[int(tag[1:], 16)] = value
    return exif


def _png_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_itxt("Description", MARK)
    return _saved("PNG", pnginfo=info)


def _user_comment(charset: bytes = b"UNICODE\0", encoding: str = "utf-16-le") -> bytes:
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9286] = charset + MARK.encode(encoding)
    return _saved("JPEG", exif=exif)


XMP = f"""<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title><rdf:Alt><rdf:li xml:lang="x-default">{MARK}</rdf:li>
</rdf:Alt></dc:title></rdf:Description></rdf:RDF></x:xmpmeta>""".encode()


@pytest.mark.parametrize("data", [
    _png_text(),
    _saved("JPEG", exif=_exif(x9C9B=MARK.encode("utf-16-le") + b"\0\0")),  # Windows' XPTitle
    _saved("JPEG", exif=_exif(x010E=MARK.encode("utf-8"))),  # ImageDescription as tools write it
    _saved("JPEG", exif=_exif(x010E=MARK.encode("gbk"))),  # ... and as Chinese Windows does
    _user_comment(),
    _user_comment(b"\0" * 8, "gbk"),  # an undefined charset, GBK: as Chinese phones and cameras write it
    _user_comment(b"ASCII\0\0\0", "utf-8"),
    _saved("JPEG", comment=MARK.encode()),
    _saved("GIF", comment=MARK.encode("gbk")),
    _saved("JPEG", xmp=XMP),
], ids=["png-itxt", "exif-xptitle", "exif-description-utf8", "exif-description-gbk", "exif-usercomment",
                         "exif-usercomment-undefined-gbk", "exif-usercomment-ascii-utf8",
        "jpeg-comment", "gif-comment", "xmp"])
def test_picture_metadata_is_read(data: bytes) -> None:
    result = scan_bytes(data, "photo")[0]
    assert [(f.rule, f.part) for f in result.findings] == [("mark.state-secret", "image:metadata")]


def test_a_picture_in_a_document_has_its_metadata_read() -> None:
    document = docx.Document()
    document.add_paragraph("正文")
    document.add_picture(io.BytesIO(_png_text()))
    out = io.BytesIO()
    document.save(out)
    result = scan_bytes(out.getvalue(), "report.docx")[0]
    assert [(f.rule, f.part) for f in result.findings] == [("mark.state-secret", "word/media/image1.png:metadata")]


def test_a_picture_without_metadata_gains_no_part() -> None:
    names = [p.name for p in extract(_saved("PNG"), "plain.png", Limits()).parts]
    assert not any(name.endswith(":metadata") for name in names)
