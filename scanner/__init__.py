"""preclear: confidentiality review (保密审查) before disclosure.

The small public API; everything else is internal and may change.
``__all__`` is pinned by a test.
"""
from __future__ import annotations

# the one place the version is written: pyproject.toml reads it at build, and
# reports read it here (importlib.metadata would cost every start ~25 ms)
__version__ = "0.1.0"

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from .config import Limits, ScanConfig, load_config
from .errors import ConfigError, ExtractionError, LexiconError, LimitExceeded, PreclearError, ToolError
from .types import Extraction, Finding, Item, ItemResult, Verdict

__all__ = [
    "ConfigError", "Engine", "Extraction", "ExtractionError", "Finding", "Item", "ItemResult",
    "LexiconError", "LimitExceeded", "Limits", "PreclearError", "ScanConfig", "ToolError", "Verdict",
    "load_config", "scan_bytes", "scan_paths",
]

if TYPE_CHECKING:
    from .engine import Engine


def __getattr__(name: str) -> Any:
    """``Engine`` is imported on first use: it brings the matcher, numpy and
    the detectors, which a command that does not scan (``preclear gate`` on a
    current record) need not load."""
    if name == "Engine":
        from .engine import Engine

        return Engine
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def scan_bytes(data: bytes, name: str, config: ScanConfig | None = None, *,
               engine: Engine | None = None) -> list[ItemResult]:
    """Scan one item held in memory; its result first, then archive members'.
    A name that is not valid UTF-8 is reported escaped (scanner.names)."""
    from .engine import Engine
    from .names import escape_name
    from .pipeline import scan_item

    engine = engine or Engine(config)
    return scan_item(engine, Item(path=escape_name(name), data=data))


def scan_paths(paths: Iterable[str], config: ScanConfig | None = None, *,
               engine: Engine | None = None, repo_paths: bool = False) -> Iterator[ItemResult]:
    """Scan files and folders serially, in stable order.  ``repo_paths``: the
    files are paths from a repository's top, whose folders are checked too."""
    from .engine import Engine
    from .run.serial import run_serial
    from .walk import walk

    engine = engine or Engine(config)
    return run_serial(engine, walk(list(paths), engine.config.excludes, repo_paths=repo_paths))
