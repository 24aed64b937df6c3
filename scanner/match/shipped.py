"""The lexicons that come with preclear, read as package data and parsed
(their bytes, checked against the manifest: sources.py)."""
from __future__ import annotations

from .lexicon import Lexicon, parse_lexicon
from .sources import shipped_sources


def load_shipped() -> tuple[Lexicon, ...]:
    """Every shipped lexicon, checked against the manifest."""
    out = []
    for name, where, data in shipped_sources():
        stem, _, suffix = name.rpartition(".")
        lexicon = parse_lexicon(data, where, stem, "." + suffix.lower())
        out.append(Lexicon(**{**lexicon.__dict__, "shipped": True}))
    return tuple(out)
