"""numba, loaded once it pays for itself.

Importing numba and loading a cached kernel costs a process about 0.3 s of
one core (more on a busy machine), while each kernel saves only nanoseconds
per character over the numpy or ctypes path a stage uses without it (4 ns a
character for normalisation, a third of a microsecond per pdfium call).
Each stage reports what its kernel would have saved on the work it was
given; once that adds up to the load, the process loads numba and that
stage's kernel, and any stage uses its kernel from then on.  A one-file
scan, and most folders, never load numba at all.
"""
from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

from .budget import allowance

# what importing numba and loading the first cached kernel costs a process
LOAD_SECONDS = 0.3
# address space numba and llvmlite map when they load: not the item's memory
LOAD_MEMORY = 512 << 20

_saved = 0.0


def worth(saving: float) -> bool:
    """Count ``saving`` seconds a kernel would save on the work at hand;
    whether kernels are to be used for it (numba is loaded already, or what
    they would have saved so far pays for loading it)."""
    global _saved
    _saved += saving
    return "numba" in sys.modules or _saved >= LOAD_SECONDS


@contextlib.contextmanager
def room() -> Iterator[None]:
    """Memory for numba to load in, beyond the item's cap."""
    with allowance(LOAD_MEMORY):
        yield
