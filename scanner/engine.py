"""Engine: configuration, lexicons, the automaton and validators, built once
per process (in a pool worker's initializer, in the HTTP service at start-up)
and then used read-only for every item."""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from .config import ScanConfig
from .errors import LexiconError
from .match.automaton import Matcher, build_matcher
from .match.hits import PatternTable
from .match.lexicon import Lexicon, LexiconEntry, lexicon_files, load_lexicon
from .match.marks import FIELD_WORD, LEVEL_WORDS
from .normalize import normalize_term
from .validate import pii
from .validate.segment import WordBoundaries

if TYPE_CHECKING:
    from .cache import ExtractCache

# bump when the grammar, validators or scoring change what a scan reports
RULESET_VERSION = "2026.11.1"


@dataclass(frozen=True)
class Pattern:
    """What one automaton key stands for: a mark anchor or a lexicon term/alias."""

    surface: str
    anchor: str | None = None
    entry: LexiconEntry | None = None


class Engine:
    def __init__(self, config: ScanConfig | None = None) -> None:
        self.config = config or ScanConfig()
        self.lexicons: tuple[Lexicon, ...] = tuple(
            load_lexicon(f) for f in lexicon_files(self.config.lexicons, self.config.default_lexicons))
        by_key: dict[str, list[Pattern]] = {}
        for anchor in (*LEVEL_WORDS, FIELD_WORD):
            by_key.setdefault(anchor, []).append(Pattern(anchor, anchor=anchor))
        short_words: list[str] = []
        for lex in self.lexicons:
            for entry in lex.entries:
                for surface in (entry.term, *entry.aliases):
                    key = normalize_term(surface)
                    if not key:
                        raise LexiconError(lex.path, entry.line, f"term {surface!r} is empty after normalisation")
                    by_key.setdefault(key, []).append(Pattern(surface, entry=entry))
                    if entry.boundary == "word" or (entry.boundary == "auto" and len(key) <= 2):
                        short_words.append(key)
        self.keys: tuple[str, ...] = tuple(by_key)
        self.patterns: tuple[tuple[Pattern, ...], ...] = tuple(tuple(by_key[k]) for k in self.keys)
        self.table = PatternTable(self.patterns)
        self.matcher: Matcher = build_matcher(self.keys, cache_dir=self.config.cache.path())
        self.words = WordBoundaries(short_words, cache_dir=str(self.config.cache.path()))
        pii.prepare(str(self.config.cache.path()))
        self.ruleset_hash = self._ruleset_hash()
        # scanner.cache.ExtractCache, set by the batch drivers (folder scans)
        self.extract_cache: ExtractCache | None = None

    def _ruleset_hash(self) -> str:
        """Changes whenever a lexicon, the rules or the scoring change: a
        stored scan with another hash is stale."""
        h = hashlib.sha256(RULESET_VERSION.encode())
        for lex in self.lexicons:
            h.update(lex.sha256.encode())
        h.update(json.dumps(asdict(self.config.scoring), sort_keys=True).encode())
        return h.hexdigest()
