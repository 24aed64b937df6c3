"""Turning a request body into the items it carries.

Three forms are accepted (docs/review.md, docs/cms.md):
- multipart with one ``file`` (plus optional ``path`` and ``title`` fields);
- ``application/json``: an article, ``{"title", "body", "path"?}`` (version 1)
  or ``{"path", "title", "text", "html"?, "links"?}`` (version 2), hashed in
  its canonical byte form (article.py);
- a form with ``article`` (that JSON as a field) and any number of
  ``attachments`` files (or ``attachments[N]``), each of which is its own item.  A version-2
  article's bytes name every attachment's sha256, so the article's approval
  covers them.  The form may be urlencoded: httpx and requests send a form
  whose file list is empty that way.
Multipart files are spooled to disk by the parser, not held in memory.
Unknown JSON keys and unknown form fields are refused (422), not ignored: a
field naming a person (``submitter``, ``by``) would otherwise look accepted
while the service records the token's person.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException

from .article import Article, PageArticle, canonical_bytes, canonical_bytes_v2
from .errors import ApiError


@dataclass(frozen=True)
class Content:
    kind: str      # file, article, attachment
    name: str
    title: str
    data: bytes


_INDEXED = re.compile(r"attachments\[\d*\]")
_V1_KEYS = {"title", "body", "path"}
_V2_KEYS = {"title", "text", "html", "links", "path"}
FORM_FIELDS = {"file", "path", "title", "article", "attachments"}


def parse_article(raw: object) -> Article | PageArticle:
    """A version-1 article when it has ``body``, version 2 when it has ``text``."""
    if not isinstance(raw, dict):
        raise ApiError(422, "invalid-request", "an article is a JSON object")
    if "text" in raw:
        return _parse_page(raw)
    if set(raw) - _V1_KEYS or not isinstance(raw.get("title"), str) or not isinstance(raw.get("body"), str):
        raise ApiError(422, "invalid-request", 'an article is a JSON object {"path", "title", "text", "html", '
                                               '"links"} (or, deprecated, {"title", "body", "path"?})')
    path = raw.get("path") or ""
    if not isinstance(path, str):
        raise ApiError(422, "invalid-request", "article path must be a string")
    return Article(title=raw["title"], body=raw["body"], path=path)


def _parse_page(raw: dict[str, Any]) -> PageArticle:
    unknown = set(raw) - _V2_KEYS
    if unknown:
        raise ApiError(422, "invalid-request", f"unknown article field(s): {', '.join(sorted(unknown))}")
    for key in ("path", "title", "text", "html"):
        if not isinstance(raw.get(key, ""), str):
            raise ApiError(422, "invalid-request", f"article {key} must be a string")
    path = raw.get("path", "").strip()
    if not path:
        raise ApiError(422, "invalid-request", "article path (the page's URL path) is required: two pages "
                                               "with the same text are two items")
    if not isinstance(raw.get("title"), str):
        raise ApiError(422, "invalid-request", "article title is required")
    links = raw.get("links", [])
    if not isinstance(links, list) or not all(isinstance(x, str) and "\n" not in x and "\r" not in x
                                              for x in links):
        raise ApiError(422, "invalid-request", "article links must be a list of one-line strings")
    return PageArticle(path=path, title=raw["title"], text=raw["text"], html=raw.get("html", ""),
                       links=tuple(links))


def article_content(article: Article | PageArticle, attachments: Sequence[Content] = ()) -> Content:
    if isinstance(article, PageArticle):
        digests = [(hashlib.sha256(a.data).hexdigest(), a.name) for a in attachments]
        return Content("article", article.name, article.title.strip(), canonical_bytes_v2(article, digests))
    return Content("article", article.name, article.title.strip(), canonical_bytes(article.title, article.body))


def refuse_unknown_fields(names: Iterable[str], allowed: set[str]) -> None:
    unknown = sorted(n for n in set(names) - allowed if not _INDEXED.fullmatch(n))
    if unknown:
        raise ApiError(422, "invalid-request", f"unknown form field(s): {', '.join(unknown)}")


def known_form_fields(*allowed: str) -> Callable[[Request], Awaitable[None]]:
    """A dependency refusing multipart fields a route does not take (the
    form is parsed once; the route's own File/Form parameters reuse it)."""
    async def check(request: Request) -> None:
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            refuse_unknown_fields((await request.form()).keys(), set(allowed))
    return check


async def read_content(request: Request) -> list[Content]:
    """The items in the request body, the article or file first."""
    ctype = request.headers.get("content-type", "")
    if ctype.startswith("application/json"):
        try:
            raw = json.loads(await request.body())
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ApiError(400, "invalid-request", f"body is not JSON: {exc}") from exc
        return [article_content(parse_article(raw))]
    if not ctype.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        raise ApiError(415, "unsupported-media-type", "send multipart/form-data or application/json")
    try:
        form = await request.form()
    except MultiPartException as exc:
        raise ApiError(400, "invalid-request", f"bad multipart body: {exc}") from exc
    refuse_unknown_fields(form.keys(), FORM_FIELDS)
    out: list[Content] = []
    upload = form.get("file")
    if isinstance(upload, UploadFile):
        path = str(form.get("path") or upload.filename or "upload")
        out.append(Content("file", path, str(form.get("title") or path), await upload.read()))
    attachments = []
    for key, attachment in form.multi_items():
        # PHP's cURL names a list of files attachments[0], attachments[1]...
        if (key == "attachments" or _INDEXED.fullmatch(key)) and isinstance(attachment, UploadFile):
            name = attachment.filename or "attachment"
            attachments.append(Content("attachment", name, name, await attachment.read()))
    article = form.get("article")
    if isinstance(article, str):
        try:
            out.append(article_content(parse_article(json.loads(article)), attachments))
        except json.JSONDecodeError as exc:
            raise ApiError(400, "invalid-request", f"field article is not JSON: {exc}") from exc
    out += attachments
    if not out:
        raise ApiError(422, "invalid-request", "no content: send a file, an article or attachments")
    return out
