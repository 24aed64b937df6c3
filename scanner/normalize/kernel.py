"""The normalisation kernel: one numba pass over code points that applies the
1:1 table, deletes invisible characters and the white space the reference
removes, and writes the offset map as it goes (about 50x ``str.translate``).

It must give exactly what ``scanner.normalize.normalize_reference`` gives; a
Hypothesis test holds the two together.  numba is imported only when the
kernel is first needed (``warm``), so a one-file scan never pays for it; the
compiled code is cached on disk (``cache=True``), once per machine.
"""
from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from .chars import ALNUM, CJK, DELETE, HAN, INVISIBLE, STAR, ended_lines, translation_table

_lock = threading.Lock()


def _class_ranges(char_class: str) -> list[tuple[int, int]]:
    """(first, last) code points of each item of a regex character-class
    body such as ``a-z\\u200b``."""
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(char_class):
        if i + 2 < len(char_class) and char_class[i + 1] == "-":
            out.append((ord(char_class[i]), ord(char_class[i + 2])))
            i += 3
        else:
            out.append((ord(char_class[i]), ord(char_class[i])))
            i += 1
    return out


def _fill(table: np.ndarray, char_class: str, value: int) -> None:
    """Set ``table`` to ``value`` at the class's code points, a range at a
    time (indexing by a list of the CJK class's 290,000 took ~5 ms)."""
    for first, last in _class_ranges(char_class):
        table[first:last + 1] = value


@functools.lru_cache(maxsize=1)
def lookup_table() -> np.ndarray:
    """Every code point's replacement, or DELETE for invisible characters."""
    table = np.arange(0x110000, dtype=np.int32)
    mapping = translation_table()
    keys = np.fromiter(mapping.keys(), dtype=np.int64)
    values = np.fromiter(mapping.values(), dtype=np.int32)
    table[keys] = values
    # the reference deletes invisibles after translating, so test the translated
    # value: a code point's own where the table keeps it, its mapping's where not
    invisible = np.zeros(0x110000, dtype=bool)
    _fill(invisible, INVISIBLE, True)
    deleted = invisible.copy()
    deleted[keys] = invisible[values]
    table[deleted] = DELETE
    return table


@functools.lru_cache(maxsize=1)
def class_table() -> np.ndarray:
    """Per code point: HAN for CJK and ★, ALNUM for ASCII letters and digits."""
    classes = np.zeros(0x110000, dtype=np.uint8)
    _fill(classes, CJK + STAR, HAN)
    _fill(classes, "0-9A-Za-z", ALNUM)
    return classes


def _compile() -> Callable[..., Any]:
    from .codepoints import normalize_codepoints

    return normalize_codepoints


_kernel: Callable[..., Any] | None = None


def warm() -> None:
    """Import numba and load (or compile and cache) the kernel in this process."""
    global _kernel
    with _lock:
        if _kernel is None:
            compiled = _compile()
            compiled(np.zeros(1, np.uint32), lookup_table(), class_table(), np.zeros(1, np.int32), np.zeros(1, np.int32))
            _kernel = compiled


def is_warm() -> bool:
    return _kernel is not None


def normalize_fast(original: str) -> tuple[str, np.ndarray | None]:
    """(normalised text, index map or None when nothing was deleted)."""
    if _kernel is None:
        warm()
    assert _kernel is not None
    try:
        raw = original.encode("utf-32-le")
    except UnicodeEncodeError:  # lone surrogates (from a broken UTF-16 source)
        raw = original.encode("utf-32-le", "surrogatepass")
    cps = np.frombuffer(raw, dtype=np.uint32)
    out = np.empty(len(cps), dtype=np.int32)
    index = np.empty(len(cps), dtype=np.int32)  # half the memory traffic of int64; texts stay below 2**31 characters
    kept, changed = _kernel(cps, lookup_table(), class_table(), out, index)
    if kept == len(cps):
        if not changed:
            return ended_lines(original), None
        return ended_lines(out.tobytes().decode("utf-32-le", "surrogatepass")), None
    return ended_lines(out[:kept].tobytes().decode("utf-32-le", "surrogatepass")), index[:kept].copy()
