"""pdfium's per-character map-error flag over a whole text page in one native
loop: numba calls ``FPDFText_HasUnicodeMapError`` directly, about 40 times
cheaper than a ctypes call per character (0.35 ms on a page of 1,000).
``scanner.extract.pdf`` uses it only where numba is already loaded (batch
workers warm it for normalisation), so a one-file scan never imports numba."""
from __future__ import annotations

import ctypes

import numba
import pypdfium2.raw as pdfium_c

_HAS_MAP_ERROR = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int)(
    ctypes.cast(pdfium_c.FPDFText_HasUnicodeMapError, ctypes.c_void_p).value)


@numba.njit(cache=True, nogil=True)
def _any_map_error(has_map_error, textpage, count):  # pragma: no cover - compiled
    for index in range(count):
        if has_map_error(textpage, index):
            return True
    return False


def any_map_error(textpage: object, count: int) -> bool:
    """Whether any of the ``count`` characters of an FPDF_TEXTPAGE has a map error."""
    return bool(_any_map_error(_HAS_MAP_ERROR, ctypes.cast(textpage, ctypes.c_void_p).value, count))
