"""The canonical byte form of an article submitted as JSON (title + body).

A CMS that sends text instead of a file needs to know exactly which bytes the
approval is bound to: UTF-8 (no BOM) of the title with surrounding whitespace
removed, an empty line, and the body, with CRLF and CR line ends turned into
LF.  ``sha256`` of these bytes is what the service returns and what
``GET /v1/gate/{sha256}`` expects.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Article:
    title: str
    body: str
    path: str = ""

    @property
    def name(self) -> str:
        """The item name used for scanning and shown to reviewers."""
        return self.path or "article.txt"


def canonical_bytes(title: str, body: str) -> bytes:
    text = f"{title.strip()}\n\n{body}"
    return text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")
