"""Mostly-ASCII text (an English translation with a Chinese document number,
a page of figures with a few Chinese words): only the stretches around its
non-ASCII characters go through the code point pass, the rest is case-folded.

An ASCII character other than ``*`` is only folded by step 1 (the line ends
of step 4 aside), is never deleted, and a run of blanks between two of them
is never deleted either: step 3 wants CJK or ★ on one side.  So the text
splits into islands, each a run of non-ASCII characters and ``*`` with the
blanks beside it and one character of context on each side (what step 3
looks at), and the ASCII between them.  The islands are normalised in one
pass, joined by line ends (which neither step deletes, nor deletes
beside), and put back between the folded ASCII.  On the benchmark folder's
English texts (three non-ASCII characters in 114,000) this is about a
third of the whole pass.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .chars import lines_ended

# more runs of special characters than one per this many characters: the
# whole pass is as quick (a Python step per island)
CHARS_PER_ISLAND = 2048
# looked at before the text is encoded: more of these slices holding a
# non-ASCII character than ``_SAMPLES_SPECIAL`` and the text is no such text
_SAMPLES, _SAMPLE_CHARS, _SAMPLES_SPECIAL = 16, 64, 2
_SEPARATOR = "\n"
_BLANKS = frozenset(" \t")

TextPass = Callable[[str], "tuple[str, np.ndarray | None]"]


def normalize_islands(original: str, text_pass: TextPass) -> tuple[str, np.ndarray | None] | None:
    """``(text, index)`` as the whole pass gives them, or None when the text
    has too many islands for this to pay.  ``text_pass(segment)`` is the
    whole pass on a segment (step 4 included or not: the separators keep a
    \\r at a segment's end as the text around it would)."""
    step = max(1, len(original) // _SAMPLES)
    if sum(not original[at:at + _SAMPLE_CHARS].isascii() for at in range(0, len(original), step)) > _SAMPLES_SPECIAL:
        return None
    special = _special_positions(original)
    if not len(special) or np.count_nonzero(np.diff(special) != 1) >= len(original) // CHARS_PER_ISLAND:
        return None
    spans = _islands(original, special)
    segments = [original[lo:hi] for lo, hi in spans]
    out, index = text_pass(_SEPARATOR.join(segments))
    return _put_back(original, spans, segments, out, index)


def _special_positions(original: str) -> np.ndarray:
    """The positions of the non-ASCII characters and stars, read off the
    text's UTF-8 (a third of the time of its UTF-32 on such text): a
    character's position is its first byte's less the continuation bytes
    before it, all of which are special."""
    utf8 = np.frombuffer(original.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    at = np.flatnonzero((utf8 >= 0x80) | (utf8 == ord("*")))
    continuation = (utf8[at] & 0xC0) == 0x80
    before = np.cumsum(continuation) - continuation
    positions: np.ndarray = (at - before)[~continuation]
    return positions


def _islands(original: str, special: np.ndarray) -> list[tuple[int, int]]:
    """The islands' spans: each run of special characters widened over the
    blanks and special characters beside it, then by one character each
    side (and over the \\r before it: step 4 reads the character after a
    \\r); spans that touch are one."""
    is_special = np.zeros(len(original) + 1, dtype=bool)
    is_special[special] = True
    spans: list[tuple[int, int]] = []
    n = len(original)
    for at in special.tolist():
        if spans and at < spans[-1][1]:
            continue
        lo = at
        while lo > 0 and (is_special[lo - 1] or original[lo - 1] in _BLANKS):
            lo -= 1
        hi = at + 1
        while hi < n and (is_special[hi] or original[hi] in _BLANKS):
            hi += 1
        lo, hi = max(0, lo - 1), min(n, hi + 1)
        while lo > 0 and original[lo - 1] == "\r":
            lo -= 1  # the pass reads a lone \r at the island's start: one before it is read with it
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], hi)
        else:
            spans.append((lo, hi))
    return spans


def _put_back(original: str, spans: list[tuple[int, int]], segments: list[str], out: str,
              index: np.ndarray | None) -> tuple[str, np.ndarray | None]:
    """The folded ASCII between the islands' normalised text, and the map:
    the identity's pieces and the islands' own, shifted to their place."""
    pieces: list[str] = []
    maps: list[np.ndarray] = []
    joined_at = 0  # the segment's place in the joined input
    begin = prev = 0  # the island's place in ``out``; the end of the island before in ``original``
    for (lo, hi), segment in zip(spans, segments):
        separator = joined_at + len(segment)  # kept, one for one
        end = separator if index is None else int(np.searchsorted(index, separator))
        pieces += (original[prev:lo].lower(), out[begin:end])
        if index is not None:
            maps += (np.arange(prev, lo, dtype=np.int32), (index[begin:end] - joined_at + lo).astype(np.int32))
        joined_at, begin, prev = separator + 1, end + 1, hi
    pieces.append(original[prev:].lower())
    if index is not None:
        maps.append(np.arange(prev, len(original), dtype=np.int32))
    return lines_ended("".join(pieces)), np.concatenate(maps) if index is not None else None
