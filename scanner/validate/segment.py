"""Word-boundary confirmation of short lexicon hits with jieba.

A two-character term matches inside many unrelated words; jieba decides
whether the hit stands as a word in a small window around it.  The
Tokenizer is an instance owned by the Engine (never jieba's module-level
global) and is only initialised when a short hit first needs confirming,
so scans without short terms never pay jieba's dictionary load.

jieba cuts the runs between punctuation (its ``re_han_default`` blocks)
each on its own, so a window is cut block by block and, within one text,
a block's words are remembered: the windows of neighbouring hits share
their inner blocks (a dense 提示 lexicon confirms a hit every ~20
characters).  Only within one text: a scan is as fast the first time.
"""
from __future__ import annotations

import logging
import os
from typing import Iterable

WINDOW = 20  # characters on each side: ~40-character windows
MEMO_BLOCKS = 20_000  # blocks remembered of one text (a few MB at most); then the memo starts again


class WordBoundaries:
    def __init__(self, words: Iterable[str], cache_dir: str | None = None) -> None:
        self._words = tuple(dict.fromkeys(words))
        self._cache_dir = cache_dir
        self._tokenizer = None
        self._memo: dict[str, tuple[str, ...]] = {}
        self._memo_text: str | None = None  # the text whose blocks the memo holds

    def _get(self):  # -> jieba.Tokenizer
        if self._tokenizer is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            if self._cache_dir:
                try:
                    os.makedirs(self._cache_dir, exist_ok=True)
                    tokenizer.tmp_dir = self._cache_dir
                except OSError:
                    pass  # jieba falls back to the system temp folder
            tokenizer.initialize()
            for w in self._words:
                tokenizer.add_word(w)  # jieba's suggested frequency: segmentable, not dominant
            self._blocks = jieba.re_han_default
            self._tokenizer = tokenizer
        return self._tokenizer

    def warm(self) -> None:
        """Load jieba's dictionary now (batch drivers call it before forking
        workers, which then inherit it instead of each loading it)."""
        self._get()

    def confirms(self, text: str, start: int, end: int) -> tuple[bool, str]:
        """Whether ``text[start:end]`` starts and ends on jieba word boundaries."""
        if text is not self._memo_text:
            self._memo_text, self._memo = text, {}
        lo, hi = max(0, start - WINDOW), min(len(text), end + WINDOW)
        words = self.cut(text[lo:hi])
        cuts = [0]
        for w in words:
            cuts.append(cuts[-1] + len(w))
        if start - lo in cuts and end - lo in cuts:
            return True, "jieba: the term stands as a word here"
        inside = [w for w, s, e in zip(words, cuts, cuts[1:]) if s < end - lo and e > start - lo]
        return False, f"jieba: the hit is part of other words ({'/'.join(inside)})"

    def cut(self, window: str) -> list[str]:
        """``jieba.cut(window, HMM=True)``, block by block, each block cut once."""
        tokenizer = self._get()
        memo = self._memo
        words: list[str] = []
        for block in self._blocks.split(window):
            if block:
                cut = memo.get(block)
                if cut is None:
                    if len(memo) >= MEMO_BLOCKS:
                        memo.clear()
                    cut = memo[block] = tuple(tokenizer.cut(block, HMM=True))
                words += cut
        return words

    def __getstate__(self) -> dict:
        # the tokenizer is rebuilt lazily in each process
        return {"_words": self._words, "_cache_dir": self._cache_dir, "_tokenizer": None, "_memo": {},
                "_memo_text": None}
