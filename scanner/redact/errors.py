"""Why a redacted copy is not written: the item stays as it is."""
from __future__ import annotations

from ..errors import ItemError


class RedactionRefused(ItemError):
    """The copy could not be made clean, or could not be proven clean."""

    def __init__(self, reason: str) -> None:
        super().__init__("redact", reason)
