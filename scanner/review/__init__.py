"""The review gate: an append-only, hash-chained store of submissions, scans,
decisions and approvals, and the workflow rules over it.

    store = open_store("review.db")           # or a postgresql:// URL
    store.review_record(sha256)                # -> ReviewRecord | None
    Workflow(store, engine).gate(sha256, data) # -> GateAnswer(allow, reasons)
"""
from __future__ import annotations

from .errors import NotFound, Refused, StoreError, WorkflowError
from .store import ReviewStore, open_store
from .workflow import Actor, GateAnswer, Workflow

__all__ = ["Actor", "GateAnswer", "NotFound", "Refused", "ReviewStore", "StoreError",
           "Workflow", "WorkflowError", "open_store"]
