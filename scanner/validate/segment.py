"""Word-boundary confirmation of short lexicon hits with jieba.

A two-character term matches inside many unrelated words; jieba decides
whether the hit stands as a word in a small window around it.  The cut is
jieba's, over its dictionary with the lexicons' short terms added, made by
``scanner.validate.wordcut`` from automata kept in the cache folder (jieba's
own dict of the dictionary is read only to build them).  It is loaded only
when a short hit first needs confirming, so scans without short terms never
pay for it.

jieba cuts the runs between punctuation (its ``re_han_default`` blocks)
each on its own, so a block's cut points do not depend on its neighbours:
only the blocks of the window that the hit overlaps are cut (usually one of
about five), which gives the cut points jieba gives over the whole window.
"""
from __future__ import annotations

import functools
import hashlib
import itertools
import logging
import marshal
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..keyedfiles import read_checked, read_regular, store_checked, store_keyed
from ..match.automaton import daachorse_available
from .wordcut import WordCut, Words, import_jieba

WINDOW = 20  # characters on each side: ~40-character windows
CUT_CACHE = 8192  # blocks whose cut is kept
WORDS_FORMAT = b"segment-words/2"  # changes when what a words file holds changes
BASE_FORMAT = b"segment-base/1"  # and a base file


def _base_cache(tokenizer: Any) -> str:
    """Where jieba keeps (and ``_initialize`` reads) its dictionary cache."""
    return str(tokenizer.cache_file or os.path.join(tokenizer.tmp_dir or tempfile.gettempdir(), "jieba.cache"))


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


def _writable(folder: Path) -> bool:
    """Whether files can be stored in ``folder`` (made if missing)."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK | os.X_OK)


def _cut_points(wordcut: WordCut | JiebaCut, block: str) -> tuple[tuple[str, ...], frozenset[int]]:
    """A block's words and the offsets where they end."""
    words = tuple(wordcut.cut(block))
    return words, frozenset(itertools.accumulate(map(len, words)))


class JiebaCut:
    """jieba's own cut, where ``WordCut``'s automaton cannot be kept."""

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer

    def cut(self, sentence: str) -> list[str]:
        return list(self.tokenizer.cut(sentence, HMM=True))


class WordBoundaries:
    def __init__(self, words: Iterable[str], cache_dir: str | None = None) -> None:
        self._words = tuple(dict.fromkeys(words))
        self._cache_dir = cache_dir
        self._wordcut: WordCut | JiebaCut | None = None

    def _get(self) -> WordCut | JiebaCut:
        if self._wordcut is None:
            jieba = import_jieba()
            jieba.setLogLevel(logging.WARNING)
            wordcut = self._load(jieba)
            self._blocks = jieba.re_han_default
            # a block's cut depends on its text alone (the dictionary is fixed from here
            # on): the hits of one sentence, and sentences a folder repeats, share it
            self._cut = functools.lru_cache(maxsize=CUT_CACHE)(functools.partial(_cut_points, wordcut))
            self._wordcut = wordcut
        return self._wordcut

    def _load(self, jieba: Any) -> WordCut | JiebaCut:
        """jieba's dictionary with the lexicons' short terms added, each at
        jieba's suggested frequency (segmentable, not dominant), as the
        automata ``WordCut`` cuts with.  Both halves are kept in the cache
        folder: jieba's own words (building their automaton takes ~2.5 s,
        once for a jieba dictionary cache) and the added terms with their
        frequencies and the new total (adding 17,000 terms ~0.13 s: each is
        cut to suggest its frequency).  A process that finds both never
        reads jieba's 500,000-entry dictionary (~0.17 s).  Where jieba's
        automaton cannot be kept (no cache folder, or one this process may
        not write) or daachorse has no wheel, jieba cuts with its own dict
        instead, as it did."""
        tokenizer = jieba.Tokenizer()
        if self._cache_dir:
            try:
                os.makedirs(self._cache_dir, exist_ok=True)
                tokenizer.tmp_dir = self._cache_dir
            except OSError:
                pass  # jieba falls back to the system temp folder
        version = jieba.__version__
        automata = daachorse_available()  # a platform without its wheel: jieba's own cut
        files = self._files(tokenizer, version) if automata else None
        base = self._read_base(files[0]) if files else None
        added = self._read_added(files[1]) if files else None
        if base is not None and added is not None:
            return WordCut(base, *added)
        _initialize(tokenizer)
        before, files = files, self._files(tokenizer, version) if automata else None
        if files != before:  # the dictionary cache is new: so is the base file's name
            base = self._read_base(files[0]) if files else None
        if files and base is None and _writable(files[0].parent):  # the automaton (~2.5 s) pays only when kept
            base = Words.build(tokenizer.FREQ)
            store_checked(files[0], base.serialize())
        for w in self._words:
            tokenizer.add_word(w)
        if files is None or base is None:
            return JiebaCut(tokenizer)
        added_freq = {w: tokenizer.FREQ[w] for w in self._words}
        added_words = Words.build(added_freq)
        store_checked(files[1], marshal.dumps((added_freq, tokenizer.total, added_words.serialize())))
        return WordCut(base, added_words, added_freq, tokenizer.total)

    @staticmethod
    def _read_base(path: Path) -> Words | None:
        data = read_checked(path)
        try:
            return Words.deserialize(data) if data is not None else None
        except ValueError:
            return None

    def _read_added(self, path: Path) -> tuple[Words, dict[str, int], int] | None:
        """(the added words, their frequencies, the total): None unless every term has one."""
        data = read_checked(path)
        if data is None:
            return None
        try:
            freq, total, words = marshal.loads(data)
            if not (isinstance(freq, dict) and isinstance(total, int) and isinstance(words, bytes)
                    and all(isinstance(freq.get(w), int) and freq[w] > 0 for w in self._words)):
                return None
            return Words.deserialize(words), freq, total
        except (EOFError, ValueError, TypeError):
            return None

    def _files(self, tokenizer: Any, version: str) -> tuple[Path, Path] | None:
        """Where jieba's own words (``base-``) and the added terms with their
        frequencies and the total (``words-``) are kept, for jieba's
        dictionary cache as it is now (None: no cache folder, another
        dictionary, or no dictionary cache yet).  A rebuilt dictionary cache
        is a new file (``store_keyed`` replaces it), so its inode and time
        name it."""
        if not self._cache_dir or tokenizer.dictionary is not None:
            return None
        try:
            cache = os.stat(_base_cache(tokenizer))
        except OSError:
            return None
        made = f"{cache.st_dev}:{cache.st_ino}:{cache.st_size}:{cache.st_mtime_ns}".encode()
        base = hashlib.sha256(b"\0".join([BASE_FORMAT, version.encode(), made]))
        words = hashlib.sha256(b"\0".join([WORDS_FORMAT, version.encode(), made,
                                            "\n".join(self._words).encode("utf-8", "surrogatepass")]))
        folder = Path(self._cache_dir) / "segment"
        return folder / f"base-{base.hexdigest()[:32]}.bin", folder / f"words-{words.hexdigest()[:32]}.bin"

    def warm(self) -> None:
        """Load the dictionary now (batch drivers call it before forking
        workers, which then inherit it instead of each loading it)."""
        self._get()

    def confirms(self, text: str, start: int, end: int) -> tuple[bool, str]:
        """Whether ``text[start:end]`` starts and ends on jieba word boundaries
        (of a jieba pass over the window around it).  The window's blocks are
        cut apart, so a boundary of the hit is a cut point where it is a
        block's edge or a word's end inside the block that holds it: only
        those one or two blocks are looked at."""
        self._get()
        lo, hi = max(0, start - WINDOW), min(len(text), end + WINDOW)
        s, e = start - lo, end - lo
        at = 0
        starts: bool | None = None
        ends = False
        for block in self._blocks.split(text[lo:hi]):
            after = at + len(block)
            if starts is None and after > s:  # the block holding the hit's first character
                starts = s == at or s - at in self._cut(block)[1]
                if not starts:
                    break
            if after >= e:  # the block holding its last character
                ends = e == after or e - at in self._cut(block)[1]
                break
            at = after
        if starts and ends:
            return True, "jieba: the term stands as a word here"
        return False, f"jieba: the hit is part of other words ({'/'.join(self._inside(text[lo:hi], s, e))})"

    def _inside(self, window: str, s: int, e: int) -> list[str]:
        """The words of the window's cut that overlap ``[s, e)``."""
        inside: list[str] = []
        at = 0
        for block in self._blocks.split(window):
            if at >= e:
                break
            if at + len(block) > s:
                for word in self._cut(block)[0]:
                    if at < e and at + len(word) > s:
                        inside.append(word)
                    at += len(word)
            else:
                at += len(block)
        return inside

    def __getstate__(self) -> dict[str, Any]:
        # the tokenizer is rebuilt lazily in each process
        return {"_words": self._words, "_cache_dir": self._cache_dir, "_wordcut": None}
