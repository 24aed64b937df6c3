"""jieba's cut, exactly, over a double-array automaton of its dictionary.

jieba keeps its dictionary as one dict of every word and every prefix of a
word (about 500,000 entries for its 350,000 words and the lexicons' short
terms): reading it costs each process that confirms a short hit ~0.17 s, and
jieba's DAG walks it one prefix at a time.  Here the words are daachorse
automata (read from the cache folder and checked in ~20 ms) that find every word of a
block in one call, their frequencies beside them.  Everything else is
jieba's own: the splitting of the input, the route through the DAG (the
same floating-point sums in the same order), the HMM for runs of single
characters (``jieba.finalseg``).  A Hypothesis test holds ``WordCut.cut``
to ``jieba.Tokenizer.cut(text, HMM=True)`` over the same dictionary.

Why a word is a word: jieba's DAG at position k lists every end i such
that ``text[k:i+1]`` has a non-zero frequency; its dict holds every prefix
of every word, so its prefix walk reaches exactly the words that start at
k, which is what an automaton of the words reports.
"""
from __future__ import annotations

import functools
import re
import sys
from array import array
from collections.abc import Iterator, Mapping
from math import inf, log
from typing import Any


def import_jieba() -> Any:
    """jieba, imported as where setuptools no longer ships ``pkg_resources``
    (setuptools 81 removed it): jieba's ``_compat`` then opens its data
    files by path.  jieba 0.42.1 imports ``pkg_resources`` only for those
    paths, and that import cost every process confirming a short hit
    ~0.1 s and a deprecation warning (fxsjy/jieba#1043, unmaintained).  A
    process that already holds ``pkg_resources`` keeps it for jieba too."""
    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        import jieba
        return jieba
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # its import raises ImportError
    try:
        import jieba
    finally:
        if sys.modules.get("pkg_resources", 0) is None:
            del sys.modules["pkg_resources"]
    return jieba


@functools.cache
def _jieba_parts() -> tuple[re.Pattern[str], re.Pattern[str], Any]:
    """jieba's block and space patterns and its HMM (``jieba.finalseg``), as jieba cuts with them."""
    jieba = import_jieba()
    from jieba import finalseg

    return jieba.re_han_default, jieba.re_skip_default, finalseg


class Words:
    """A dictionary's words (non-zero frequency) as an automaton and an
    array of their frequencies, in the automaton's pattern order."""

    def __init__(self, automaton: Any, frequencies: array[int]) -> None:
        self.automaton = automaton
        self.frequencies = frequencies

    @classmethod
    def build(cls, freq: Mapping[str, int]) -> Words:
        import daachorse

        words = [w for w, f in freq.items() if f and w]  # daachorse takes no empty pattern
        automaton = daachorse.CharwiseDoubleArrayAhoCorasick(words) if words else None
        return cls(automaton, array("q", (freq[w] for w in words)))

    def serialize(self) -> bytes:
        """The frequencies' count, the frequencies, then the automaton."""
        automaton = self.automaton.serialize() if self.automaton is not None else b""
        return len(self.frequencies).to_bytes(8, "little") + self.frequencies.tobytes() + automaton

    @classmethod
    def deserialize(cls, data: bytes) -> Words:
        """What ``serialize`` wrote; ValueError when it is not that."""
        import daachorse

        count = int.from_bytes(data[:8], "little")
        end = 8 + 8 * count
        if len(data) < end:
            raise ValueError("truncated word frequencies")
        frequencies = array("q")
        frequencies.frombytes(data[8:end])
        automaton = daachorse.CharwiseDoubleArrayAhoCorasick.deserialize(data[end:]) if count else None
        return cls(automaton, frequencies)

class WordCut:
    """``jieba.Tokenizer.cut(text, HMM=True)`` for jieba's dictionary
    (``base``) with words added by ``add_word`` (``added``: their final
    frequencies, which replace the base's) and the total after them."""

    def __init__(self, base: Words, added: Words, added_freq: Mapping[str, int], total: int) -> None:
        self.base, self.added, self.added_freq = base, added, added_freq
        self.logtotal = log(total)

    def cut(self, sentence: str) -> list[str]:
        """Tokenizer.cut: blocks of Han and word characters by the DAG, the rest by spaces and characters."""
        re_han, re_skip, _ = _jieba_parts()
        out: list[str] = []
        for blk in re_han.split(sentence):
            if not blk:
                continue
            if re_han.match(blk):
                out += self._cut_dag(blk)
            else:
                for x in re_skip.split(blk):
                    if re_skip.match(x):
                        out.append(x)
                    else:
                        out.extend(x)
        return out

    def _route(self, sentence: str) -> tuple[list[int], list[dict[int, float] | None]]:
        """jieba's get_DAG and calc: for each position, the last position of
        the word the best route takes from it; and the DAG, each start's
        word ends with the logarithm of their frequency.  The same sums in
        the same order (``log(freq) - logtotal + route``), the larger end on a tie
        (jieba's ``max`` of (sum, end) pairs); a position where no word
        starts takes its character alone (frequency 0, read as 1).  Lists,
        not jieba's dicts of tuples: this loop is most of a confirmation's cost."""
        n = len(sentence)
        starting: list[dict[int, float] | None] = [None] * n  # start -> {last position: log(frequency)}
        for words in (self.base, self.added) if self.added_freq else (self.base,):
            if words.automaton is None:
                continue
            frequencies = words.frequencies
            for s, e, p in words.automaton.find_overlapping(sentence):  # an added word's frequency replaces the base's
                ends = starting[s]
                if ends is None:
                    starting[s] = {e - 1: log(frequencies[p])}
                else:
                    ends[e - 1] = log(frequencies[p])
        logtotal = self.logtotal
        alone = log(1) - logtotal
        score = [0.0] * (n + 1)
        last = list(range(n))
        for idx in range(n - 1, -1, -1):
            ends = starting[idx]
            if ends is None:
                score[idx] = alone + score[idx + 1]
            elif len(ends) == 1:
                for x, logged in ends.items():
                    score[idx] = logged - logtotal + score[x + 1]
                    last[idx] = x
            else:
                best = -inf
                for x in sorted(ends):  # ascending: ``>=`` leaves the larger end on a tie
                    total = ends[x] - logtotal + score[x + 1]
                    if total >= best:
                        best, last[idx] = total, x
                score[idx] = best
        return last, starting

    def _cut_dag(self, sentence: str) -> Iterator[str]:
        """jieba's __cut_DAG: the route's words, each run of single
        characters between them as ``_run`` gives it (a run that is itself
        a word of the dictionary is one the DAG lists from its start)."""
        last, starting = self._route(sentence)
        x = 0
        run_start = -1
        n = len(sentence)
        while x < n:
            y = last[x] + 1
            if y - x == 1:
                if run_start < 0:
                    run_start = x
            else:
                if run_start >= 0:
                    yield from self._run(sentence[run_start:x], x - 1 in (starting[run_start] or ()))
                    run_start = -1
                yield sentence[x:y]
            x = y
        if run_start >= 0:
            yield from self._run(sentence[run_start:], n - 1 in (starting[run_start] or ()))

    @staticmethod
    def _run(buf: str, is_word: bool) -> Iterator[str]:
        """A run of characters the route took one at a time: one character
        as it is, a dictionary word character by character, anything else
        as jieba's HMM cuts it."""
        if len(buf) == 1 or is_word:
            yield from buf
        else:
            _, _, finalseg = _jieba_parts()
            yield from finalseg.cut(buf)
