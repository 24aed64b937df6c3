"""Turns ``PublicationRefused`` — raised under a workflow approval, a bulk or
any other publish that has no hook of its own — into the editor's banner and
a redirect to the page's edit view, instead of a server error."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from .gate import banner
from .signals import PublicationRefused


class PublicationRefusedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> Any:
        if not isinstance(exception, PublicationRefused):
            return None
        messages.error(request, banner(exception.result))
        return HttpResponseRedirect(reverse("wagtailadmin_pages:edit", args=(exception.page.pk,)))
