"""Plain text, Markdown and CSV: the decoded text is the ``body`` part; a
data or code file whose strings are written with ``\\u`` escapes also has
them decoded (``unescaped``); a Markdown file's link titles and
percent-encoded link targets are read as a reader sees them (``links``), and
its lines with character references, decoded as the rendered page shows them
(``references``); a style sheet's literals with CSS escapes and its
``data:`` URIs are decoded as an HTML page's style sheets' are (``style``,
``data-uri``, ``picture:N``)."""
from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from ..config import Limits
from ..match.marks import CLAUSE_ENDS
from ..types import CellGrid, Document, Notice, Part
from .decode import decode, non_ascii_lines, unquoted_url
from .delimited import csv_grids, pipe_grids, text_grids
from .mdcode import ShownAsWritten
from .notices import encoding_notice

if TYPE_CHECKING:
    from .ocr import PictureReader

# data and code files whose strings may be written with \u escapes (json.dumps writes Chinese so)
_ESCAPING = (".json", ".geojson", ".js", ".mjs", ".ts", ".yaml", ".yml", ".toml", ".py", ".java", ".php")
# style sheets: their escaped literals and the URIs in their url() and @import are read as a page's style sheets' are
_STYLE_SHEETS = (".css",)
# a link's or a picture's title: after an inline link's target, ](url "title"), or a
# reference definition's, [ref]: url "title" (on its line or the next); in double or
# single quotes or parentheses, escapes allowed.  Whitespace runs are possessive and a
# title is at most 256 characters, so a line of unclosed titles is read in linear time.
_TITLE_BODY = r"""(?:"((?:[^"\\\n]|\\.){1,256})"|'((?:[^'\\\n]|\\.){1,256})'|\(((?:[^()\\\n]|\\.){1,256})\))"""
_LINK_TITLE = re.compile(r"\]\(\s*+(?:<[^<>\n]*>|[^\s()<>]*+)\s++" + _TITLE_BODY + r"\s*+\)"
                         r"|^ {0,3}\[[^\]\n]+\]:[ \t]*+(?:<[^<>\n]*>|\S++)[ \t]*+\n?[ \t]*+" + _TITLE_BODY
                         + r"[ \t]*+$", re.MULTILINE)
# a run of what a link target is made of (no spaces, brackets or quotes) holding a
# percent-encoded byte of a character beyond ASCII (a link to /机密★5年 written
# /%E6%9C%BA...); looked for only where a run starts, so each run is scanned once
_PERCENT_ENCODED = re.compile(r"""(?<![^\s()<>\[\]"'])(?=[^\s()<>\[\]"']*?%[89A-Fa-f][0-9A-Fa-f])[^\s()<>\[\]"']+""")
_ESCAPED = re.compile(r"\\(.)")
# a character reference, as HTML reads it: decimal, hexadecimal or named (some names need no semicolon)
_CHARACTER_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?")
# a reference, or a clause end as the mark grammar knows one (a reference's own ';' is not one)
_REFERENCE_OR_CLAUSE_END = re.compile(f"{_CHARACTER_REFERENCE.pattern}|[{CLAUSE_ENDS}]")


# the formats whose text lays out tables by delimiters: their grids (for the 密级 column reading); a plain
# text's pipe tables too (a form typed as | 文件名称 | 密级 | 份数 | rows in a .txt was clear), and its tables
# of fields between commas or semicolons (a CSV saved as .txt, 名称,密级,日期 over 报告,机密,2024-01-01, was clear)
_GRIDS = {"csv": csv_grids, "markdown": pipe_grids, "text": text_grids}


def text_tables(fmt: str, text: str) -> tuple[CellGrid, ...]:
    """The grids of the tables a decoded text of format ``fmt`` lays out by
    delimiters, as the scan reads them (the redactor covers what they find)."""
    grids = _GRIDS.get(fmt)
    return grids(text) if grids is not None else ()


def _extract(data: bytes, fmt: str, limits: Limits, name: str = "", ocr: PictureReader | None = None) -> Document:

    decoded = decode(data)
    parts = [Part("body", decoded.text, tables=text_tables(fmt, decoded.text))]
    carried: list[Notice] = []
    if ocr is not None and name.lower().endswith(_STYLE_SHEETS):
        from .html import style_sheet_parts

        got, carried = style_sheet_parts(decoded.text, limits, ocr)
        parts += got
    if name.lower().endswith(_ESCAPING) and "\\" in decoded.text:
        from .html import unicode_escapes_decoded  # lxml's import only where it is needed

        unescaped = unicode_escapes_decoded(decoded.text)
        if unescaped != decoded.text:
            parts.append(Part("unescaped", unescaped))
    if fmt == "markdown":
        code = ShownAsWritten(decoded.text)
        links = _markdown_links(decoded.text, code)
        if links:
            parts.append(Part("links", links))
        references = _markdown_references(decoded.text, code)
        if references:
            parts.append(Part("references", references))
    if decoded.other is not None:
        parts.append(Part("big5-reading", non_ascii_lines(decoded.other)))
    if decoded.exact:
        return Document(format=fmt, parts=tuple(parts), notices=tuple(carried))
    return Document(format=fmt, parts=tuple(parts), notices=(encoding_notice(decoded), *carried),
                    failed_parts=("body",))


def _markdown_links(text: str, code: ShownAsWritten) -> str:
    """What a reader of the rendered page sees of its links, one a line:
    their titles (a tooltip), without the quotes, which are syntax: the body
    reads ``url "机密★5年"`` as a mark quoted beside a word, a mention; and
    the targets with percent-encoded characters, decoded (the address a
    browser shows), in UTF-8 or else GB18030.  In code, which the page shows
    as written, a title is read as written (its references and escapes not
    decoded) and a target is left to the body."""
    lines = []
    if "](" in text or "]:" in text:
        for match in _LINK_TITLE.finditer(text):
            title = _title(match)
            written = match.group(title)
            as_written = ("&" in written or "\\" in written) and code.holds(match.start(title), match.end(title))
            lines.append(written if as_written else html.unescape(_ESCAPED.sub(r"\1", written)))
    if "%" in text:
        lines += [unquoted_url(m.group()) for m in _PERCENT_ENCODED.finditer(text) if not code.holds(*m.span())]
    return "\n".join(line.strip() for line in lines if line.strip())


def _markdown_references(text: str, code: ShownAsWritten) -> str:
    """What character references add to the page: each line in which one
    spells more than an ampersand (``&#31192;&#23494;`` is 秘密, ``&#9733;``
    a star, ``&#53;`` 5, ``&lt;`` a bracket), decoded as the rendered page
    shows it, one a line; ``&amp;`` does not make a line read again, nor do
    references in code, which the page shows as written (``&#31192;``), as
    the body reads them.  Of such a line only the clauses holding such a
    reference are read, with the clause ends beside them: a mark as it
    stands in another clause is the body's (no mark, nor what decides one,
    reaches past a clause end); one in the same clause is read in both.  A
    link title's references are read in ``links`` and are left out here."""
    if "&" not in text:
        return ""
    if "](" in text or "]:" in text:
        text = _LINK_TITLE.sub(_blank_title, text)
    lines = []
    end = -1  # where the last line read ends: each line with a reference is read once
    for match in _CHARACTER_REFERENCE.finditer(text):
        if match.start() < end:
            continue
        start = text.rfind("\n", 0, match.start()) + 1
        end = text.find("\n", match.end())
        end = len(text) if end < 0 else end
        lines.append(_clauses_read(text[start:end], start, code))
    return "\n".join(line for line in lines if line)


def _adds(decoded: str) -> bool:
    """A reference so decoded adds to what the body reads: anything but an
    ampersand (``&amp;``; a name HTML does not know is left as written),
    which no mark nor label holds.  A digit, a colon or a space can complete
    a mark (``机密★&#53;年``, ``密级&#58;秘密``), a bracket or a quote frame
    one (``&lt;机密&gt;`` at the head, ``&quot;内部资料&quot;``)."""
    return decoded[0] != "&"


def _clauses_read(line: str, start: int, code: ShownAsWritten) -> str:
    """The clauses of a line (at ``start`` in the text) that hold a
    reference adding to the page, its references decoded but in code, each
    with the clause ends beside it (a clause that did not start its line is
    not read as if it did)."""
    if not any(_adds(html.unescape(match.group())) for match in _CHARACTER_REFERENCE.finditer(line)):
        return ""
    clauses: list[tuple[str, bool]] = []  # (decoded text, holds a reference adding to the page)
    ends: list[str] = []
    pieces: list[str] = []
    adds = False
    last = 0
    coded = code.meets(start, start + len(line))  # the page's code is read for such a line only
    for match in _REFERENCE_OR_CLAUSE_END.finditer(line):
        pieces.append(line[last:match.start()])
        last = match.end()
        token = match.group()
        if token[0] != "&":
            clauses.append(("".join(pieces), adds))
            ends.append(token)
            pieces, adds = [], False
        elif coded and code.holds(start + match.start(), start + last):
            pieces.append(token)
        else:
            decoded = html.unescape(token)
            pieces.append(decoded.replace("\n", " ").replace("\r", " "))  # a line break the page lays out as a space
            adds = adds or _adds(decoded)
    pieces.append(line[last:])
    clauses.append(("".join(pieces), adds))
    if not any(adds for _, adds in clauses):  # all in code
        return ""
    read = []
    for number, (clause, adds) in enumerate(clauses):
        if adds:
            read.append(clause)
        if number < len(ends) and (adds or clauses[number + 1][1]):
            read.append(ends[number])
    return "".join(read).strip()


def _blank_title(match: re.Match[str]) -> str:
    """A link's text with its title blanked out (read in ``links``) and its
    target kept: ``links`` reads a target's percent escapes, its character
    references are read here."""
    title = _title(match)
    start, end = match.start(title) - match.start(), match.end(title) - match.start()
    return match.group()[:start] + " " * (end - start) + match.group()[end:]


def _title(match: re.Match[str]) -> int:
    """The group of a ``_LINK_TITLE`` match that holds the title."""
    return next(group for group in range(1, len(match.groups()) + 1) if match.group(group) is not None)


def extract_text(data: bytes, name: str, limits: Limits, ocr: PictureReader) -> Document:
    """``ocr`` reads the pictures a style sheet's ``data:`` URIs hold."""
    return _extract(data, "text", limits, name, ocr)


def extract_markdown(data: bytes, name: str, limits: Limits) -> Document:
    return _extract(data, "markdown", limits)


def extract_csv(data: bytes, name: str, limits: Limits) -> Document:
    return _extract(data, "csv", limits)
