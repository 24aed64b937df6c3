"""The desk's item page shows an OCR finding's confidence and the crop of
the picture it was read from (templates/ocr_finding.html, stored with the
scan), through the real ``preclear serve``."""
from __future__ import annotations

import base64
import importlib.util
import io
import re
from pathlib import Path

import httpx
import pytest
from lxml import html as lxml_html
from PIL import Image

from scanner.extract import ocr as ocr_mod

EXTRACT = Path(__file__).parent.parent / "extract"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"desk_{name}", EXTRACT / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


pytestmark = [pytest.mark.slow, pytest.mark.skipif(importlib.util.find_spec("rapidocr") is None,
                                                   reason="the ocr extra is not installed")]


@pytest.fixture
def marked() -> tuple[bytes, None]:
    P, T = _load("pictures"), _load("test_ocr")
    return T.docx_with(P.encode(P.page(P.MARKED, dpi=150, skew=1.5, seed=3), "PNG")), None


def _png(crop: str) -> Image.Image:
    return Image.open(io.BytesIO(base64.b64decode(crop, validate=True)))


def test_desk_item_page_shows_confidence_and_crop(desk, marked) -> None:
    data, _ = marked
    # the submission is scanned in the request, OCR included: seconds on a busy
    # 2-core machine, past httpx's 5 s default (a timeout here is no finding)
    with httpx.Client(base_url=desk.url, timeout=120) as client:
        r = client.post("/v1/items", files={"file": ("scan.docx", data)},
                        headers={"Authorization": f"Bearer {desk.tokens['submitter']}"})
        assert r.status_code == 201, r.text
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
        assert client.post("/login", data={"csrf": csrf, "token": desk.tokens["reviewer"]}).status_code == 303
        page = client.get("/items/1")
    assert page.status_code == 200 and "img-src 'self' data:" in page.headers["content-security-policy"]
    tree = lxml_html.fromstring(page.text)
    [ocr] = tree.xpath('//table[@class="findings"]//span[@class="ocr"]')
    assert re.search(r"置信度 0\.9\d|置信度 1\.00", ocr.text_content())
    [img] = ocr.xpath("./img")
    image = _png(img.get("src").removeprefix("data:image/png;base64,"))
    assert image.width <= ocr_mod.CROP_SIDE
