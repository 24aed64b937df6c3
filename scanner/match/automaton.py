"""The Matcher protocol and its Aho-Corasick backends, chosen by measurement.

A matcher is built once from a list of distinct keys (already normalised)
and reports every occurrence, overlaps included, as a half-open span in
characters plus the key's index.

Which backend (benchmarks/README.md has the numbers, MB/s of UTF-8 text):
- up to ``SMALL_KEYS`` keys (the mark anchors alone): pyahocorasick over
  ``str``, ~540 MB/s; nothing beats a tiny trie walked in C;
- more keys: ahocorasick-rs over the UTF-8 bytes, a DFA up to ``DFA_KEYS``
  keys (~550 MB/s with 500 terms, where pyahocorasick falls to ~27) and the
  default NFA beyond (~75 MB/s with 50,000 terms, pyahocorasick ~7): it
  walks a node's children by table, where pyahocorasick walks them one by
  one and collapses on large CJK lexicons.
"""
from __future__ import annotations

from typing import Iterator, Protocol, Sequence

SMALL_KEYS = 100
DFA_KEYS = 5_000


class Matcher(Protocol):
    def find(self, text: str) -> Iterator[tuple[int, int, int]]:
        """Yield ``(start, end, key_index)`` for every occurrence in ``text``."""
        ...


class PyAhoCorasickMatcher:
    """pyahocorasick automaton; picklable, so it can be handed to workers.
    It reports an inclusive end index: converted here, once."""

    def __init__(self, keys: Sequence[str]) -> None:
        import ahocorasick

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


class RsBytesMatcher:
    """ahocorasick-rs over the text's UTF-8 bytes; byte offsets of the (few)
    hits are turned into character offsets by decoding up to each of them.
    ahocorasick-rs objects cannot be pickled, so pickling keeps the keys and
    the automaton is rebuilt on load."""

    def __init__(self, keys: Sequence[str], dfa: bool | None = None) -> None:
        self.keys = tuple(keys)
        self.dfa = len(self.keys) <= DFA_KEYS if dfa is None else dfa
        self._build()

    def _build(self) -> None:
        import ahocorasick_rs

        self.lengths = [len(k) for k in self.keys]
        impl = ahocorasick_rs.Implementation.DFA if self.dfa else None
        self.automaton = (ahocorasick_rs.BytesAhoCorasick([k.encode("utf-8", "surrogatepass") for k in self.keys],
                                                          implementation=impl) if self.keys else None)

    def __getstate__(self) -> dict:
        return {"keys": self.keys, "dfa": self.dfa}

    def __setstate__(self, state: dict) -> None:
        self.keys, self.dfa = state["keys"], state["dfa"]
        self._build()

    def find(self, text: str) -> Iterator[tuple[int, int, int]]:
        if self.automaton is None:
            return
        data = text.encode("utf-8", "surrogatepass")
        matches = self.automaton.find_matches_as_indexes(data, overlapping=True)
        if not matches:
            return
        chars: dict[int, int] = {}
        done_bytes = done_chars = 0
        for start in sorted({m[1] for m in matches}):
            done_chars += len(data[done_bytes:start].decode("utf-8", "surrogatepass"))
            done_bytes = start
            chars[start] = done_chars
        lengths = self.lengths
        for index, start, _ in matches:
            s = chars[start]
            yield s, s + lengths[index], index


def build_matcher(keys: Sequence[str]) -> Matcher:
    """The fastest measured backend for this many keys."""
    if len(keys) <= SMALL_KEYS:
        return PyAhoCorasickMatcher(keys)
    return RsBytesMatcher(keys)
