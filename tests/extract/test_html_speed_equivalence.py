"""The cheaper HTML reading (html.py's walk reading each node's text once,
the lost-text check on the stripped page before its lines are cleaned;
lostchars' keys sorted once) gives what the code it replaced gave, part for
part: name, text, table grids, notices, failed parts.

The replaced code is kept here, frozen: ``_frozen_read_page`` is
``read_page`` as it was (its walk, its ``markup_text`` and ``lost_han``),
sharing only the helpers the change left alone.  Pages: the repository's
HTML files, pages built like a site's (navigation, tables, hidden blocks,
selects, comments, scripts), and hostile markup from Hypothesis."""
from __future__ import annotations

import html as stdlib_html
import itertools
import re
from pathlib import Path
from typing import Any

import lxml.etree
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from scanner.config import Limits
from scanner.errors import ExtractionError
from scanner.extract import html
from scanner.extract.lostchars import lost_han
from scanner.extract.notices import unreadable
from scanner.extract.ocr import PictureReader
from scanner.match.marks import may_hold_label
from scanner.types import Document, Part

ROOT = Path(__file__).resolve().parents[2]


# ---- frozen: lostchars.py as it was ----------------------------------------------------------------------------

_HAN_SPAN = 0xA000 - 0x3400
_GAP = slice(0x4DC0 - 0x3400, 0x4E00 - 0x3400)


def _frozen_lost_han(source: str, reading: str, pairs: bool = True) -> bool:
    want = _code_points(source)
    want_counts = _han_counts(want)
    if not want_counts.any():
        return False
    have = _code_points(reading)
    if (_han_counts(have) < want_counts).any():
        return True
    if not pairs:
        return False
    want_pairs, want_n = np.unique(_han_pairs(want), return_counts=True)
    have_pairs, have_n = np.unique(_han_pairs(have), return_counts=True)
    at = np.searchsorted(have_pairs, want_pairs)
    found = at < len(have_pairs)
    found[found] = have_pairs[at[found]] == want_pairs[found]
    return bool((~found).any() or (have_n[at[found]] < want_n[found]).any())


def _code_points(text: str) -> Any:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32) - np.uint32(0x3400)


def _han_counts(codes: Any) -> Any:
    counts = np.bincount(codes[codes < _HAN_SPAN], minlength=_HAN_SPAN)
    counts[_GAP] = 0
    return counts


def _han_pairs(codes: Any) -> Any:
    han = (codes < _HAN_SPAN) & ((codes < _GAP.start) | (codes >= _GAP.stop))
    both = han[:-1] & han[1:]
    return codes[:-1][both] * np.uint32(_HAN_SPAN) + codes[1:][both]


# ---- frozen: html.py's walk, markup_text and read_page as they were -------------------------------------------

def _frozen_markup_text(source: str) -> str:
    return html._clean([stdlib_html.unescape(html._without_tags(html._without_code(source)))])


class _FrozenCollector(html._Collector):
    def walk(self, root: Any, hidden: bool) -> None:
        visible, hidden_out, comments, tables = self.visible, self.hidden, self.comments, self.tables
        streams = (visible, hidden_out)
        kinds: dict[str, tuple[bool, bool, bool, str]] = {}
        stack: list[tuple[Any, bool, int]] = [(root, hidden, html._START)]
        pop, push = stack.pop, stack.append
        while stack:
            el, hidden, step = pop()
            if step == html._END_TABLE:
                if tables is not None:
                    tables[hidden].table_end()
                    if not hidden:
                        tables[True].table_end()
                continue
            if step == html._END_CELL:
                if tables is not None:
                    tables[hidden].cell_end(len(streams[hidden]))
                continue
            if step != html._START:
                if step != html._END:
                    (hidden_out if step == html._END_BLOCK_HIDDEN else visible).append("\n")
                if el:
                    (hidden_out if hidden else visible).append(el)
                continue
            tag = el.tag
            if not isinstance(tag, str):
                if isinstance(el, lxml.etree._Comment):
                    html._comment(el, comments)
                if el.tail:
                    (hidden_out if hidden else visible).append(el.tail)
                continue
            kind = kinds.get(tag)
            if kind is None:
                low = tag.lower()
                kind = kinds[tag] = (low in html._SKIP, low in html._BLOCK, low == "input",
                                     low if low in html._HANDED_ON else "")
            skipped, block, is_input, handed = kind
            now_hidden = hidden
            if el.keys():
                now_hidden = self._attributes(el, hidden, skipped, is_input)
            if skipped:
                for child in el:
                    if isinstance(child, lxml.etree._Comment):
                        html._comment(child, comments)
                        if child.tail:
                            (hidden_out if hidden else visible).append(child.tail)
                if el.tail:
                    (hidden_out if hidden else visible).append(el.tail)
                continue
            out = hidden_out if now_hidden else visible
            if block:
                out.append("\n")
                push((el.tail, hidden, html._END_BLOCK_HIDDEN if now_hidden else html._END_BLOCK))
            elif el.tail:
                push((el.tail, hidden, html._END))
            if handed:
                if handed == "select":
                    if html._is_dropdown(el):
                        self._dropdown(el, out, now_hidden)
                        continue
                elif tables is not None:
                    grid = tables[now_hidden]
                    if handed == "table":
                        grid.table()
                        if not now_hidden:
                            tables[True].table()
                    elif handed == "tr":
                        parent = el.getparent()
                        footer = parent is not None and isinstance(parent.tag, str) and parent.tag.lower() == "tfoot"
                        grid.row(footer=footer)
                        if not now_hidden:
                            tables[True].row(footer=footer)
                    else:
                        grid.cell(el.get("colspan"), el.get("rowspan"), len(out))
                    if handed in html._TABLE_ENDS:
                        push((None, now_hidden, html._TABLE_ENDS[handed]))
            if el.text:
                out.append(el.text)
            if len(el):
                stack.extend(zip(reversed(el), itertools.repeat(now_hidden), itertools.repeat(html._START)))


def _frozen_read_page(text: str, limits: Limits, ocr: PictureReader) -> Document:
    source = html._XML_DECL.sub("", text)
    if not source.strip():
        return Document(format="html", parts=())
    parser = lxml.etree.HTMLParser(huge_tree=True)
    try:
        root = lxml.etree.fromstring(source, parser)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ExtractionError(f"HTML could not be parsed: {exc}", part="body") from exc
    if root is None:
        raise ExtractionError("HTML could not be parsed: Document is empty", part="body")
    stopped = [e for e in parser.error_log if e.level_name == "FATAL"]
    parts: list[Part] = []
    title = root.findtext(".//title")
    if title and title.strip():
        parts.append(Part("title", title.strip()))
    metas = [f"{m.get('name') or m.get('property') or m.get('http-equiv') or 'meta'}: {m.get('content').strip()}"
             for m in root.iter("meta") if m.get("content") and m.get("content").strip()]
    if metas:
        parts.append(Part("meta", "\n".join(metas)))
    collector = _FrozenCollector(tables=may_hold_label(source))
    collector.walk(root, hidden=False)
    for stream, (name_, chunks) in enumerate((("body", collector.visible), ("hidden", collector.hidden))):
        clean = html._clean(chunks)
        if clean:
            grids = collector.tables[stream].grids(chunks) if collector.tables else ()
            parts.append(Part(name_, clean, tables=grids))
    if collector.attributes:
        parts.append(Part("attributes", "\n".join(collector.attributes)))
    if collector.comments:
        parts.append(Part("html-comment", "\n".join(collector.comments)))
    found: dict[str, list[Any]] = {tag: [] for tag in html._SOURCE_TAGS}
    for el in root.iter(*html._SOURCE_TAGS):
        found[el.tag].append(el)
    for kind in ("script", "style", "template"):
        code = html._source_text(found[kind], kind)
        if code:
            parts.append(Part(kind, code))
    carried, carried_notices = html._carried(root, source, found, limits, ocr)
    parts += carried
    notices = []
    stripped = _frozen_markup_text(source)
    if stopped:
        notices.append(unreadable(f"the HTML parser stopped early ({stopped[0].message.strip()}); the page was "
                                  "also read with the markup stripped", part="body"))
        parts.append(Part("markup-text", stripped))
    elif _frozen_lost_han(stripped, "\n".join(part.text for part in parts if part.name not in html._NOT_PAGE_TEXT)):
        notices.append(unreadable("the HTML parser dropped text it could not place; the page was also read with "
                                  "the markup stripped", part="body"))
        parts.append(Part("markup-text", stripped))
    return Document(format="html", parts=tuple(parts), notices=(*notices, *carried_notices),
                    failed_parts=("body",) if notices else ())


# ---- the comparison ---------------------------------------------------------------------------------------------

def _no_ocr() -> PictureReader:
    return PictureReader(float("inf"), recogniser=lambda: None)


# where Python put an object, which a notice may name (PIL's "cannot identify image file <_io.BytesIO ...>")
_ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def _outcome(read: Any, page: str) -> tuple[Any, ...]:
    """Everything a reading gives, the fields ``Part`` leaves out of its
    equality (its grids) included, notices without object addresses; an
    error as its type and message."""
    try:
        doc = read(page, Limits(), _no_ocr())
    except Exception as exc:  # noqa: BLE001 - the same failure is the same outcome
        return ("error", type(exc).__name__, str(exc))
    return (doc.format, [(p.name, p.text, p.boxes, p.tables) for p in doc.parts], _ADDRESS.sub("", repr(doc.notices)),
            doc.failed_parts, doc.notes, doc.extraction)


def assert_same(page: str) -> tuple[Any, ...]:
    got = _outcome(html.read_page, page)
    assert got == _outcome(_frozen_read_page, page)
    assert html.markup_text(page) == _frozen_markup_text(page)
    return got


def _repository_pages() -> list[Path]:
    return sorted(p for top in ("tests", "samples") for p in (ROOT / top).rglob("*")
                  if p.suffix.lower() in (".html", ".htm", ".xhtml") and p.is_file())


@pytest.mark.parametrize("path", _repository_pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_repository_pages_read_the_same(path: Path) -> None:
    assert_same(path.read_bytes().decode("utf-8", "replace"))


# pieces of a site's page and of broken or hostile markup
_TEXT = st.sampled_from(["机密★5年", "密级", "秘密", "绝密", "内部", "通知", "各部门：", "公开", "文件名称", "份数",
                         "保密", "机构", "密码", "\u4dc0", "\u4dff", "\u3400", "\u9fff", "\ua000", "\U00020001",
                         "abc", " ", "\n", "\t", "\u3000", "\xa0", "&amp;", "&#26426;&#23494;", "&#x5BC6;", "&nbsp;",
                         "&lt;", "&bogus;", "&#0;", "&#1;", "1", "。", "，"])
_TAGS = st.sampled_from([
    "<p>", "</p>", "<div>", "</div>", "<br>", "<span>", "</span>", "<b>", "</b>", "<a href='/x'>", "</a>",
    "<li>", "</li>", "<ul>", "</ul>", "<h1>", "</h1>", "<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>",
    "<th>", "</th>", "<td colspan='2'>", "<td rowspan=3>", "<tfoot>", "</tfoot>", "<tbody style='display:none'>",
    "</tbody>", "<thead>", "</thead>", "<div hidden>", "<p style='display: none'>", "<span style='font-size:0'>",
    "<div style='visibility:hidden'>", "<input type=hidden value='机密'>", "<input value='秘密★1年'>",
    "<input type=password value='x'>", "<img alt='机构' src='data:image/png;base64,AAAA'>", "<img title='密码'>",
    "<select>", "</select>", "<select multiple>", "<select size=3>", "<option>", "<option selected>", "</option>",
    "<optgroup label='级'>", "</optgroup>", "<!--", "-->", "<!-- 机密 -->", "<script>", "</script>",
    "<script>var s = '\\u673a\\u5bc6';</script>", "<style>", "</style>", "<style>p{content:'\\673a'}</style>",
    "<template>", "</template>", "<noscript>", "</noscript>", "<head>", "</head>", "<body>", "</body>",
    "<html>", "</html>", "<title>", "</title>", "<meta name='x' content='机密'>", "<iframe srcdoc='<p>机密</p>'>",
    "</iframe>", "<object data='data:text/plain,%E6%9C%BA%E5%AF%86'>", "</object>", "<![CDATA[", "]]>", "<?pi x?>",
    "<", ">", "</", "<p", "'", '"', "=", "<x data-n='机密'>", "</x>", "<center>", "<pre>", "</pre>",
    "<article>", "</article>", "<nav>", "</nav>",
])
PAGES = st.lists(st.one_of(_TEXT, _TAGS), max_size=60).map("".join)


@settings(max_examples=700, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PAGES)
def test_hostile_markup_reads_the_same(page: str) -> None:
    assert_same(page)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["p", "li", "td", "div", "span", "a"]), st.lists(_TEXT, max_size=8)),
                min_size=1, max_size=40),
       st.integers(min_value=1, max_value=40), st.booleans())
def test_site_pages_read_the_same(blocks: list[tuple[str, list[str]]], depth: int, table: bool) -> None:
    """Pages built as a site's are: a head, a navigation list, a body of
    paragraphs (or a 密级 table), nested deep, a long line, text after
    ``</html>``."""
    body = "".join(f"<{tag}>{''.join(words)}</{tag}>" for tag, words in blocks)
    if table:
        body = ("<table><tr><th>文件名称</th><th>密级</th></tr>"
                + "".join(f"<tr><td>{''.join(words)}</td><td>机密</td></tr>" for _, words in blocks) + "</table>")
    page = (f"<!DOCTYPE html><html><head><title>通知</title><meta name='keywords' content='保密'></head><body>"
            f"<ul class='nav'><li><a href='/'>首页</a></li><li><a href='/en'>English</a></li></ul>"
            f"{'<div>' * depth}{body}{'</div>' * depth}<p>{'长' * 5000}</p></body></html>"
            f"{blocks[0][1][0] if blocks[0][1] else ''}")
    assert_same(page)


@pytest.mark.parametrize("page", [
    "<html><head><noscript>机密★5年</noscript></head><body><p>通知</p></body></html>",
    "<html><body><p>通知</p></body></html>机密★5年",
    "<html><body><p>通知</p><img alt='机构'><img alt='密码'></body></html><p>机密</p>",
    "<?xml version='1.0'?><html><body><p>机密</p></body></html>",
    ("<table><tr><td>密级</td><td rowspan='2'>机密</td></tr><tr><td>份数</td></tr><tfoot><tr><td>密</td></tr></tfoot>"
     "</table>"),
    "<select><option>公开</option><option selected>机密</option></select><select><option>全部</option></select>",
    "<p>" + "<b>机</b>密" * 2000 + "</p>",
    "<div>" * 3000 + "机密" + "</div>" * 3000,
    "\x00机\x00密<p>\ud800密</p>",
    "<p>䷀机密䷿</p>机䷀密",
    "<<<>>>",
    "   ",
    "",
])
def test_the_pages_each_branch_takes_read_the_same(page: str) -> None:
    assert_same(page)


def test_the_lost_text_branch_is_taken() -> None:
    """The comparison reaches the branch that reads the page with its markup
    stripped: text the parser drops is found, the same as before."""
    names = [name for name, *_ in assert_same("<html><head><noscript>机密★5年</noscript></head>"
                                              "<body><p>通知</p></body></html>")[1]]
    assert "markup-text" in names


_CHARS = st.sampled_from(["保", "密", "机", "\u3400", "\u4dbf", "\u4dc0", "\u4dff", "\u4e00", "\u9fff", "\ua000", "a",
                          " ", "\n", "\ud800", "\udc00", "\U00020001", "\u33ff", "。", "\x00", "\uffff"])
_STRINGS = st.lists(_CHARS, max_size=40).map("".join)


@settings(max_examples=1500, deadline=None)
@given(_STRINGS, _STRINGS, st.booleans())
def test_lost_han_answers_as_before(source: str, reading: str, pairs: bool) -> None:
    assert lost_han(source, reading, pairs) == _frozen_lost_han(source, reading, pairs)
    assert lost_han(source, source + reading, pairs) == _frozen_lost_han(source, source + reading, pairs)


def test_lost_han_answers_as_before_on_long_texts() -> None:
    """Page-sized texts, each a shuffle of the other less or more a character or a pair."""
    rng = np.random.default_rng(7)
    alphabet = np.array([*"的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经",
                         " ", "\n", "a", "。", "\u4dc0"])
    for _ in range(40):
        source = "".join(rng.choice(alphabet, 20_000))
        reading = "".join(rng.permutation(list(source)))
        for edit in (source, reading, source[:-1], source[1:], source.replace("的", "", 1),
                     source.replace("的一", "的 一", 1), source + "的", reading[::-1]):
            for pairs in (True, False):
                assert lost_han(source, edit, pairs) == _frozen_lost_han(source, edit, pairs)
