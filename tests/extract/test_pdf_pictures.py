"""PDF pages with a text layer whose mark is not in it: a picture pasted on
the page, a searchable scan's invisible OCR layer, a font mapped to the
Private Use Area; and a content stream cut short.  A stand-in recogniser
says what was sent to OCR (runs on every host); one test reads with the
real one when the ``ocr`` extra is installed."""
from __future__ import annotations

import importlib.util
import io
import re
import time
import zlib

import pytest
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from scanner.config import Limits
from scanner.engine import Engine
from scanner.extract import extract
from scanner.extract.ocr import Line, PictureReader
from scanner.pipeline import scan_item
from scanner.types import Document, Item

WQY = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
MARK = "机密★5年"
NOTICE = ["关于召开2026年度工作会议的通知", "各处室：定于下周一召开年度工作会议，请准时参加。"]
needs_ocr = pytest.mark.skipif(importlib.util.find_spec("rapidocr") is None, reason="the ocr extra is not installed")


class Stand:
    """A recogniser that reads MARK on every picture and keeps the sizes it was given."""

    version = "stand-in"

    def __init__(self) -> None:
        self.sizes: list[tuple[int, int]] = []

    def recognise(self, image: Image.Image) -> list[Line]:
        self.sizes.append(image.size)
        return [Line(MARK, (0, 0, image.width, max(1, image.height // 4)), 0.99)]


def read(data: bytes, recogniser: Stand | None) -> Document:
    """The PDF read with ``recogniser`` (None: as without the extra)."""
    return extract(data, "t.pdf", Limits(), ocr=PictureReader(time.monotonic() + 600, recogniser=lambda: recogniser))


def strip(text: str = MARK, size: tuple[int, int] = (400, 80)) -> bytes:
    """A picture of one line of text, black on white (a 密级 strip cut from a scan)."""
    image = Image.new("RGB", size, "white")
    ImageDraw.Draw(image).text((10, 10), text, font=ImageFont.truetype(WQY, 48), fill="black")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def text_pdf(pictures: list[list[bytes]], invisible: bool = False, compress: int = 1) -> bytes:
    """A page per entry of ``pictures``, each picture drawn 150 x 30 pt at the head of a page of text."""
    pdfmetrics.registerFont(TTFont("WQY", WQY, subfontIndex=0))
    out = io.BytesIO()
    c = canvas.Canvas(out, pageCompression=compress)
    for shown in pictures:
        for k, picture in enumerate(shown):
            c.drawImage(ImageReader(io.BytesIO(picture)), 60, 760 - 40 * k, width=150, height=30)
        c.setFont("WQY", 16)
        for i, line in enumerate(NOTICE):
            c.drawString(72, 600 - 30 * i, line)
        c.showPage()
    c.save()
    return out.getvalue()


def test_a_mark_pasted_as_a_picture_on_a_text_page_is_read() -> None:
    stand = Stand()
    doc = read(text_pdf([[strip()]]), stand)
    parts = {p.name: p.text for p in doc.parts}
    assert parts["page:1:picture:1"] == MARK
    assert NOTICE[0] in parts["page:1"]
    assert stand.sizes == [(400, 80)]  # the picture at its own resolution, not the page
    assert not doc.notices  # its whole Flate streams are not taken for cut ones


def test_without_the_extra_the_picture_is_a_notice() -> None:
    doc = read(text_pdf([[strip()]]), None)
    [notice] = [n for n in doc.notices if n.rule == "unreadable.ocr-needed"]
    assert notice.part == "page:1:picture:1"
    assert dict(notice.details)["cause"] == "not-installed"
    assert doc.extraction.value == "partial"


def test_a_picture_drawn_on_every_page_is_read_once() -> None:
    """A logo on every page is read on the first; a flat picture (no
    text-like rows) and a tiny one are not read at all."""
    flat = io.BytesIO()
    Image.new("RGB", (300, 200), (30, 90, 160)).save(flat, "PNG")
    tiny = io.BytesIO()
    Image.new("RGB", (8, 8), "black").save(tiny, "PNG")
    stand = Stand()
    logo = strip("某某单位办公室")
    doc = read(text_pdf([[logo, flat.getvalue(), tiny.getvalue()], [logo], [logo, strip()]]), stand)
    assert stand.sizes == [(400, 80), (400, 80)]
    assert sorted(p.name for p in doc.parts if ":picture:" in p.name) == ["page:1:picture:1", "page:3:picture:2"]
    assert not [n for n in doc.notices if n.rule == "unreadable.ocr-needed"]


def test_distinct_pictures_past_the_limit_are_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    from scanner.extract import pdf_pictures

    monkeypatch.setattr(pdf_pictures, "MAX_PICTURES", 2)
    stand = Stand()
    doc = read(text_pdf([[strip("第一张"), strip("第二张")], [strip("第三张")]]), stand)
    assert len(stand.sizes) == 2
    [notice] = [n for n in doc.notices if dict(n.details).get("cause") == "limit"]
    assert notice.part == "page:2:picture:1"
    assert doc.extraction.value == "partial"


def searchable_scan() -> bytes:
    """A full-page scan under an invisible (render mode 3) OCR layer of
    more than 500 characters that left out the mark in the corner."""
    pdfmetrics.registerFont(TTFont("WQY", WQY, subfontIndex=0))
    font = ImageFont.truetype(WQY, 30)
    lines = ["关于进一步加强档案管理工作的通知"] + [
        f"{i}、各单位要高度重视档案管理工作，明确责任分工，健全管理制度，确保档案完整、准确、安全。"[:38]
        for i in range(1, 16)]
    scan = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(scan)
    draw.text((80, 60), MARK, font=font, fill=(200, 0, 0))
    for i, line in enumerate(lines):
        draw.text((80, 200 + i * 90), line, font=font, fill="black")
    png = io.BytesIO()
    scan.save(png, "PNG")
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=(595, 842))
    c.drawImage(ImageReader(io.BytesIO(png.getvalue())), 0, 0, width=595, height=842)
    layer = c.beginText()
    layer.setTextRenderMode(3)
    layer.setFont("WQY", 14)
    for i, line in enumerate(lines):
        layer.setTextOrigin(38, 842 - (200 + i * 90) * 842 / 1754 - 14)
        layer.textLine(line)
    c.drawText(layer)
    c.showPage()
    c.save()
    assert sum(map(len, lines)) > 500
    return out.getvalue()


def test_a_searchable_scan_is_read_by_ocr_whatever_its_layer_holds() -> None:
    stand = Stand()
    doc = read(searchable_scan(), stand)
    parts = {p.name: p.text for p in doc.parts}
    assert parts["page:1:ocr"] == MARK
    assert "档案管理" in parts["page:1"]
    assert len(stand.sizes) == 1  # the page, not its picture again


def pua_pdf(only_mark: bool) -> bytes:
    """An embedded subset font whose ToUnicode map sends the glyphs (or the
    mark's only) to the Private Use Area, rewritten in place as old
    Founder/方正 output has them."""
    pdfmetrics.registerFont(TTFont("WQY", WQY, subfontIndex=0))
    out = io.BytesIO()
    c = canvas.Canvas(out, pageCompression=0, invariant=1)
    c.setFont("WQY", 16)
    c.drawString(420, 800, MARK)
    for i, line in enumerate(NOTICE):
        c.drawString(72, 700 - 30 * i, line)
    c.showPage()
    c.save()
    moved = [0]

    def pua(m: re.Match[bytes]) -> bytes:
        ch = chr(int(m.group(2), 16))
        if ch == "\0" or (only_mark and ch not in MARK):
            return m.group(0)
        moved[0] += 1
        return m.group(1) + b"<%04X>" % (0xE000 + moved[0])

    data = re.sub(rb"(\n<[0-9A-F]{2}> )<([0-9A-F]{4})>", pua, out.getvalue())
    assert moved[0] >= 5
    return data


@pytest.mark.parametrize("only_mark", [False, True])
def test_a_font_mapped_to_the_private_use_area_is_read_by_ocr(only_mark: bool) -> None:
    stand = Stand()
    doc = read(pua_pdf(only_mark), stand)
    assert {p.name: p.text for p in doc.parts}["page:1:ocr"] == MARK
    unread = read(pua_pdf(only_mark), None)
    assert "unreadable.extract" in {n.rule for n in unread.notices}
    assert unread.extraction.value == "partial"


def hexu(text: str) -> str:
    return "<" + text.encode("utf-16-be").hex().upper() + ">"


def one_page_pdf(stream: bytes, compressed: bool, resources: bytes = b"", more: tuple[bytes, ...] = ()) -> bytes:
    """A page drawing ``stream`` in STSong-Light (UniGB-UCS2-H, no ToUnicode, as reportlab's UnicodeCIDFont)."""
    font = ("<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts "
            "[<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) "
            "/Ordering (GB1) /Supplement 2 >> /FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light "
            "/Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 "
            "/StemV 93 >> /DW 1000 >>] >>")
    filters = b" /Filter /FlateDecode" if compressed else b""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> %s>> "
                b"/Contents 4 0 R >>" % resources),
               b"<< /Length %d%s >>\nstream\n" % (len(stream), filters) + stream + b"\nendstream", font.encode(),
               *more]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def truncated_flate_pdf() -> bytes:
    """A page whose Flate content stream is cut at half (a download that stopped)."""
    content = (f"BT /F1 14 Tf 72 780 Td {hexu(NOTICE[1])} Tj ET BT /F1 14 Tf 72 700 Td {hexu(MARK)} Tj ET").encode()
    cut = zlib.compress(content)
    return one_page_pdf(cut[:len(cut) // 2], compressed=True)


@pytest.mark.parametrize("compressed", [False, True])
def test_glyphs_under_an_actual_text_span_are_read(compressed: bool) -> None:
    """``/Span <</ActualText (会议纪要)>> BDC`` over drawn glyphs 机密★5年:
    pdfium gives the actual text, the page shows the glyphs."""
    content = (f"/Span << /ActualText {hexu(chr(0xFEFF) + '会议纪要')} >> BDC BT /F1 16 Tf 72 780 Td {hexu(MARK)} Tj "
               f"ET EMC BT /F1 14 Tf 72 700 Td {hexu(NOTICE[0])} Tj ET").encode()
    doc = read(one_page_pdf(zlib.compress(content) if compressed else content, compressed), None)
    parts = {p.name: p.text for p in doc.parts}
    assert "会议纪要" in parts["page:1"]
    assert MARK in parts["page:1:glyphs"]


def test_text_in_a_tiling_pattern_is_read() -> None:
    """A watermark drawn as the cell of a tiling pattern that fills the page."""
    cell = f"BT /F1 20 Tf 5 10 Td {hexu(MARK)} Tj ET".encode()
    pattern = (b"<< /Type /Pattern /PatternType 1 /PaintType 1 /TilingType 1 /BBox [0 0 200 60] /XStep 200 "
               b"/YStep 60 /Resources << /Font << /F1 5 0 R >> >> /Length %d >>\nstream\n" % len(cell)
               + cell + b"\nendstream")
    content = f"BT /F1 14 Tf 72 700 Td {hexu(NOTICE[0])} Tj ET q /Pattern cs /P1 scn 0 0 595 842 re f Q".encode()
    doc = read(one_page_pdf(content, False, b"/Pattern << /P1 6 0 R >> ", (pattern,)), None)
    parts = {p.name: p.text for p in doc.parts}
    assert NOTICE[0] in parts["page:1"]
    assert parts["page:1:pattern"] == MARK


def test_a_content_stream_cut_short_is_not_read_in_full() -> None:
    doc = read(truncated_flate_pdf(), Stand())
    [notice] = [n for n in doc.notices if "end before" in str(n.reason)]
    assert notice.rule == "unreadable.extract"
    assert "object 4" in str(notice.reason)
    assert doc.extraction.value != "full"


@needs_ocr
@pytest.mark.slow
def test_a_marked_picture_on_a_text_page_blocks() -> None:
    [result] = scan_item(Engine(), Item(path="notice.pdf", data=text_pdf([[strip()]])))
    assert result.verdict.value == "block"
    assert [(f.part, f.text) for f in result.findings if f.rule == "mark.state-secret"] == [
        ("page:1:picture:1", MARK)]
