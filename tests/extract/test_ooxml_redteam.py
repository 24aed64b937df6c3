"""OOXML files made with python-docx, python-pptx and openpyxl (and the XML
Word and PowerPoint write, patched in) whose mark was cleared, or whose
package was read in part and called full: a table's alt text, a VML shape's
``alt``, a hover tooltip, a stale thumbnail, ActiveX controls, a file in the
media folder, a ★ typed in Wingdings, a QUOTE field with no result."""
from __future__ import annotations

import io
import re
import time
import zipfile
from collections.abc import Callable

import docx
import openpyxl
import pptx
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from PIL import Image, ImageDraw, ImageFont

from scanner import scan_bytes
from scanner.config import Limits
from scanner.extract import extract
from scanner.extract.ocr import PictureReader
from scanner.types import ItemResult

from .marked import MARK, saved

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
_AX = ('xmlns:ax="http://schemas.microsoft.com/office/2006/activeX" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')


def _patch(data: bytes, edits: dict[str, Callable[[str], str]] | None = None,
           add: dict[str, bytes | str] | None = None) -> bytes:
    """The package with parts edited (as text) and parts added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in zin.infolist():
            raw = zin.read(info.filename)
            if edits and info.filename in edits:
                raw = edits[info.filename](raw.decode("utf-8")).encode("utf-8")
            z.writestr(info.filename, raw)
        for name, value in (add or {}).items():
            z.writestr(name, value if isinstance(value, bytes) else value.encode("utf-8"))
    return out.getvalue()


def _notice_docx() -> bytes:
    document = docx.Document()
    for text in ("关于召开2026年度工作会议的通知", "各处室：", "定于下周一召开年度工作会议，请准时参加。", "办公室"):
        document.add_paragraph(text)
    return saved(document)


def _in_body(xml: str, first: bool = True) -> Callable[[str], str]:
    def edit(doc: str) -> str:
        if "xmlns:v=" not in doc:
            doc = doc.replace("<w:document ", '<w:document xmlns:v="urn:schemas-microsoft-com:vml" ', 1)
        if first:
            return doc.replace("<w:body>", "<w:body>" + xml, 1)
        return doc.replace("<w:sectPr", xml + "<w:sectPr", 1)
    return edit


def _types(add: str) -> Callable[[str], str]:
    return lambda xml: xml.replace("</Types>", add + "</Types>")


def _rels(add: str) -> Callable[[str], str]:
    return lambda xml: xml.replace("</Relationships>", add + "</Relationships>")


def _result(data: bytes, name: str) -> ItemResult:
    return scan_bytes(data, name)[0]


def _mark_parts(result: ItemResult) -> list[str]:
    return [f.part for f in result.findings if f.rule.startswith("mark.")]


def _run(text: str, font: str | None = None) -> str:
    props = f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}"/></w:rPr>' if font else ""
    return f'<w:r>{props}<w:t xml:space="preserve">{text}</w:t></w:r>'


# -- text kept in attributes -------------------------------------------------

def test_table_alt_text_title_and_description() -> None:
    """Table Properties › Alt Text: ``w:tblCaption`` and ``w:tblDescription``."""
    table = ('<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:tblCaption w:val="机密★5年"/>'
             '<w:tblDescription w:val="机密★5年 经费明细"/></w:tblPr><w:tblGrid><w:gridCol w:w="4000"/></w:tblGrid>'
             f'<w:tr><w:tc><w:p>{_run("项目")}</w:p></w:tc></w:tr></w:tbl>')
    result = _result(_patch(_notice_docx(), {"word/document.xml": _in_body(table, first=False)}), "a.docx")
    assert result.verdict.value == "block"
    assert set(_mark_parts(result)) == {"attributes"}


def test_table_titled_with_the_level_alone() -> None:
    table = ('<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:tblCaption w:val="机密"/></w:tblPr>'
             f'<w:tblGrid><w:gridCol w:w="4000"/></w:tblGrid><w:tr><w:tc><w:p>{_run("经费")}</w:p></w:tc></w:tr></w:tbl>')
    result = _result(_patch(_notice_docx(), {"word/document.xml": _in_body(table, first=False)}), "a.docx")
    assert result.verdict.value == "block"


def test_vml_shape_alt_text() -> None:
    shape = f'<w:p><w:r><w:pict><v:rect style="width:100pt;height:20pt" alt="{MARK}" stroked="f"/></w:pict></w:r></w:p>'
    result = _result(_patch(_notice_docx(), {"word/document.xml": _in_body(shape)}), "a.docx")
    assert result.verdict.value == "block"
    assert _mark_parts(result) == ["attributes"]


def test_pptx_mouse_over_tooltip() -> None:
    """Insert › Action › Mouse Over: ``a:hlinkHover`` with a tooltip."""
    deck = pptx.Presentation()
    deck.slides.add_slide(deck.slide_layouts[0]).shapes.title.text = "2026年度工作汇报"
    data = _patch(saved(deck), {"ppt/slides/slide1.xml": lambda xml: xml.replace(
        '<p:cNvPr id="2" name="Title 1"/>',
        f'<p:cNvPr id="2" name="Title 1"><a:hlinkHover r:id="" action="ppaction://noaction" tooltip="{MARK}"/></p:cNvPr>',
        1)})
    result = _result(data, "a.pptx")
    assert result.verdict.value == "block"
    assert _mark_parts(result) == ["attributes"]


# -- the thumbnail -----------------------------------------------------------

def _thumbnail() -> bytes:
    font = ImageFont.truetype(FONT, 24)
    image = Image.new("RGB", (256, 192), "white")
    draw = ImageDraw.Draw(image)
    draw.text((8, 8), MARK, font=font, fill="black")
    draw.text((20, 80), "2026年度工作汇报", font=font, fill="black")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def _with_thumbnail(data: bytes, thumbnail: bytes) -> bytes:
    if "docProps/thumbnail.jpeg" in zipfile.ZipFile(io.BytesIO(data)).namelist():  # python-pptx's template has one
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for info in zin.infolist():
                z.writestr(info.filename, thumbnail if info.filename == "docProps/thumbnail.jpeg"
                           else zin.read(info.filename))
        return out.getvalue()
    types = _types('<Default Extension="jpeg" ContentType="image/jpeg"/>')
    return _patch(data, {"[Content_Types].xml": lambda xml: xml if 'Extension="jpeg"' in xml else types(xml),
                         "_rels/.rels": _rels('<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/'
                                              'package/2006/relationships/metadata/thumbnail" '
                                              'Target="docProps/thumbnail.jpeg"/>')},
                  add={"docProps/thumbnail.jpeg": thumbnail})


def _deck() -> bytes:
    deck = pptx.Presentation()
    deck.slides.add_slide(deck.slide_layouts[0]).shapes.title.text = "2026年度工作汇报"
    return saved(deck)


def test_stale_thumbnail_is_read_as_a_picture() -> None:
    """The package's preview still shows the mark taken out of the slide:
    read by OCR (block)."""
    for data, name in ((_with_thumbnail(_deck(), _thumbnail()), "a.pptx"),
                       (_with_thumbnail(_notice_docx(), _thumbnail()), "a.docx")):
        result = _result(data, name)
        assert result.verdict.value != "clear", name
        assert any(f.part.startswith("docProps/thumbnail.jpeg") or "docProps/thumbnail.jpeg" in str(f.reason)
                   for f in result.findings), name


def test_a_thumbnail_without_ocr_is_passed_over() -> None:
    """Without OCR a thumbnail, which renders the first slide whose text is
    read, is no notice: every deck PowerPoint saves has one.  A slide's own
    picture still is."""
    reader = PictureReader(time.monotonic() + 60, recogniser=lambda: None)
    document = extract(_with_thumbnail(_deck(), _thumbnail()), "a.pptx", Limits(), ocr=reader)
    assert document.notices == ()


def test_a_blank_template_thumbnail_changes_nothing() -> None:
    """python-pptx's and python-docx's template thumbnails are blank: no part, no notice."""
    reader = PictureReader(time.monotonic() + 60, recogniser=lambda: None)
    for data, name in ((_deck(), "a.pptx"), (_notice_docx(), "a.docx")):
        document = extract(data, name, Limits(), ocr=reader)
        assert not document.notices
        assert not [part.name for part in document.parts if part.name.startswith("docProps/")]


# -- parts nobody read --------------------------------------------------------

def _control(extra_types: str, add: dict[str, bytes | str]) -> bytes:
    body = ('<w:p><w:r><w:object w:dxaOrig="2000" w:dyaOrig="400"><w:control r:id="rId95" w:name="Label1" '
            'w:shapeid="_x0000_i1025"/></w:object></w:r></w:p>')
    return _patch(_notice_docx(), {
        "word/document.xml": _in_body(body),
        "word/_rels/document.xml.rels": _rels(
            '<Relationship Id="rId95" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'control" Target="activeX/activeX1.xml"/>'),
        "[Content_Types].xml": _types('<Override PartName="/word/activeX/activeX1.xml" '
                                      'ContentType="application/vnd.ms-office.activeX+xml"/>' + extra_types)}, add=add)


def test_activex_property_bag_caption() -> None:
    bag = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><ax:ocx ax:classid="{978C9E23-D4B0-11CE-BF2D-'
           f'00AA003F40D0}}" ax:persistence="persistPropertyBag" {_AX}><ax:ocxPr ax:name="Caption" ax:value="{MARK}"/>'
           '<ax:ocxPr ax:name="Size" ax:value="3528;706"/></ax:ocx>')
    result = _result(_control("", {"word/activeX/activeX1.xml": bag}), "a.docx")
    assert result.verdict.value == "block"
    assert _mark_parts(result) == ["word/activeX/activeX1.xml"]


def test_activex_binary_persistence_is_not_called_read() -> None:
    stored = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><ax:ocx ax:classid="{978C9E23-D4B0-11CE-BF2D-'
              f'00AA003F40D0}}" ax:persistence="persistStorage" r:id="rId1" {_AX}/>')
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.'
            'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.microsoft.com/office/2006/'
            'relationships/activeXControlBinary" Target="activeX1.bin"/></Relationships>')
    binary = b"\x00\x02\x20\x00" + b"\x00" * 28 + MARK.encode("gbk") + b"\x00" * 16
    result = _result(_control('<Default Extension="bin" ContentType="application/vnd.ms-office.activeX"/>',
                              {"word/activeX/activeX1.xml": stored, "word/activeX/_rels/activeX1.xml.rels": rels,
                               "word/activeX/activeX1.bin": binary}), "a.docx")
    assert result.verdict.value == "review"
    assert result.extraction.value == "partial"
    assert [(f.rule, dict(f.details).get("object")) for f in result.findings] == [
        ("unreadable.embedded", "word/activeX/activeX1.bin")]


def test_a_text_file_in_the_media_folder_is_read() -> None:
    data = _patch(_notice_docx(), {"[Content_Types].xml": _types('<Default Extension="txt" ContentType="text/plain"/>')},
                  add={"word/media/readme.txt": f"{MARK}\n".encode()})
    result = _result(data, "a.docx")
    assert result.verdict.value == "block"
    assert _mark_parts(result) == ["word/media/readme.txt"]


def test_a_binary_file_in_the_media_folder_is_not_called_read() -> None:
    data = _patch(_notice_docx(), add={"word/media/hdphoto1.wdp": b"II\xbc\x01" + bytes(range(256)) * 4})
    result = _result(data, "a.docx")
    assert result.verdict.value == "review"
    assert [f.rule for f in result.findings] == ["unreadable.embedded"]


# -- a star typed in a symbol font -------------------------------------------

def test_wingdings_codes_read_as_shown() -> None:
    from scanner.extract.symbolfonts import shown

    assert shown("Wingdings", "«") == "★"
    assert shown("Wingdings", "\uf0ab") == "★"
    assert shown("Wingdings 2", "\uf0ea") == "★"
    assert shown("SimSun", "«") == "«"  # a quotation mark in any other font
    assert shown(None, "«") == "«"


def test_docx_wingdings_run() -> None:
    data = _patch(_notice_docx(), {"word/document.xml": _in_body(
        "<w:p>" + _run("机密") + _run("«", "Wingdings") + _run("5年") + "</w:p>")})
    result = _result(data, "a.docx")
    assert result.verdict.value == "block"
    assert _mark_parts(result) == ["body"]


def test_docx_sym_with_the_font_code() -> None:
    data = _patch(_notice_docx(), {"word/document.xml": _in_body(
        "<w:p>" + _run("机密") + '<w:r><w:sym w:font="Wingdings" w:char="00AB"/></w:r>' + _run("5年") + "</w:p>")})
    assert _mark_parts(_result(data, "a.docx")) == ["body"]


def test_docx_guillemet_in_an_ordinary_font_stays_one() -> None:
    data = _patch(_notice_docx(), {"word/document.xml": _in_body(
        "<w:p>" + _run("机密") + _run("«", "Wingdings 3") + _run("5年") + "</w:p>")})
    result = _result(data, "a.docx")
    assert "★" not in "".join(part.text for part in extract(data, "a.docx", Limits()).parts)
    assert result.verdict.value != "block" or _mark_parts(result) != ["body"]


def test_xlsx_wingdings_rich_text() -> None:
    book = openpyxl.Workbook()
    book.active["A1"] = CellRichText([TextBlock(InlineFont(rFont="宋体"), "机密"),
                                      TextBlock(InlineFont(rFont="Wingdings"), "«"),
                                      TextBlock(InlineFont(rFont="宋体"), "5年")])
    book.active.append(["序号", "项目", "金额"])
    inline = saved(book)
    result = _result(inline, "a.xlsx")
    assert result.verdict.value == "block"
    # the same string shared, as Excel writes it
    sheet = zipfile.ZipFile(io.BytesIO(inline)).read("xl/worksheets/sheet1.xml").decode()
    runs = re.search(r'<c r="A1" t="inlineStr"><is>(.*?)</is></c>', sheet)
    assert runs is not None
    shared = _patch(inline, {
        "xl/worksheets/sheet1.xml": lambda xml: xml.replace(runs.group(0), '<c r="A1" t="s"><v>0</v></c>'),
        "[Content_Types].xml": _types('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
                                      'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'),
        "xl/_rels/workbook.xml.rels": _rels('<Relationship Id="rId90" Type="http://schemas.openxmlformats.org/'
                                            'officeDocument/2006/relationships/sharedStrings" '
                                            'Target="sharedStrings.xml"/>')},
        add={"xl/sharedStrings.xml": '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.'
             f'openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si>{runs.group(1)}</si></sst>'})
    result = _result(shared, "a.xlsx")
    assert result.verdict.value == "block"
    assert _mark_parts(result) == ["sheet:Sheet"]


def test_pptx_wingdings_run() -> None:
    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = "2026年度工作汇报"
    paragraph = slide.placeholders[1].text_frame.paragraphs[0]
    for text, font in (("机密", None), ("«", "Wingdings"), ("5年", None)):
        run = paragraph.add_run()
        run.text = text
        if font:
            run.font.name = font
    result = _result(saved(deck), "a.pptx")
    assert result.verdict.value == "block"
    assert _mark_parts(result) == ["slide:1"]


# -- a field with no result ----------------------------------------------------

def test_quote_field_without_a_result() -> None:
    code = ('<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> QUOTE "机密★5年" '
            '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:fldChar w:fldCharType="end"/>'
            '</w:r></w:p>')
    simple = '<w:p><w:fldSimple w:instr=" QUOTE &quot;机密★5年&quot; "/></w:p>'
    for field in (code, simple):
        result = _result(_patch(_notice_docx(), {"word/document.xml": _in_body(field)}), "a.docx")
        assert result.verdict.value == "block"
        assert _mark_parts(result) == ["field"]


# -- a content control titled 密级 ---------------------------------------------

def _titled_control(shown_level: str) -> bytes:
    control = ('<w:sdt><w:sdtPr><w:alias w:val="密级"/><w:tag w:val="密级"/><w:dropDownList>'
               '<w:listItem w:displayText="公开" w:value="公开"/><w:listItem w:displayText="机密" w:value="机密"/>'
               f'</w:dropDownList></w:sdtPr><w:sdtContent><w:r><w:t>{shown_level}</w:t></w:r></w:sdtContent></w:sdt>')
    return _patch(_notice_docx(), {"word/document.xml": _in_body(
        "<w:p>" + _run("本表") + control + _run("，请按规定管理。") + "</w:p>", first=False)})


def test_content_control_titled_as_the_field_shows_its_level() -> None:
    """A drop-down titled 密级 showing 机密 inside a sentence: the form's
    label is the control's title, read with what it shows."""
    result = _result(_titled_control("机密"), "a.docx")
    assert result.verdict.value == "block"
    assert "fields" in _mark_parts(result)
    assert [part.text for part in extract(_titled_control("机密"), "a.docx", Limits()).parts
            if part.name == "fields"] == ["密级：机密"]


def test_content_control_titled_as_the_field_showing_public_stays_clear() -> None:
    assert _result(_titled_control("公开"), "a.docx").verdict.value == "clear"


def test_the_known_template_thumbnails_are_the_libraries_and_blank() -> None:
    """The digests kept as blank (no PIL needed to pass them over) are those
    of python-docx's and python-pptx's default templates, and those are blank."""
    import hashlib

    from scanner.extract.thumbnail import TEMPLATE_THUMBNAILS, _flat

    thumbnails = [zipfile.ZipFile(io.BytesIO(data)).read("docProps/thumbnail.jpeg") for data in (_deck(), _notice_docx())]
    assert {hashlib.sha256(t).hexdigest() for t in thumbnails} == TEMPLATE_THUMBNAILS
    assert all(_flat(t) for t in thumbnails)
