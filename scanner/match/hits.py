"""What an automaton key stands for (``Pattern``), and a part's hits as
arrays, in the order detection considers them.

A bought 提示 word list hits every ~18 characters, and an item lists only
its first ``HINT_CAP`` of them per lexicon; the rest are only counted.  So
hits stay numpy arrays (no Python tuple per hit), are ordered by one sort,
and detection walks them in Python only until a capped lexicon is full;
that lexicon's remaining hits are then counted and taken out in one step.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import NamedTuple

import numpy as np

from ..levels import HINT_LEVEL
from .lexicon import LexiconEntry

_CHUNK = 256  # hits turned into Python ints at a time


class Pattern(NamedTuple):
    """What one automaton key stands for: a mark anchor or a lexicon term/alias.
    (A NamedTuple, like ``LexiconEntry``: an engine's tens of thousands of
    them unpickle from the cache folder in half a frozen dataclass's time.)"""

    surface: str
    anchor: str | None = None
    entry: LexiconEntry | None = None


class PatternTable:
    """Every Pattern of the engine in one flat tuple (key by key, in key
    order), with what detection asks of each as arrays indexed alike."""

    def __init__(self, by_key: Sequence[Sequence[Pattern]]) -> None:
        self.patterns: tuple[Pattern, ...] = tuple(p for ps in by_key for p in ps)
        counts = np.array([len(ps) for ps in by_key], dtype=np.int64)
        self._counts = counts
        self._first = np.cumsum(counts) - counts
        self._one_each = bool((counts == 1).all())
        entries = [p.entry for p in self.patterns]
        # the number of the lexicon of a 提示 entry; -1: a mark or a stronger level
        number: dict[str, int] = {}
        self.hint_group = np.array([number.setdefault(e.lexicon, len(number))
                                    if e is not None and e.level == HINT_LEVEL else -1 for e in entries],
                                   dtype=np.int32)
        self.label = np.array([e is not None and e.placement == "label" for e in entries], dtype=bool)

    def ordered(self, starts: np.ndarray, ends: np.ndarray, keys: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(starts, ends, pattern numbers), one row per pattern of each hit,
        sorted by start, longer first, then pattern number: the order the
        per-hit loop used to sort its tuples into.  Keys are distinct, so
        no two hits share a span and only a key's own patterns tie, kept in
        their order by expanding after sorting.  (Hyperscan reports hits
        nearly in order: the stable sort is the quicker one here.)"""
        if not len(keys):
            return starts, ends, keys
        lengths = ends - starts
        longest = int(lengths.max())
        order = np.argsort(starts * (longest + 1) + (longest - lengths), kind="stable")
        starts, ends, keys = starts[order], ends[order], keys[order]
        if self._one_each:
            return starts, ends, self._first[keys]
        counts = self._counts[keys]
        row = np.repeat(np.arange(len(keys)), counts)
        within = np.arange(len(row)) - np.repeat(np.cumsum(counts) - counts, counts)
        return starts[row], ends[row], self._first[keys][row] + within


class HitQueue:
    """Ordered hits, walked one at a time; ``close`` counts and removes the
    rest of one 提示 lexicon's hits at once."""

    def __init__(self, starts: np.ndarray, ends: np.ndarray, pids: np.ndarray, groups: np.ndarray) -> None:
        self._starts, self._ends, self._pids, self._groups = starts, ends, pids, groups
        self._todo = np.arange(len(pids))
        self._next = 0
        self._version = 0

    def __iter__(self) -> Iterator[tuple[int, int, int, int]]:
        """Yield ``(position, start, end, pattern number)``."""
        while self._next < len(self._todo):
            chunk = self._todo[self._next:self._next + _CHUNK]
            self._next += _CHUNK
            version = self._version
            for hit in zip(chunk.tolist(), self._starts[chunk].tolist(), self._ends[chunk].tolist(),
                           self._pids[chunk].tolist()):
                yield hit
                if self._version != version:
                    break

    def close(self, position: int) -> int:
        """Drop the hits after ``position`` of the lexicon the hit there
        belongs to; returns how many were dropped."""
        rest = self._todo[self._todo > position]
        same = self._groups[rest] == self._groups[position]
        self._todo = rest[~same]
        self._next = 0
        self._version += 1
        return int(np.count_nonzero(same))
