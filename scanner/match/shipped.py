"""The lexicons that come with preclear, read as package data and parsed
(their bytes, checked against the manifest: sources.py)."""
from __future__ import annotations

from .lexicon import Lexicon, parse_lexicon
from .sources import shipped_sources


def load_shipped() -> tuple[Lexicon, ...]:
    """Every shipped lexicon, checked against the manifest."""
    return parse_shipped(shipped_sources())


def parse_shipped(sources: list[tuple[str, str, bytes]]) -> tuple[Lexicon, ...]:
    """The lexicons of ``shipped_sources()``' answer (already checked)."""
    out = []
    for name, where, data in sources:
        stem, _, suffix = name.rpartition(".")
        lexicon = parse_lexicon(data, where, stem, "." + suffix.lower())
        out.append(Lexicon(**{**lexicon.__dict__, "shipped": True}))
    return tuple(out)
