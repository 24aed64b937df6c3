"""A mark on a two-column PDF page is read twice, in the stream and in the
page's reading-order part (``page:N:layout``); one finding is kept, and the
twin is listed among the dropped hits (``--explain``, and the desk's scan
record), saying which part kept it."""
from __future__ import annotations

import io

from reportlab.pdfgen import canvas

from scanner import Engine
from scanner.config import ScanConfig
from scanner.pipeline import scan_item
from scanner.types import Item


def two_columns(font: str) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont(font, 12)
    for i in range(6):
        c.drawString(60, 760 - 20 * i, "秘密★1年" if i == 0 else f"左栏第{i}行普通内容")
    for i in range(6):
        c.drawString(330, 760 - 20 * i, f"右栏第{i}行普通内容")
    c.showPage()
    c.save()
    return buf.getvalue()


def test_the_layout_twin_of_a_mark_is_listed_as_dropped(cjk_font: str) -> None:
    data = two_columns(cjk_font)
    [result] = scan_item(Engine(ScanConfig(explain=True)), Item(path="columns.pdf", data=data))
    marks = [f for f in result.findings if f.category == "mark"]
    assert [(f.part, f.text) for f in marks] == [("page:1", "秘密★1年")]
    twins = [d for d in result.dropped if "layout twin" in d]
    assert twins == ["page:1:layout:0-5 '秘密★1年': layout twin of the finding in page:1"]
    [plain] = scan_item(Engine(ScanConfig()), Item(path="columns.pdf", data=data))
    assert plain.dropped == () and plain.findings == result.findings
