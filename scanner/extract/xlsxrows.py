"""The numba-compiled pass behind ``scanner.extract.xlsxkernel`` (imported
only when the kernel is warmed, because importing numba costs ~0.3 s).

It finds the rows ``xlsxsheet._PLAIN_ROW`` reads as plain (cells A, B, C...
in order with a reference, no style, type n written or implied, a number
literal) exactly as that pattern does, byte by byte, and writes their text.
A literal is written as it stands; one whose rendering it cannot prove equal
to itself is listed for Python to render (``repr(float(...))`` and its
shortest-digits rule are not reimplemented here)."""
from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

# byte values
_LT, _GT, _SLASH, _QUOTE, _SPACE, _EQ, _AMP = 60, 62, 47, 34, 32, 61, 38
_DOT, _MINUS, _PLUS, _E, _ZERO, _NINE, _TAB, _NL = 46, 45, 43, 101, 48, 57, 9, 10
_LONGEST_PLAIN = 17  # digits the exact check below handles (any more: Python renders it)
_EXACT_LIMIT = 1 << 53  # integers a double holds exactly
ABORT = -2
_V_END = np.frombuffer(b"</v>", np.uint8)
_CELL = np.frombuffer(b'<c r="', np.uint8)
_TYPE_N = np.frombuffer(b' t="n"', np.uint8)
_VALUE = np.frombuffer(b"><v>", np.uint8)
_CELL_END = np.frombuffer(b"</v></c>", np.uint8)
_ROW_END = np.frombuffer(b"</row>", np.uint8)  # a byte the kernel cannot classify as the pattern would: the caller uses the pattern


@njit(cache=True, nogil=True)
def _is_digit(b: Any) -> Any:  # pragma: no cover - compiled
    return _ZERO <= b <= _NINE


@njit(cache=True, nogil=True)
def _digits(g: Any, i: int, j: int) -> bool:  # pragma: no cover - compiled
    """Whether ``g[i:j]`` is digits alone (a literal that is its own text)."""
    for k in range(i, j):
        if not _is_digit(g[k]):
            return False
    return True


@njit(cache=True, nogil=True)
def _at(g: Any, i: int, text: Any) -> bool:  # pragma: no cover - compiled
    """Whether ``g`` holds the bytes ``text`` at ``i``."""
    if i + len(text) > len(g):
        return False
    for k in range(len(text)):
        if g[i + k] != text[k]:
            return False
    return True


@njit(cache=True, nogil=True)
def _attrs(g: Any, i: int) -> int:  # pragma: no cover - compiled
    """End of ``(?: [A-Za-z_][\\w.:-]*="[^"<&]*")*`` matched at ``i`` (the
    pattern's greedy match, which ends before the first attribute that does
    not match whole); ABORT on a non-ASCII byte in a name, where ``\\w``
    takes letters this loop does not know."""
    n = len(g)
    while i + 1 < n and g[i] == _SPACE:
        b = g[i + 1]
        if not (65 <= b <= 90 or 97 <= b <= 122 or b == 95):
            return i
        j = i + 2
        while j < n:
            b = g[j]
            if 65 <= b <= 90 or 97 <= b <= 122 or 48 <= b <= 57 or b == 95 or b == 46 or b == 58 or b == 45:
                j += 1
            elif b >= 128:
                return ABORT
            else:
                break
        if not (j + 1 < n and g[j] == _EQ and g[j + 1] == _QUOTE):
            return i
        j += 2
        while j < n and g[j] != _QUOTE and g[j] != _LT and g[j] != _AMP:
            j += 1
        if j >= n or g[j] != _QUOTE:
            return i
        i = j + 1
    return i


@njit(cache=True, nogil=True)
def _number_end(g: Any, i: int) -> int:  # pragma: no cover - compiled
    """End of ``_NUMBER`` matched at ``i`` when ``</v>`` follows it, else -1."""
    n = len(g)
    j = i
    if j < n and g[j] == _MINUS:
        j += 1
    if j >= n or not _is_digit(g[j]):
        return -1
    if g[j] == _ZERO:
        j += 1
    else:
        k = j
        while j < n and _is_digit(g[j]) and j - k < 18:
            j += 1
    if j < n and g[j] == _DOT:
        k = j + 1
        j = k
        while j < n and _is_digit(g[j]) and j - k < 20:
            j += 1
        if j == k:
            return -1
    if j < n and g[j] == _E:
        j += 1
        if j < n and (g[j] == _PLUS or g[j] == _MINUS):
            j += 1
        k = j
        while j < n and _is_digit(g[j]) and j - k < 3:
            j += 1
        if j == k:
            return -1
    return j if _at(g, j, _V_END) else -1


@njit(cache=True, nogil=True)
def _nearest(digits: int, exp10: int, powers: Any) -> Any:  # pragma: no cover - compiled
    """The double nearest ``digits`` x 10**``exp10``, for digits <= 2**53 and
    abs(exp10) <= 22: both are exact doubles, and one IEEE operation rounds
    their exact product or quotient correctly."""
    if exp10 >= 0:
        return float(digits) * powers[exp10]
    return float(digits) / powers[-exp10]


@njit(cache=True, nogil=True)
def _two_product(a: float, b: float) -> Any:  # pragma: no cover - compiled
    """(a * b rounded, its rounding error), exactly (Dekker, Veltkamp's split)."""
    p = a * b
    c = 134217729.0 * a
    ah = c - (c - a)
    al = a - ah
    c = 134217729.0 * b
    bh = c - (c - b)
    bl = b - bh
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


@njit(cache=True, nogil=True)
def _within_half_step(digits: int, exp10: int, x: float, powers: Any) -> Any:  # pragma: no cover - compiled
    """Whether ``digits`` x 10**``exp10`` lies strictly closer to its double
    ``x`` than half of 10**``exp10``: the error of the one rounding is exact
    (the product's by Dekker, the quotient's remainder is a double)."""
    if exp10 >= 0:
        _, error = _two_product(float(digits), powers[exp10])
        return abs(error) < powers[exp10] / 2
    high, low = _two_product(x, powers[-exp10])
    return abs((float(digits) - high) - low) < 0.5


@njit(cache=True, nogil=True)
def _shortest(digits: int, exp10: int, powers: Any) -> bool:  # pragma: no cover - compiled
    """Whether ``digits`` x 10**``exp10`` (16 or 17 digits, no trailing zero)
    are the digits ``repr`` gives its double: the shortest decimal that
    rounds to it, and of those the closest.  The decimals that round to a
    double form an interval around it: a shorter one in it puts a neighbour
    with one digit fewer in it; another one as long, digits +- 1."""
    if digits + 1 > _EXACT_LIMIT or exp10 < -22 or exp10 + 1 > 22:
        return False
    x = _nearest(digits, exp10, powers)
    if _nearest(digits // 10, exp10 + 1, powers) == x or _nearest(digits // 10 + 1, exp10 + 1, powers) == x:
        return False
    return bool(_within_half_step(digits, exp10, x, powers)) or (
        _nearest(digits - 1, exp10, powers) != x and _nearest(digits + 1, exp10, powers) != x)


@njit(cache=True, nogil=True)
def _canonical(g: Any, i: int, j: int, powers: Any, scratch: Any) -> bool:  # pragma: no cover - compiled
    """Whether the literal ``g[i:j]`` (a ``_NUMBER``) is its own rendering
    (``_render_column``): digits alone; a negative integer but ``-0``; a
    float literal that is ``repr`` of its double, proved by its digits being
    that double's shortest digits and its form being ``repr``'s.  False
    means only "not proved"."""
    neg = g[i] == _MINUS
    k = i + 1 if neg else i
    dot = -1
    e = -1
    for m in range(k, j):
        if g[m] == _DOT:
            dot = m
        elif g[m] == _E:
            e = m
    if dot < 0 and e < 0:
        return not neg or g[k] != _ZERO  # str(int(literal)) is the literal but for -0
    mantissa_end = e if e >= 0 else j
    exponent = 0
    if e >= 0:
        m = e + 1
        sign = 1
        if g[m] == _MINUS or g[m] == _PLUS:
            sign = -1 if g[m] == _MINUS else 1
            m += 1
        for p in range(m, j):
            exponent = exponent * 10 + (g[p] - _ZERO)
        exponent *= sign
    # the significant digits of the mantissa into scratch, and where the point falls (repr's decpt)
    count = 0
    decpt = 0
    seen_point = False
    for m in range(k, mantissa_end):
        b = g[m]
        if b == _DOT:
            seen_point = True
            continue
        if count == 0 and b == _ZERO:
            if seen_point:
                decpt -= 1
            continue
        if count >= len(scratch) // 2:
            return False
        scratch[count] = b
        count += 1
        if not seen_point:
            decpt += 1
    while count > 0 and scratch[count - 1] == _ZERO:
        count -= 1
    if count == 0:
        return mantissa_end == j and j - k == 3 and g[k] == _ZERO and g[k + 2] == _ZERO  # 0.0 and -0.0
    decpt += exponent
    if count > _LONGEST_PLAIN or decpt < -300 or decpt > 300:
        return False
    if count > 15:  # beyond DBL_DIG: prove the digits are the shortest
        digits = 0
        for m in range(count):
            digits = digits * 10 + (scratch[m] - _ZERO)
        if not _shortest(digits, decpt - count, powers):
            return False
    # repr's form of those digits (float_repr_style 'short'), compared with the literal
    out = len(scratch) // 2
    w = out
    if neg:
        scratch[w] = _MINUS
        w += 1
    if decpt <= -4 or decpt > 16:
        scratch[w] = scratch[0]
        w += 1
        if count > 1:
            scratch[w] = _DOT
            w += 1
            for m in range(1, count):
                scratch[w] = scratch[m]
                w += 1
        scratch[w] = _E
        scratch[w + 1] = _MINUS if decpt - 1 < 0 else _PLUS
        w += 2
        power = abs(decpt - 1)
        if power >= 100:
            scratch[w] = _ZERO + power // 100
            w += 1
        scratch[w] = _ZERO + power // 10 % 10
        scratch[w + 1] = _ZERO + power % 10
        w += 2
    elif decpt <= 0:
        scratch[w] = _ZERO
        scratch[w + 1] = _DOT
        w += 2
        for m in range(-decpt):
            scratch[w] = _ZERO
            w += 1
        for m in range(count):
            scratch[w] = scratch[m]
            w += 1
    else:
        for m in range(max(count, decpt)):
            if m == decpt:
                scratch[w] = _DOT
                w += 1
            scratch[w] = scratch[m] if m < count else _ZERO
            w += 1
        if decpt >= count:
            scratch[w] = _DOT
            scratch[w + 1] = _ZERO
            w += 2
    if w - out != j - i:
        return False
    for m in range(j - i):
        if scratch[out + m] != g[i + m]:
            return False
    return True


@njit(cache=True, nogil=True)
def _row(g: Any, i: int, out: Any, o: int, odd: Any, nodd: int, powers: Any, scratch: Any) -> Any:  # pragma: no cover - compiled
    """Match the plain-row pattern at ``i`` (a ``<row``) and write the row's
    text at ``out[o:]``; (end of the match or -1 or ABORT, end of the text,
    count of odd literals)."""
    j = _attrs(g, i + 4)
    if j < 0:
        return ABORT, o, nodd
    if j >= len(g) or g[j] != _GT:
        return -1, o, nodd
    j += 1
    for col in range(26):
        # <c r="A[0-9]{1,7}"(?: t="n")?><v>NUMBER</v></c>
        if not (_at(g, j, _CELL) and j + 6 < len(g) and g[j + 6] == 65 + col):
            break
        m = j + 7
        while m < len(g) and _is_digit(g[m]) and m - (j + 7) < 7:
            m += 1
        if m == j + 7 or not (m < len(g) and g[m] == _QUOTE):
            break
        m += 1
        if _at(g, m, _TYPE_N):
            m += 6
        if not _at(g, m, _VALUE):
            break
        start = m + 4
        end = _number_end(g, start)
        if end < 0 or not _at(g, end, _CELL_END):
            break
        if col > 0:
            out[o] = _TAB
            o += 1
        literal = o
        for p in range(start, end):
            out[o] = g[p]
            o += 1
        if not _digits(g, start, end) and not _canonical(g, start, end, powers, scratch):
            odd[nodd, 0] = literal
            odd[nodd, 1] = o
            nodd += 1
        j = end + 8
    else:
        col = 26
    if col == 0 or not _at(g, j, _ROW_END):
        return -1, o, nodd
    return j + 6, o, nodd


@njit(cache=True, nogil=True)
def plain_runs(g: Any, out: Any, runs: Any, odd: Any, powers: Any) -> Any:  # pragma: no cover - compiled
    """Write the text of every plain row of the grid ``g`` to ``out`` (rows
    next to each other joined by newlines: one run) and, per run, its
    (grid start, grid end, text start, text end) to ``runs``; the text
    positions of the literals Python must render to ``odd``.  Returns
    (runs, odd literals), or (ABORT, 0)."""
    n = len(g)
    scratch = np.zeros(96, np.uint8)
    nruns = 0
    nodd = 0
    o = 0
    i = 0
    while True:
        # the pattern tries a plain row at every <row followed by a space, / or >
        while i + 4 < n and not (g[i] == _LT and g[i + 1] == 114 and g[i + 2] == 111 and g[i + 3] == 119
                                 and (g[i + 4] == _SPACE or g[i + 4] == _SLASH or g[i + 4] == _GT)):
            i += 1
        if i + 4 >= n:
            break
        adjacent = nruns > 0 and runs[nruns - 1, 1] == i
        text = o + 1 if adjacent else o
        end, written, counted = _row(g, i, out, text, odd, nodd, powers, scratch)
        if end == ABORT:
            return ABORT, 0
        if end < 0:
            i += 4
            continue
        if adjacent:
            out[o] = _NL
            runs[nruns - 1, 1] = end
            runs[nruns - 1, 3] = written
        else:
            runs[nruns, 0] = i
            runs[nruns, 1] = end
            runs[nruns, 2] = o
            runs[nruns, 3] = written
            nruns += 1
        o = written
        nodd = counted
        i = end
    return nruns, nodd

