"""Which extractor reads which format.

The built-in extractors (scanner.extract.builtin) come first, then every
class another installed distribution registers under the
``preclear.extractors`` entry-point group, in entry-point name order::

    [project.entry-points."preclear.extractors"]
    toy = "preclear_toy:ToyExtractor"

The group is read once per process, when the first item is sniffed (about
7 ms of CPU in the test environment's 135 distributions).  The built-ins are
a list here rather than entry points of preclear's own, so a source checkout
or a stale editable install still reads every format.  A plug-in that cannot
be loaded, is not an ``Extractor``, or claims a format another extractor
claims stops the scan with a ``ToolError``: a format silently missing would
turn its files into unread ``binary`` items.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping

from ..errors import ToolError
from ..plugins import EXTRACTORS, registered
from .base import BINARY, Extractor, Sniffed
from .builtin import BUILTIN
from .sniff import Probe, serve

GROUP = EXTRACTORS


class Registry:
    """The extractors in their order of precedence, by the formats they claim."""

    def __init__(self, extractors: Iterable[Extractor]) -> None:
        self.extractors = tuple(extractors)
        self._by_format: dict[str, Extractor] = {}
        names: dict[str, tuple[str, ...]] = {}
        for extractor in self.extractors:
            for fmt in sorted(extractor.formats):
                owner = self._by_format.setdefault(fmt, extractor)
                if owner is not extractor:
                    raise ToolError(f"format {fmt!r} is claimed by both {type(owner).__name__} "
                                    f"and {type(extractor).__name__}")
            for ext, formats in extractor.names.items():
                known = names.get(ext, ())
                names[ext] = (*known, *(f for f in formats if f not in known))
        self.names: Mapping[str, tuple[str, ...]] = names

    def sniff(self, probe: Probe) -> Sniffed:
        """The surest claim (the first on a tie); ``binary`` when none claims the bytes."""
        best = BINARY
        for extractor in self.extractors:
            claim = extractor.sniff(probe)
            if claim is not None and claim.confidence > best.confidence:
                best = claim
        return best

    def extractor(self, fmt: str) -> Extractor | None:
        return self._by_format.get(fmt)

    def by_structure(self, fmt: str) -> bool:
        extractor = self._by_format.get(fmt)
        return extractor is not None and fmt in extractor.by_structure

    def converted(self, fmt: str) -> bool:
        extractor = self._by_format.get(fmt)
        return extractor is not None and fmt in extractor.converted


@functools.cache
def extractors() -> Registry:
    """The registry of this process: built on first use, then kept."""
    return Registry([*BUILTIN, *plugins()])


serve(extractors)  # for scanner.extract.sniff, which the format modules below this one use


def plugins() -> list[Extractor]:
    """An instance of every class registered under ``preclear.extractors``."""
    found: list[Extractor] = []
    for point in sorted(registered(GROUP), key=lambda p: p.name):
        try:
            extractor = point.load()()
        except Exception as exc:  # whatever a third-party module raises on import
            raise ToolError(f"extractor plug-in {point.name} ({point.value}) cannot be loaded: "
                            f"{type(exc).__name__}: {exc}") from exc
        if not isinstance(extractor, Extractor):
            raise ToolError(f"extractor plug-in {point.name} ({point.value}) is not an Extractor "
                            "(formats, by_structure, converted, names, sniff, extract, members)")
        found.append(extractor)
    return found
