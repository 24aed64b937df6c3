"""Nothing read short is called full (issue 14, item 2).

Each input hides a mark where an extractor used to stop early, skip a
construct or read markup as text; the mark must now be found, or the item
must say it was read partially (``review``), never ``clear`` + ``full``."""
from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zipfile

import docx
import openpyxl
import pptx
import pytest

from scanner import scan_bytes

MARK = "机密★5年"
REFS = "&#26426;&#23494;&#9733;5&#24180;"  # the mark as character references


def verdict(data: bytes, name: str) -> tuple[str, str, list[str]]:
    r = scan_bytes(data, name)[0]
    return r.verdict.value, r.extraction.value, [f.rule for f in r.findings]


def page(body: str) -> bytes:
    return f"<!DOCTYPE html><html><head><title>通知</title></head><body>{body}</body></html>".encode()


@pytest.mark.parametrize("depth", [300, 1500])
def test_html_nested_deeper_than_256(depth) -> None:
    data = page("<div>" * depth + "<p>" + MARK + "</p>" + "</div>" * depth)
    v, extraction, rules = verdict(data, "deep.html")
    assert v == "block" and "mark.state-secret" in rules and extraction == "full"


def test_html_nested_past_the_parsers_hard_limit_is_partial_and_still_found() -> None:
    data = page("<div>" * 5000 + "x" + "</div>" * 5000 + "<p>" + MARK + "</p>")
    v, extraction, rules = verdict(data, "deeper.html")
    assert extraction == "partial" and "unreadable.extract" in rules
    assert v == "block" and "mark.state-secret" in rules


@pytest.mark.parametrize("before", [
    "<p>" + "a" * (11 << 20) + "</p>",
    "<p title='" + "a" * (11 << 20) + "'>x</p>",
    "<!-- " + "a" * (11 << 20) + " -->",
])
def test_html_text_or_attribute_over_10_mb_before_the_mark(before) -> None:
    v, _, rules = verdict(page(before + "<p>" + MARK + "</p>"), "big.html")
    assert v == "block" and "mark.state-secret" in rules


@pytest.mark.parametrize("module, name", [(gzip, "notice.txt.gz"), (bz2, "notice.txt.bz2"),
                                          (lzma, "notice.txt.xz")])
def test_every_stream_of_a_multi_stream_file_is_read(module, name) -> None:
    data = module.compress("关于开展工作的通知\n".encode()) + module.compress(f"{MARK}\n".encode())
    results = scan_bytes(data, name)
    assert results[1].verdict.value == "block" and results[0].verdict.value == "block"


def test_unknown_bytes_after_a_gzip_stream_are_not_ignored() -> None:
    data = gzip.compress("关于开展工作的通知\n".encode()) + b"garbage that gzip -dc would warn about" * 10
    v, _, rules = verdict(data, "notice.txt.gz")
    assert v == "review" and "unreadable.extract" in rules


def _rewrite(raw: bytes, part: str | None, edit=None, drop: str | None = None) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == drop:
                continue
            body = src.read(info.filename)
            if info.filename == part:
                body = edit(body.decode("utf-8")).encode("utf-8")
            dst.writestr(info.filename, body)
    return out.getvalue()


def _docx(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _with_entity(xml: str, needle: str) -> str:
    return xml.replace("?>", f'?>\n<!DOCTYPE x [<!ENTITY m "{MARK}">]>', 1).replace(needle, needle + "&m;", 1)


def test_docx_text_inside_an_internal_dtd_entity_is_read() -> None:
    data = _rewrite(_docx("关于开展工作的通知"), "word/document.xml", lambda x: _with_entity(x, "通知"))
    v, _, rules = verdict(data, "entity.docx")
    assert v == "block" and "mark.state-secret" in rules


def test_pptx_part_with_a_dtd_is_partial() -> None:
    prs = pptx.Presentation()
    prs.slides.add_slide(prs.slide_layouts[5]).shapes.title.text = "关于开展工作的通知"
    buf = io.BytesIO()
    prs.save(buf)
    data = _rewrite(buf.getvalue(), "ppt/slides/slide1.xml", lambda x: _with_entity(x, "通知"))
    v, extraction, rules = verdict(data, "entity.pptx")
    assert v == "review" and extraction == "partial" and "unreadable.extract" in rules


def test_xlsx_part_with_a_dtd_is_never_clear() -> None:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "关于开展工作的通知"
    buf = io.BytesIO()
    wb.save(buf)
    data = _rewrite(buf.getvalue(), "xl/worksheets/sheet1.xml",
                    lambda x: ('<?xml version="1.0"?>' + x if not x.startswith("<?xml") else x))
    data = _rewrite(data, "xl/worksheets/sheet1.xml",
                    lambda x: _with_entity(x, "</t>").replace("</t>&m;", "&m;</t>", 1))
    v, _, rules = verdict(data, "entity.xlsx")
    assert v != "clear" and ("unreadable.extract" in rules or "mark.state-secret" in rules)


def test_billion_laughs_is_refused_quickly_not_expanded() -> None:
    lol = '<!ENTITY l0 "lollollollol">' + "".join(
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    data = _rewrite(_docx("关于开展工作的通知"), "word/document.xml",
                    lambda x: x.replace("?>", f"?>\n<!DOCTYPE x [{lol}]>", 1).replace("通知", "通知&l9;", 1))
    v, extraction, rules = verdict(data, "lol.docx")
    assert v == "review" and extraction != "full" and "unreadable.extract" in rules


def test_external_entities_are_never_fetched(tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(MARK, encoding="utf-8")
    data = _rewrite(_docx("关于开展工作的通知"), "word/document.xml",
                    lambda x: x.replace("?>", f'?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret}">]>', 1)
                    .replace("通知", "通知&e;", 1))
    v, extraction, rules = verdict(data, "external.docx")
    assert "mark.state-secret" not in rules  # the file on this machine was not read into the document
    assert v == "review" and extraction != "full"


@pytest.mark.parametrize("damage", ["missing", "damaged"])
def test_ooxml_without_usable_content_types_decodes_its_xml(damage) -> None:
    raw = _docx("关于开展工作的通知")
    data = _rewrite(raw, "word/document.xml", lambda x: x.replace("通知", "通知" + REFS, 1),
                    drop="[Content_Types].xml" if damage == "missing" else None)
    if damage == "damaged":
        data = _rewrite(data, "[Content_Types].xml", lambda x: "<Types><Default garbage")
    results = scan_bytes(data, "notice.docx")
    assert results[0].verdict.value == "block", [(r.item, r.verdict.value, r.format) for r in results]
    body = next(r for r in results if r.item.endswith("word/document.xml"))
    assert body.format == "xml" and any(f.rule == "mark.state-secret" for f in body.findings)


@pytest.mark.parametrize("name, data", [
    ("seal.svg", f'<svg xmlns="http://www.w3.org/2000/svg"><text x="1" y="2">{REFS}</text></svg>'),
    ("export.xml", f'<?xml version="1.0" encoding="UTF-8"?><doc><p>{REFS}</p></doc>'),
    ("export.xml", f'<?xml version="1.0"?><!DOCTYPE doc [<!ENTITY m "{MARK}">]><doc><p>&m;</p></doc>'),
    ("title.svg", f'<svg xmlns="http://www.w3.org/2000/svg"><g aria-label="{REFS}"/></svg>'),
])
def test_svg_and_xml_are_decoded_as_markup(name, data) -> None:
    v, extraction, rules = verdict(data.encode(), name)
    assert v == "block" and "mark.state-secret" in rules and extraction == "full"


@pytest.mark.parametrize("data", [
    f'<?xml version="1.0"?>\n<!--\n{MARK}\n-->\n<doc><p>公开内容</p></doc>',
    f'<?xml version="1.0"?>\n<doc><p>公开内容</p></doc>\n<!-- {MARK} -->',
    f'<?xml version="1.0"?>\n<?note {MARK}?>\n<doc><p>公开内容</p></doc>',
    f'<?xml version="1.0"?>\n<!DOCTYPE doc [<!ENTITY unused "{MARK}">]>\n<doc><p>公开内容</p></doc>',
])
def test_xml_text_outside_the_root_element(data) -> None:
    """Comments and processing instructions around the root, and a DTD entity
    nothing uses: in the file, and cleared before (the red-team run)."""
    result = scan_bytes(data.encode(), "export.xml")[0]
    assert [(f.rule, f.part) for f in result.findings] == [("mark.state-secret", "xml-comment")]


def _with_subset(subset: str) -> bytes:
    from xml.dom import minidom

    dom = minidom.getDOMImplementation()
    doctype = dom.createDocumentType("doc", None, None)
    doctype.internalSubset = subset
    document = dom.createDocument(None, "doc", doctype)
    paragraph = document.documentElement.appendChild(document.createElement("p"))
    paragraph.appendChild(document.createTextNode("公开内容"))
    return document.toxml(encoding="utf-8")


@pytest.mark.parametrize("subset", [
    f"<!-- {MARK} --><!ELEMENT doc ANY>",
    f'<!ELEMENT doc ANY><!ENTITY e "<!-- not a comment -->"><?note {MARK}?>',
    f'<!ELEMENT p ANY><!ATTLIST p level CDATA "{MARK}">',
])
def test_xml_text_inside_the_internal_dtd(subset) -> None:
    """A comment, a processing instruction or an attribute's default value
    inside the internal DTD: in the file, and cleared before (the red-team run)."""
    result = scan_bytes(_with_subset(subset), "export.xml")[0]
    assert result.extraction.value == "full"
    assert [(f.rule, f.part) for f in result.findings] == [("mark.state-secret", "xml-comment")]


def test_xml_internal_dtd_without_a_mark_stays_clear() -> None:
    data = _with_subset('<!-- 说明 --><!ELEMENT doc ANY><!ATTLIST p lang CDATA "zh">')
    result = scan_bytes(data, "export.xml")[0]
    assert (result.verdict.value, result.extraction.value, result.findings) == ("clear", "full", ())


def test_malformed_xml_is_read_stripped_and_partial() -> None:
    v, extraction, rules = verdict(f'<?xml version="1.0"?><doc><p>{REFS}</p><unclosed>'.encode(), "broken.xml")
    assert v == "block" and extraction == "partial" and "unreadable.extract" in rules
