"""The plain numeric rows of a worksheet grid read by one numba pass over its
bytes (``xlsxrows``) instead of ``xlsxsheet._plain_row()`` and a Python
rendering of every literal: the grid of the benchmark's 200,000-cell sheet
is read in about 22 ms of CPU instead of 165.

numba is imported only when the kernel is first needed (``warm``, once
``scanner.native`` says it pays), so a one-file scan never loads it; the
compiled code is cached on disk (``cache=True``), once per machine.  A
Hypothesis test holds the kernel to the pattern's reading.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

# what the kernel saves per byte of grid over the pattern and the Python
# rendering (scanner.native): 0.165 s against 0.022 s CPU for the 8.4 MB grid
# of the benchmark's 200,000-cell sheet.  Importing numba and loading this
# kernel costs a fresh process ~0.33 s (~0.02 s once numba is in), so one or
# two such sheets do not load it and a third does.
KERNEL_SAVES_PER_BYTE = 17e-9
# a shorter grid is read by the pattern even with numba loaded: the kernel
# would save it ~70 us, not worth loading the kernel (~0.02 s) for
KERNEL_MIN_BYTES = 4096
# the shortest cell and row the kernel writes, which bound its output arrays
_SHORTEST_CELL = len('<c r="A1"><v>0</v></c>')
_SHORTEST_ROW = len("<row>" "</row>") + _SHORTEST_CELL

_lock = threading.Lock()
_kernel: Callable[..., Any] | None = None


@dataclass(frozen=True)
class PlainRuns:
    """The kernel's reading: the rows' text (literals as written), each run
    of adjacent plain rows as (grid start, grid end, text start, text end),
    the text span of each literal Python is to render (its start and end,
    flat: one list of ints, not a list per literal for the collector to
    walk), and whether the grid holds a character XML does not allow
    (``xlsxsheet._not_xml_char``) or the name of another grid
    (``sheetData``): either sends it to lxml."""

    text: str
    runs: list[list[int]]
    odd: list[int]
    refused: bool


def _compile() -> Callable[..., Any]:
    from .xlsxrows import plain_runs

    return plain_runs


def warm() -> None:
    """Import numba and load (or compile and cache) the kernel in this process."""
    global _kernel
    with _lock:
        if _kernel is None:
            compiled = _compile()
            compiled(*_arrays(b'<row><c r="A1"><v>1.5</v></c></row>'))
            _kernel = compiled


def is_warm() -> bool:
    return _kernel is not None


def _arrays(grid: bytes) -> tuple[np.ndarray[Any, Any], ...]:
    """The grid's bytes and output arrays sized from its length."""
    n = len(grid)
    return (np.frombuffer(grid, np.uint8), np.empty(n, np.uint8),
            np.empty((n // _SHORTEST_ROW + 1, 4), np.int32), np.empty((n // _SHORTEST_CELL + 1, 2), np.int32))


def plain_runs(grid: bytes) -> PlainRuns | None:
    """The plain rows of the grid ``grid``; None when the kernel met
    something it does not classify as the pattern does (the pattern reads
    the grid then)."""
    if _kernel is None:
        warm()
    assert _kernel is not None
    if len(grid) >= 1 << 31:
        return None
    g, out, runs, odd = _arrays(grid)
    count, odd_count, refused = _kernel(g, out, runs, odd)
    if count < 0:
        return None
    end = int(runs[count - 1, 3]) if count else 0
    # the text decoded from the array itself (no copy of it as bytes first)
    return PlainRuns(str(out[:end].data, "ascii"), runs[:count].tolist(), odd[:odd_count].ravel().tolist(),
                     bool(refused))
