"""Engine: configuration, lexicons, the automaton and validators, built once
per process (in a pool worker's initializer, in the HTTP service at start-up)
and then shared by every item.  It is frozen: nothing is attached to it
after it is built (what a driver adds per scan, such as the extraction
cache, is an argument of scan_item), so two scans on one engine can only
differ by their items and arguments."""
from __future__ import annotations

import contextlib
import gc
import hashlib
import pickle
from collections.abc import Iterator
from dataclasses import FrozenInstanceError, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from .config import ScanConfig
from .detectors import Detector, detectors
from .errors import LexiconError
from .keyedfiles import read_keyed, store_keyed
from .match.automaton import Matcher, build_matcher
from .match.hits import Pattern, PatternTable
from .match.lexicon import Lexicon, load_lexicon
from .match.marks import FIELD_WORD, LEVEL_WORDS
from .match.shipped import parse_shipped
from .match.sources import lexicon_files, shipped_sources
from .normalize import normalize_term
from .ruleset import lexicon_digests, ruleset_hash
from .validate import pii
from .validate.segment import WordBoundaries


class Engine:
    """Every attribute is set once, here; setting or deleting one afterwards
    raises ``FrozenInstanceError``.  (The word segmenter and the matcher load
    lazily inside themselves: that changes when work is done, never what a
    scan finds.)"""

    def __init__(self, config: ScanConfig | None = None) -> None:
        self.config: Final = config or ScanConfig()
        cache_dir = self.config.cache.path()
        # the shipped set is read and checked against its manifest every time, cache or not
        shipped = shipped_sources() if self.config.default_lexicons else []
        tables = _cached_tables(shipped, lexicon_files(self.config.lexicons), cache_dir)
        self.lexicons: Final[tuple[Lexicon, ...]] = tables.lexicons
        self.keys: Final[tuple[str, ...]] = tables.keys
        self.patterns: Final[tuple[tuple[Pattern, ...], ...]] = tables.patterns
        self.table: Final = tables.table
        self.matcher: Final[Matcher] = build_matcher(self.keys, cache_dir=cache_dir)
        self.words: Final = WordBoundaries(tables.short_words, cache_dir=str(cache_dir))
        pii.prepare(str(cache_dir))
        self.detectors: Final[tuple[Detector, ...]] = detectors()  # built-ins and plugins (a broken plugin: exit 3)
        # scanner.ruleset: the hash current_ruleset_hash computes from the files' bytes alone, so
        # what was parsed must be what that reads (a file changed meanwhile, or a source one of
        # them does not know, would let a stored scan pass for current)
        parsed = [(Path(lex.path).name, lex.sha256) for lex in self.lexicons]
        if parsed != lexicon_digests(self.config):
            raise LexiconError(", ".join(lex.path for lex in self.lexicons) or "lexicons", None,
                               "the lexicon files changed while they were loaded; run again")
        self.ruleset_hash: Final = ruleset_hash(self.config, parsed)
        self._built: Final = True

    if not TYPE_CHECKING:  # hidden from mypy, for which a __setattr__ would make any new attribute fine

        def __setattr__(self, name: str, value: object) -> None:
            if "_built" in self.__dict__:
                raise FrozenInstanceError(f"cannot assign to {name!r}: an Engine is frozen once built")
            super().__setattr__(name, value)

        def __delattr__(self, name: str) -> None:
            raise FrozenInstanceError(f"cannot delete {name!r}: an Engine is frozen once built")


@dataclass(frozen=True)
class _Tables:
    """What the Engine derives from its lexicon files alone."""

    lexicons: tuple[Lexicon, ...]
    keys: tuple[str, ...]
    patterns: tuple[tuple[Pattern, ...], ...]
    table: PatternTable
    short_words: tuple[str, ...]


def _build_tables(shipped: list[tuple[str, str, bytes]], files: list[Path]) -> _Tables:
    lexicons = parse_shipped(shipped) + tuple(load_lexicon(f) for f in files)
    by_key: dict[str, list[Pattern]] = {}
    for anchor in (*LEVEL_WORDS, FIELD_WORD):
        by_key.setdefault(anchor, []).append(Pattern(anchor, anchor=anchor))
    short_words: list[str] = []
    for lex in lexicons:
        for entry in lex.entries:
            for surface in (entry.term, *entry.aliases):
                key = normalize_term(surface)
                if not key:
                    raise LexiconError(lex.path, entry.line, f"term {surface!r} is empty after normalisation")
                by_key.setdefault(key, []).append(Pattern(surface, entry=entry))
                if entry.boundary == "word" or (entry.boundary == "auto" and len(key) <= 2):
                    short_words.append(key)
    patterns = tuple(tuple(ps) for ps in by_key.values())
    return _Tables(lexicons, tuple(by_key), patterns, PatternTable(patterns), tuple(short_words))


# the code that turns lexicon files into tables: a change to it is a new key
_TABLE_SOURCES = ("engine.py", "match/lexicon.py", "match/shipped.py", "match/hits.py", "match/marks.py",
                  "normalize/__init__.py", "normalize/chars.py", "normalize/codepoints.py")


def _cached_tables(shipped: list[tuple[str, str, bytes]], files: list[Path], cache_dir: Path) -> _Tables:
    """The tables of the shipped lexicons and ``files``, from the cache folder
    when these very lexicons (path and bytes) were parsed by this very code before.

    Every configuration is kept, small ones too: parsing, checking and
    normalising 50,000 terms takes ~2 s (unpickling them ~0.3 s), and even the
    shipped YAML alone costs a one-file scan ~50 ms (importing PyYAML, then
    its pure-Python loader, which gives the line numbers of errors), against
    ~1 ms to unpickle.
    """
    try:
        contents = [f.read_bytes() for f in files]
    except OSError:
        return _build_tables(shipped, files)  # load_lexicon reports which file, and why
    digest = hashlib.sha256()
    for _, where, data in shipped:
        digest.update(where.encode("utf-8", "surrogateescape") + b"\x00" + hashlib.sha256(data).digest())
    here = Path(__file__).parent
    for source in _TABLE_SOURCES:
        digest.update((here / source).read_bytes())
    for f, data in zip(files, contents):
        digest.update(str(f).encode("utf-8", "surrogateescape") + b"\x00" + hashlib.sha256(data).digest())
    path = cache_dir / "lexicons" / f"tables-{digest.hexdigest()[:32]}.pickle"
    cached = read_keyed(path)
    if cached is not None:
        try:
            with _collector_paused():
                tables = pickle.loads(cached)
            if isinstance(tables, _Tables):
                return tables
        except (pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError):
            pass
    with _collector_paused():
        tables = _build_tables(shipped, files)
    store_keyed(path, pickle.dumps(tables, protocol=pickle.HIGHEST_PROTOCOL))
    return tables


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The garbage collector off while the tables' objects are made: they
    all live as long as the Engine (which freezes them out of its sight),
    yet each few hundred new ones set off a collection that walked all made
    so far: 110 of the 240 ms that unpickling 50,000 terms took."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
