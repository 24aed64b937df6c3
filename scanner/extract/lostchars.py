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
_GAP = 0x4DC0 - 0x3400  # the gap's first code point less U+3400: the gap is the 64 whose bits above the sixth are its
_PAST = np.uint32(0xFFFFFFFF)  # past every key of _han_keys: closes a reading's sorted keys


def lost_han(source: str, reading: str, pairs: bool = True) -> bool:
    """Does ``source`` hold a Chinese character, or (``pairs``) two side by
    side, more often than ``reading`` does?  A key of the source
    (``_han_keys``) that it holds ``n`` times must be, among the reading's
    keys sorted, the ``n``-th from where it would go: one binary search a
    key, the reading's keys not counted."""
    want = _han_keys(source, pairs)
    if not len(want):
        return False
    keys, counts = np.unique(want, return_counts=True)
    have = np.sort(np.append(_han_keys(reading, pairs), _PAST))
    last = np.searchsorted(have, keys) + counts - 1
    return bool((have.take(last, mode="clip") != keys).any())


def _han_keys(text: str, pairs: bool) -> np.ndarray:
    """Each Chinese character of ``text`` (U+3400-U+9FFF less the gap
    U+4DC0-U+4DFF) as its code point less U+3400, below ``_HAN_SPAN``; with
    ``pairs``, each two side by side too, as one number from ``_HAN_SPAN``
    up to ``_HAN_SPAN`` times one more (32 bits).

    One pass over the whole text keeps its Chinese runs, each with the
    character after it (which parts it from the next run); the rest is done
    on what it kept, a fifth of a page: masking, filtering and pairing each
    took a pass over every character of it."""
    codes = np.array(text).reshape(1).view(np.uint32)  # numpy holds a str as its code points: no encoding
    codes -= np.uint32(0x3400)
    han = codes < _HAN_SPAN
    kept = han.copy()
    kept[1:] |= han[:-1]
    runs = codes[kept]
    is_han = (runs < _HAN_SPAN) & ((runs ^ np.uint32(_GAP)) >= 64)
    chars = runs[is_han]
    if not pairs:
        return chars
    side = (runs[:-1] + np.uint32(1)) * np.uint32(_HAN_SPAN) + runs[1:]
    return np.concatenate((chars, side[is_han[:-1] & is_han[1:]]))
