"""Plain text, Markdown and CSV: the decoded text is the ``body`` part; a
data or code file whose strings are written with ``\\u`` escapes also has
them decoded (``unescaped``); a Markdown file's link titles and
percent-encoded link targets are read as a reader sees them (``links``)."""
from __future__ import annotations

import html
import re

from ..config import Limits
from ..types import Document, Part
from .decode import decode, non_ascii_lines, unquoted_url
from .notices import encoding_notice

# data and code files whose strings may be written with \u escapes (json.dumps writes Chinese so)
_ESCAPING = (".json", ".geojson", ".js", ".mjs", ".ts", ".yaml", ".yml", ".toml", ".py", ".java", ".php")
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


def _extract(data: bytes, fmt: str, name: str = "") -> Document:

    decoded = decode(data)
    parts = [Part("body", decoded.text)]
    if name.lower().endswith(_ESCAPING) and "\\" in decoded.text:
        from .html import unicode_escapes_decoded  # lxml's import only where it is needed

        unescaped = unicode_escapes_decoded(decoded.text)
        if unescaped != decoded.text:
            parts.append(Part("unescaped", unescaped))
    if fmt == "markdown":
        links = _markdown_links(decoded.text)
        if links:
            parts.append(Part("links", links))
    if decoded.other is not None:
        parts.append(Part("big5-reading", non_ascii_lines(decoded.other)))
    if decoded.exact:
        return Document(format=fmt, parts=tuple(parts))
    return Document(format=fmt, parts=tuple(parts), notices=(encoding_notice(decoded),), failed_parts=("body",))


def _markdown_links(text: str) -> str:
    """What a reader of the rendered page sees of its links, one a line:
    their titles (a tooltip), without the quotes, which are syntax: the body
    reads ``url "机密★5年"`` as a mark quoted beside a word, a mention; and
    the targets with percent-encoded characters, decoded (the address a
    browser shows), in UTF-8 or else GB18030."""
    lines = []
    if "](" in text or "]:" in text:
        lines += [html.unescape(_ESCAPED.sub(r"\1", next(g for g in m.groups() if g is not None)))
                  for m in _LINK_TITLE.finditer(text)]
    if "%" in text:
        lines += [unquoted_url(m.group()) for m in _PERCENT_ENCODED.finditer(text)]
    return "\n".join(line.strip() for line in lines if line.strip())


def extract_text(data: bytes, name: str, limits: Limits) -> Document:
    return _extract(data, "text", name)


def extract_markdown(data: bytes, name: str, limits: Limits) -> Document:
    return _extract(data, "markdown")


def extract_csv(data: bytes, name: str, limits: Limits) -> Document:
    return _extract(data, "csv")
