"""No character lost: PDFs generated from known text, with a non-embedded CID
font (STSong-Light) and an embedded TrueType subset (WenQuanYi Zen Hei), give
back every source line on its page through pdfium's fast path, the same
characters pdfminer.six reads; pages pdfium alters are re-read by pdfminer."""
from __future__ import annotations

import io
import random
import re
from collections import Counter
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import resolve1
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.pdfdoc import PDFString
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from scanner import scan_bytes
from scanner.config import Limits
from scanner.extract import extract
from scanner.extract.pdf import _Annotations, _MinerDoc, _pdfium_page, _string

# Debian fonts-wqy-zenhei (installed by .ci/run): TrueType outlines reportlab can embed
ZENHEI = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
HANZI = "保密审查工作通知关于国家秘密事项一览表的规定单位部门文件会议纪要发布管理制度落实责任年月日"
LATIN = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


@pytest.fixture(scope="module", params=["STSong-Light", "WQY-ZenHei"])
def font(request) -> str:
    if request.param == "STSong-Light":
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    else:
        assert ZENHEI.exists(), f"{ZENHEI} missing: apt-get install fonts-wqy-zenhei (see .ci/run)"
        pdfmetrics.registerFont(TTFont("WQY-ZenHei", str(ZENHEI), subfontIndex=0))
    return request.param


def source_lines(page: int, count: int = 28) -> list[str]:
    """Known text: Chinese, Latin, digits, full-width punctuation, a mark per line."""
    rng = random.Random(page)
    lines = []
    for i in range(count):
        words = ["".join(rng.choice(HANZI) for _ in range(rng.randint(2, 6))) for _ in range(4)]
        latin = "".join(rng.choice(LATIN) for _ in range(rng.randint(2, 5)))
        lines.append(f"第{page}页{i}行：{words[0]}，{words[1]}{latin} {rng.randint(0, 99999)}；"
                     f"机密★{(page + i) % 20 + 1}年{words[2]}。{words[3]}")
    return lines


def render(pages: list[list[tuple[str, str]]], compress: int = 1) -> bytes:
    """One PDF page per list of (font, line), drawn top down."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pageCompression=compress)
    for lines in pages:
        for i, (font_name, line) in enumerate(lines):
            c.setFont(font_name, 11)
            c.drawString(30, 800 - i * 26, line)
        c.showPage()
    c.save()
    return buf.getvalue()


def visible(text: str) -> Counter:
    return Counter(re.sub(r"\s", "", text))


def pdfium_texts(data: bytes) -> list[str | None]:
    """What the fast path returns per page (None: the page goes to pdfminer)."""
    pdf = pdfium.PdfDocument(data)
    try:
        return [_pdfium_page(pdf, i, _Annotations())[0] for i in range(len(pdf))]
    finally:
        pdf.close()


def test_every_source_line_on_its_page_through_pdfium(font: str) -> None:
    pages = [source_lines(p) for p in range(1, 7)]
    data = render([[(font, line) for line in lines] for lines in pages])
    fast = pdfium_texts(data)
    assert all(text is not None for text in fast), "a clean page left pdfium's fast path"
    parts = {p.name: p.text for p in extract(data, "known.pdf", Limits()).parts}
    miner = _MinerDoc(data)
    for number, lines in enumerate(pages, 1):
        text = parts[f"page:{number}"]
        assert text == fast[number - 1]
        for line in lines:
            assert line in text
        # the same characters, no more, no fewer: against the source and pdfminer
        assert visible(text) == visible("".join(lines))
        assert visible(text) == visible(miner.page_text(number - 1))


def test_marks_on_every_page_are_found(font: str) -> None:
    pages = [source_lines(p, count=5) for p in range(1, 4)]
    [result] = scan_bytes(render([[(font, line) for line in lines] for lines in pages]), "marks.pdf")
    found = {(f.part, f.text) for f in result.findings if f.rule == "mark.state-secret"}
    for number, lines in enumerate(pages, 1):
        for line in lines:
            mark = re.search(r"机密★\d+年", line).group()
            assert (f"page:{number}", mark) in found
    assert result.verdict.value == "block"


def test_line_final_hyphen_page_is_reread_by_pdfminer(font: str) -> None:
    """pdfium turns a hyphen that ends a line before a letter into U+FFFE and
    drops the line break: the hyphen is lost, so pdfminer reads that page."""
    hyphen_page = [(font, "机密★5年 classi-"), (font, "fied 文件"), (font, "第三行 ABC 123")]
    clean_page = [(font, line) for line in source_lines(9, count=3)]
    data = render([hyphen_page, clean_page])
    fast = pdfium_texts(data)
    assert fast[0] is None and fast[1] is not None
    doc = extract(data, "hyphen.pdf", Limits())
    parts = {p.name: p.text for p in doc.parts}
    assert parts["page:1"] == _MinerDoc(data).page_text(0)
    for line in ("机密★5年 classi-", "fied 文件", "第三行 ABC 123"):
        assert line in parts["page:1"]
    assert "\ufffe" not in parts["page:1"]
    assert parts["page:2"] == fast[1]
    assert doc.extraction.value == "full"


@pytest.fixture(scope="module")
def zenhei() -> str:
    assert ZENHEI.exists(), f"{ZENHEI} missing: apt-get install fonts-wqy-zenhei (see .ci/run)"
    pdfmetrics.registerFont(TTFont("WQY-ZenHei", str(ZENHEI), subfontIndex=0))
    return "WQY-ZenHei"


def edit_to_unicode(data: bytes, old: bytes, new: bytes) -> bytes:
    """Change one entry of the (uncompressed) ToUnicode map, keeping every byte
    offset: a space between later entries is dropped for each byte added."""
    edited = data.replace(old, new, 1)
    unused = re.findall(rb"<[0-9A-F]{2}> <0000>", edited)[1:]  # <00> stays
    for entry in unused[:len(new) - len(old)]:
        edited = edited.replace(entry, entry.replace(b" ", b""), 1)
    assert len(edited) == len(data)
    return edited


def test_glyphs_without_unicode_are_reread_and_reported(zenhei: str) -> None:
    """A font whose ToUnicode map is missing: pdfium returns each raw code as a
    character.  Codes 1-3 it partly drops (the text is shorter than its count);
    codes from 4 on come back one for one, so only pdfium's per-character
    map-error flag tells.  Both pages go to pdfminer, which cannot map the
    glyphs either, so they are reported unreadable and the item is never clear."""
    data = render([[("Helvetica", "Annual report 2026 ABC")], [(zenhei, "王明机")], [(zenhei, "密级五年 姓名")]],
                  compress=0)
    data = data.replace(b"/ToUnicode", b"/ToUnicodX")
    fast = pdfium_texts(data)
    assert fast[0] is not None and "Annual report 2026 ABC" in fast[0]
    assert fast[1:] == [None, None]
    [result] = scan_bytes(data, "nomap.pdf")
    notices = [f for f in result.findings if f.category == "unreadable"]
    assert [(f.part, f.rule) for f in notices] == [("page:2", "unreadable.extract"), ("page:3", "unreadable.extract")]
    assert all("no Unicode mapping" in f.reason for f in notices)
    assert result.verdict.value == "review"


def test_character_outside_the_bmp_is_kept_on_the_fast_path(zenhei: str) -> None:
    """pdfium counts U+2A6D6 as two UTF-16 halves and returns it whole."""
    data = render([[(zenhei, "姓名：王明 机密★5年")]], compress=0)
    old = b"<%02X> <738B>" % _code_of(data, "738B")
    data = edit_to_unicode(data, old, old.replace(b"<738B>", b"<D869DED6>"))
    [fast] = pdfium_texts(data)
    assert fast is not None and "姓名：\U0002A6D6明 机密★5年" in fast
    assert _MinerDoc(data).page_text(0).strip() == fast.strip()


def _code_of(data: bytes, unicode_hex: str) -> int:
    return int(re.search(rb"<([0-9A-F]{2})> <" + unicode_hex.encode() + rb">", data).group(1), 16)


def test_text_drawn_twice_on_the_same_spot_keeps_every_distinct_string(zenhei: str) -> None:
    """pdfium drops an exact duplicate of a character drawn again where it
    already is (fake bold); text that differs is never dropped."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont(zenhei, 11)
    c.drawString(40, 800, "机密★5年 加粗")
    c.drawString(40.2, 800, "机密★5年 加粗")
    c.drawString(40, 700, "公开文件")
    c.drawString(40, 700, "机密★6年")
    c.showPage()
    c.save()
    [text] = pdfium_texts(buf.getvalue())
    assert text is not None
    for needle in ("机密★5年 加粗", "公开文件", "机密★6年"):
        assert needle in text


def miner_annotations(data: bytes) -> str:
    """The reference: each annotation's text entries as pdfminer.six reads them."""
    lines = []
    for number, page in enumerate(PDFPage.create_pages(_MinerDoc(data).doc), 1):
        for annot in resolve1(page.annots) or ():
            annot = resolve1(annot)
            for key in ("Contents", "T", "Subj", "RC"):
                text = _string(annot.get(key))
                if text.strip():
                    lines.append(f"p{number} {key}: {text}")
    return "\n".join(lines)


def test_annotations_read_by_pdfium_equal_pdfminer(font: str) -> None:
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for page in (1, 2, 3):
        c.setFont(font, 11)
        c.drawString(40, 800, f"第{page}页")
        if page != 2:
            c.textAnnotation(f"批注{page} 机密★{page}年 note", Rect=(40, 40, 200, 80), T=PDFString(f"审核人{page} Reviewer"))
            c.linkURL("https://example.invalid/", (40, 100, 200, 120))
        if page == 3:
            c.acroForm.textfield(name="level", value="CONFIDENTIAL 9", x=300, y=40, width=200, height=20,
                                 fontName="Helvetica")
        c.showPage()
    c.save()
    data = buf.getvalue()
    parts = {p.name: p.text for p in extract(data, "annots.pdf", Limits()).parts}
    reference = miner_annotations(data)
    assert "p1 Contents: 批注1 机密★1年 note" in reference and "p3 T: 审核人3 Reviewer" in reference
    entries = [line for line in parts["annotation"].splitlines() if not line.startswith("p3 appearance: ")]
    assert "\n".join(entries) == reference
    # what the filled-in field draws is read from its appearance too (its value is also the form part)
    assert "p3 appearance: CONFIDENTIAL 9" in parts["annotation"].splitlines()


def test_native_map_error_loop_equals_the_ctypes_loop(zenhei: str) -> None:
    """Batch workers (numba loaded) check map errors in one native loop, a
    one-file scan through a ctypes prototype without argument types: both
    must flag exactly the pages pypdfium2's own binding flags."""
    import ctypes
    from itertools import repeat

    import pypdfium2.raw as pdfium_c

    from scanner.extract.pdf import _HAS_MAP_ERROR
    from scanner.extract.pdfium_check import any_map_error

    clean = render([[(zenhei, line) for line in source_lines(3, count=4)]])
    broken = render([[("Helvetica", "Annual report")], [(zenhei, "王明机")], [(zenhei, "密级五年 姓名")]],
                    compress=0).replace(b"/ToUnicode", b"/ToUnicodX")
    seen = []
    for data in (clean, broken):
        pdf = pdfium.PdfDocument(data)
        for index in range(len(pdf)):
            textpage = pdf[index].get_textpage()
            count = textpage.count_chars()
            per_char = any(map(pdfium_c.FPDFText_HasUnicodeMapError, repeat(textpage.raw, count), range(count)))
            assert any_map_error(textpage.raw, count) == per_char
            handle = ctypes.cast(textpage.raw, ctypes.c_void_p)
            assert [_HAS_MAP_ERROR(handle, i) for i in range(count)] == [
                pdfium_c.FPDFText_HasUnicodeMapError(textpage.raw, i) for i in range(count)]
            seen.append(per_char)
            textpage.close()
        pdf.close()
    assert seen == [False, False, True, True]
