"""Where lexicons come from, as bytes: the set shipped with preclear, checked
against its manifest, and the files a configuration names.

Nothing here parses a lexicon (no YAML): the ruleset hash (scanner.ruleset)
is computed from these bytes alone, so a command that only needs to know
whether a stored scan is current (``preclear gate``) does not load them.

``MANIFEST.json`` beside the shipped lexicons names every shipped file with
its sha256, so an installation that lost or changed one is refused (exit 3,
one line) instead of scanning silently without it: a missing work-secret or
draft lexicon would turn ``review`` into ``clear``.
"""
from __future__ import annotations

import hashlib
import json
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from ..errors import LexiconError

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


def shipped_sources() -> list[tuple[str, str, bytes]]:
    """``(file name, where, bytes)`` of every shipped lexicon, sorted by
    name, each checked against the manifest."""
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
        out.append((name, str(where), data))
    return out


def lexicon_files(paths: tuple[str, ...]) -> list[Path]:
    """The files behind ``--lexicon``/``[scan] lexicons``: a folder gives its
    lexicon files, sorted."""
    found: list[Path] = []
    for path in paths:
        p = Path(path)
        if p.is_dir():
            found += sorted(f for f in p.iterdir() if f.suffix.lower() in (".yaml", ".yml", ".csv"))
        else:
            found.append(p)
    return found


def read_lexicon(path: Path) -> bytes:
    """A lexicon file's bytes; a file that cannot be read is a LexiconError."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LexiconError(str(path), None, f"cannot read: {exc.strerror or exc}") from exc
