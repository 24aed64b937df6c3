"""HTML: visible text, and every place a page hides text from its reader.

Parts: ``title``, ``meta`` (meta content), ``body`` (visible text),
``hidden`` (elements with the ``hidden`` attribute, ``display:none``,
``visibility:hidden``, zero font size, ``<input type=hidden>``),
``attributes`` (alt, title, placeholder and other text attributes,
``data-*`` values with Chinese, the values of visible inputs, the options a
drop-down list offers; its selected one is the page's text), ``html-comment``,
``script``, ``style`` and ``template`` (what the page's source says), ``framed``
(pages a frame shows from an attribute), ``data-uri`` (the text of every other
``data:`` URI an attribute holds: a link's target, a style sheet, a script;
and of those a style sheet or a style attribute names, ``url()`` and
``@import``), ``img:N`` and ``picture:N`` (a picture written into the page
as a ``data:`` URI: an ``<img>``'s, any other attribute's or style's).
"""
from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterable, Iterator
from typing import Any

import lxml.etree

from ..config import Limits
from ..errors import ExtractionError, LimitExceeded
from ..lang import Text
from ..match.marks import may_hold_label
from ..types import Document, Notice, Part
from .decode import data_uri, decode, non_ascii_lines
from .delimited import MAX_CELLS
from .htmltables import HtmlTables
from .image import data_uri_pictures
from .lostchars import lost_han
from .notices import encoding_notice, unreadable
from .ocr import PictureReader

_SKIP = {"script", "style", "template", "head"}
# the parts whose text the page with its markup stripped (markup_text) leaves out: they cannot
# stand for text of its that the parser dropped (lost_han)
_NOT_PAGE_TEXT = frozenset({"html-comment", "script", "style", "template"})
# attributes whose value is text a reader sees (a tooltip, a picture's description, a box's hint)
_TEXT_ATTRIBUTES = frozenset({"alt", "title", "placeholder", "aria-label", "aria-description", "label", "summary",
                              "abbr"})
_NOT_SHOWN_INPUTS = frozenset({"hidden", "password", "checkbox", "radio", "file", "image", "color", "range"})
# the elements whose source or attributes carry text a browser shows or a reader of the source sees
_SOURCE_TAGS = ("script", "style", "template", "iframe", "frame", "object", "embed")
# the attribute whose data: URI each element shows in a frame
_FRAMES = {"iframe": "src", "frame": "src", "object": "data", "embed": "src"}
# "data:" in any case; the colon first, so that re skips from colon to colon
# (an IGNORECASE search, without a literal to skip to, cost a sixth of reading a page)
_DATA_SCHEME = re.compile(r":(?<=[dD][aA][tT][aA]:)")
# a character reference, which may spell "data:" in an attribute (&#100;ata&colon;): the
# parser decodes it, as a browser does, so such a page is looked at too
_REFERENCE = re.compile(r"&(?:#|colon;)", re.IGNORECASE)
# the attributes whose value is a data: URI (leading white space aside, however long, as a
# browser strips it), found by libxml2 rather than by a walk in Python
_DATA_URIS = lxml.etree.XPath("//@*[starts-with(translate(substring(normalize-space(.), 1, 5), 'DATA', 'data'), "
                              "'data:')]")
# the style attributes that may name a data: URI (url(data:...) in any case, or "data:" spelled with CSS
# escapes), found by libxml2
_STYLE_DATA = lxml.etree.XPath("//@style[contains(translate(., 'DATA', 'data'), 'data:') or contains(., '\\')]")
# a style sheet's tokens that may hold a URI, as a browser's CSS tokenizer cuts them: a comment (passed
# over), a string (groups 1, 2: in url(), @import or image-set(); \" and a line ended by \ inside it, as
# _LITERAL reads them) and an unquoted url() (3; an escape in it, a hex escape with the white space that
# ends it); runs possessive: each character is looked at once
_CSS_URI = re.compile(r"""/\*.*?(?:\*/|\Z)|"((?:[^"\\\n]|\\.?)*+)(?:"|$)|'((?:[^'\\\n]|\\.?)*+)(?:'|$)"""
                      r"""|url\(\s*+((?:[^\s"'()\\]|\\[0-9a-fA-F]{1,6}\s?|\\.)++)""",
                      re.IGNORECASE | re.DOTALL | re.MULTILINE)
# where one candidate of a srcset ends: its width or density descriptor, then a comma or the end
_SRCSET_CANDIDATE_END = re.compile(r"\s+\d+(?:\.\d+)?[wxh]\s*(?:,\s*|$)")
# how the text of a data: URI is read, by its media type: beyond these, any other
# text/* as it stands, */*+xml as markup, */*+json as a script; pictures as pictures,
# other types not at all
_READINGS = {"text/html": "markup", "application/xhtml+xml": "markup", "text/css": "style",
             "text/javascript": "script", "application/javascript": "script", "application/x-javascript": "script",
             "text/ecmascript": "script", "application/ecmascript": "script", "application/json": "script"}
_BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header",
          "footer", "table", "ul", "ol", "blockquote", "pre", "hr", "dt", "dd", "title", "td", "th", "nav",
          "aside", "main", "figure", "figcaption", "address", "center"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?:px|pt|em|%)?\s*(?:;|$)",
                           re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>")
_TAG = re.compile(r"<!--.*?-->|<[^>]*>", re.DOTALL)
_ANGLE = re.compile(r"<[^>]*>")
_CODE_START = re.compile(r"<(script|style|template)\b", re.IGNORECASE)
# a string literal (its body) or a comment (its text) of JavaScript, JSON or CSS; a string
# left open ends at the end of its line (a template literal, of the text), as CSS's bad
# string does: each character is read once, where failing to close and trying again at the
# next quote took time quadratic in a line of unclosed quotes.  An escape (_ESCAPE_IN) may
# hold a line break: an escaped one (CRLF too) continues the string, as does the white space
# that ends a CSS hex escape (\673a then a new line)
_ESCAPE_IN = r"\\(?:[0-9a-fA-F]{1,6}(?:\r\n|[ \t\n\r\f])?|\r\n|.)?"
_LITERAL = re.compile(rf'"((?:[^"\\\n]|{_ESCAPE_IN})*+)(?:"|$)|\'((?:[^\'\\\n]|{_ESCAPE_IN})*+)(?:\'|$)'
                      r'|`((?:[^`\\]|\\.?)*+)`?'
                      r"|/\*(.*?)(?:\*/|\Z)|(?<![:\\])//([^\n]*)", re.DOTALL | re.MULTILINE)
# an escape: a code point in hex (JavaScript's three forms, CSS's one), or a character escaped as itself
_CODE_POINT_ESCAPES = r"\\u([0-9a-fA-F]{4})|\\u\{([0-9a-fA-F]{1,6})\}|\\x([0-9a-fA-F]{2})"
_JS_HEX_ESCAPE = re.compile(_CODE_POINT_ESCAPES)
_JS_ESCAPE = re.compile(_CODE_POINT_ESCAPES + r"|\\(\r\n|.)", re.DOTALL)  # and the simple ones: \n, \", \\
# CSS's: a hex escape ends at one white space character (a line break, CRLF, a tab too), which it takes
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})(?:\r\n|[ \t\n\r\f])?|\\(\r\n|.)", re.DOTALL)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\n", "t": "\t", "b": "", "f": "", "v": "", "0": ""}
# a line break escaped in a string continues it (CSS, JavaScript): no character
_CONTINUATIONS = frozenset({"\n", "\r", "\r\n", "\f", "\u2028", "\u2029"})


# the walk's steps: an element to start, or the end of one (its tail to add
# after its children, and the newline of a block element in either stream);
# the end of a table or table cell, for its grid in its stream (htmltables)
_START, _END, _END_BLOCK, _END_BLOCK_HIDDEN, _END_TABLE, _END_CELL = 0, 1, 2, 3, 4, 5
_TABLE_ENDS = {"table": _END_TABLE, "td": _END_CELL, "th": _END_CELL}  # a row needs no end step
# the elements the walk hands on: a table's parts to its grid, a select to _Collector._dropdown
_HANDED_ON = frozenset({*_TABLE_ENDS, "tr", "select"})


class _Collector:
    """Walks the tree once, routing text into the visible or hidden stream.

    The walk keeps its own stack: a page nested thousands of elements deep
    must not hit Python's recursion limit.  It is the cost of reading a page,
    so an element without attributes is not asked for any, a tag is
    classified once per page, and an end step is pushed only where there is
    a newline or a tail to add."""

    def __init__(self, tables: bool = False) -> None:
        self.visible: list[str] = []
        self.hidden: list[str] = []
        self.attributes: list[str] = []
        self.comments: list[str] = []
        # the grids of the visible and of the hidden tables, where the page may hold a 密级 column (a hidden
        # table's text is the item's too, and was read without its grid); a visible table has a companion among
        # the hidden ones, which its hidden rows, row groups and cells go to (a <tbody style="display:none">
        # holding a form, a column hidden down the table, were read a cell a line, without a grid: clear)
        self.tables = (HtmlTables(), HtmlTables()) if tables else None

    def walk(self, root: Any, hidden: bool) -> None:
        visible, hidden_out, comments, tables = self.visible, self.hidden, self.comments, self.tables
        streams = (visible, hidden_out)
        kinds: dict[str, tuple[bool, bool, bool, str]] = {}  # tag -> (skipped, block, input, handed on)
        # (element, hidden, _START) or (its tail, the parent's hidden, an end step)
        stack: list[tuple[Any, bool, int]] = [(root, hidden, _START)]
        pop, push = stack.pop, stack.append
        while stack:
            el, hidden, step = pop()
            if step == _END_TABLE:
                if tables is not None:
                    tables[hidden].table_end()
                    if not hidden:
                        tables[True].table_end()  # its companion
                continue
            if step == _END_CELL:
                if tables is not None:
                    tables[hidden].cell_end(len(streams[hidden]))
                continue
            if step != _START:
                if step != _END:
                    (hidden_out if step == _END_BLOCK_HIDDEN else visible).append("\n")
                if el:
                    (hidden_out if hidden else visible).append(el)
                continue
            tag = el.tag
            if not isinstance(tag, str):  # a comment, processing instruction or entity
                if isinstance(el, lxml.etree._Comment):
                    _comment(el, comments)
                if tail := el.tail:
                    (hidden_out if hidden else visible).append(tail)
                continue
            kind = kinds.get(tag)
            if kind is None:
                low = tag.lower()
                kind = kinds[tag] = (low in _SKIP, low in _BLOCK, low == "input", low if low in _HANDED_ON else "")
            skipped, block, is_input, handed = kind
            now_hidden = hidden
            if el.keys():
                now_hidden = self._attributes(el, hidden, skipped, is_input)
            if skipped:
                for child in el:
                    if isinstance(child, lxml.etree._Comment):
                        _comment(child, comments)
                        if tail := child.tail:
                            (hidden_out if hidden else visible).append(tail)
                if tail := el.tail:
                    (hidden_out if hidden else visible).append(tail)
                continue
            out = hidden_out if now_hidden else visible
            if is_input and (el.get("type") or "").lower() in _TICKABLE:
                out.append(_TICKED if el.get("checked") is not None else _UNTICKED)
            # each read once: lxml decodes a text from UTF-8 at every read (the page's text decoded twice cost
            # 3 % of reading it)
            text, tail, children = el.text, el.tail, len(el)
            if block:
                out.append("\n")
                push((tail, hidden, _END_BLOCK_HIDDEN if now_hidden else _END_BLOCK))
            elif tail:
                push((tail, hidden, _END))
            if handed:
                if handed == "select":
                    if _is_dropdown(el):  # its tail pushed above, as an inline element's
                        self._dropdown(el, out, now_hidden)
                        continue
                elif tables is not None:
                    grid = tables[now_hidden]
                    if handed == "table":
                        grid.table()
                        if not now_hidden:
                            tables[True].table()  # the companion of its hidden parts
                    elif handed == "tr":
                        parent = el.getparent()
                        footer = parent is not None and isinstance(parent.tag, str) and parent.tag.lower() == "tfoot"
                        grid.row(footer=footer)
                        if not now_hidden:
                            tables[True].row(footer=footer)  # its hidden cells, a row of the companion
                    else:
                        grid.cell(el.get("colspan"), el.get("rowspan"), len(out))
                    if handed in _TABLE_ENDS:
                        push((None, now_hidden, _TABLE_ENDS[handed]))
            if text:
                out.append(text)
            if children:
                stack.extend(zip(reversed(el), itertools.repeat(now_hidden), itertools.repeat(_START)))

    def _dropdown(self, select: Any, out: list[str], hidden: bool) -> None:
        """A drop-down list shows only its option selected (the last marked
        ``selected``; none, when none is: a form saved blank), the field's
        value: its text goes to ``out``, beside its label or in its cell.  The
        options it lists when opened, the selected among them, go to
        ``attributes`` on one line (the choices the field offers, as a
        guidance row's 绝密/机密/秘密 are: the unselected 机密 of 公开/机密 is no
        level alone on a line); of a list of one, the option not shown.
        Read as the page's text, all the options ran together in the field
        (公开机密), its value read as none.

        A list offering any value (全部, 不限) is a search's filter, not a
        record's field: what it has selected is the query's, read among its
        options only (a search page filtered on 机密 was blocked as a form
        whose 密级 is 机密).

        Each piece of text is its nearest option's, read once: an option's
        text read whole (itertext) held the options the parser nests in it
        (<option><span> unclosed, as libxml2 nests them), and 400 such
        options made 80,000 levels, 2,000 more than an item's time (found by
        a second reader)."""
        options: list[Any] = []
        texts: list[list[str]] = []  # each option's text, in pieces
        unshown: list[str] = []  # the select's and its groups' own text and their children's tails: no browser shows it
        if select.text:
            unshown.append(select.text)
        # (an element, or a tail to add, and the option whose text it is: -1, none)
        stack: list[tuple[Any, int]] = [(child, -1) for child in reversed(select)]
        while stack:
            el, owner = stack.pop()
            if isinstance(el, str):
                (texts[owner] if owner >= 0 else unshown).append(el)
                continue
            if el.tail:
                stack.append((el.tail, owner))  # after its children
            tag = el.tag
            if not isinstance(tag, str):
                if isinstance(el, lxml.etree._Comment):
                    _comment(el, self.comments)
                continue
            if el.keys():  # the options' labels and titles, as any element's
                self._attributes(el, hidden, False, False)
            tag = tag.lower()
            if tag == "option":
                owner = len(options)
                options.append(el)
                texts.append([])
            elif tag in ("optgroup", "select"):
                owner = -1
            if el.text:
                (texts[owner] if owner >= 0 else unshown).append(el.text)
            stack.extend((child, owner) for child in reversed(el))
        labels = ["".join(pieces) for pieces in texts]
        shown = next((n for n in reversed(range(len(options))) if options[n].get("selected") is not None), None)
        if shown is not None and not any(_ANY_VALUE.fullmatch(label) for label in labels):
            out.append(labels[shown])
        others = [label for n, label in enumerate(labels) if len(options) > 1 or n != shown] + unshown
        if line := "、".join(text.strip() for text in others if text.strip()):
            self.attributes.append(line)

    def _attributes(self, el: Any, hidden: bool, skipped: bool, is_input: bool) -> bool:
        """Collect an element's text attributes (``_TEXT_ATTRIBUTES``, and a
        ``data-*`` value holding more than ASCII: text a script shows), an
        input's value (a hidden one's to the hidden stream); whether its
        content is hidden."""
        get = el.get
        for name, value in el.items():
            if (name in _TEXT_ATTRIBUTES or (name.startswith("data-") and not value.isascii())) and value.strip():
                self.attributes.append(value.strip())
        if is_input and get("value"):
            kind = (get("type") or "").lower()
            if kind == "hidden":
                self.hidden.append(get("value"))
            elif kind not in _NOT_SHOWN_INPUTS:
                self.attributes.append(get("value").strip())
        if hidden or skipped:
            return hidden
        style = get("style")
        return get("hidden") is not None or bool(style and _HIDDEN_STYLE.search(style))


# a check box or a radio button, drawn as the page shows it: a form's 密级 ticked among its printed
# choices is the one the form says (<input type=checkbox checked>机密 among 绝密 and 秘密, as ☑机密 among
# ☐绝密 and ☐秘密 in a text); read without them, a blank form's 密级：绝密 机密 秘密 blocked on 绝密
_TICKABLE = frozenset({"checkbox", "radio"})
_TICKED, _UNTICKED = "☑", "☐"

# an option offering any value, as a search's filter does (全部, 不限, -- 全部密级 --)
_ANY_VALUE = re.compile(r"[\s\-—=*<>＜＞（）()【】\[\]]*(?:全部|所有|不限|任意|全选)(?:密级|级别)?[\s\-—=*<>＜＞（）()【】\[\]]*")


def _is_dropdown(select: Any) -> bool:
    """A ``<select>`` shown as a drop-down list (not ``multiple``, a ``size``
    of at most one), whose closed box shows one option; a list box shows
    its options, read as the page's text."""
    size = (select.get("size") or "").strip()
    return select.get("multiple") is None and (not (size.isascii() and size.isdigit()) or size.lstrip("0") in ("", "1"))


def _comment(el: Any, comments: list[str]) -> None:
    if el.text and el.text.strip():
        comments.append(el.text.strip())


def _clean(chunks: list[str]) -> str:
    text = "".join(chunks)
    lines = [ln.strip() for ln in text.splitlines()]
    return "\n".join(ln for ln in lines if ln)


def extract_html(data: bytes, name: str, limits: Limits, ocr: PictureReader) -> Document:
    decoded = decode(data)
    if not _XML_DECL.sub("", decoded.text).strip():
        return Document(format="html", parts=())
    page = read_page(decoded.text, limits, ocr)
    notices = [] if decoded.exact else [encoding_notice(decoded)]
    parts = list(page.parts)
    if decoded.other is not None:
        parts.append(Part("big5-reading", non_ascii_lines(markup_text(decoded.other))))
    return Document(format="html", parts=tuple(parts), notices=(*notices, *page.notices),
                    failed_parts=("body",) if notices else page.failed_parts, notes=page.notes)


def read_page(text: str, limits: Limits, ocr: PictureReader) -> Document:
    """A page's text, already decoded (an ``.html`` file's bytes, a web
    archive's or a message's ``text/html`` part in its charset), read into
    ``extract_html``'s parts; ``failed_parts`` is ``body`` when the parser
    stopped early or dropped text (the page also read with the markup
    stripped, ``markup-text``, and a notice)."""
    source = _XML_DECL.sub("", text)
    if not source.strip():
        return Document(format="html", parts=())
    # huge_tree: without it libxml2 stops, silently, at 256 levels of nesting or a
    # 10 MB text node or attribute, and everything after is lost
    # lxml.etree's parser, not lxml.html's: the same tree, without a Python
    # call per element to choose lxml.html's element class (a third of the walk)
    parser = lxml.etree.HTMLParser(huge_tree=True)
    try:
        root = lxml.etree.fromstring(source, parser)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ExtractionError(f"HTML could not be parsed: {exc}", part="body") from exc
    if root is None:  # what lxml.html.document_fromstring says of it
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
    # what needs the tree beside the walk is read first, and the tree freed after the walk, before its text is
    # cleaned and mapped to its grids (a page of 250,000 rows: the tree and those held at once went past an item's memory)
    found = _source_elements(root)
    sources = [Part(kind, text) for kind in ("script", "style", "template") if (text := _source_text(found[kind], kind))]
    carried, carried_notices = _carried(root, source, found, limits, ocr)
    collector = _Collector(tables=may_hold_label(source))
    collector.walk(root, hidden=False)
    del root, found
    notes: list[str] = []
    capped: list[Notice] = []  # a table's rows past the grid's cap, where a level may stand
    for stream, (name_, chunks) in enumerate((("body", collector.visible), ("hidden", collector.hidden))):
        text = _clean(chunks)
        if text:
            grids = collector.tables[stream].grids(chunks) if collector.tables else ()
            parts.append(Part(name_, text, tables=grids))
            if collector.tables and collector.tables[stream].full:
                notes.append(f"{name_}: the grid of its tables holds their first {MAX_CELLS:,} cells; a 密级 column "
                             "is read as one in those rows only, the rest of their text a cell a line")
                if collector.tables[stream].unread_level:
                    capped.append(unreadable(
                        Text(f"the page's tables hold more than {MAX_CELLS:,} cells: a 密级 column was read as one "
                             "in their first rows only, and the text after them holds 密",
                             f"网页中的表格超过 {MAX_CELLS:,} 个单元格：仅在前面的行中按列读取了“密级”列，"
                             "其后的文字含有“密”字"),
                        part=name_, rule="unreadable.limit", limit="max_cells"))
    if collector.attributes:
        parts.append(Part("attributes", "\n".join(collector.attributes)))
    if collector.comments:
        parts.append(Part("html-comment", "\n".join(collector.comments)))
    parts += sources
    parts += carried
    notices = []
    stripped = _markup_lines(source)
    if stopped:
        # the parser gave up part-way: the rest of the page is read without its structure
        notices.append(unreadable(f"the HTML parser stopped early ({stopped[0].message.strip()}); the page was "
                                  "also read with the markup stripped", part="body"))
        parts.append(Part("markup-text", _clean([stripped])))
    elif lost_han(stripped, "\n".join(part.text for part in parts if part.name not in _NOT_PAGE_TEXT)):
        # broken markup the parser recovered from by swallowing text (found by the fuzz run; text after
        # </html>, a <noscript> in <head>)
        notices.append(unreadable("the HTML parser dropped text it could not place; the page was also read with "
                                  "the markup stripped", part="body"))
        parts.append(Part("markup-text", _clean([stripped])))
    return Document(format="html", parts=tuple(parts), notices=(*notices, *carried_notices, *capped),
                    failed_parts=("body",) if notices else (), notes=tuple(notes))


def _source_elements(root: Any) -> dict[str, list[Any]]:
    """The elements of ``_SOURCE_TAGS``, by tag: one walk of the tree for all of them."""
    found: dict[str, list[Any]] = {tag: [] for tag in _SOURCE_TAGS}
    for el in root.iter(*_SOURCE_TAGS):
        found[el.tag].append(el)
    return found


def _carried(root: Any, source: str, found: dict[str, list[Any]], limits: Limits,
             ocr: PictureReader) -> tuple[list[Part], list[Notice]]:
    """What the page carries inside attributes: ``framed``, ``data-uri``,
    ``img:N`` and ``picture:N``.  The ``data:`` URIs of attributes other than
    a frame's are looked for (one XPath query) only in a page that says
    ``data:``, in any case, or holds a character reference."""
    framed, notices = _framed_pages(found, limits)
    parts = [Part("framed", framed)] if framed else []
    says_data = bool(_DATA_SCHEME.search(source) or _REFERENCE.search(source))
    uris = [(value.getparent().tag, value.attrname, str(value)) for value in _DATA_URIS(root)] if says_data else []
    others = [(tag, attribute, uri) for tag, attribute, uri in uris if (tag, attribute) != ("img", "src")]
    # the data: URIs of style sheets (url(), @import; "data:" may be spelled with CSS escapes there) and
    # of style attributes (where the parser decoded character references), one reading as an attribute's
    sheets = [el.text for el in found["style"] if el.text and (says_data or "\\" in el.text)]
    attributes = [str(value) for value in _STYLE_DATA(root)] if says_data or "\\" in source else []
    styled = _css_data_uris(sheets + attributes)
    others += [("style", "url", uri) for uri in styled]
    text, text_notices = _carried_text((uri for tag, attribute, uri in others if _FRAMES.get(tag) != attribute),
                                       "data-uri", limits)
    if text:
        parts.append(Part("data-uri", text))
    # a picture in any attribute or style, a frame's too; each candidate of a srcset (a list of URIs)
    candidates = (candidate for _, attribute, uri in others
                  for candidate in (_srcset_candidates(uri) if attribute == "srcset" else [uri]))
    shown = (uri for uri in candidates if _is_picture(uri))
    pictures, picture_notices = data_uri_pictures(
        itertools.chain(((f"img:{number}", img.get("src")) for number, img in enumerate(root.iter("img"), 1)),
                        ((f"picture:{number}", uri) for number, uri in enumerate(shown, 1))), limits, ocr)
    return parts + pictures, notices + text_notices + picture_notices


def _framed_pages(found: dict[str, list[Any]], limits: Limits) -> tuple[str, list[Notice]]:
    """The text of pages the page carries inside an attribute, which a browser
    shows in a frame: an ``<iframe srcdoc>``, and a ``data:`` URI as an
    iframe's or a frame's ``src``, an object's ``data`` or an embed's ``src``."""
    pages = [markup_text(el.get("srcdoc")) for el in found["iframe"] if el.get("srcdoc")]
    uris = [el.get(attribute) for tag, attribute in _FRAMES.items() for el in found[tag]]
    carried, notices = _carried_text((uri for uri in uris if uri and _is_data_uri(uri)), "framed", limits)
    return "\n".join(text for text in (*pages, carried) if text), notices


def _css_data_uris(sheets: list[str]) -> list[str]:
    """The ``data:`` URIs style sheets name (``_css_data_uri_matches``), each once."""
    return list(dict.fromkeys(uri for sheet in sheets for _, uri in _css_data_uri_matches(sheet)))


def _css_data_uri_matches(sheet: str) -> Iterator[tuple[str, str]]:
    """Each ``data:`` URI a style sheet names, as written and as a browser
    reads it: in ``url()``, quoted or not, and as strings (``@import``,
    ``image-set()``), CSS escapes decoded."""
    if not _DATA_SCHEME.search(sheet) and "\\" not in sheet:
        return
    for match in _CSS_URI.finditer(sheet):
        written = next((group for group in match.groups() if group is not None), None)
        if written is None:  # a comment
            continue
        uri = _CSS_ESCAPE.sub(_escaped_char, written) if "\\" in written else written
        if _is_data_uri(uri):
            yield written, uri


def style_sheet_parts(sheet: str, limits: Limits, ocr: PictureReader,
                      within: str = "") -> tuple[list[Part], list[Notice]]:
    """What a style sheet file (``.css``, a web archive's ``text/css`` part)
    says beside its text as written (its ``body``), read as a page's style
    sheets are: ``style``, its string literals and comments with CSS escapes
    decoded (``content: "\\673a\\5bc6"``, as ``_source_text`` reads a
    ``<style>``), those that read otherwise than written; and what its
    ``data:`` URIs carry (``_css_data_uri_matches``): their text as
    ``data-uri``, their pictures as ``picture:N``.  A literal or a URI whose
    text is written in it as it stands (``content: "机密★5年"``,
    ``url("data:text/plain,机密★5年")``) is left to the body: read in both,
    one mark would be two findings.  Each part's name after ``within`` (a
    web archive's ``text:2:``: its style sheet is one part of several)."""
    style = _code_text([sheet], "style", data_uris=False, as_written=False) if "\\" in sheet else ""
    uris: dict[str, str] = {}  # each URI once (two rules may name it), as first written
    for written, uri in _css_data_uri_matches(sheet):
        uris.setdefault(uri, written)
    texts: list[str] = []
    notices: list[Notice] = []
    for uri, written in uris.items():
        text, got = _carried_text([uri], f"{within}data-uri", limits)
        notices += got
        if text and not _written_in(text.splitlines(), written):
            texts.append(text)
    parts = [Part(f"{within}{name}", text) for name, text in (("style", style), ("data-uri", "\n".join(texts))) if text]
    pictures, picture_notices = data_uri_pictures(
        ((f"{within}picture:{number}", uri) for number, uri in enumerate(filter(_is_picture, uris), 1)), limits, ocr)
    return parts + pictures, notices + picture_notices


def _written_in(lines: list[str], written: str) -> bool:
    """Whether ``lines`` are in ``written`` as they stand, in their order:
    one pass over it (looking each line up in the whole sheet took time
    growing with the square of a sheet of many URIs)."""
    at = 0
    for line in lines:
        at = written.find(line, at)
        if at < 0:
            return False
        at += len(line)
    return True


def _srcset_candidates(value: str) -> list[str]:
    """The URIs of a ``srcset`` (``data:image/png;base64,… 1x, data:… 2x``):
    cut after each descriptor, not at every comma, which a data: URI holds."""
    return [uri for uri in _SRCSET_CANDIDATE_END.split(value.strip()) if uri.strip()]


def _is_data_uri(value: str) -> bool:
    return value.lstrip()[:5].lower() == "data:"


def _is_picture(uri: str) -> bool:
    return uri.lstrip()[5:11].lower() == "image/"


def _media_type(uri: str) -> str:
    """What a ``data:`` URI says its media type is, as written."""
    return uri.lstrip()[5:].split(",", 1)[0].split(";", 1)[0].strip().lower()


def _carried_text(uris: Iterable[str], part: str, limits: Limits) -> tuple[str, list[Notice]]:
    """The text ``data:`` URIs carry, read as each one's media type says
    (``_READINGS``): a page or a drawing with the markup stripped, a style
    sheet or a script by its literals and comments as ``<style>`` and
    ``<script>`` are, other text as it stands; pictures are read as pictures.
    A file of any other type (a PDF, an Office file a link downloads) is not
    read, and says so (``unreadable.embedded``: the page is not cleared
    with a file inside it unread), as does a URI past ``max_item_bytes``."""
    texts: list[str] = []
    notices: list[Notice] = []
    for uri in uris:
        try:
            carried = data_uri(uri, limits.max_item_bytes, strict=False)
        except LimitExceeded as exc:
            notices.append(unreadable(exc.reason, part=part, rule="unreadable.limit", limit=exc.limit))
            continue
        reading = _reading(carried.media_type)
        if reading == "markup":
            texts.append(markup_text(carried.text()))
        elif reading in ("script", "style"):
            texts.append(_code_text([carried.text()], reading))
        elif reading == "text":
            texts.append(_clean([carried.text()]))
        elif not carried.media_type.startswith(("image/", "font/")) and "font" not in carried.media_type \
                and carried.data:  # a picture is read as one; a font holds no text of the page
            notices.append(unreadable(Text(f"a data: URI of type {carried.media_type} ({len(carried.data)} bytes) "
                                           "is a file that is not scanned",
                                           f"data: URI 中类型为 {carried.media_type} 的文件（{len(carried.data)} 字节）未扫描"),
                                      part=part, rule="unreadable.embedded", object=carried.media_type))
    return "\n".join(text for text in texts if text), notices


def _reading(media_type: str) -> str | None:
    if media_type.startswith("image/"):  # a picture, SVG too: read as one (data_uri_pictures)
        return None
    if media_type in _READINGS:
        return _READINGS[media_type]
    if media_type.endswith("+xml") or media_type == "text/xml":
        return "markup"
    if media_type.endswith("+json"):
        return "script"
    return "text" if media_type.startswith("text/") else None


def _source_text(elements: list[Any], kind: str) -> str:
    """What a page's scripts, style sheets or templates say: not shown as
    page text, but published with the page and read by anyone who views its
    source (a mark in a script's data, in a CSS ``content``, in a template a
    script fills in).  A template's text; of a script or a style sheet, what
    ``_code_text`` reads."""
    if kind == "template":
        return _lines(["".join(el.itertext()) for el in elements])
    return _code_text([el.text for el in elements if el.text], kind, data_uris=kind != "style")


def _code_text(sources: list[str], kind: str, data_uris: bool = True, as_written: bool = True) -> str:
    """The string literals and comments of scripts (``kind`` ``script``) or
    style sheets (``style``), one a line without their quotes (the quotes are
    syntax, not a quotation that makes a mark a mention), escapes decoded
    (``\\u673a`` in JavaScript and JSON, ``\\673a`` in CSS); without the
    ``data:`` URIs when not ``data_uris`` (a page's style sheets: what they
    carry is read as ``data-uri`` or a picture, not twice); without those
    whose lines read as written when not ``as_written`` (a style sheet
    file, whose body reads them so)."""
    escape = _CSS_ESCAPE if kind == "style" else _JS_ESCAPE
    literals = []
    for source in sources:
        for match in _LITERAL.finditer(source):
            written = next(g for g in match.groups() if g is not None)
            text = escape.sub(_escaped_char, written)
            if as_written or not _written_in([line.strip() for line in text.splitlines() if line.strip()], written):
                literals.append(text)
    if not data_uris:  # only the URIs read as data-uri or pictures: a literal the URI scan cut otherwise stays,
        # and so does a font's (data-uri passes fonts over)
        read = {uri for uri in _css_data_uris(sources) if "font" not in _media_type(uri)}
        literals = [text for text in literals if text not in read]
    return _lines(literals)


def _lines(chunks: list[str]) -> str:
    text = "\n".join(line.strip() for chunk in chunks for line in chunk.splitlines() if line.strip())
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")  # pairs of \\uD8xx\\uDCxx


def unicode_escapes_decoded(text: str) -> str:
    """``text`` with JavaScript's and JSON's code-point escapes (``\\u673a``,
    ``\\u{673a}``, ``\\x41``) decoded and nothing else changed: a data file
    written by ``json.dumps`` holds its Chinese only in that form."""
    decoded = _JS_HEX_ESCAPE.sub(_hex_char, text)
    return decoded.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _escaped_char(match: re.Match[str]) -> str:
    simple = match.groups()[-1]
    if simple in _CONTINUATIONS:
        return ""
    if simple is not None:
        return _SIMPLE_ESCAPES.get(simple, simple) if match.re is _JS_ESCAPE else simple
    return _hex_char(match)


def _hex_char(match: re.Match[str]) -> str:
    code = int(next(g for g in match.groups() if g is not None), 16)
    return chr(code) if code <= 0x10FFFF else match.group()


def markup_text(source: str) -> str:
    """The page's text with every tag removed and references decoded (scripts and styles dropped)."""
    return _clean([_markup_lines(source)])


def _markup_lines(source: str) -> str:
    """``markup_text`` before ``_clean``: its lines unstripped, the blank
    ones kept.  What ``lost_han`` reads of a page, which holds the same
    Chinese characters side by side (stripping and dropping take only white
    space, and a line break stays between lines), without a copy of the page
    split into lines and joined again (4 % of reading it)."""
    return html.unescape(_without_tags(_without_code(source)))


def _without_tags(text: str) -> str:
    """``_TAG.sub(" ", text)`` in time linear in the text.  The pattern alone
    scans to the end of the text from every ``<!--`` that no ``-->`` follows
    and every ``<`` that no ``>`` follows, so a page of them took minutes.
    Past the last ``-->`` no comment can match, past the last ``>`` no tag:
    each stretch gets only what can match in it, and no match crosses from
    one stretch into the next (a tag ends at the first ``>``, a comment at
    the first ``-->``, and each stretch ends with one)."""
    comments_end = text.rfind("-->") + 3 if "-->" in text else 0
    rest = text[comments_end:]
    tags_end = rest.rfind(">") + 1
    return _TAG.sub(" ", text[:comments_end]) + _ANGLE.sub(" ", rest[:tags_end]) + rest[tags_end:]


def _without_code(text: str) -> str:
    """Each ``<script>``, ``<style>`` and ``<template>`` element, up to its
    closing tag in any case, replaced by a space (the pattern
    ``<(script|style|template)\\b[^>]*>.*?</\\1\\s*>``), in time linear in
    the text: once no closing tag of a name follows, no later opening tag of
    that name can match and none is tried (the pattern scanned to the end
    of the page from every unclosed ``<script>``)."""
    pieces: list[str] = []
    kept = at = 0
    closings: dict[str, re.Pattern[str]] = {}
    unclosed: set[str] = set()
    while (opening := _CODE_START.search(text, at)) is not None:
        name = opening[1].lower()
        at = opening.start() + 1
        if name in unclosed:
            continue
        tag_end = text.find(">", opening.end())
        if tag_end < 0:
            break  # no ">" left: no opening tag can end
        closing = closings.setdefault(name, re.compile(rf"</{name}\s*>", re.IGNORECASE)).search(text, tag_end + 1)
        if closing is None:
            unclosed.add(name)
            continue
        pieces += [text[kept:opening.start()], " "]
        kept = at = closing.end()
    pieces.append(text[kept:])
    return "".join(pieces)
