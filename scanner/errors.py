"""The exception tree. Library exceptions are translated at the boundary of
the stage that called the library (``raise ... from``), so a finding or an
error line always says which stage failed and why.

    PreclearError                 anything preclear raises on purpose
    ├── ToolError                 the tool itself cannot run: exit status 3
    │   ├── ConfigError           bad preclear.toml or bad CLI setting
    │   └── LexiconError          a malformed lexicon (file, line, reason)
    └── ItemError                 one item could not be processed; becomes a finding
        ├── ExtractionError       a format library failed on the bytes
        └── LimitExceeded         a resource limit stopped work on the item
"""
from __future__ import annotations


class PreclearError(Exception):
    """Base of every exception preclear raises on purpose."""


class ToolError(PreclearError):
    """The tool cannot do its job at all; the CLI exits 3 with this message."""


class ConfigError(ToolError):
    """A configuration file or setting is invalid."""


class LexiconError(ToolError):
    """A lexicon is malformed; it is refused as a whole, never half-loaded."""

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        self.path, self.line, self.reason = path, line, reason
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"lexicon {where}: {reason}")


class ItemError(PreclearError):
    """One item failed; the batch goes on and the item becomes ``review``."""

    def __init__(self, stage: str, reason: str) -> None:
        self.stage, self.reason = stage, reason
        super().__init__(f"{stage}: {reason}")


class ExtractionError(ItemError):
    """A format library could not read (part of) an item."""

    def __init__(self, reason: str, part: str | None = None, stage: str = "extract") -> None:
        self.part = part
        super().__init__(stage, reason)


class LimitExceeded(ItemError):
    """A configured resource limit was passed; ``limit`` names it."""

    def __init__(self, limit: str, reason: str) -> None:
        self.limit = limit
        super().__init__("limits", f"limit {limit} exceeded: {reason}")
