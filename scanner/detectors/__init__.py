"""Detectors: one per kind of signal, run on every part.

The list is the built-ins (marks, lexicons, personal data) followed by the
detectors registered under the entry-point group ``preclear.detectors``
(one class or instance each, in entry-point name order).  Adding a kind of
signal is one detector class and its entry point: the rule catalogue
(``scanner.rules``) and the pipeline take it from here.
"""
from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from .. import plugins
from ..errors import ConfigError
from .base import Detector, HintBudget, Hits, PartText, Signal
from .lexicon import LexiconDetector
from .marks import MarkDetector
from .pii import PiiDetector

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

__all__ = ["BUILTIN", "GROUP", "Detector", "HintBudget", "Hits", "PartText", "Signal", "detectors", "registered"]

GROUP = plugins.DETECTORS
BUILTIN: tuple[Detector, ...] = (MarkDetector(), LexiconDetector(), PiiDetector())


@cache
def detectors() -> tuple[Detector, ...]:
    """Every detector of this installation, loaded once per process.  A
    registered detector that cannot be loaded, or whose id or rules clash
    with another's, stops the tool (exit 3): a scan without it would pass
    what it was installed to catch."""
    found = list(BUILTIN)
    for point in sorted(registered(), key=lambda p: p.name):
        try:
            loaded = point.load()
            detector = loaded() if isinstance(loaded, type) else loaded
        except Exception as exc:  # a plugin's own failure, whatever it is
            raise ConfigError(f"detector {point.name} ({point.value}) cannot be loaded: "
                              f"{type(exc).__name__}: {exc}") from exc
        for attribute in ("id", "rules", "find"):
            if not hasattr(detector, attribute):
                raise ConfigError(f"detector {point.name} ({point.value}) has no {attribute!r}")
        found.append(detector)
    _check_unique(found)
    return tuple(found)


def registered() -> list[EntryPoint]:
    """The group's entry points (scanner.plugins reads them cheaply)."""
    return plugins.registered(GROUP)


def _check_unique(found: list[Detector]) -> None:
    ids: set[str] = set()
    rules: set[str] = set()
    for detector in found:
        if detector.id in ids:
            raise ConfigError(f"two detectors have the id {detector.id!r}")
        ids.add(detector.id)
        for rule in detector.rules:
            if rule.id in rules:
                raise ConfigError(f"detector {detector.id!r}: rule {rule.id!r} is declared twice")
            rules.add(rule.id)
