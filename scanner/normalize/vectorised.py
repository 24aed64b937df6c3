"""The normalisation pass in numpy: what the numba kernel does, in a dozen
array operations over the code points.  About twice the kernel's time per
character, with nothing to load: the path a process takes until numba pays
for itself (scanner.native).  A Hypothesis test holds it to the reference.
"""
from __future__ import annotations

import numpy as np

from .chars import ALNUM, DELETE, HAN, SPACE, TAB, ended_lines
from .kernel import class_table, lookup_table


def normalize_vectorised(original: str) -> tuple[str, np.ndarray | None]:
    """(normalised text, index map or None when nothing was deleted), as
    ``kernel.normalize_fast`` gives them."""
    try:
        raw = original.encode("utf-32-le")
    except UnicodeEncodeError:  # lone surrogates (from a broken UTF-16 source)
        raw = original.encode("utf-32-le", "surrogatepass")
    cps = np.frombuffer(raw, dtype=np.int32)  # code points are below 2**31
    out = lookup_table().take(cps)  # take: a third quicker than indexing by an array
    index: np.ndarray | None = None
    kept = out != DELETE
    if not kept.all():
        index = _positions(kept)
        out = out[kept]
    out, index = _drop_joining_spaces(out, index)
    if index is None and np.array_equal(out, cps):
        return ended_lines(original), None
    return ended_lines(out.tobytes().decode("utf-32-le", "surrogatepass")), index


def _drop_joining_spaces(out: np.ndarray, index: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
    """Delete each run of spaces/tabs that stands between CJK/★ and
    CJK/★/ASCII letter or digit, or between an ASCII letter or digit and
    CJK/★ (the invisibles inside a run are gone already, so a run is a
    stretch of consecutive spaces and tabs here).  Worked out over the
    positions of the blanks, not the whole text: Chinese text has few, and
    in English few runs are dropped."""
    where = np.flatnonzero((out == SPACE) | (out == TAB))
    if not len(where):
        return out, index
    new_run = np.empty(len(where), dtype=bool)  # a blank that does not follow the one before
    new_run[0] = True
    np.not_equal(where[1:], where[:-1] + 1, out=new_run[1:])
    first = np.flatnonzero(new_run)
    starts = where[first]
    ends = where[np.append(first[1:] - 1, len(where) - 1)] + 1
    classes = class_table()
    n = len(out)
    before = np.where(starts > 0, classes.take(out.take(np.maximum(starts - 1, 0))), 0)
    after = np.where(ends < n, classes.take(out.take(np.minimum(ends, n - 1))), 0)
    drop = ((before & HAN != 0) & (after & (HAN | ALNUM) != 0)) | ((before & ALNUM != 0) & (after & HAN != 0))
    if not drop.any():
        return out, index
    keep = np.ones(n, dtype=bool)
    keep[where[np.repeat(drop, ends - starts)]] = False  # every blank of a dropped run
    return out[keep], _positions(keep) if index is None else index[keep]


def _positions(mask: np.ndarray) -> np.ndarray:
    """The positions where ``mask`` holds, as int32 (np.flatnonzero's int64
    would double the map's memory for a moment)."""
    positions: np.ndarray = np.arange(len(mask), dtype=np.int32)[mask]
    return positions
