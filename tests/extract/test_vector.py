"""Vector pictures (EMF, WMF, SVG) in documents: their text is read from the
drawing's records, a scan drawn inside one is read by OCR, and what cannot be
read is never clear.

The drawings are written by LibreOffice itself (an SVG with the mark, and a
Pillow-rendered scan, converted to EMF and WMF by ``soffice --convert-to``)
and pasted into a python-docx DOCX as Word pastes them: the metafile in
``word/media`` (a zipfile edit, as python-docx adds raster pictures only)."""
from __future__ import annotations

import base64
import importlib.util
import io
import struct
import zipfile
from pathlib import Path

import pytest
from docx import Document as DocxDocument
from docx.shared import Inches
from PIL import Image

from scanner.engine import Engine
from scanner.extract.vector import sniff_vector
from scanner.pipeline import scan_item
from scanner.types import Item

MARK = "mark.state-secret"
TYPES = {"emf": "image/x-emf", "wmf": "image/x-wmf", "svg": "image/svg+xml"}
DRAWING = """<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="600" height="200" viewBox="0 0 600 200">
  <rect x="10" y="10" width="580" height="180" fill="none" stroke="black"/>
  <text x="40" y="80" font-family="Noto Sans CJK SC" font-size="36">{title}</text>
  <text x="40" y="150" font-family="Noto Sans CJK SC" font-size="24">年度工作进展示意图</text>
</svg>
"""
pytestmark = pytest.mark.slow


def _pictures():
    spec = importlib.util.spec_from_file_location("vector_pictures", Path(__file__).with_name("pictures.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def drawings(soffice) -> dict[str, bytes]:
    """The marked and the plain drawing as SVG, and as EMF and WMF written by LibreOffice."""
    out = {}
    for kind, title in (("mark", "机密★5年"), ("plain", "工作流程示意图")):
        svg = DRAWING.format(title=title).encode()
        out[f"{kind}.svg"] = svg
        for fmt in ("emf", "wmf"):
            out[f"{kind}.{fmt}"] = soffice(svg, "svg", fmt)
    return out


def docx_with_drawing(ext: str, data: bytes) -> bytes:
    """A notice with the drawing pasted in, as ``word/media/image1.<ext>``."""
    doc = DocxDocument()
    doc.add_paragraph("关于召开年度工作会议的通知")
    placeholder = io.BytesIO()
    Image.new("RGB", (60, 20), "white").save(placeholder, "PNG")
    doc.add_picture(io.BytesIO(placeholder.getvalue()), width=Inches(4))
    buf = io.BytesIO()
    doc.save(buf)
    edits = {"word/_rels/document.xml.rels": lambda t: t.replace("media/image1.png", f"media/image1.{ext}"),
             "[Content_Types].xml": lambda t: t.replace(
                 "<Default ", f'<Default Extension="{ext}" ContentType="{TYPES[ext]}"/><Default ', 1)}
    src, out = zipfile.ZipFile(io.BytesIO(buf.getvalue())), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "word/media/image1.png":
                dst.writestr(f"word/media/image1.{ext}", data)
                continue
            if info.filename in edits:
                body = edits[info.filename](body.decode()).encode()
            dst.writestr(info.filename, body)
    return out.getvalue()


def scan(data: bytes, name: str):
    [result, *_] = scan_item(Engine(), Item(path=name, data=data))
    return result


@pytest.mark.parametrize("fmt", ["emf", "wmf", "svg"])
def test_mark_in_a_pasted_drawing_blocks(drawings, fmt: str) -> None:
    assert sniff_vector(drawings[f"mark.{fmt}"]) == fmt
    result = scan(docx_with_drawing(fmt, drawings[f"mark.{fmt}"]), "notice.docx")
    assert result.verdict.value == "block" and result.extraction.value == "full"
    [hit] = [f for f in result.findings if f.rule == MARK]
    assert hit.part == f"word/media/image1.{fmt}" and hit.text == "机密★5年"


@pytest.mark.parametrize("fmt", ["emf", "wmf", "svg"])
def test_plain_drawing_is_clear(drawings, fmt: str) -> None:
    result = scan(docx_with_drawing(fmt, drawings[f"plain.{fmt}"]), "notice.docx")
    assert result.verdict.value == "clear", [f.to_dict() for f in result.findings]


def test_svg_data_uri_in_a_web_page(drawings) -> None:
    src = "data:image/svg+xml;base64," + base64.b64encode(drawings["mark.svg"]).decode()
    page = f'<html><body><p>年度工作进展</p><img src="{src}" alt="示意图"></body></html>'.encode()
    result = scan(page, "index.html")
    assert result.verdict.value == "block"
    assert [f.part for f in result.findings if f.rule == MARK] == ["img:1"]


@pytest.mark.skipif(importlib.util.find_spec("rapidocr") is None, reason="the ocr extra is not installed")
@pytest.mark.parametrize("fmt", ["emf", "wmf"])
def test_scan_pasted_as_a_metafile_is_read_by_ocr(soffice, fmt: str) -> None:
    """LibreOffice writes a picture into a metafile as a DIB: it is taken out and read."""
    P = _pictures()
    metafile = soffice(P.encode(P.page(P.MARKED, dpi=150, skew=1.5, seed=3), "PNG"), "png", fmt)
    result = scan(docx_with_drawing(fmt, metafile), "notice.docx")
    assert result.verdict.value == "block"
    [hit] = [f for f in result.findings if f.rule == MARK]
    assert hit.part == f"word/media/image1.{fmt}#bitmap:1" and "confidence" in dict(hit.details)


def _text_records(emf: bytes) -> list[int]:
    """Offsets of the EXTTEXTOUTW records of an EMF."""
    at, found = 0, []
    while at < len(emf):
        kind, size = struct.unpack_from("<II", emf, at)
        if kind == 84:
            found.append(at)
        at += size
    return found


def test_glyph_index_text_is_never_clear(drawings) -> None:
    """The same drawing with its text records flagged ETO_GLYPH_INDEX (characters
    given as font positions): nothing to read, so review, naming the picture."""
    emf = bytearray(drawings["plain.emf"])
    records = _text_records(bytes(emf))
    assert records
    for at in records:
        options = struct.unpack_from("<I", emf, at + 52)[0]
        struct.pack_into("<I", emf, at + 52, options | 0x10)
    result = scan(docx_with_drawing("emf", bytes(emf)), "notice.docx")
    assert result.verdict.value == "review" and result.extraction.value == "partial"
    [notice] = [f for f in result.findings if f.rule == "unreadable.ocr-needed"]
    assert dict(notice.details) == {"picture": "word/media/image1.emf", "cause": "vector-text"}


def test_damaged_metafile_is_never_clear(drawings) -> None:
    """A plain drawing whose first text record claims to run past the end of the file."""
    emf = bytearray(drawings["plain.emf"])
    struct.pack_into("<I", emf, _text_records(bytes(emf))[0] + 4, 0xFFFF00)
    result = scan(docx_with_drawing("emf", bytes(emf)), "notice.docx")
    assert result.verdict.value == "review" and result.extraction.value == "partial"
    [notice] = [f for f in result.findings if f.rule == "unreadable.ocr-needed"]
    assert dict(notice.details) == {"picture": "word/media/image1.emf", "cause": "undecodable"}


@pytest.mark.skipif(importlib.util.find_spec("rapidocr") is None, reason="the ocr extra is not installed")
def test_scan_held_in_an_svg_is_read_by_ocr() -> None:
    """An SVG wrapping a scanned page as a data: URI (as drawing tools export a
    pasted picture): the picture inside is read."""
    P = _pictures()
    scan_png = base64.b64encode(P.encode(P.page(P.MARKED, dpi=150, skew=1.5, seed=3), "PNG")).decode()
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="1240" '
           f'height="885"><image width="1240" height="885" xlink:href="data:image/png;base64,{scan_png}"/></svg>')
    result = scan(docx_with_drawing("svg", svg.encode()), "notice.docx")
    assert result.verdict.value == "block"
    [hit] = [f for f in result.findings if f.rule == MARK]
    assert hit.part == "word/media/image1.svg#img:1" and "box" in dict(hit.details)
