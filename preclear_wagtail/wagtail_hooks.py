"""Wagtail admin hooks: the gate before publishing, as the editor's banner;
before a bulk publish; before serving a document."""
from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.urls import reverse
from wagtail import hooks

from . import gate


@hooks.register("before_publish_page")
def before_publish_page(request: Any, page: Any) -> HttpResponse | None:
    result = gate.gate_page(page)
    if result.allow:
        return None
    messages.error(request, gate.banner(result))
    return HttpResponseRedirect(reverse("wagtailadmin_pages:edit", args=(page.pk,)))


@hooks.register("before_bulk_action")
def before_bulk_publish(request: Any, action_type: str, objects: list[Any], action: Any) -> HttpResponse | None:
    if action_type != "publish":
        return None
    refused = [(page, result) for page in objects
               for result in [gate.gate_page(page.get_latest_revision_as_object())] if not result.allow]
    if not refused:
        return None
    messages.error(request, "\n".join(f"《{page.title}》：{gate.banner(result)}" for page, result in refused))
    return HttpResponseRedirect(request.GET.get("next") or reverse("wagtailadmin_explore_root"))


@hooks.register("before_serve_document")
def before_serve_document(document: Any, request: Any) -> HttpResponse | None:
    """The public gets a document only when the gate allows its bytes; admin
    users (who review and edit it) may always open it."""
    if request.user.is_authenticated and request.user.has_perm("wagtailadmin.access_admin"):
        return None
    if gate.gate_document(document).allow:
        return None
    return HttpResponseForbidden("该文件尚未通过保密审查，暂不公开。".encode(), content_type="text/plain; charset=utf-8")
