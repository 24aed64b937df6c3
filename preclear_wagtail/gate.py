"""The two calls, with the site's settings: submit when saved, gate before
anything goes live.  The gate never raises and fails closed
(scanner.client); a failed submit is logged and does not stop the editor
saving — the gate will refuse the unsubmitted content anyway."""
from __future__ import annotations

import logging
from typing import Any

from django.conf import settings

from scanner.client import GateResult, PreclearClient, PreclearError

from .content import as_article, document_bytes

log = logging.getLogger("preclear_wagtail")


def client() -> PreclearClient:
    return PreclearClient(settings.PRECLEAR_URL, settings.PRECLEAR_TOKEN,
                          timeout=float(getattr(settings, "PRECLEAR_TIMEOUT", 10)))


def submit_page(page: Any) -> None:
    article, attachments = as_article(page)
    try:
        with client() as c:
            c.submit_page(article, attachments)
    except PreclearError as exc:
        log.warning("page %s not submitted for review: %s", page.pk, exc.code)


def submit_document(document: Any) -> None:
    try:
        with client() as c:
            c.submit_file(document_bytes(document), document.filename, document.title)
    except PreclearError as exc:
        log.warning("document %s not submitted for review: %s", document.pk, exc.code)


def gate_page(page: Any) -> GateResult:
    article, attachments = as_article(page)
    with client() as c:
        return c.gate_page(article, attachments)


def gate_document(document: Any) -> GateResult:
    with client() as c:
        return c.gate_file(document_bytes(document), document.filename)


def banner(result: GateResult, limit: int = 5) -> str:
    """The editor's error banner: the summary, then the reasons that matter (Chinese)."""
    lines = [result.message_zh]
    reasons = [r["message_zh"] for r in result.reasons[1:limit]]
    return "\n".join(lines + reasons)
