"""The normalisation pass in numpy: what the numba kernel does, in a dozen
array operations over the code points.  About twice the kernel's time per
character, with nothing to load: the path a process takes until numba pays
for itself (scanner.native).  A Hypothesis test holds it to the reference.
"""
from __future__ import annotations

import numpy as np

from .chars import ALNUM, DELETE, HAN, SPACE, TAB
from .kernel import class_table, lookup_table


def normalize_vectorised(original: str) -> tuple[str, np.ndarray | None]:
    """(normalised text, index map or None when nothing was deleted), as
    ``kernel.normalize_fast`` gives them."""
    try:
        raw = original.encode("utf-32-le")
    except UnicodeEncodeError:  # lone surrogates (from a broken UTF-16 source)
        raw = original.encode("utf-32-le", "surrogatepass")
    cps = np.frombuffer(raw, dtype=np.int32)  # code points are below 2**31
    out = lookup_table()[cps]
    index: np.ndarray | None = None
    kept = out != DELETE
    if not kept.all():
        index = _positions(kept)
        out = out[kept]
    out, index = _drop_joining_spaces(out, index)
    if index is None and np.array_equal(out, cps):
        return original, None
    return out.tobytes().decode("utf-32-le", "surrogatepass"), index


def _drop_joining_spaces(out: np.ndarray, index: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
    """Delete each run of spaces/tabs that stands between CJK/★ and
    CJK/★/ASCII letter or digit, or between an ASCII letter or digit and
    CJK/★ (the invisibles inside a run are gone already, so a run is a
    stretch of consecutive spaces and tabs here)."""
    blank = (out == SPACE) | (out == TAB)
    if not blank.any():
        return out, index
    edges = np.diff(blank.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    classes = class_table()
    n = len(out)
    before = np.where(starts > 0, classes[out[starts - 1]], 0)
    after = np.where(ends < n, classes[out[np.minimum(ends, n - 1)]], 0)
    drop = ((before & HAN != 0) & (after & (HAN | ALNUM) != 0)) | ((before & ALNUM != 0) & (after & HAN != 0))
    if not drop.any():
        return out, index
    # +1 where a dropped run starts, -1 where it ends (runs never touch, so
    # the running sum is 0 or 1: one byte a character, as every mask here)
    depth = np.zeros(n + 1, dtype=np.int8)
    depth[starts[drop]] = 1
    depth[ends[drop]] = -1
    keep = np.cumsum(depth[:n], dtype=np.int8) == 0
    return out[keep], _positions(keep) if index is None else index[keep]


def _positions(mask: np.ndarray) -> np.ndarray:
    """The positions where ``mask`` holds, as int32 (np.flatnonzero's int64
    would double the map's memory for a moment)."""
    positions: np.ndarray = np.arange(len(mask), dtype=np.int32)[mask]
    return positions
