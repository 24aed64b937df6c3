"""The HTTP service of the review gate: ``create_app(ServiceSettings(...))``."""
from __future__ import annotations

from .app import create_app
from .settings import ServiceSettings

__all__ = ["ServiceSettings", "create_app"]
