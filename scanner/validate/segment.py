"""Word-boundary confirmation of short lexicon hits with jieba.

A two-character term matches inside many unrelated words; jieba decides
whether the hit stands as a word in a small window around it.  The
Tokenizer is an instance owned by the Engine (never jieba's module-level
global) and is only initialised when a short hit first needs confirming,
so scans without short terms never pay jieba's dictionary load.

jieba cuts the runs between punctuation (its ``re_han_default`` blocks)
each on its own, so a block's cut points do not depend on its neighbours:
only the blocks of the window that the hit overlaps are cut (usually one of
about five), which gives the cut points jieba gives over the whole window.
"""
from __future__ import annotations

import functools
import hashlib
import logging
import marshal
import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..keyedfiles import read_keyed, read_regular, store_keyed

WINDOW = 20  # characters on each side: ~40-character windows
CUT_CACHE = 8192  # blocks whose cut is kept
WORDS_FORMAT = b"segment-words/1"  # changes when what a words file holds changes


def _base_cache(tokenizer: Any) -> str:
    """Where jieba keeps (and ``_initialize`` reads) its dictionary cache."""
    return str(tokenizer.cache_file or os.path.join(tokenizer.tmp_dir or tempfile.gettempdir(), "jieba.cache"))


def _import_jieba() -> Any:
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


def _initialize(tokenizer: Any) -> None:
    """``tokenizer.initialize()`` for jieba's own dictionary, its cache read
    in one piece: jieba's ``marshal.load`` of the open file reads it a little
    at a time (0.56 s for the 9 MB cache), ``marshal.loads`` of its bytes
    takes 0.18 s.  A cache that is missing or does not hold a dictionary and
    a total is built again from jieba's dict.txt and stored, as jieba does
    (jieba itself would take any two values it unpickled)."""
    if tokenizer.dictionary is not None:  # not jieba's DEFAULT_DICT
        tokenizer.initialize()
        return
    cache = _base_cache(tokenizer)
    try:
        freq, total = marshal.loads(read_regular(cache) or b"")
    except (EOFError, ValueError, TypeError):
        freq = total = None
    if not (isinstance(freq, dict) and freq and isinstance(total, int)):
        freq, total = tokenizer.gen_pfdict(tokenizer.get_dict_file())
        store_keyed(Path(cache), marshal.dumps((freq, total)))
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = freq, total, True


class WordBoundaries:
    def __init__(self, words: Iterable[str], cache_dir: str | None = None) -> None:
        self._words = tuple(dict.fromkeys(words))
        self._cache_dir = cache_dir
        self._tokenizer = None

    def _get(self) -> Any:  # a jieba.Tokenizer
        if self._tokenizer is None:
            jieba = _import_jieba()
            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            if self._cache_dir:
                try:
                    os.makedirs(self._cache_dir, exist_ok=True)
                    tokenizer.tmp_dir = self._cache_dir
                except OSError:
                    pass  # jieba falls back to the system temp folder
            self._load_words(tokenizer, jieba.__version__)
            self._blocks = jieba.re_han_default
            # a block's cut depends on its text alone (jieba's dictionary is fixed from here
            # on): the hits of one sentence, and sentences a folder repeats, share it
            self._cut = functools.lru_cache(maxsize=CUT_CACHE)(
                lambda block: tuple(tokenizer.cut(block, HMM=True)))
            self._tokenizer = tokenizer
        return self._tokenizer

    def _load_words(self, tokenizer: Any, version: str) -> None:
        """jieba's dictionary with the lexicons' short terms added, each at
        jieba's suggested frequency (segmentable, not dominant).  Adding
        them costs a process ~0.13 s for 17,000 terms (each is cut to
        suggest its frequency), so the result is kept in the cache folder,
        keyed by the words, jieba's version and the dictionary cache it
        was built on: a later process reads it in place of that cache."""
        stored = self._words_file(tokenizer, version)
        data = read_keyed(stored) if stored else None
        if data is not None:
            try:
                freq, total = marshal.loads(data)
            except (EOFError, ValueError, TypeError):
                freq = total = None
            if (isinstance(freq, dict) and isinstance(total, int)
                    and all(isinstance(freq.get(w), int) and freq[w] > 0 for w in self._words)):
                tokenizer.FREQ, tokenizer.total, tokenizer.initialized = freq, total, True
                return
        _initialize(tokenizer)
        for w in self._words:
            tokenizer.add_word(w)  # jieba's suggested frequency: segmentable, not dominant
        stored = self._words_file(tokenizer, version)  # the dictionary cache may be new
        if stored:
            store_keyed(stored, marshal.dumps((tokenizer.FREQ, tokenizer.total)))

    def _words_file(self, tokenizer: Any, version: str) -> Path | None:
        """The words file for jieba's own dictionary cache as it is now
        (None: no cache folder, no words, another dictionary, or no
        dictionary cache yet).  A rebuilt dictionary cache is a new file
        (``store_keyed`` replaces it), so its inode and time name it."""
        if not (self._cache_dir and self._words) or tokenizer.dictionary is not None:
            return None
        try:
            base = os.stat(_base_cache(tokenizer))
        except OSError:
            return None
        key = hashlib.sha256(b"\0".join([WORDS_FORMAT, version.encode(),
                                           f"{base.st_dev}:{base.st_ino}:{base.st_size}:{base.st_mtime_ns}".encode(),
                                           "\n".join(self._words).encode("utf-8", "surrogatepass")]))
        return Path(self._cache_dir) / "segment" / f"words-{key.hexdigest()[:32]}.marshal"

    def warm(self) -> None:
        """Load jieba's dictionary now (batch drivers call it before forking
        workers, which then inherit it instead of each loading it)."""
        self._get()

    def confirms(self, text: str, start: int, end: int) -> tuple[bool, str]:
        """Whether ``text[start:end]`` starts and ends on jieba word boundaries
        (of a jieba pass over the window around it)."""
        self._get()
        lo, hi = max(0, start - WINDOW), min(len(text), end + WINDOW)
        s, e = start - lo, end - lo
        cuts = {0}
        inside: list[str] = []  # words overlapping the hit
        at = 0
        for block in self._blocks.split(text[lo:hi]):
            if at < e and at + len(block) > s:  # a block the hit overlaps: its cut points matter
                for word in self._cut(block):
                    if at < e and at + len(word) > s:
                        inside.append(word)
                    at += len(word)
                    cuts.add(at)
            else:  # any other block: only its ends are cut points (one of them may be the hit's)
                at += len(block)
                cuts.add(at)
        if s in cuts and e in cuts:
            return True, "jieba: the term stands as a word here"
        return False, f"jieba: the hit is part of other words ({'/'.join(inside)})"

    def __getstate__(self) -> dict[str, Any]:
        # the tokenizer is rebuilt lazily in each process
        return {"_words": self._words, "_cache_dir": self._cache_dir, "_tokenizer": None}
