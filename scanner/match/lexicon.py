"""Lexicon files (YAML and CSV, docs/contracts.md) -> validated entries.

A malformed lexicon is refused as a whole with its file, line and reason; it
is never half-loaded.  Besides the contract's fields a YAML lexicon may say
what kind of signal its terms are (``kind``) and whether a term counts
anywhere or only when it stands as a label (``placement``): the shipped
work-secret and draft lexicons are ``placement: label``.
"""
from __future__ import annotations

import csv
import functools
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from .. import levels
from ..errors import LexiconError
from .sources import read_lexicon

if TYPE_CHECKING:
    import yaml

LEVELS = levels.LEVEL_NAMES
LEVEL_ALIASES = {level.alias: level.name for level in levels.LEVELS}
STATE_SECRET_LEVELS = frozenset(levels.STATE_SECRET_LEVELS)
KINDS = ("secret-point", "work-secret", "draft")
PLACEMENTS = ("anywhere", "label")
BOUNDARIES = ("auto", "word", "none")
_ENTRY_KEYS = {"term", "level", "category", "aliases", "note", "boundary"}
_FILE_KEYS = {"name", "version", "kind", "placement", "description", "entries"}


class LexiconEntry(NamedTuple):
    """One term of a lexicon, as validated.  A NamedTuple: 50,000 of them
    unpickle in ~33 ms, as frozen dataclasses in ~69."""

    term: str
    level: str
    category: str
    aliases: tuple[str, ...]
    note: str
    boundary: str
    lexicon: str
    kind: str
    placement: str
    line: int


@dataclass(frozen=True)
class Lexicon:
    name: str
    version: str
    kind: str
    placement: str
    path: str
    sha256: str
    entries: tuple[LexiconEntry, ...]
    shipped: bool = False  # one of the lexicons that come with preclear

    def info(self) -> dict[str, Any]:
        """What a report says about this lexicon (never its terms)."""
        return {"name": self.name, "version": self.version, "entries": len(self.entries),
                "sha256": self.sha256, "shipped": self.shipped}


def _level(value: Any, path: str, line: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise LexiconError(path, line, "entry has no level")
    level = LEVEL_ALIASES.get(value.strip().lower(), value.strip())
    if level not in LEVELS:
        raise LexiconError(path, line, f"unknown level {value!r} (use one of {' '.join(LEVELS)} or an English alias)")
    return level


def _aliases(value: Any, path: str, line: int) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        items = value.split("|")
    elif isinstance(value, list):
        items = value
    else:
        raise LexiconError(path, line, "aliases must be a list or a |-separated string")
    out = []
    for a in items:
        if not isinstance(a, str):
            raise LexiconError(path, line, f"alias {a!r} is not text")
        if a.strip():
            out.append(a.strip())
    return tuple(out)


def _entry(raw: dict[str, Any], line: int, path: str, name: str, kind: str, placement: str) -> LexiconEntry:
    unknown = set(raw) - _ENTRY_KEYS
    if unknown:
        raise LexiconError(path, line, f"unknown field(s) {', '.join(sorted(unknown))}")
    term = raw.get("term")
    if not isinstance(term, str) or not term.strip():
        raise LexiconError(path, line, "entry has no term")
    boundary = raw.get("boundary") or "auto"
    if boundary not in BOUNDARIES:
        raise LexiconError(path, line, f"boundary must be one of {', '.join(BOUNDARIES)}")
    for key in ("category", "note"):
        if raw.get(key) is not None and not isinstance(raw.get(key), (str, int)):
            raise LexiconError(path, line, f"{key} must be text")
    return LexiconEntry(
        term=term.strip(), level=_level(raw.get("level"), path, line),
        category=str(raw.get("category") or ""), aliases=_aliases(raw.get("aliases"), path, line),
        note=str(raw.get("note") or ""), boundary=boundary, lexicon=name, kind=kind,
        placement=placement, line=line,
    )


@functools.cache
def _line_loader() -> type[yaml.SafeLoader]:
    """A safe loader that remembers the line of every mapping (for errors).

    Built on first use: a scan whose lexicons come from the cache parses no
    YAML, and importing PyYAML (its regular expressions) is ~20 ms of a
    one-file scan's start.
    """
    import yaml

    class LineLoader(yaml.SafeLoader):
        pass

    def construct_mapping(loader: LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
        mapping: dict[Any, Any] = loader.construct_mapping(node, deep=True)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping

    LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return LineLoader


def _load_yaml(text: str, path: str) -> tuple[dict[str, Any], list[tuple[dict[str, Any], int]]]:
    import yaml

    try:
        doc = yaml.load(text, Loader=_line_loader())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        reason = getattr(exc, "problem", None) or str(exc)
        raise LexiconError(path, mark.line + 1 if mark else None, f"invalid YAML: {reason}") from exc
    if not isinstance(doc, dict):
        raise LexiconError(path, 1, "a YAML lexicon is a mapping with name, version and entries")
    doc.pop("__line__", None)
    unknown = set(doc) - _FILE_KEYS
    if unknown:
        raise LexiconError(path, 1, f"unknown top-level field(s) {', '.join(sorted(unknown))}")
    entries = doc.get("entries")
    if not isinstance(entries, list) or not entries:
        raise LexiconError(path, 1, "entries must be a non-empty list")
    rows = []
    for raw in entries:
        if not isinstance(raw, dict):
            raise LexiconError(path, None, f"entry {raw!r} is not a mapping")
        line = raw.pop("__line__")
        rows.append((raw, line))
    return doc, rows


def _load_csv(text: str, path: str) -> list[tuple[dict[str, Any], int]]:
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    if "term" not in header or "level" not in header:
        raise LexiconError(path, 1, "CSV header must name at least term and level")
    unknown = set(header) - _ENTRY_KEYS
    if unknown:
        raise LexiconError(path, 1, f"unknown column(s) {', '.join(sorted(unknown))}")
    rows = []
    for raw in reader:
        if None in raw:
            raise LexiconError(path, reader.line_num, "more fields than the header names")
        if not any((v or "").strip() for v in raw.values()):
            continue
        rows.append(({k: v for k, v in raw.items() if v not in (None, "")}, reader.line_num))
    if not rows:
        raise LexiconError(path, 1, "no entries")
    return rows


def load_lexicon(path: str | Path) -> Lexicon:
    """Load and validate one lexicon file; raises LexiconError on any defect."""
    p = Path(path)
    return parse_lexicon(read_lexicon(p), str(p), p.stem, p.suffix.lower())


def parse_lexicon(data: bytes, where: str, stem: str, suffix: str) -> Lexicon:
    """Validate a lexicon's bytes (``where`` names it in errors and reports;
    ``stem`` is its name when the file gives none)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise LexiconError(where, line, "not UTF-8 text") from exc
    meta: dict[str, Any] = {}
    if suffix in (".yaml", ".yml"):
        meta, rows = _load_yaml(text, where)
    elif suffix == ".csv":
        rows = _load_csv(text, where)
    else:
        raise LexiconError(where, None, "lexicons are .yaml, .yml or .csv files")
    name = str(meta.get("name") or stem)
    kind = meta.get("kind", "secret-point")
    placement = meta.get("placement", "label" if kind != "secret-point" else "anywhere")
    if kind not in KINDS:
        raise LexiconError(where, 1, f"kind must be one of {', '.join(KINDS)}")
    if placement not in PLACEMENTS:
        raise LexiconError(where, 1, f"placement must be one of {', '.join(PLACEMENTS)}")
    entries = tuple(_entry(raw, line, where, name, kind, placement) for raw, line in rows)
    seen: dict[str, int] = {}
    for e in entries:
        if e.term in seen:
            raise LexiconError(where, e.line, f"duplicate term {e.term!r} (first on line {seen[e.term]})")
        seen[e.term] = e.line
    return Lexicon(name=name, version=str(meta.get("version") or ""), kind=kind, placement=placement,
                   path=where, sha256=hashlib.sha256(data).hexdigest(), entries=entries)

