"""The Matcher protocol and its Aho-Corasick backend.

A matcher is built once from a list of distinct keys (already normalised)
and reports every occurrence, overlaps included, as a half-open span plus
the key's index.  pyahocorasick reports an inclusive end index; it is
converted here, once.
"""
from __future__ import annotations

from typing import Iterator, Protocol, Sequence

import ahocorasick


class Matcher(Protocol):
    def find(self, text: str) -> Iterator[tuple[int, int, int]]:
        """Yield ``(start, end, key_index)`` for every occurrence in ``text``."""
        ...


class PyAhoCorasickMatcher:
    """pyahocorasick automaton; picklable, so it can be handed to workers."""

    def __init__(self, keys: Sequence[str]) -> None:
        self.automaton = ahocorasick.Automaton()
        for i, key in enumerate(keys):
            self.automaton.add_word(key, (i, len(key)))
        if keys:
            self.automaton.make_automaton()
        self.empty = not keys

    def find(self, text: str) -> Iterator[tuple[int, int, int]]:
        if self.empty:
            return
        for last, (index, length) in self.automaton.iter(text):
            yield last + 1 - length, last + 1, index
