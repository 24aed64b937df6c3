"""REFERENCE for tests/perf/test_pii_prefilter.py: scanner/validate/pii.py as it
was before the Hyperscan shape prefilter (commit 4241b94), verbatim.

Personal data with checksum validation: a number with a wrong check digit
is not an ID.  Candidates come from three compiled patterns over the
normalised text (full-width digits are already ASCII); every candidate is
then validated, and only validated ones become findings.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CARD_CONTEXT = ("卡号", "银行卡", "借记卡", "信用卡", "储蓄卡", "账号", "帐号", "账户", "帐户", "开户", "card")
_USCC_CONTEXT = ("信用代码", "统一社会信用", "uscc")
_CONTEXT_WINDOW = 16

_ID18_RE = re.compile(r"(?<![0-9a-z])[0-9a-z]{18}(?![0-9a-z])", re.IGNORECASE)
_MOBILE_RE = re.compile(r"(?<![0-9])(?:(?:\+|00)?86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]{4}){2}(?![0-9])")
_CARD_RE = re.compile(r"(?<![0-9])[0-9]{4}(?:[ -]?[0-9]){12,15}(?![0-9])")


@dataclass(frozen=True)
class PiiMatch:
    rule: str
    start: int
    end: int
    reason: str


def resident_id_valid(number: str, today: _dt.date | None = None) -> bool:
    """GB 11643: 17 digits, a check character, a plausible birth date."""
    number = number.upper()
    if len(number) != 18 or not number[:17].isdigit() or number[17] not in "0123456789X":
        return False
    if number[0] not in "12345678":
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    if _ID_CHECK[total % 11] != number[17]:
        return False
    try:
        born = _dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    today = today or _dt.date.today()
    return _dt.date(1900, 1, 1) <= born <= today


def uscc_valid(code: str) -> bool:
    """GB 32100: 18 characters from the code set, check character last."""
    code = code.upper()
    if len(code) != 18 or any(c not in _USCC_CHARS for c in code):
        return False
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(code[:17], _USCC_WEIGHTS))
    return _USCC_CHARS[(31 - total % 31) % 31] == code[17]


def luhn_valid(digits: str) -> bool:
    if not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _has_context(text: str, start: int, words: tuple[str, ...]) -> bool:
    window = text[max(0, start - _CONTEXT_WINDOW):start]
    return any(w in window for w in words)


# Prefilter: every candidate holds two characters in a row of the ID pattern's
# class ([0-9a-z] ignoring case, which takes in İ ı ſ K too), so the patterns
# run only in windows around such pairs: on Chinese prose that is a scan at
# memory speed instead of three regular expressions tried at every position.
# A window reaches past the longest candidate (a card with separators, 34
# characters) and ends on a character no pattern can contain, so windows see
# exactly the matches a scan of the whole text sees.
_CLASS = "0-9a-zA-Z\u0130\u0131\u017f\u212a"
_SEED_RE = re.compile(f"[{_CLASS}][{_CLASS}]")
_CANDIDATE_CHARS_RE = re.compile(f"[{_CLASS} +\\-]*")
_REACH = 40


def _windows(text: str) -> list[tuple[int, int]]:
    windows: list[tuple[int, int]] = []
    pos = 0
    while (m := _SEED_RE.search(text, pos)) is not None:
        lo = max(0, m.start() - _REACH)
        hi = _CANDIDATE_CHARS_RE.match(text, min(len(text), m.end() + _REACH)).end()
        if windows and lo <= windows[-1][1]:
            windows[-1] = (windows[-1][0], hi)
        else:
            windows.append((lo, hi))
        pos = hi
    return windows


def find_pii(text: str) -> list[PiiMatch]:
    """Validated personal-data matches in normalised ``text``."""
    found = [m for lo, hi in _windows(text) for m in find_pii_in(text, lo, hi)]
    found.sort(key=lambda p: (p.start, p.end))
    return found


def find_pii_in(text: str, pos: int, endpos: int) -> list[PiiMatch]:
    """The matches in ``text[pos:endpos]`` (the whole text: the reference the
    windowed ``find_pii`` is tested against)."""
    found: list[PiiMatch] = []
    taken: list[tuple[int, int]] = []
    for m in _ID18_RE.finditer(text, pos, endpos):
        token = m.group()
        if resident_id_valid(token):
            found.append(PiiMatch("pii.resident-id", m.start(), m.end(),
                                  "resident ID number (valid GB 11643 check digit and birth date)"))
            taken.append(m.span())
        elif uscc_valid(token) and (not token.isdigit() or _has_context(text, m.start(), _USCC_CONTEXT)):
            found.append(PiiMatch("pii.uscc", m.start(), m.end(),
                                  "unified social credit code (valid GB 32100 check character)"))
            taken.append(m.span())
    for m in _CARD_RE.finditer(text, pos, endpos):
        if any(s <= m.start() < e for s, e in taken):
            continue
        digits = re.sub(r"[ -]", "", m.group())
        if not 16 <= len(digits) <= 19 or not luhn_valid(digits):
            continue
        if digits.startswith("62") or _has_context(text, m.start(), _CARD_CONTEXT):
            found.append(PiiMatch("pii.bank-card", m.start(), m.end(), "bank card number (passes the Luhn check)"))
            taken.append(m.span())
    for m in _MOBILE_RE.finditer(text, pos, endpos):
        if any(s <= m.start() < e for s, e in taken):
            continue
        found.append(PiiMatch("pii.mobile", m.start(), m.end(), "mainland mobile phone number"))
    found.sort(key=lambda p: (p.start, p.end))
    return found
