"""Connects the signals and the system check when Django starts."""
from __future__ import annotations

from django.apps import AppConfig


class PreclearWagtailConfig(AppConfig):
    name = "preclear_wagtail"
    verbose_name = "preclear review gate"

    def ready(self) -> None:
        from . import checks, signals

        signals.connect()
        checks.register()
