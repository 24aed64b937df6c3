"""Did a reading keep the Chinese text of its source?

A reader that goes through a parser or a converter (lxml's HTML parser,
LibreOffice's import of an OpenDocument file) may drop text it cannot place,
silently.  ``lost_han`` compares what the reading gave with the source's
text read plainly: every Chinese character, and every two side by side, must
occur in the reading at least as often.  The pairs too: a page's alt texts
(机构, 密码) held the characters of the text the parser dropped (机密★5年
after ``</html>``), and their count alone passed.
"""
from __future__ import annotations

import numpy as np

_HAN_SPAN = 0xA000 - 0x3400  # U+3400 to U+9FFF, the gap U+4DC0-U+4DFF never counted
_GAP = slice(0x4DC0 - 0x3400, 0x4E00 - 0x3400)


def lost_han(source: str, reading: str, pairs: bool = True) -> bool:
    """Does ``source`` hold a Chinese character, or (``pairs``) two side by
    side, more often than ``reading`` does?"""
    want = _code_points(source)
    want_counts = _han_counts(want)
    if not want_counts.any():
        return False
    have = _code_points(reading)
    if (_han_counts(have) < want_counts).any():
        return True
    if not pairs:
        return False
    want_pairs, want_n = np.unique(_han_pairs(want), return_counts=True)
    have_pairs, have_n = np.unique(_han_pairs(have), return_counts=True)
    at = np.searchsorted(have_pairs, want_pairs)
    found = at < len(have_pairs)
    found[found] = have_pairs[at[found]] == want_pairs[found]
    return bool((~found).any() or (have_n[at[found]] < want_n[found]).any())


def _code_points(text: str) -> np.ndarray:
    """The code points of ``text`` less U+3400, unsigned: one comparison with
    ``_HAN_SPAN`` finds U+3400-U+9FFF (numpy over the code points: a list of
    one-character matches and a Counter cost half of reading a page)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32) - np.uint32(0x3400)


def _han_counts(codes: np.ndarray) -> np.ndarray:
    """How often each character of U+3400-U+4DBF and U+4E00-U+9FFF occurs
    among ``codes`` (``_code_points``); the gap U+4DC0-U+4DFF is cleared
    after counting."""
    counts = np.bincount(codes[codes < _HAN_SPAN], minlength=_HAN_SPAN)
    counts[_GAP] = 0
    return counts


def _han_pairs(codes: np.ndarray) -> np.ndarray:
    """Each two Chinese characters side by side among ``codes`` (as
    ``_han_counts`` counts them, the gap left out), as one number (below
    ``_HAN_SPAN`` squared, which 32 bits hold)."""
    han = (codes < _HAN_SPAN) & ((codes < _GAP.start) | (codes >= _GAP.stop))
    both = han[:-1] & han[1:]
    pairs: np.ndarray = codes[:-1][both] * np.uint32(_HAN_SPAN) + codes[1:][both]
    return pairs
