"""The numba-compiled loop behind ``scanner.normalize.kernel`` (imported only
when the kernel is warmed, because importing numba costs ~0.3 s)."""
from __future__ import annotations

from typing import Any

from numba import njit

from .chars import ALNUM, DELETE, HAN, SPACE, TAB


@njit(cache=True, nogil=True)
def normalize_codepoints(cps: Any, table: Any, classes: Any, out: Any, index: Any) -> Any:  # pragma: no cover - compiled
    """Write the normalised code points to ``out`` and, for each, its original
    position to ``index``; return (count written, whether any was mapped).

    A run of spaces/tabs (invisibles inside it are deleted anyway) is deleted
    whole when it stands between CJK/★ and CJK/★/ASCII letter or digit, or
    between an ASCII letter or digit and CJK/★: the per-run reading of the
    reference's regular expression (a lookbehind never sees inside a run)."""
    n = cps.shape[0]
    j = 0
    i = 0
    changed = False
    while i < n:
        c = table[cps[i]]
        if c == DELETE:
            i += 1
            continue
        if c == SPACE or c == TAB:
            k = i
            while k < n:
                t = table[cps[k]]
                if t == SPACE or t == TAB or t == DELETE:
                    k += 1
                else:
                    break
            before = classes[out[j - 1]] if j > 0 else 0
            after = classes[table[cps[k]]] if k < n else 0
            if (before & HAN and after & (HAN | ALNUM)) or (before & ALNUM and after & HAN):
                i = k
                continue
            for m in range(i, k):
                t = table[cps[m]]
                if t != DELETE:
                    if t != cps[m]:
                        changed = True
                    out[j] = t
                    index[j] = m
                    j += 1
            i = k
            continue
        if c != cps[i]:
            changed = True
        out[j] = c
        index[j] = i
        j += 1
        i += 1
    return j, changed
