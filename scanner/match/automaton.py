"""The Matcher protocol and its backends (Aho-Corasick, Hyperscan, daachorse), chosen by measurement.

A matcher is built once from a list of distinct keys (already normalised)
and reports every occurrence, overlaps included, as a half-open span in
characters plus the key's index.

Which backend (benchmarks/README.md has the numbers, MB/s of UTF-8 text
through this interface, i.e. with encoding and offset mapping):
- up to ``SMALL_KEYS`` keys (the mark anchors alone): pyahocorasick over
  ``str``, ~960 MB/s with 4 anchors; Hyperscan scans the bytes faster but
  encoding them and mapping offsets back costs more (~525 MB/s);
- more keys, wherever Hyperscan's wheel installs (x86-64): its literal
  matcher over the UTF-8 bytes: ~400 MB/s with the shipped lexicons (49
  keys; pyahocorasick 262), ~1,000 with a 500-term unit lexicon
  (pyahocorasick ~25, ahocorasick-rs ~300), ~170 with 50,000 terms that do
  not occur (ahocorasick-rs ~50, pyahocorasick ~8).  Compiling 50,000
  literals takes ~1.7 s (549: 8 ms), so a compiled database of
  ``CACHE_KEYS`` keys or more is kept on disk keyed by the keys' hash
  (loading it: 0.3-1 ms);
- from ``DAACHORSE_KEYS`` keys (a bought word list): daachorse's
  character-wise double array over ``str``, faster than Hyperscan where
  such a list hits every few characters, as fast where it rarely hits,
  slower with a few thousand keys; built in ~77 ms (50,542 keys), read
  from the cache folder in ~3 ms, its checksum verified;
- more keys elsewhere: ahocorasick-rs over the UTF-8 bytes, a DFA up to
  ``DFA_KEYS`` keys and the default NFA beyond: it walks a node's children
  by table, where pyahocorasick walks them one by one and collapses on
  large CJK lexicons.
"""
from __future__ import annotations

import hashlib
import itertools
import threading
from array import array
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ..keyedfiles import read_checked, read_keyed, store_checked, store_keyed

SMALL_KEYS = 20
# from this many keys on daachorse beats Hyperscan (benchmarks/README.md)
DAACHORSE_KEYS = 20_000
DFA_KEYS = 5_000
# compiling fewer keys than this is about as quick as reading a cached
# database (49 keys: 1.4 ms against 0.1; 549, the shipped set and a unit's
# lexicon: 7.8 ms against 0.3, paid by every process that scans)
CACHE_KEYS = 100
# databases of fewer keys are kept as a kind of their own (``hss-``), so a
# few small configurations in turn never push a large database (50,000 keys:
# 1.7 s to compile) out of the cache folder's most recently used few
LARGE_KEYS = 2_000


# (starts, ends, key indexes) of every occurrence, int64 arrays in no particular order
Hits = tuple[np.ndarray, np.ndarray, np.ndarray]


class Matcher(Protocol):
    def find(self, text: str) -> Iterator[tuple[int, int, int]]:
        """Yield ``(start, end, key_index)`` for every occurrence in ``text``."""

    def find_arrays(self, text: str, data: bytes | None = None) -> Hits:
        """Every occurrence as arrays: a dense lexicon's hundreds of
        thousands of hits without a Python tuple each.  ``data``, when
        given, is ``text`` in UTF-8 (lone surrogates kept), for a matcher
        that scans bytes: the caller encodes the text once for all its uses."""


def _no_hits() -> Hits:
    empty = np.zeros(0, dtype=np.int64)
    return empty, empty, empty


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

    def find_arrays(self, text: str, data: bytes | None = None) -> Hits:
        found = np.array(list(self.find(text)), dtype=np.int64).reshape(-1, 3)
        return found[:, 0], found[:, 1], found[:, 2]


class RsBytesMatcher:
    """ahocorasick-rs over the text's UTF-8 bytes (where Hyperscan has no
    wheel); byte offsets of hits become character offsets by ``char_offsets``.
    ahocorasick-rs objects cannot be pickled, so pickling keeps the keys and
    the automaton is rebuilt on load."""

    def __init__(self, keys: Sequence[str], dfa: bool | None = None) -> None:
        self.keys = tuple(keys)
        self.dfa = len(self.keys) <= DFA_KEYS if dfa is None else dfa
        self._build()

    def _build(self) -> None:
        import ahocorasick_rs

        self.lengths = [len(k) for k in self.keys]
        self._length_array = np.array(self.lengths, dtype=np.int64)
        impl = ahocorasick_rs.Implementation.DFA if self.dfa else None
        self.automaton = (ahocorasick_rs.BytesAhoCorasick([k.encode("utf-8", "surrogatepass") for k in self.keys],
                                                          implementation=impl) if self.keys else None)

    def __getstate__(self) -> dict[str, Any]:
        return {"keys": self.keys, "dfa": self.dfa}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.keys, self.dfa = state["keys"], state["dfa"]
        self._build()

    def find(self, text: str) -> Iterator[tuple[int, int, int]]:
        if self.automaton is None:
            return
        data = text.encode("utf-8", "surrogatepass")
        matches = self.automaton.find_matches_as_indexes(data, overlapping=True)
        if not matches:
            return
        chars = char_offsets(data, text, {m[1] for m in matches})
        lengths = self.lengths
        for index, start, _ in matches:
            s = chars[start]
            yield s, s + lengths[index], index

    def find_arrays(self, text: str, data: bytes | None = None) -> Hits:
        if self.automaton is None:
            return _no_hits()
        if data is None:
            data = text.encode("utf-8", "surrogatepass")
        found = np.array(self.automaton.find_matches_as_indexes(data, overlapping=True), dtype=np.int64)
        if not len(found):
            return _no_hits()
        keys = found[:, 0]
        starts = char_offset_array(data, text, found[:, 1])
        return starts, starts + self._length_array[keys], keys


def char_offsets(data: bytes, text: str, byte_starts: set[int]) -> dict[int, int]:
    """Character offset of each byte offset in ``byte_starts`` (all on
    character boundaries of ``data``, the UTF-8 encoding of ``text``).

    Few hits: decode up to each of them (cost ~ the text once); many hits
    (more than one per ~500 bytes): count character-leading bytes with
    numpy once and look every offset up."""
    if len(data) == len(text):
        return {b: b for b in byte_starts}
    if len(byte_starts) * 512 < len(data):
        chars: dict[int, int] = {}
        done_bytes = done_chars = 0
        for start in sorted(byte_starts):
            done_chars += len(data[done_bytes:start].decode("utf-8", "surrogatepass"))
            done_bytes = start
            chars[start] = done_chars
        return chars
    starts = np.fromiter(byte_starts, dtype=np.int64, count=len(byte_starts))
    return dict(zip(starts.tolist(), _chars_before(data)[starts].tolist()))


def _chars_before(data: bytes) -> np.ndarray:
    """``before[b]`` = characters in ``data[:b]``: character-leading bytes
    counted once (int32 where it fits: 5x faster than numpy's default int64)."""
    before = np.zeros(len(data) + 1, dtype=np.int32 if len(data) < 2**31 else np.int64)
    np.cumsum(np.frombuffer(data, dtype=np.uint8) & 0xC0 != 0x80, dtype=before.dtype, out=before[1:])
    return before


def char_offset_array(data: bytes, text: str, byte_starts: np.ndarray) -> np.ndarray:
    """``char_offsets`` for an int64 array of byte offsets (repeats allowed)."""
    if len(data) == len(text):
        return byte_starts
    if len(byte_starts) * 512 < len(data):
        chars = char_offsets(data, text, set(byte_starts.tolist()))
        return np.array([chars[b] for b in byte_starts.tolist()], dtype=np.int64)
    offsets: np.ndarray[Any, Any] = _chars_before(data)[byte_starts].astype(np.int64)
    return offsets


class HyperscanMatcher:
    """Hyperscan's pure-literal compiler over the UTF-8 bytes.  Hyperscan
    reports the end of each match; the start is the end minus the key's
    length in bytes.  A scan needs scratch space of its own per thread (the
    HTTP service scans on several threads).  Pickling keeps the serialised
    database (Dask workers load it in a millisecond)."""

    def __init__(self, keys: Sequence[str], cache_dir: str | Path | None = None) -> None:
        self.keys = tuple(keys)
        self._load(self._database_bytes(cache_dir))

    def _compile(self) -> bytes:
        import hyperscan

        db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        encoded = [k.encode("utf-8", "surrogatepass") for k in self.keys]
        db.compile(expressions=encoded, ids=list(range(len(encoded))), elements=len(encoded), flags=0,
                   literal=True)
        return hyperscan.dumpb(db)

    def _database_bytes(self, cache_dir: str | Path | None) -> bytes:
        """The compiled database, from ``cache_dir`` when it was compiled before."""
        if cache_dir is None or len(self.keys) < CACHE_KEYS:
            return self._compile()
        return cached_database(cache_dir, "hs" if len(self.keys) >= LARGE_KEYS else "hss",
                               "\x00".join(self.keys).encode("utf-8", "surrogatepass"), self._compile)


    def _load(self, data: bytes) -> None:
        import hyperscan

        self._serialised = data
        self.database = hyperscan.loadb(data, hyperscan.HS_MODE_BLOCK)
        self._byte_length_array = np.array([len(k.encode("utf-8", "surrogatepass")) for k in self.keys],
                                           dtype=np.int64)
        self._length_array = np.array([len(k) for k in self.keys], dtype=np.int64)
        self._local = threading.local()

    def __getstate__(self) -> dict[str, Any]:
        return {"keys": self.keys, "database": self._serialised}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.keys = state["keys"]
        self._load(state["database"])

    def _scratch(self) -> Any:
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            import hyperscan

            scratch = self._local.scratch = hyperscan.Scratch(self.database)
        return scratch

    def find(self, text: str) -> Iterator[tuple[int, int, int]]:
        starts, ends, keys = self.find_arrays(text)
        return zip(starts.tolist(), ends.tolist(), keys.tolist())

    def find_arrays(self, text: str, data: bytes | None = None) -> Hits:
        if data is None:
            data = text.encode("utf-8", "surrogatepass")
        found = array("q")  # key, end, key, end, ...: no tuple per hit, numpy reads it in place
        add = found.append
        self.database.scan(data, match_event_handler=lambda key, _from, end, _flags, _ctx: add(key) or add(end),
                           scratch=self._scratch())
        if not found:
            return _no_hits()
        pairs = np.frombuffer(found, dtype=np.int64)
        keys = pairs[0::2]
        starts = char_offset_array(data, text, pairs[1::2] - self._byte_length_array[keys])
        return starts, starts + self._length_array[keys], keys



def _automaton_path(cache_dir: str | Path, prefix: str, source: bytes, library: Any, suffix: str) -> Path:
    """Where what ``library`` built from ``source`` is kept, keyed by both (its version too)."""
    digest = hashlib.sha256(source)
    digest.update(str(getattr(library, "__version__", "")).encode())
    return Path(cache_dir) / "automata" / f"{prefix}-{digest.hexdigest()[:32]}{suffix}"


def cached_database(cache_dir: str | Path, prefix: str, source: bytes, compile_: Callable[[], bytes]) -> bytes:
    """A serialised Hyperscan database kept in ``cache_dir/automata``, keyed
    by what it was compiled from and the Hyperscan version."""
    import hyperscan

    path = _automaton_path(cache_dir, prefix, source, hyperscan, ".db")
    cached = read_keyed(path)
    if cached is not None:
        return cached
    data = compile_()
    store_keyed(path, data)
    return data


class DaachorseMatcher:
    """daachorse's character-wise double-array Aho-Corasick over ``str``:
    with tens of thousands of keys the fastest measured where hits are
    dense (50,542 dictionary words, one hit per ~18 characters: 88-109 MB/s
    against Hyperscan's 71-74), as fast where they are rare, and built in
    ~77 ms where Hyperscan compiles for seconds (and kept in the cache folder).  It reports character
    offsets, so nothing is mapped back.  Rust strings hold no lone
    surrogate: a text with one goes to ahocorasick-rs over bytes."""

    def __init__(self, keys: Sequence[str], cache_dir: str | Path | None = None) -> None:
        import daachorse

        self.keys = tuple(keys)
        automaton = self._cached(cache_dir) if cache_dir is not None else None
        if automaton is None:
            automaton = daachorse.CharwiseDoubleArrayAhoCorasick(list(self.keys))
            if cache_dir is not None:
                store_checked(self._cache_path(cache_dir), automaton.serialize())
        self.automaton: Any = automaton
        self._fallback: RsBytesMatcher | None = None

    def _cache_path(self, cache_dir: str | Path) -> Path:
        import daachorse

        return _automaton_path(cache_dir, "daac", "\x00".join(self.keys).encode("utf-8", "surrogatepass"), daachorse,
                               ".bin")

    def _cached(self, cache_dir: str | Path) -> Any:
        """The automaton of these keys stored before, if its bytes are as
        stored: daachorse checks a serialised automaton's shape, not its
        contents (a flipped byte loads and could match other keys)."""
        import daachorse

        data = read_checked(self._cache_path(cache_dir))
        if data is None:
            return None
        try:
            return daachorse.CharwiseDoubleArrayAhoCorasick.deserialize(data)
        except ValueError:
            return None

    def __getstate__(self) -> dict[str, Any]:
        return {"keys": self.keys}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["keys"])  # type: ignore[misc]

    def find(self, text: str) -> Iterator[tuple[int, int, int]]:
        starts, ends, keys = self.find_arrays(text)
        return zip(starts.tolist(), ends.tolist(), keys.tolist())

    def find_arrays(self, text: str, data: bytes | None = None) -> Hits:
        try:
            found = self.automaton.find_overlapping(text)
        except UnicodeEncodeError:  # a lone surrogate
            if self._fallback is None:
                self._fallback = RsBytesMatcher(self.keys)
            return self._fallback.find_arrays(text, data)
        if not found:
            return _no_hits()
        flat = np.fromiter(itertools.chain.from_iterable(found), dtype=np.int64, count=3 * len(found))
        rows = flat.reshape(-1, 3)
        return rows[:, 0], rows[:, 1], rows[:, 2]


def hyperscan_available() -> bool:
    try:
        import hyperscan  # noqa: F401 - only its presence is asked
    except ImportError:  # no wheel for this platform (it needs x86-64 with SSSE3)
        return False
    return True


def daachorse_available() -> bool:
    try:
        import daachorse  # noqa: F401 - only its presence is asked
    except ImportError:
        return False
    return True


def build_matcher(keys: Sequence[str], cache_dir: str | Path | None = None) -> Matcher:
    """The fastest measured backend for this many keys; large compiled
    Hyperscan databases are kept in ``cache_dir``."""
    if len(keys) <= SMALL_KEYS:
        return PyAhoCorasickMatcher(keys)
    if len(keys) >= DAACHORSE_KEYS and daachorse_available():
        return DaachorseMatcher(keys, cache_dir)
    # the Python binding hands keys over as C strings: one holding a NUL
    # would silently match as its prefix
    if hyperscan_available() and not any("\x00" in k for k in keys):
        return HyperscanMatcher(keys, cache_dir)
    return RsBytesMatcher(keys)
