"""Errors of the review gate.

    StoreError (ToolError)        the database cannot be opened, migrated or used: exit 3
    WorkflowError (PreclearError) a request the workflow refuses; ``code`` is stable
    ├── NotFound                  no such item or token
    └── Refused                   the rules forbid it (block verdict, same person, ...)

``code`` strings are part of the HTTP contract (docs/review.md) and of the
CLI's one-line messages; change them only on purpose.
"""
from __future__ import annotations

from ..errors import PreclearError, ToolError


class StoreError(ToolError):
    """The review database failed; the message names the database and the cause."""


class WorkflowError(PreclearError):
    """A workflow request was refused; ``code`` is a stable machine-readable id."""

    def __init__(self, code: str, message: str) -> None:
        self.code, self.message = code, message
        super().__init__(f"{code}: {message}")


class NotFound(WorkflowError):
    """The item (id, sha256 or prefix) or token does not exist."""


class Refused(WorkflowError):
    """The workflow rules forbid the request."""
