"""pdfium's per-character calls over a whole text page in one native loop:
numba calls the C functions directly, about 40 times cheaper than a ctypes
call per character (0.35 ms on a page of 1,000).  ``scanner.extract.pdf``
and ``pdf_layout`` use it once numba pays for its load (scanner.native): a
one-file scan never imports numba, a folder of long PDFs soon does."""
from __future__ import annotations

import ctypes
import math
from typing import Any

import numba
import numpy as np
import pypdfium2.raw as pdfium_c


def _address(pointer: Any) -> int:
    """The address behind a ctypes pointer or function (numba calls and reads them directly)."""
    address = ctypes.cast(pointer, ctypes.c_void_p).value
    if address is None:
        raise ValueError("null pointer from pdfium")
    return address


_HAS_MAP_ERROR = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int)(
    _address(pdfium_c.FPDFText_HasUnicodeMapError))
_LOOSE_BOX = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)(
    _address(pdfium_c.FPDFText_GetLooseCharBox))
_ANGLE = ctypes.CFUNCTYPE(ctypes.c_float, ctypes.c_void_p, ctypes.c_int)(
    _address(pdfium_c.FPDFText_GetCharAngle))


@numba.njit(cache=True, nogil=True)
def _any_map_error(has_map_error: Any, textpage: int, count: int) -> bool:  # pragma: no cover - compiled
    for index in range(count):
        if has_map_error(textpage, index):
            return True
    return False


def any_map_error(textpage: Any, count: int) -> bool:
    """Whether any of the ``count`` characters of an FPDF_TEXTPAGE has a map error."""
    return bool(_any_map_error(_HAS_MAP_ERROR, _address(textpage), count))


@numba.njit(cache=True, nogil=True)
def _char_boxes(loose_box: Any, angle: Any, textpage: int, count: int, upright: float,
                out: np.ndarray[Any, Any]) -> None:  # pragma: no cover - compiled
    rect = np.zeros(4, np.float32)  # FS_RECTF: left, top, right, bottom
    for index in range(count):
        a = angle(textpage, index)
        if a < 0 or min(a, 2 * math.pi - a) >= upright or not loose_box(textpage, index, rect.ctypes.data):
            continue
        out[index, 0] = rect[0]
        out[index, 1] = rect[3]
        out[index, 2] = rect[2]
        out[index, 3] = rect[1]


def char_boxes(textpage: Any, count: int, upright: float = 0.05) -> np.ndarray[Any, Any]:
    """Loose boxes (left, bottom, right, top) of upright characters, NaN for the rest."""
    out = np.full((count, 4), np.nan)
    _char_boxes(_LOOSE_BOX, _ANGLE, _address(textpage), count, upright, out)
    return out
