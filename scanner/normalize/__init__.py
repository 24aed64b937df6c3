"""Normalisation against evasion, keeping a map back to the original text.

Every normalised character comes from exactly one original character (the
mappings are 1:1 and the rest are deletions), so the offset map is a single
array ``index[i] = position in the original of normalised char i``.  A span
``[s, e)`` in normalised text maps back to ``[index[s], index[e-1] + 1)``.
This is the one place that map lives.

Steps, in order:
1. 1:1 character table (``str.translate``): full-width ASCII to half-width,
   ideographic and other spaces to a space, star variants to ★, Latin case
   folding, traditional to simplified characters (OpenCC's character table).
2. delete invisible format characters (zero-width, bidi controls, soft
   hyphen, variation selectors).
3. delete horizontal white space between CJK characters, around ★, and
   between CJK and a Latin letter or digit (机密★5 年, TS7 工程); white space
   between two digits or two Latin words stays, so numbers never merge.
4. every line end is \\n (``chars.ended_lines``): the form feed, the vertical
   tab and the Unicode separators by the table of step 1, a lone \\r here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .. import native
from .chars import CJK, INVISIBLE, SPACES, STAR, STAR_VARIANTS, ended_lines, lines_ended, translation_table
from .islands import normalize_islands

__all__ = ["CJK", "INVISIBLE", "KERNEL_LONG_TEXT", "KERNEL_SAVES_PER_CHAR", "SPACES", "STAR", "STAR_VARIANTS", "NormText", "normalize",
           "normalize_reference", "normalize_term", "translation_table"]

_INVISIBLE_RE = re.compile(f"[{INVISIBLE}]+")
_SPACE_RE = re.compile(
    f"(?<=[{CJK}{STAR}])[ \\t]+(?=[{CJK}{STAR}0-9A-Za-z])|(?<=[0-9A-Za-z])[ \\t]+(?=[{CJK}{STAR}])"
)


@dataclass(frozen=True)
class NormText:
    """Normalised text and the map back to the part's original text."""

    text: str
    original: str
    index: np.ndarray | None  # None: identity (nothing was deleted)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open normalised span to a half-open original span."""
        if self.index is None:
            return start, end
        if end <= start:
            pos = int(self.index[start]) if start < len(self.index) else len(self.original)
            return pos, pos
        return int(self.index[start]), int(self.index[end - 1]) + 1


def _kept_positions(text: str, pattern: re.Pattern[str]) -> np.ndarray | None:
    """Positions of ``text`` not covered by ``pattern``; None when none match."""
    spans = [m.span() for m in pattern.finditer(text)]
    if not spans:
        return None
    keep = np.ones(len(text), dtype=bool)
    for s, e in spans:
        keep[s:e] = False
    return np.flatnonzero(keep)


# below this many characters the pure version is as fast as an array pass
KERNEL_MIN_CHARS = 256
# what the numba kernel saves per character over the numpy pass (measured:
# 0.037 against 0.080 s CPU for the 11 M characters of the benchmark
# folder's text files); scanner.native loads numba once that pays
KERNEL_SAVES_PER_CHAR = 4e-9
# a text this long loads numba whatever it saves in time: at their peaks the
# numpy pass holds 16-31 bytes a character (the more runs of blanks, the
# more), the kernel 18-24, and one part of tens of MB must stay within the
# item's memory budget as it did
KERNEL_LONG_TEXT = 8_000_000


def normalize(original: str) -> NormText:
    """Normalise ``original``; the result maps every character back.

    ASCII text without a star is only case-folded (``str.lower``), and
    mostly-ASCII text is but around its non-ASCII characters
    (``islands``); other long text goes through one pass over its code
    points (numpy's, or the numba kernel's once the process has loaded
    numba), each giving exactly what ``normalize_reference`` gives, about
    10x (numpy) and 20x (numba) faster."""
    if original.isascii() and "*" not in original:
        # ASCII without a star: step 1 only folds case (and makes a form feed
        # a line end), steps 2 and 3 have nothing to delete (no invisible
        # character, no CJK, no ★)
        folded = lines_ended(original.lower())
        return NormText(original if folded == original else folded, original, None)
    if len(original) < KERNEL_MIN_CHARS:
        return normalize_reference(original)
    islands = normalize_islands(original, _text_pass)
    text, index = islands if islands is not None else _text_pass(original)
    return NormText(text, original, index)


def _text_pass(original: str) -> tuple[str, np.ndarray | None]:
    """(text, index) of one pass over the code points: the reference's
    below ``KERNEL_MIN_CHARS``, the numba kernel's once numba pays for its
    load (``scanner.native``), numpy's until then."""
    if len(original) < KERNEL_MIN_CHARS:
        ref = normalize_reference(original)
        return ref.text, ref.index
    from . import kernel

    if (kernel.is_warm() or native.worth(len(original) * KERNEL_SAVES_PER_CHAR)
            or len(original) >= KERNEL_LONG_TEXT):
        if not kernel.is_warm():
            with native.room():
                kernel.warm()
        return kernel.normalize_fast(original)
    from .vectorised import normalize_vectorised

    return normalize_vectorised(original)


def normalize_reference(original: str) -> NormText:
    """The pure-Python normaliser: the specification the kernel is tested against."""
    text = original.translate(translation_table())
    index: np.ndarray | None = None
    for pattern in (_INVISIBLE_RE, _SPACE_RE):
        kept = _kept_positions(text, pattern)
        if kept is None:
            continue
        text = pattern.sub("", text)
        index = kept if index is None else index[kept]
    return NormText(ended_lines(text), original, index)


def normalize_term(term: str) -> str:
    """Normalise a lexicon term or anchor the same way as document text."""
    return normalize(term.strip()).text
