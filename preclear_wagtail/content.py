"""A Wagtail page as the article contract sees it (docs/cms.md, version 2).

The body is every rich-text, stream and text field of the specific page,
rendered (internal links and documents expanded to their URLs); the text is
that HTML's text; the links are its ``href`` targets; the path is the page's
``url_path``; the attachments are the documents the body links to.  What the
CMS submits when saving is computed the same way as what it gates before
publishing, so an unchanged approved page passes and any change does not.
"""
from __future__ import annotations

import re
from typing import Any

import lxml.html
from django.db import models
from wagtail.documents import get_document_model
from wagtail.fields import RichTextField, StreamField
from wagtail.rich_text import expand_db_html

from scanner.client import Attachment, Page

_DOC_LINK = re.compile(r'linktype="document"\s+id="(\d+)"|"type":\s*"document",\s*"value":\s*(\d+)')


def _raw(page: Any) -> list[tuple[models.Field, str]]:
    out = []
    for field in page.specific_class._meta.concrete_fields:
        if isinstance(field, (RichTextField, StreamField)) or (
                isinstance(field, models.TextField) and field.model is not None
                and not field.model.__module__.startswith("wagtail.")):
            value = field.value_from_object(page)
            if value:
                out.append((field, str(value)))  # a StreamValue renders itself as HTML
    return out


def page_html(page: Any) -> str:
    return "\n".join(expand_db_html(value) if isinstance(field, RichTextField) else value
                     for field, value in _raw(page))


def document_ids(page: Any) -> list[int]:
    ids: list[int] = []
    for field in page.specific_class._meta.concrete_fields:
        if isinstance(field, (RichTextField, StreamField)):
            raw = field.get_prep_value(field.value_from_object(page))
            for a, b in _DOC_LINK.findall(str(raw or "")):
                if int(a or b) not in ids:
                    ids.append(int(a or b))
    return ids


def document_bytes(document: Any) -> bytes:
    with document.open_file() as fh:
        return fh.read()


def as_article(page: Any) -> tuple[Page, list[Attachment]]:
    html = page_html(page)
    root = lxml.html.fragment_fromstring(html, create_parent="div") if html.strip() else None
    text = root.text_content() if root is not None else ""
    links = tuple(a.get("href", "") for a in root.iter("a")) if root is not None else ()
    Document = get_document_model()
    ids = document_ids(page)
    docs = {doc.id: doc for doc in Document.objects.filter(id__in=ids)}
    attachments = [Attachment(docs[i].filename, document_bytes(docs[i])) for i in ids if i in docs]
    return Page(path=page.url_path or f"/{page.slug}/", title=page.title, text=text, html=html,
                links=links), attachments
