"""OCR of pictures: scanned pages pasted into DOCX, PPTX, XLSX, drawn on PDF
pages and saved as image files are read, and fail closed when they cannot be.

The pictures are rendered by Pillow in Noto CJK (tests/extract/pictures.py)
at 150 and 300 dpi, skewed, with noise and a red seal over the text.  One
extraction cache (with its per-picture OCR cache) is shared by the module, so
a picture placed in several containers is recognised once."""
from __future__ import annotations

import importlib.util
import io
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from docx import Document as DocxDocument
from docx.shared import Inches
from openpyxl.drawing.image import Image as XlImage
from pptx import Presentation
from pptx.util import Inches as PptInches
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from scanner.cache import ExtractCache
from scanner.config import CacheSettings, Limits
from scanner.engine import Engine
from scanner.extract import extract, ocr as ocr_mod
from scanner.extract.ocr import PictureReader, may_hold_text
from scanner.pipeline import scan_item
from scanner.report import Summary
from scanner.report.summary import print_summary
from scanner.types import Item


def _pictures():
    """tests/extract/pictures.py (importlib mode imports no sibling modules)."""
    spec = importlib.util.spec_from_file_location("ocr_pictures", Path(__file__).with_name("pictures.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


P = _pictures()
# tests that need the recogniser itself; the others (the cheap test, fail-closed paths
# without the extra, limits) run on every host
needs_ocr = pytest.mark.skipif(importlib.util.find_spec("rapidocr") is None,
                               reason="the ocr extra is not installed")
pytestmark = pytest.mark.slow

MARK, LABEL = "mark.state-secret", "marker.work-secret"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> ExtractCache:
    return ExtractCache(CacheSettings(directory=str(tmp_path_factory.mktemp("cache"))))


# the pictures: (lines, dpi, skew, serif, encoding)
SHOTS = {
    "mark-150": (P.MARKED, 150, 1.5, False, "PNG"),
    "mark-300": (P.MARKED, 300, -2.0, True, "JPEG"),
    "label-150": (P.LABELLED, 150, -1.0, True, "PNG"),
    "label-300": (P.LABELLED, 300, 2.0, False, "JPEG"),
    "plain-150": (P.NOTICE, 150, 1.0, False, "PNG"),
    "plain-300": (P.NOTICE, 300, -1.5, True, "JPEG"),
}
EXPECT = {"mark": ("block", MARK), "label": ("review", LABEL), "plain": ("clear", None)}


def shot(key: str) -> bytes:
    lines, dpi, skew, serif, fmt = SHOTS[key]
    img = P.page(lines, dpi=dpi, skew=skew, serif=serif, seed=dpi)
    return P.encode(img, fmt, **({"quality": 80} if fmt == "JPEG" else {}))


def docx_with(picture: bytes) -> bytes:
    doc = DocxDocument()
    doc.add_paragraph("关于召开年度工作会议的通知")
    doc.add_paragraph("会议材料见附图。")
    doc.add_picture(io.BytesIO(picture), width=Inches(6))
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def pptx_with(picture: bytes) -> bytes:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    slide.shapes.title.text = "工作进展汇报"
    slide.shapes.add_picture(io.BytesIO(picture), PptInches(0.5), PptInches(1.5), width=PptInches(9))
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def xlsx_with(picture: bytes) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "附件扫描件"
    ws.add_image(XlImage(io.BytesIO(picture)), "B3")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def pdf_with(picture: bytes) -> bytes:
    """The picture drawn across the top of an A4 page, no text layer."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    reader = ImageReader(io.BytesIO(picture))
    width, height = reader.getSize()
    shown = A4[0] - 40
    c.drawImage(reader, 20, A4[1] - 20 - shown * height / width, width=shown, height=shown * height / width)
    c.showPage()
    c.save()
    return buf.getvalue()


CONTAINERS = {"docx": (docx_with, "word/media/image1."), "pptx": (pptx_with, "ppt/media/image"),
              "xlsx": (xlsx_with, "xl/media/image1."), "pdf": (pdf_with, "page:1:ocr")}


def scan(engine: Engine, cache: ExtractCache | None, data: bytes, name: str):
    [result, *_] = scan_item(engine, Item(path=name, data=data), cache)
    return result


def check(result, kind: str, picture_part: str) -> None:
    verdict, rule = EXPECT[kind]
    assert result.verdict.value == verdict, [f.to_dict() for f in result.findings]
    assert result.extraction.value == "full"
    if rule:
        [hit] = [f for f in result.findings if f.rule == rule]
        assert hit.part.startswith(picture_part), hit.part
        assert hit.text.replace(" ", "") in ("机密★5年", "内部资料")


@needs_ocr
@pytest.mark.parametrize("container,key", [
    ("docx", "mark-150"), ("docx", "label-150"), ("docx", "plain-150"),
    ("pptx", "mark-300"), ("pptx", "label-300"), ("pptx", "plain-300"),
    ("xlsx", "mark-150"), ("xlsx", "label-300"), ("xlsx", "plain-150"),
    ("pdf", "mark-300"), ("pdf", "label-150"), ("pdf", "plain-150"),
])
def test_picture_in_a_container(engine: Engine, cache: ExtractCache, container: str, key: str) -> None:
    build, part = CONTAINERS[container]
    result = scan(engine, cache, build(shot(key)), f"scan.{container}")
    check(result, key.split("-")[0], part)


@needs_ocr
def test_finding_points_at_the_box_it_was_read_from(engine: Engine, cache: ExtractCache) -> None:
    data = docx_with(shot("mark-150"))
    doc = extract(data, "a.docx", Limits(), ocr=PictureReader.for_item(60))
    [picture] = [p for p in doc.parts if p.name == "word/media/image1.png"]
    [hit] = [f for f in scan(engine, cache, data, "a.docx").findings if f.rule == MARK]
    [box] = [b for b in picture.boxes if b.start <= hit.start and hit.end <= b.end]
    assert picture.text[box.start:box.end].replace(" ", "") == "机密★5年"
    assert box.confidence > 0.9
    # the mark is the heading: top left of the picture
    assert box.y0 < 0.25 * 919 and box.x0 < 400
    # and the finding says so, with the confidence
    details = dict(hit.details)
    assert details["box"] == (box.x0, box.y0, box.x1, box.y1)
    assert details["confidence"] == box.confidence


@needs_ocr
@pytest.mark.parametrize("fmt,key,options", [
    ("PNG", "mark-150", {}), ("JPEG", "label-300", {"quality": 70}), ("BMP", "label-150", {}),
    ("GIF", "mark-150", {}), ("WEBP", "mark-300", {"lossless": True}), ("PNG", "plain-150", {}),
])
def test_image_files(engine: Engine, cache: ExtractCache, fmt: str, key: str, options: dict) -> None:
    from PIL import Image
    data = P.encode(Image.open(io.BytesIO(shot(key))), fmt, **options)
    result = scan(engine, cache, data, "upload.bin")  # the name says nothing: sniffed from the bytes
    assert result.format == "image"
    check(result, key.split("-")[0], "image")


@needs_ocr
def test_multipage_tiff_reads_every_page(engine: Engine, cache: ExtractCache) -> None:
    from PIL import Image
    first = P.page(P.NOTICE, dpi=150, skew=0.5)
    second = P.page(P.MARKED, dpi=150, skew=-1.0, seed=7)
    buf = io.BytesIO()
    first.save(buf, "TIFF", save_all=True, append_images=[second], compression="tiff_lzw")
    result = scan(engine, cache, buf.getvalue(), "fax.tif")
    assert Image.open(io.BytesIO(buf.getvalue())).n_frames == 2
    assert result.verdict.value == "block"
    assert [f.part for f in result.findings if f.rule == MARK] == ["image:2"]


def test_logo_alone_is_clear(engine: Engine, cache: ExtractCache) -> None:
    doc = DocxDocument()
    doc.add_paragraph("关于举办职工运动会的通知")
    doc.add_picture(io.BytesIO(P.encode(P.logo(300))), width=Inches(1))
    doc.add_picture(io.BytesIO(P.encode(P.icon(64))), width=Inches(0.3))
    doc.add_picture(io.BytesIO(P.encode(P.banner())), width=Inches(5))
    buf = io.BytesIO()
    doc.save(buf)
    result = scan(engine, cache, buf.getvalue(), "sports.docx")
    assert result.verdict.value == "clear", [f.to_dict() for f in result.findings]
    assert scan(engine, cache, P.encode(P.logo(600)), "logo.png").verdict.value == "clear"


def test_cheap_test_skips_no_picture_with_text() -> None:
    """The measure behind ``may_hold_text``: every text picture of this
    module kept, every logo, icon and band skipped."""
    for key in SHOTS:
        from PIL import Image
        assert may_hold_text(Image.open(io.BytesIO(shot(key))))[0], key
    # one short line on a clean page is far less than 1 % ink
    for dpi in (150, 300):
        assert may_hold_text(P.page(["机密★5年"], dpi=dpi, skew=0, noise=False, seal=False))[0]
    for blank in (P.logo(300), P.logo(600), P.logo(120), P.icon(64), P.icon(256), P.banner()):
        assert not may_hold_text(blank)[0]


def unmapped_pdf() -> bytes:
    """Text in an embedded TrueType subset whose ToUnicode map is cut off
    (the key renamed in place, offsets unchanged): both PDF libraries see
    glyph codes only, as with many LaTeX and Type 3 fonts."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    pdfmetrics.registerFont(TTFont("WQY", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", subfontIndex=0))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("WQY", 28)
    c.drawString(60, 760, "机密★5年")
    c.setFont("WQY", 14)
    c.drawString(60, 720, "关于做好年度档案整理工作的通知")
    c.showPage()
    c.save()
    data = buf.getvalue()
    assert data.count(b"/ToUnicode") == 1
    return data.replace(b"/ToUnicode", b"/ToUnicodX")


@needs_ocr
def test_pdf_glyphs_without_unicode_mapping_are_read_by_ocr(engine: Engine, cache: ExtractCache) -> None:
    result = scan(engine, cache, unmapped_pdf(), "latex.pdf")
    assert result.verdict.value == "block"
    assert [(f.part, f.text) for f in result.findings if f.rule == MARK] == [("page:1:ocr", "机密★5年")]
    assert result.extraction.value == "full"


def test_pdf_glyphs_without_unicode_mapping_without_the_extra(no_extra: None) -> None:
    doc = extract(unmapped_pdf(), "latex.pdf", Limits())
    rules = sorted(n.rule for n in doc.notices)
    assert rules == ["unreadable.extract", "unreadable.ocr-needed"]
    assert doc.extraction.value == "partial"


@pytest.fixture
def no_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """OCR as on a host without ``preclear[ocr]``: rapidocr cannot be imported."""
    monkeypatch.setitem(sys.modules, "rapidocr", None)
    monkeypatch.setattr(ocr_mod, "_recognisers", {})


def test_without_the_extra_a_pasted_page_goes_to_review(no_extra: None) -> None:
    engine = Engine()
    result = scan(engine, None, docx_with(shot("plain-150")), "notice.docx")
    assert result.verdict.value == "review"
    [notice] = [f for f in result.findings if f.rule == "unreadable.ocr-needed"]
    assert notice.part == "word/media/image1.png"
    assert dict(notice.details)["cause"] == "not-installed"
    assert "preclear[ocr]" in notice.reason
    assert result.extraction.value == "partial"
    summary = Summary()
    summary.add(result)
    out = io.StringIO()
    print_summary(summary, None, out, list_items=False)
    assert "1 picture(s) that may hold text were not read by OCR (not-installed 1)" in out.getvalue()


def test_without_the_extra_a_snippet_of_one_marked_line_goes_to_review(no_extra: None) -> None:
    snippet = P.page(["机密★5年"], dpi=150, skew=0, noise=False, seal=False, inches=0.9).crop((60, 40, 460, 120))
    assert snippet.size == (400, 80)
    [result] = scan_item(Engine(), Item(path="snippet.png", data=P.encode(snippet)))
    assert result.verdict.value == "review"
    assert [dict(f.details)["cause"] for f in result.findings] == ["not-installed"]


def test_without_the_extra_logos_and_icons_stay_clear(no_extra: None) -> None:
    doc = DocxDocument()
    doc.add_paragraph("关于举办职工运动会的通知")
    for picture in (P.logo(180), P.icon(128)):
        doc.add_picture(io.BytesIO(P.encode(picture)), width=Inches(1))
    buf = io.BytesIO()
    doc.save(buf)
    assert scan(Engine(), None, buf.getvalue(), "sports.docx").verdict.value == "clear"


@needs_ocr
def test_time_limit_leaves_the_picture_unread_and_says_so() -> None:
    reader = PictureReader(deadline=time.monotonic() - 1)
    doc = extract(pptx_with(shot("mark-150")), "late.pptx", Limits(), ocr=reader)
    [notice] = [n for n in doc.notices if n.rule == "unreadable.ocr-needed"]
    assert notice.part.startswith("ppt/media/image")
    assert dict(notice.details)["cause"] == "time-limit"
    assert doc.extraction.value == "partial"


def test_undecodable_picture_is_never_clear(engine: Engine, cache: ExtractCache) -> None:
    result = scan(engine, cache, shot("plain-150")[:2000], "broken.png")
    assert result.verdict.value == "review"
    assert [dict(f.details).get("cause") for f in result.findings] == ["undecodable"]


def test_picture_bomb_is_refused_before_decoding(engine: Engine, cache: ExtractCache) -> None:
    from PIL import Image
    bomb = P.encode(Image.new("1", (10_000, 7_000), 1))  # 70 million pixels in a few KB
    assert len(bomb) < 100_000
    result = scan(engine, cache, bomb, "bomb.png")
    assert result.verdict.value == "review"
    [finding] = result.findings
    assert dict(finding.details)["cause"] == "undecodable" and "pixel limit" in finding.reason


@needs_ocr
def test_ocr_results_are_cached_by_picture(engine: Engine, tmp_path) -> None:
    eng = Engine()
    cache = ExtractCache(CacheSettings(directory=str(tmp_path)))
    picture = shot("mark-150")
    first = scan(eng, cache, docx_with(picture), "a.docx")
    entries = list((tmp_path / "ocr").glob("*/*"))
    assert len(entries) == 1
    # the same picture in another container: the OCR cache answers, same finding
    second = scan(eng, cache, xlsx_with(picture), "b.xlsx")
    assert list((tmp_path / "ocr").glob("*/*")) == entries
    assert [f.text for f in first.findings if f.rule == MARK] == [f.text for f in second.findings if f.rule == MARK]


@needs_ocr
def test_pictures_written_into_a_web_page(engine: Engine, cache: ExtractCache) -> None:
    import base64
    logo = base64.b64encode(P.encode(P.logo(200))).decode()
    scan_ = base64.b64encode(shot("label-150")).decode()
    page = (f'<!doctype html><html><body><p>通知公告</p><img src="data:image/png;base64,{logo}" alt="徽标">'
            f'<img src="/static/a.png"><img src="data:image/png;base64,{scan_}"></body></html>')
    result = scan(engine, cache, page.encode(), "notice.html")
    assert result.verdict.value == "review"
    assert [f.part for f in result.findings if f.rule == LABEL] == ["img:3"]
    broken = page.replace(scan_[:40], "!!!!" + scan_[4:40])
    result = scan(engine, cache, broken.encode(), "broken.html")
    assert [(f.part, dict(f.details)["cause"]) for f in result.findings] == [("img:3", "undecodable")]


@needs_ocr
def test_pictures_a_web_page_shows_outside_img(engine: Engine, cache: ExtractCache) -> None:
    """A picture as an object's data or a link's target: cleared before (the red-team run)."""
    import base64
    scan_ = base64.b64encode(shot("mark-150")).decode()
    icon = base64.b64encode(P.encode(P.logo(200))).decode()
    page = (f'<!doctype html><html><body><p>通知公告</p><a href="data:image/png;base64,{icon}">徽标</a>'
            f'<object data="data:image/png;base64,{scan_}"></object></body></html>')
    result = scan(engine, cache, page.encode(), "notice.html")
    assert result.extraction.value == "full"
    assert [f.part for f in result.findings if f.rule == MARK] == ["picture:2"]


@needs_ocr
def test_scanned_page_in_an_ofd(engine: Engine, cache: ExtractCache, make_samples, b) -> None:
    """An OFD whose page draws a scanned picture (its resource, Doc_0/Res/)."""
    ofd = make_samples.build_ofd([["扫描件"]], title="通知")
    data = b.zip_edit(ofd, replace={"Doc_0/Res/image_1.png": shot("mark-150")})
    result = scan(engine, cache, data, "scan.ofd")
    assert result.format == "ofd" and result.verdict.value == "block"
    assert [f.part for f in result.findings if f.rule == MARK] == ["Doc_0/Res/image_1.png"]


def test_mostly_low_confidence_lines_are_not_trusted() -> None:
    """The rule behind ``low-confidence``: the text is kept (a mark in it still
    counts) and the picture is flagged when most of its lines are unsure."""
    from PIL import Image

    from scanner.extract.ocr import Line, _to_parts
    blank = Image.new("RGB", (120, 60), "white")
    sure, unsure = Line("关于做好工作的通知", (0, 0, 100, 20), 0.98), Line("机窑★5午", (0, 30, 100, 50), 0.41)
    parts, notices = _to_parts("word/media/image1.png", [sure, unsure, unsure], blank)
    assert parts[0].text == "关于做好工作的通知\n机窑★5午\n机窑★5午"
    assert [b.confidence for b in parts[0].boxes] == [0.98, 0.41, 0.41]
    [notice] = notices
    assert dict(notice.details)["cause"] == "low-confidence" and notice.part == "word/media/image1.png"
    assert _to_parts("p", [sure, sure, unsure], blank)[1] == []
