"""What a reviewer sees of an OCR finding: the recogniser's confidence and a
crop of the picture region it was read from, in the HTML report and on the
desk's item page (tests/desk/test_ocr_finding.py); never in JSONL.

The pictures are pages rendered by Pillow in Noto CJK (tests/extract/
pictures.py) pasted into a DOCX made by python-docx."""
from __future__ import annotations

import base64
import importlib.util
import io
import json
from pathlib import Path

import pytest
from lxml import html as lxml_html
from PIL import Image

from scanner.engine import Engine
from scanner.extract import ocr as ocr_mod
from scanner.pipeline import scan_item
from scanner.report import ReportOptions, Summary, html_page
from scanner.report.html_page import HtmlReporter
from scanner.types import Item, ItemResult


def _load(name: str):
    """A sibling test module (importlib mode imports no sibling modules)."""
    spec = importlib.util.spec_from_file_location(f"crop_{name}", Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


P = _load("pictures")
T = _load("test_ocr")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(importlib.util.find_spec("rapidocr") is None,
                                                   reason="the ocr extra is not installed")]
MARK = "mark.state-secret"


@pytest.fixture(scope="module")
def marked() -> tuple[bytes, ItemResult]:
    data = T.docx_with(P.encode(P.page(P.MARKED, dpi=150, skew=1.5, seed=3), "PNG"))
    [result, *_] = scan_item(Engine(), Item(path="scan.docx", data=data))
    return data, result


def _png(crop: str) -> Image.Image:
    return Image.open(io.BytesIO(base64.b64decode(crop, validate=True)))


def test_the_crop_shows_the_marked_line_and_is_small(marked) -> None:
    _, result = marked
    [hit] = [f for f in result.findings if f.rule == MARK]
    assert 0.9 < dict(hit.details)["confidence"] <= 1
    image = _png(hit.crop)
    assert image.format == "PNG" and image.width <= ocr_mod.CROP_SIDE and image.height <= ocr_mod.CROP_SIDE // 3
    assert len(hit.crop) < 30_000
    # the crop is the heading's line: read again, it is the mark and nothing of the body
    lines = ocr_mod.default_recogniser().recognise(image.convert("RGB"))
    assert "".join(line.text for line in lines).replace(" ", "") == "机密★5年"


def test_jsonl_stays_without_the_crop_and_the_store_keeps_it(marked) -> None:
    _, result = marked
    [hit] = [f for f in result.findings if f.rule == MARK]
    assert "crop" not in json.dumps(result.to_dict())
    stored = result.to_dict(crops=True)
    assert [f["crop"] for f in stored["findings"] if f["rule"] == MARK] == [hit.crop]
    again = ItemResult.from_dict(json.loads(json.dumps(stored)))
    assert [f.crop for f in again.findings if f.rule == MARK] == [hit.crop]


def test_crops_per_item_are_capped() -> None:
    """A page of eleven marked lines: every finding has its box, the first eight their crop."""
    lines = [f"机密★{n}年 关于第{n}项工作的安排" for n in range(1, 12)]
    data = T.docx_with(P.encode(P.page(lines, dpi=150, skew=0.5, seal=False, seed=5, inches=8), "PNG"))
    [result, *_] = scan_item(Engine(), Item(path="many.docx", data=data))
    hits = [f for f in result.findings if f.rule == MARK]
    assert len(hits) == 11 and all("box" in dict(f.details) for f in hits)
    assert sum(bool(f.crop) for f in hits) == ocr_mod.CROPS_PER_ITEM


def _report(results: list[ItemResult], mask: bool = False) -> str:
    out = io.BytesIO()
    reporter = HtmlReporter(out, ReportOptions(mask=mask))
    reporter.begin()
    for r in results:
        reporter.item(r)
    reporter.finish(Summary())
    return out.getvalue().decode("utf-8")


def test_html_report_shows_confidence_and_crop_inline(marked, monkeypatch) -> None:
    _, result = marked
    [hit] = [f for f in result.findings if f.rule == MARK]
    tree = lxml_html.fromstring(_report([result]))
    csp = tree.xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')[0]
    assert "default-src 'none'" in csp and "img-src data:" in csp
    [cell] = [td for td in tree.xpath('//td[@class="context"]') if td.xpath('.//span[@class="ocr"]')]
    assert f"置信度 {dict(hit.details)['confidence']:.2f}" in cell.text_content()
    [img] = cell.xpath(".//img")
    assert img.get("src") == "data:image/png;base64," + hit.crop
    # masked excerpts: the crop would show the text, so only the confidence is shown
    masked = lxml_html.fromstring(_report([result], mask=True))
    assert not masked.xpath("//img") and masked.xpath('//span[@class="ocr"]')
    # a page holds at most CROPS_PER_REPORT crops
    monkeypatch.setattr(html_page, "CROPS_PER_REPORT", 1)
    twice = lxml_html.fromstring(_report([result, ItemResult.from_dict({**result.to_dict(crops=True),
                                                                        "item": "copy.docx"})]))
    assert len(twice.xpath("//img")) == 1 and len(twice.xpath('//span[@class="ocr"]')) == 2



def test_pictures_kept_for_crops_are_capped_per_item(monkeypatch) -> None:
    """Each picture of an item read by OCR keeps a small grey copy for crops,
    up to PICTURES_KEPT of them; the rest keep their boxes only."""
    from scanner.extract.ocr import PictureReader

    monkeypatch.setattr(ocr_mod, "PICTURES_KEPT", 1)
    frames = [P.page(P.MARKED, dpi=150, skew=1.0, seed=s) for s in (7, 8)]
    buf = io.BytesIO()
    frames[0].save(buf, "TIFF", save_all=True, append_images=frames[1:])
    parts, notices = PictureReader.for_item(120).read_bytes("image", buf.getvalue())
    assert notices == [] and [p.name for p in parts] == ["image:1", "image:2"]
    assert all(p.boxes for p in parts)
    kept, none = parts[0].picture, parts[1].picture
    assert none is None and kept is not None
    with Image.open(io.BytesIO(kept.jpeg)) as copy:
        assert copy.format == "JPEG" and copy.mode == "L" and max(copy.size) <= ocr_mod.PICTURE_SIDE
