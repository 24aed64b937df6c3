"""The lexicons that come with preclear, read as package data.

``MANIFEST.json`` beside them names every shipped file with its sha256, so
an installation that lost or changed one is refused (exit 3, one line)
instead of scanning silently without it: a missing work-secret or draft
lexicon would turn ``review`` into ``clear``.
"""
from __future__ import annotations

import hashlib
import json
from importlib.resources import files
from importlib.resources.abc import Traversable

from ..errors import LexiconError
from .lexicon import Lexicon, parse_lexicon

MANIFEST = "MANIFEST.json"


def shipped_dir() -> Traversable:
    return files("scanner") / "lexicons"


def manifest() -> dict[str, str]:
    """File name -> sha256 of the shipped set."""
    where = shipped_dir() / MANIFEST
    try:
        data = json.loads(where.read_bytes())
    except (OSError, ValueError) as exc:
        raise LexiconError(str(where), None, f"the shipped lexicon manifest cannot be read ({exc}); "
                           "reinstall preclear or use --no-default-lexicons") from exc
    return dict(data["shipped"])


def load_shipped() -> tuple[Lexicon, ...]:
    """Every shipped lexicon, checked against the manifest."""
    out = []
    for name, digest in sorted(manifest().items()):
        where = shipped_dir() / name
        try:
            data = where.read_bytes()
        except OSError as exc:
            reason = "missing" if isinstance(exc, FileNotFoundError) else f"unreadable ({exc.strerror or exc})"
            raise LexiconError(str(where), None, f"shipped lexicon {reason}; "
                               "reinstall preclear or use --no-default-lexicons") from exc
        if hashlib.sha256(data).hexdigest() != digest:
            raise LexiconError(str(where), None, "shipped lexicon differs from the one preclear was built with; "
                               "reinstall preclear, or use --no-default-lexicons with your own --lexicon")
        stem, _, suffix = name.rpartition(".")
        lexicon = parse_lexicon(data, str(where), stem, "." + suffix.lower())
        out.append(Lexicon(**{**lexicon.__dict__, "shipped": True}))
    return tuple(out)
