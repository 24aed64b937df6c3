"""Turning a request body into the items it carries.

Three forms are accepted (docs/review.md):
- multipart with one ``file`` (plus optional ``path`` and ``title`` fields);
- ``application/json`` ``{"title", "body", "path"?}``: an article, hashed in
  its canonical byte form (article.py);
- multipart with ``article`` (that JSON as a field) and any number of
  ``attachments`` files, each of which is its own item.
Multipart files are spooled to disk by the parser, not held in memory.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException

from .article import Article, canonical_bytes
from .errors import ApiError


@dataclass(frozen=True)
class Content:
    kind: str      # file, article, attachment
    name: str
    title: str
    data: bytes


def parse_article(raw: object) -> Article:
    if not isinstance(raw, dict) or not isinstance(raw.get("title"), str) or not isinstance(raw.get("body"), str):
        raise ApiError(422, "invalid-request", 'an article is a JSON object {"title": str, "body": str, "path"?: str}')
    path = raw.get("path") or ""
    if not isinstance(path, str):
        raise ApiError(422, "invalid-request", "article path must be a string")
    return Article(title=raw["title"], body=raw["body"], path=path)


def article_content(article: Article) -> Content:
    return Content("article", article.name, article.title.strip(), canonical_bytes(article.title, article.body))


async def read_content(request: Request) -> list[Content]:
    """The items in the request body, the article or file first."""
    ctype = request.headers.get("content-type", "")
    if ctype.startswith("application/json"):
        try:
            raw = json.loads(await request.body())
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ApiError(400, "invalid-request", f"body is not JSON: {exc}") from exc
        return [article_content(parse_article(raw))]
    if not ctype.startswith("multipart/form-data"):
        raise ApiError(415, "unsupported-media-type", "send multipart/form-data or application/json")
    try:
        form = await request.form()
    except MultiPartException as exc:
        raise ApiError(400, "invalid-request", f"bad multipart body: {exc}") from exc
    out: list[Content] = []
    upload = form.get("file")
    if isinstance(upload, UploadFile):
        path = str(form.get("path") or upload.filename or "upload")
        out.append(Content("file", path, str(form.get("title") or path), await upload.read()))
    article = form.get("article")
    if isinstance(article, str):
        try:
            out.append(article_content(parse_article(json.loads(article))))
        except json.JSONDecodeError as exc:
            raise ApiError(400, "invalid-request", f"field article is not JSON: {exc}") from exc
    for attachment in form.getlist("attachments"):
        if isinstance(attachment, UploadFile):
            name = attachment.filename or "attachment"
            out.append(Content("attachment", name, name, await attachment.read()))
    if not out:
        raise ApiError(422, "invalid-request", "no content: send a file, an article or attachments")
    return out
