"""Where each piece of an HTML page goes: the walk routes text into the
visible body, the hidden part, the attributes and the comments, and a page
lxml finds empty is said to be unreadable, not cleared."""
from __future__ import annotations

import base64
import io
import urllib.parse

import pytest

from scanner import scan_bytes
from scanner.config import ScanConfig
from scanner.extract import extract

PAGE = """<!DOCTYPE html><html><head><title>关于通知</title><!-- 头部注释 --><meta name="description" content="摘要">
<style>p { color: red }<!-- 样式注释 --></style></head><body>
<div class="nav"><ul><li>首页</li><li>政务公开</li></ul></div>
<p>第一段<b>加粗</b>尾巴</p>
<div hidden>隐藏一<p>隐藏段落</p>隐藏尾</div>可见尾
<span style="display: none">隐藏二</span><span style="font-size:0">隐藏三</span>
<img src="x.png" alt="图片说明" title="图片标题"><input type="HIDDEN" value="隐藏值">
<script>var secret = "脚本文本";</script>脚本之后
<!-- 正文注释 --><template><p>模板</p><!-- 模板注释 --></template>
<table><tr><td>单元格一</td><td>单元格二</td></tr></table>
</body></html>"""


def parts(data: bytes) -> dict[str, str]:
    document = extract(data, "page.html", ScanConfig().limits)
    return {part.name: part.text for part in document.parts}


def test_every_stream_gets_its_own_text() -> None:
    got = parts(PAGE.encode())
    assert got["title"] == "关于通知"
    assert got["meta"] == "description: 摘要"
    assert got["body"] == "首页\n政务公开\n第一段加粗尾巴\n可见尾\n脚本之后\n单元格一\n单元格二"
    # a hidden input's value joins the hidden stream where the walk meets it
    assert got["hidden"] == "隐藏一\n隐藏段落\n隐藏尾\n隐藏二隐藏三隐藏值"
    assert got["attributes"] == "图片说明\n图片标题"
    # comments anywhere in the page, those directly inside a skipped element
    # too (inside <style> a comment is the style's own text, not a comment)
    assert got["html-comment"].split("\n") == ["头部注释", "正文注释", "模板注释"]
    assert "脚本文本" not in got["body"] and "模板" not in got["body"]
    # what the page's source says outside its text: string literals and comments of scripts and styles
    assert got["script"] == "脚本文本"
    assert "style" not in got  # a rule without strings or comments says nothing
    assert got["template"] == "模板"


def test_scripts_and_styles_say_what_their_literals_say() -> None:
    page = ("<html><head><script type='application/json'>{\"密级\": \"\\u673a\\u5bc6\\u2605\\u0035\\u5e74\"}</script>"
            "<style>.stamp::after { content: '\\79d8\\5bc6\\2605 1\\5e74' } /* 注释 */</style></head>"
            "<body><p>正文</p><script>// 行注释\nvar a = \"it\\\"s\", b = `模板字符串`, url = 'http://x.cn/a';</script>"
            "</body></html>")
    got = parts(page.encode())
    assert got["script"].split("\n") == ["密级", "机密★5年", "行注释", 'it"s', "模板字符串", "http://x.cn/a"]
    assert got["style"].split("\n") == ["秘密★1年", "注释"]
    result = scan_bytes(page.encode(), "page.html")[0]
    assert sorted((f.level, f.part) for f in result.findings if f.category == "mark") == [
        ("机密", "script"), ("秘密", "style")]


def test_block_elements_break_lines_in_the_stream_they_are_in() -> None:
    got = parts("<html><body><div hidden><p>一</p><p>二</p></div><p>三</p>四</body></html>".encode())
    assert got["hidden"] == "一\n二"
    assert got["body"] == "三\n四"


def test_a_page_the_parser_finds_empty_is_unreadable_not_clear() -> None:
    for data in (b"<!-- only a comment -->", b"<!DOCTYPE html>", b"</p>"):
        result = scan_bytes(data, "empty.html")[0]
        assert result.verdict.value == "review", data
        assert any("could not be parsed" in f.reason for f in result.findings), data


@pytest.mark.parametrize("page", [
    '<html><body><p>说明</p><img src="x.png" alt="机构密码年度"></body></html>机密★5年',
    "<html><body><p>说明</p><!-- 机构 密码 年度 --></body></html>机密★5年",
    '<html><head><noscript>机密★5年</noscript></head><body><p>说明</p><a title="机构密码年度">链接</a></body></html>',
], ids=["after-html-alt", "after-html-comment", "noscript-in-head"])
def test_text_the_parser_drops_is_found_though_its_characters_are_elsewhere(page: str) -> None:
    """Text the parser drops (after ``</html>``, a ``<noscript>`` in
    ``<head>``) is read with the markup stripped; the check for it counted
    each character alone over all parts, so an alt text or a comment
    holding 机, 密 and 年 elsewhere hid it and the page was cleared.  A page
    whose attribute holds ``>`` beside its text (the stripped reading cuts
    the tag there) drops nothing and stays read in full."""
    result = scan_bytes(page.encode(), "notice.html")[0]
    assert (result.verdict.value, result.extraction.value) == ("block", "partial")
    assert [(f.rule, f.part) for f in result.findings] == [("unreadable.extract", "body"),
                                                           ("mark.state-secret", "markup-text")]
    clean = '<html><body><a title="首页 > 新闻中心">新闻</a><p>新闻中心</p><!-- 密码 --></body></html>'
    result = scan_bytes(clean.encode(), "notice.html")[0]
    assert (result.verdict.value, result.extraction.value, result.findings) == ("clear", "full", ())


def test_text_in_attributes_a_browser_shows() -> None:
    """Framed pages (srcdoc, data: URIs), a search box's hint, a visible
    input's value, a data-* attribute a script shows: cleared before (the
    red-team run)."""
    framed = base64.b64encode("<p>秘密★1年</p>".encode()).decode()
    page = (f'<html><body><p>正文</p><iframe srcdoc="&lt;p&gt;机密★5年&lt;/p&gt;"></iframe>'
            f'<object data="data:text/html;base64,{framed}"></object>'
            f'<iframe src="data:text/html,{urllib.parse.quote("<b>绝密★长期</b>")}"></iframe>'
            '<input type="search" placeholder="请输入关键词"><input type="text" value="已填写的值">'
            '<input type="password" value="口令不读"><div data-level="内部资料" data-id="x-1">x</div></body></html>')
    got = parts(page.encode())
    assert got["framed"].split("\n") == ["机密★5年", "绝密★长期", "秘密★1年"]  # srcdoc, then by element kind
    assert got["attributes"].split("\n") == ["请输入关键词", "已填写的值", "内部资料"]


def test_a_line_of_unclosed_quotes_is_read_in_linear_time() -> None:
    """``"\\"\\"\\…`` never closes: tried again at every quote, a 40 KB script
    took 12 s and the time grew faster than the square of its length.  A
    string left open ends at the end of its line, and the mark after the
    line is still read."""
    import time

    page = ("<html><body><p>正文</p><script>" + '"\\' * 100_000 + ";\nvar level = '机密★5年';</script>"
            "<style>" + "'\\" * 100_000 + "</style></body></html>")
    started = time.process_time()
    got = parts(page.encode())
    assert time.process_time() - started < 5
    assert got["script"].split("\n")[-1] == "机密★5年"


def _data(media_type: str, text: str, charset: str = "utf-8") -> str:
    """A data: URI percent-encoded (as urllib.parse.quote writes it)."""
    return f"data:{media_type},{urllib.parse.quote(text.encode(charset))}"


def _data64(media_type: str, content: bytes) -> str:
    return f"data:{media_type};base64,{base64.b64encode(content).decode()}"


SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="5" y="30">机密★5年</text></svg>'


CSS = '.stamp::after { content: "机密★5年" }'
SCRIPT = "var level = '\\u673a\\u5bc6\\u2605\\u0035\\u5e74';"
LINK, STYLE_SHEET = '<a href="{}">下载</a>', '<link rel="stylesheet" href="{}">'


@pytest.mark.parametrize("element, part", [
    (LINK.format(_data("text/plain;charset=utf-8", "机密★5年")), "data-uri"),
    (LINK.format(_data64("text/plain", "机密★5年".encode())), "data-uri"),
    (LINK.format(_data("text/plain;charset=gbk", "机密★5年", "gbk")), "data-uri"),
    (LINK.format(_data("text/plain", "机密★5年", "gbk")), "data-uri"),  # no charset: read as a file's bytes are
    (LINK.format(_data("text/html", "<p>机密★5年</p>")), "data-uri"),
    (STYLE_SHEET.format(_data("text/css", CSS)), "data-uri"),
    (STYLE_SHEET.format(_data64("text/css", "/* 机密★5年 */ p { color: red }".encode())), "data-uri"),
    ('<script src="{}"></script>'.format(_data("text/javascript", SCRIPT)), "data-uri"),
    ('<object data="{}"></object>'.format(_data("text/plain", "机密★5年")), "framed"),
    ('<object data="{}"></object>'.format(_data64("image/svg+xml", SVG.encode())), "picture:1"),
    (LINK.format(_data("image/svg+xml", SVG)), "picture:1"),
    ('<video poster="{}"></video>'.format(_data("image/svg+xml", SVG)), "picture:1"),
    ('<iframe src="{}"></iframe>'.format(_data("text/css", "/* 机密★5年 */")), "framed"),
    ('<img src="{}" alt="印章">'.format(_data("image/svg+xml", SVG)), "img:1"),
    ('<img src="data:image/svg+xml;utf8,{}" alt="印章">'.format(SVG.replace('"', "'")), "img:1"),
])
def test_text_in_data_uris(element: str, part: str) -> None:
    """A link's target, a style sheet, a script, an object or a picture
    written into the page as a ``data:`` URI, percent-encoded or base64, in
    its charset: cleared before (the red-team run).  A picture outside an
    ``<img>`` is read as a picture (``picture:N``), an SVG by its text."""
    page = f"<html><head><title>通知</title></head><body><p>正文</p>{element}</body></html>"
    result = scan_bytes(page.encode(), "page.html")[0]
    assert result.extraction.value == "full"
    assert [(f.rule, f.part) for f in result.findings] == [("mark.state-secret", part)]


def test_data_uris_without_a_mark_stay_clear() -> None:
    """An icon in a link and a text without a mark: nothing to find, and a
    picture is not read as text (an icon too small to hold a line is not
    read at all, as in an ``<img>``)."""
    import io

    from PIL import Image

    icon = io.BytesIO()
    Image.new("RGB", (16, 16), "red").save(icon, "PNG")
    page = (f'<html><body><p>正文</p><a href="{_data64("image/png", icon.getvalue())}">图标</a>'
            f'<link rel="icon" href="{_data64("image/png", icon.getvalue())}">'
            f'<a href="{_data("text/plain", "公开的说明")}">说明</a><a href="data:text/plain;base64,%%%">坏</a>'
            '</body></html>')
    result = scan_bytes(page.encode(), "page.html")[0]
    assert (result.verdict.value, result.extraction.value, result.findings) == ("clear", "full", ())
    assert parts(page.encode())["data-uri"] == "公开的说明"


def test_a_data_uri_past_the_item_limit_is_not_decoded_and_says_so() -> None:
    """A data: URI decodes to no more than its own length, so within a page
    held to ``max_item_bytes`` this cannot happen on a scan; extract()
    called with a smaller limit shows the check."""
    from dataclasses import replace

    page = f'<html><body><p>正文</p><a href="{_data("text/plain", "说明" * 100)}">说明</a></body></html>'
    limits = replace(ScanConfig().limits, max_item_bytes=1000)
    document = extract(page.encode(), "page.html", limits)
    assert [(n.rule, n.part) for n in document.notices] == [("unreadable.limit", "data-uri")]
    assert document.extraction.value == "partial"


def test_a_file_in_a_data_uri_is_not_cleared_unread() -> None:
    """A link that downloads a PDF written into the page (``<a download
    href="data:application/pdf;base64,…">``): the file is not read, so the
    page is ``review`` and says which file; a web font in a ``<link>`` holds
    no text of the page and stays clear."""
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    pdf.drawString(72, 720, "report")
    pdf.save()
    page = (f'<html><body><p>正文</p><a download="报告.pdf" href="{_data64("application/pdf", out.getvalue())}">'
            "下载</a></body></html>")
    result = scan_bytes(page.encode(), "page.html")[0]
    assert (result.verdict.value, result.extraction.value) == ("review", "partial")
    assert [(f.rule, f.part) for f in result.findings] == [("unreadable.embedded", "data-uri")]
    font = (f'<html><head><link rel="preload" as="font" href="{_data64("font/woff2", b"wOF2" + bytes(60))}">'
            "</head><body><p>正文</p></body></html>")
    result = scan_bytes(font.encode(), "page.html")[0]
    assert (result.verdict.value, result.extraction.value, result.findings) == ("clear", "full", ())


@pytest.mark.parametrize("element", [
    '<a href="&#100;ata:text/plain;charset=utf-8,{mark}">x</a>',  # "data:" spelled with references
    '<a href="data&colon;text/plain;charset=utf-8,{mark}">x</a>',
    '<a href="' + " " * 70 + 'data:text/plain;charset=utf-8,{mark}">x</a>',  # white space a browser strips
    '<img srcset="data:image/svg+xml;charset=utf-8,{svg}">',  # a picture in a srcset
    '<picture><source srcset="data:image/svg+xml;charset=utf-8,{svg} 1x, b.png 2x"><img src="b.png"></picture>',
])
def test_data_uris_a_browser_reads_however_written(element: str) -> None:
    mark = "机密★5年"
    svg = urllib.parse.quote(f'<svg xmlns="http://www.w3.org/2000/svg"><text>{mark}</text></svg>')
    page = f"<html><body><p>正文</p>{element.format(mark=urllib.parse.quote(mark), svg=svg)}</body></html>"
    result = scan_bytes(page.encode(), "page.html")[0]
    assert result.verdict.value == "block", [(f.rule, f.part) for f in result.findings]


def test_a_data_uri_in_a_charset_that_refuses_bytes_does_not_fail_the_page() -> None:
    """``charset=idna`` names a codec that refuses any byte string: the URI
    is read as file bytes are, and the page's own mark is still found."""
    page = '<html><body><p>机密★5年</p><a href="data:text/plain;charset=idna,%E6%9C%BA">x</a></body></html>'
    result = scan_bytes(page.encode(), "page.html")[0]
    assert (result.verdict.value, result.extraction.value) == ("block", "full")


@pytest.mark.parametrize("element, part", [
    # url() unquoted, percent-encoded; quoted with the mark as it stands (read once, not also as a style literal)
    ("<style>.a {{ background: url(data:text/plain;charset=utf-8,{mark}) }}</style>", "data-uri"),
    ('<style>.a {{ background: URL( "data:text/plain;charset=utf-8,机密★5年" ) }}</style>', "data-uri"),
    ("<style>@import '{css}';</style>", "data-uri"),  # a style sheet a style sheet imports, base64
    ('<style>.a {{ background: url("data\\3A text/plain;charset=utf-8,{mark}") }}</style>', "data-uri"),  # escaped
    ('<div style="background-image: url(&quot;{svg}&quot;)">x</div>', "picture:1"),
    ("<style>.seal {{ background: image-set('{svg}' 1x) }}</style>", "picture:1"),
])
def test_data_uris_in_style_sheets_and_style_attributes(element: str, part: str) -> None:
    """CSS ``url(data:…)`` and ``@import`` in a ``<style>`` and in a
    ``style`` attribute, decoded as an attribute's ``data:`` URI is (text as
    ``data-uri``, a picture as ``picture:N``): cleared before."""
    mark = "机密★5年"
    css = _data64("text/css", f"/* {mark} */".encode())
    svg = _data("image/svg+xml;charset=utf-8", SVG)
    page = (f"<html><body><p>正文</p>{element.format(mark=urllib.parse.quote(mark), css=css, svg=svg)}"
            "</body></html>")
    result = scan_bytes(page.encode(), "page.html")[0]
    assert result.extraction.value == "full"
    assert [(f.rule, f.part) for f in result.findings] == [("mark.state-secret", part)]


def test_a_file_or_a_font_in_a_style_sheet() -> None:
    """A PDF a style names is a file not read: ``review``, not clear; a web
    font holds no text of the page and stays clear."""
    pdf = _data64("application/pdf", b"%PDF-1.7\n" + bytes(64))
    font = _data64("font/woff2", b"wOF2" + bytes(60))
    page = f'<html><body><p>正文</p><div style="background: url({pdf})">x</div></body></html>'
    result = scan_bytes(page.encode(), "page.html")[0]
    assert (result.verdict.value, result.extraction.value) == ("review", "partial")
    assert [(f.rule, f.part) for f in result.findings] == [("unreadable.embedded", "data-uri")]
    page = f"<html><head><style>@font-face {{ src: url({font}) }}</style></head><body><p>正文</p></body></html>"
    result = scan_bytes(page.encode(), "page.html")[0]
    assert (result.verdict.value, result.extraction.value, result.findings) == ("clear", "full", ())


@pytest.mark.parametrize("element", [
    # an apostrophe in a comment on each side: the URI scan took the text between them for a string
    "<style>/* don't */ .a {{ background: url(\"data:text/plain;charset=utf-8,{mark}\") }} /* won't */</style>",
    '<style>.a {{ background: url("data:text/plain;charset=utf-8,x\\"{mark}") }}</style>',  # an escaped quote
    '<style>.a {{ background: url("data:text/plain;charset=utf-8,\\\n{mark}") }}</style>',  # a line ended by \
    "<style>.a {{ background: url(d\\61 ta:text/plain;charset=utf-8,{mark}) }}</style>",  # a hex escape, its space
    "<div style=\"background: url('d\\61ta:text/plain;charset=utf-8,{mark}')\">x</div>",  # an escape in an attribute
])
def test_a_style_sheet_s_data_uri_the_uri_scan_once_cut_otherwise(element: str) -> None:
    """A ``data:`` URI in a string the style literals dropped (as read as
    ``data-uri``) while the scan for URIs, blind to comments and escapes,
    did not find it: read by neither, cleared (the first three were read as
    style literals before the style sheets' URIs were)."""
    page = f"<html><body><p>正文</p>{element.format(mark='机密★5年')}</body></html>"
    result = scan_bytes(page.encode(), "page.html")[0]
    assert [(f.rule, f.part) for f in result.findings] == [("mark.state-secret", "data-uri")]


def test_a_font_named_by_a_string_stays_a_style_literal() -> None:
    """data-uri passes a font over: its string is not dropped from the style
    literals (a ``content`` string shows it as it stands)."""
    page = '<html><body><p>正文</p><style>p::before { content: "data:font/x,机密★5年" }</style></body></html>'
    result = scan_bytes(page.encode(), "page.html")[0]
    assert [(f.rule, f.part) for f in result.findings] == [("mark.state-secret", "style")]


@pytest.mark.parametrize("rule, part", [
    (".a {{ background: url(data:text/plain;base64,{base64}) }}", "data-uri"),  # the fault's case
    (".a {{ background: url(data:text/plain;charset=utf-8,{mark}) }}", "data-uri"),  # percent-encoded
    ("@import '{css}';", "data-uri"),  # a style sheet a style sheet imports
    ("/* don't */ .a {{ background: url(d\\61 ta:text/plain;charset=utf-8,{mark}) }}", "data-uri"),  # escaped
    (".a {{ background: url(\"data:text/plain,\\673a 密★5年\") }}", "data-uri"),  # the body reads no 机密
    (".seal {{ background: url(\"{svg}\") }}", "picture:1"),
])
def test_a_style_sheet_file_s_data_uris(rule: str, part: str) -> None:
    """A ``.css`` file's ``url(data:…)`` and ``@import``, found and decoded
    as an HTML page's style sheets' are, named as there (text ``data-uri``,
    a picture ``picture:N``): read as plain text before, cleared."""
    mark = "机密★5年"
    sheet = rule.format(base64=base64.b64encode(mark.encode()).decode(), mark=urllib.parse.quote(mark),
                        css=_data64("text/css", f"/* {mark} */".encode()),
                        svg=_data("image/svg+xml;charset=utf-8", SVG))
    result = scan_bytes(f"body {{ color: black }}\n{sheet}\n".encode(), "site.css")[0]
    assert (result.verdict.value, result.extraction.value) == ("block", "full")
    assert [(f.rule, f.part) for f in result.findings] == [("mark.state-secret", part)]


@pytest.mark.parametrize("sheet", [
    '.stamp::after {{ content: "{escaped}" }}',
    ".stamp::after {{ content: '{escaped}' }}",
    "/* {escaped} */ p {{ color: red }}",
    '.stamp::after {{ content: "机密\\2605 5\\5e74" }}',  # the body reads 机密 alone: no mark
], ids=["double-quoted", "single-quoted", "comment", "half-escaped"])
def test_a_style_sheet_file_s_escaped_literals(sheet: str) -> None:
    """A ``.css`` file's strings and comments with CSS escapes
    (``\\673a\\5bc6``) are decoded as a page's ``<style>`` is, in the part
    named as there (``style``): read as plain text before, cleared."""
    escaped = "".join(f"\\{ord(ch):x} " if ord(ch) > 127 else ch for ch in "机密★5年")
    sheet = sheet.format(escaped=escaped)
    result = scan_bytes(f"body {{ color: black }}\n{sheet}\n".encode(), "site.css")[0]
    assert (result.verdict.value, result.extraction.value) == ("block", "full")
    assert [(f.rule, f.part) for f in result.findings] == [("mark.state-secret", "style")]
    got = {p.name: p.text for p in extract(sheet.encode(), "site.css", ScanConfig().limits).parts}
    assert got["style"] == parts(f"<html><head><style>{sheet}</style></head><body>正文</body></html>".encode())["style"]


def test_a_style_sheet_file_s_literals_read_once() -> None:
    """A literal that reads as written (its mark as it stands; an escape
    only for its line break) is the body's, not also ``style``'s; an
    escaped 公开 is read, and clear."""
    for sheet in ('.a::after { content: "机密★5年" }', '.a::after { content: "机密★5年\\A" }',
                  '.a::after { content: "\\673a\\5bc6\\2605 5\\5e74" } .b::after { content: "机密★5年" }'):
        result = scan_bytes(sheet.encode(), "site.css")[0]
        assert [f.part for f in result.findings if f.rule == "mark.state-secret"] == (
            ["body", "style"] if "673a" in sheet else ["body"]), sheet
    sheet = '.a::after { content: "\\516c\\5f00" }'
    assert [(p.name, p.text) for p in extract(sheet.encode(), "site.css", ScanConfig().limits).parts] == [
        ("body", sheet), ("style", "公开")]
    assert scan_bytes(sheet.encode(), "site.css")[0].verdict.value == "clear"


@pytest.mark.parametrize("literal", [
    "机密\\\n★5年", "机密\\\r\n★5年",  # an escaped line break continues the string: no character
    "\\673a\n\\5bc6\t\\2605\r\n5\\5e74",  # a hex escape takes the white space that ends it, a line break too
], ids=["continued", "continued-crlf", "hex-ended-by-line-breaks"])
def test_an_escape_that_holds_a_line_break(literal: str) -> None:
    """A browser shows ``content: "机密\\<line break>★5年"`` as 机密★5年, and
    so ``\\673a<line break>\\5bc6``: the escape takes the line break.  Read
    as two lines (机密 alone) or cut at the break (the string read as 机),
    the ``.css`` file was cleared; a page's ``<style>`` and a script's string
    (``\\`` and a line break) read alike."""
    sheet = f'.stamp::after {{ content: "{literal}" }}'
    result = scan_bytes(sheet.encode(), "site.css")[0]
    assert [(f.rule, f.part) for f in result.findings] == [("mark.state-secret", "style")]
    assert parts(f"<html><head><style>{sheet}</style></head><body>正文</body></html>".encode())["style"] == "机密★5年"
    if "\\\n" in literal:
        page = f'<html><head><script>var stamp = "{literal}";</script></head><body>正文</body></html>'
        assert parts(page.encode())["script"] == "机密★5年"


def test_a_style_sheet_file_is_still_read_as_written() -> None:
    """Its text stays the ``body`` (a mark in a comment or a ``content``
    string); a URI holding its text as it stands is read there once, not
    also as ``data-uri``; a URI without a mark stays clear, and a file in
    one is not cleared unread, as in a page."""
    for sheet in ("/* 机密★5年 */ p { color: red }", '.a::after { content: "机密★5年" }',
                  '.a { background: url("data:text/plain;charset=utf-8,机密★5年") }'):
        result = scan_bytes(sheet.encode(), "site.css")[0]
        assert [(f.rule, f.part) for f in result.findings] == [("mark.state-secret", "body")], sheet
    sheet = f'.a {{ background: url({_data64("text/plain", "公开的说明".encode())}) }}'
    assert [(p.name, p.text) for p in extract(sheet.encode(), "site.css", ScanConfig().limits).parts] == [
        ("body", sheet), ("data-uri", "公开的说明")]
    assert scan_bytes(sheet.encode(), "site.css")[0].verdict.value == "clear"
    sheet = f'.a {{ background: url({_data64("application/pdf", b"%PDF-1.7" + bytes(64))}) }}'
    result = scan_bytes(sheet.encode(), "site.css")[0]
    assert (result.verdict.value, result.extraction.value) == ("review", "partial")
    assert [(f.rule, f.part) for f in result.findings] == [("unreadable.embedded", "data-uri")]


def test_a_style_sheet_in_an_archive() -> None:
    """A ``.css`` member of a ZIP (a site's folder) is read as such a file is."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("site/index.html", "<html><body><p>正文</p></body></html>")
        zf.writestr("site/style.css", f".a {{ background: url({_data64('text/plain', '机密★5年'.encode())}) }}")
    results = scan_bytes(out.getvalue(), "site.zip")
    found = [(r.item, f.rule, f.part) for r in results for f in r.findings]
    assert found == [("site.zip!site/style.css", "mark.state-secret", "data-uri")]


def test_a_style_sheet_file_of_many_uris_is_read_in_linear_time() -> None:
    """Whether a URI's text is written in it as it stands was looked up
    line by line in the whole sheet: 40,000 URIs (1.7 MB) took 28 s, one
    URI of 100,000 lines (1.1 MB) 73 s, the time growing with the square
    of the sheet.  The mark after them is still read."""
    import time

    mark = f".z {{ background: url({_data64('text/plain', '机密★5年'.encode())}) }}"
    for sheet in ("".join(f".c{i} {{ background: url(data:,u{i:07d}) }}\n" for i in range(30_000)) + mark,
                  '.a { background: url("data:text/plain,' + "%0A".join(f"u{i:07d}" for i in range(50_000))
                  + '") }\n' + mark):
        started = time.process_time()
        result = scan_bytes(sheet.encode(), "site.css")[0]
        assert time.process_time() - started < 5
        assert [(f.rule, f.part) for f in result.findings] == [("mark.state-secret", "data-uri")]
