"""Submit on save, and the guard under every way a page goes live.

Wagtail publishes from many places that never run ``before_publish_page``:
bulk publish, workflow approval, scheduled publishing, ``revision.publish()``
in code.  All of them end in ``page.save()`` with ``live`` set, so a
``pre_save`` guard asks the gate whenever a save would put new content live:
- a new page saved live (Wagtail's create view adds the page live *before*
  its publish hook runs) is saved as a draft instead when the gate refuses;
- an existing page whose live content would change raises
  ``PublicationRefused``, so the old approved content stays live (the
  middleware turns it into the editor's banner).
"""
from __future__ import annotations

from typing import Any

from django.db.models import TextField
from django.db.models.signals import post_save, pre_save
from wagtail.documents import get_document_model
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, Revision

from . import gate
from .content import as_article


class PublicationRefused(Exception):
    """The gate did not allow this content to go live."""

    def __init__(self, page: Any, result: gate.GateResult) -> None:
        super().__init__(result.message_zh)
        self.page, self.result = page, result


def _live_content(page: Any) -> tuple[Any, list[str]]:
    article, attachments = as_article(page)
    return article, [a.name for a in attachments]


def _content_fields(page: Any) -> set[str]:
    return {"title", "slug", "url_path", "live"} | {
        f.name for f in page._meta.concrete_fields if isinstance(f, (RichTextField, StreamField, TextField))}


def guard(sender: Any, instance: Any, raw: bool = False, update_fields: Any = None, **_: Any) -> None:
    if raw or not isinstance(instance, Page) or not instance.live or instance.depth == 1:
        return
    if update_fields is not None and not set(update_fields) & _content_fields(instance):
        return  # e.g. save_revision() recording the latest revision of a live page
    before = None if instance._state.adding else Page.objects.filter(pk=instance.pk, live=True).first()
    if before is not None and _live_content(before.specific) == _live_content(instance):
        return  # a save that changes no live content (a move, a bookkeeping field)
    result = gate.gate_page(instance)
    if result.allow:
        return
    if instance._state.adding:
        instance.live, instance.has_unpublished_changes = False, True
        return
    raise PublicationRefused(instance, result)


def submit_revision(sender: Any, instance: Any, created: bool, raw: bool = False, **_: Any) -> None:
    if created and not raw and isinstance(instance.content_object, Page):
        gate.submit_page(instance.as_object())


def submit_document(sender: Any, instance: Any, raw: bool = False, **_: Any) -> None:
    if not raw and instance.file:
        gate.submit_document(instance)


def connect() -> None:
    pre_save.connect(guard, dispatch_uid="preclear_wagtail.guard")
    post_save.connect(submit_revision, sender=Revision, dispatch_uid="preclear_wagtail.revision")
    post_save.connect(submit_document, sender=get_document_model(), dispatch_uid="preclear_wagtail.document")
