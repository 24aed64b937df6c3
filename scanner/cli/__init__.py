"""Every ``preclear`` command, one module per command group: scan, hook,
lexicons, redact, review (the workflow), suppress, audit (records, keys,
tokens), serve.  The commands sit above every domain package and compose
them; no domain package imports this one (docs/architecture.md).

Exit statuses are defined once, in exits.py.
"""
from __future__ import annotations

from .entry import build_parser, main

__all__ = ["build_parser", "main"]
