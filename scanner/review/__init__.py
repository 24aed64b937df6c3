"""The review gate: an append-only, hash-chained store of submissions, scans,
decisions and approvals, and the workflow rules over it.

    store = open_store("review.db")           # or a postgresql:// URL
    store.review_record(sha256)                # -> ReviewRecord | None
    Workflow(store, engine).gate(sha256, data) # -> GateAnswer(allow, reasons)

The store (store.py) needs SQLAlchemy, imported with it on first use: a gate
on a SQLite file with current records reads it without (sqlite_read.py).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import NotFound, Refused, StoreError, WorkflowError
from .workflow import Actor, GateAnswer, Workflow

if TYPE_CHECKING:
    from .store import ReviewStore, open_store

__all__ = ["Actor", "GateAnswer", "NotFound", "Refused", "ReviewStore", "StoreError",
           "Workflow", "WorkflowError", "open_store"]


def __getattr__(name: str) -> Any:
    if name in ("ReviewStore", "open_store"):
        from . import store

        return getattr(store, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
