"""The canonical byte forms of an article, i.e. what an approval is bound to.

Version 1 (``{"title", "body", "path"?}``, kept one release): UTF-8 (no BOM)
of the title with surrounding whitespace removed, an empty line, and the
body, with CRLF and CR line ends turned into LF.  Only the text is bound, so
identical text on two pages shares one approval and a link change is not
re-reviewed.

Version 2 (``{"title", "text", "html", "links", "path"}``, docs/cms.md) binds
everything that goes live: the page's URL path, the title, the rendered HTML,
its text, the links and the sha256 of every attachment.  The bytes are a
header line ``preclear-article 2`` and then, for each field in a fixed order,
a line ``<field> <UTF-8 byte length>``, the value and a newline.  Lengths make
the form unambiguous whatever the values contain; the same bytes are what the
scanner reads (as text), so findings can be placed in a field by offset.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

HEADER_V2 = "preclear-article 2\n"
FIELDS_V2 = ("path", "title", "links", "attachments", "text", "html")
ARTICLE_SUFFIX = " (article)"


@dataclass(frozen=True)
class Article:
    title: str
    body: str
    path: str = ""

    @property
    def name(self) -> str:
        """The item name used for scanning and shown to reviewers."""
        return self.path or "article.txt"


@dataclass(frozen=True)
class PageArticle:
    """A page as it will go live (contract version 2)."""

    path: str
    title: str
    text: str
    html: str = ""
    links: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The item name: the page path, marked so that a path ending in
        ``.html`` is not taken for an HTML file when the bytes are scanned."""
        return self.path + ARTICLE_SUFFIX


def canonical_bytes(title: str, body: str) -> bytes:
    text = f"{title.strip()}\n\n{body}"
    return text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")


def _lf(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n")


def canonical_fields(page: PageArticle, attachments: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """(field, value) in the order they are written; ``attachments`` are
    (sha256, name) in the order sent."""
    return [("path", page.path.strip()), ("title", _lf(page.title.strip())),
            ("links", "\n".join(link.strip() for link in page.links)),
            ("attachments", "\n".join(f"{sha} {name}" for sha, name in attachments)),
            ("text", _lf(page.text)), ("html", _lf(page.html))]


def canonical_bytes_v2(page: PageArticle, attachments: Sequence[tuple[str, str]] = ()) -> bytes:
    out = [HEADER_V2.encode()]
    for field, value in canonical_fields(page, attachments):
        data = value.encode("utf-8")
        out += [f"{field} {len(data)}\n".encode(), data, b"\n"]
    return b"".join(out)


def field_at(text: str, offset: int) -> str | None:
    """Which field of a version-2 article's text holds character ``offset``
    (None when ``text`` is not such an article or the offset is outside)."""
    if not text.startswith(HEADER_V2):
        return None
    at = len(HEADER_V2)
    while at < len(text):
        eol = text.find("\n", at)
        head = text[at:eol].split(" ")
        if eol < 0 or len(head) != 2 or head[0] not in FIELDS_V2 or not head[1].isdigit():
            return None
        start = eol + 1
        end = start + len(text[start:].encode("utf-8")[:int(head[1])].decode("utf-8", "ignore"))
        if start <= offset < end:
            return head[0]
        at = end + 1
    return None
