"""Django system checks: the settings a fail-closed integration needs."""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


def _check(app_configs: Any = None, **_: Any) -> list[checks.CheckMessage]:
    out: list[checks.CheckMessage] = []
    for name in ("PRECLEAR_URL", "PRECLEAR_TOKEN"):
        if not getattr(settings, name, ""):
            out.append(checks.Error(f"{name} is not set", hint="see docs/cms.md", id="preclear_wagtail.E001"))
    if getattr(settings, "WAGTAILDOCS_SERVE_METHOD", "serve_view") != "serve_view":
        out.append(checks.Error(
            "WAGTAILDOCS_SERVE_METHOD must be 'serve_view': otherwise documents are public from upload, "
            "before the gate is asked", id="preclear_wagtail.E002"))
    return out


def register() -> None:
    checks.register(_check, "preclear")
