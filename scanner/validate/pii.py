"""Personal data with checksum validation: a number with a wrong check digit
is not an ID.  Candidates come from three compiled patterns over the
normalised text (full-width digits are already ASCII); every candidate is
then validated, and only validated ones become findings.  On tables of
figures the patterns' matches are worked out with numpy instead
(``_find_pii_dense``), with the same result.
"""
from __future__ import annotations

import datetime as _dt
import re
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ..lang import Text
from ..match.automaton import cached_database, char_offsets

_ID_CHECK = "10X98765432"
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# a word of these within _CONTEXT_WINDOW characters before a number
_CARD_CONTEXT = re.compile("卡号|银行卡|借记卡|信用卡|储蓄卡|账号|帐号|账户|帐户|开户|card")
_USCC_CONTEXT = re.compile("信用代码|统一社会信用|uscc")
_CONTEXT_WINDOW = 16
_LUHN_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)  # a digit doubled, as its digit sum

_ID18_RE = re.compile(r"(?<![0-9a-z])[0-9a-z]{18}(?![0-9a-z])", re.IGNORECASE)
_MOBILE_RE = re.compile(r"(?<![0-9])(?:(?:\+|00)?86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]{4}){2}(?![0-9])")
_CARD_RE = re.compile(r"(?<![0-9])[0-9]{4}(?:[ -]?[0-9]){12,15}(?![0-9])")


@dataclass(frozen=True)
class PiiMatch:
    rule: str
    start: int
    end: int
    reason: str


_RESIDENT_ID = Text("resident ID number (valid GB 11643 check digit and birth date)",
                    "居民身份证号码（校验码符合 GB 11643，出生日期有效）")
_USCC = Text("unified social credit code (valid GB 32100 check character)", "统一社会信用代码（校验码符合 GB 32100）")
_BANK_CARD = Text("bank card number (passes the Luhn check)", "银行卡号（通过 Luhn 校验）")
_MOBILE = Text("mainland mobile phone number", "中国大陆手机号码")


def resident_id_valid(number: str, today: _dt.date | None = None) -> bool:
    """GB 11643: 17 digits, a check character, a plausible birth date."""
    number = number.upper()
    if len(number) != 18 or not number[:17].isdigit() or number[17] not in "0123456789X":
        return False
    if number[0] not in "12345678":
        return False
    # the weights are 2**(17-i) mod 11, and 13 = 2 mod 11: the weighted sum
    # is twice the 17 digits read in base 13, mod 11 (one C call)
    if _ID_CHECK[2 * int(number[:17], 13) % 11] != number[17]:
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
    # from the right: digits in odd places as they are, in even places doubled (digit sum)
    total = sum(map(int, digits[-1::-2])) + sum(map(_LUHN_DOUBLED.__getitem__, map(int, digits[-2::-2])))
    return total % 10 == 0


def _has_context(text: str, start: int, words: re.Pattern[str]) -> bool:
    return words.search(text, max(0, start - _CONTEXT_WINDOW), start) is not None


# Prefilter.  Every match of the three patterns lies in one run of
# "candidate characters" (the ID pattern's class, [0-9a-z] ignoring case,
# which takes in İ ı ſ K too, plus space, + and -), and the patterns give the
# same matches in a run whether they scan the run alone or the whole text:
# the look-behinds read the text before it, and its ends are characters no
# pattern can contain.  So the patterns run only over the runs that hold a
# candidate shape: 18 class characters in a row, a mobile's 11 digits or a
# card's 16 (separators allowed).  Hyperscan finds those shapes in one pass
# over the UTF-8 bytes (English prose and tables of figures cost no Python
# per word); where its wheel does not install, windows around any two class
# characters in a row are searched with ``re`` instead.
_CLASS = "0-9a-zA-Z\u0130\u0131\u017f\u212a"
_SEED_RE = re.compile(f"[{_CLASS}][{_CLASS}]")
_CANDIDATE_CHARS_RE = re.compile(f"[{_CLASS} +\\-]*")
# the last character of a chunk that no candidate can contain
_RUN_START_RE = re.compile(f".*[^{_CLASS} +\\-]", re.DOTALL)
_REACH = 40
_MERGE_GAP = 256
# more shape ends than one per this many bytes: the dense path (numpy, below)
# takes the whole text
_DENSE_BYTES = 64
# ... or in the first this many bytes (each shape end costs a Python call:
# a table is seen early)
_DENSE_SAMPLE = 16384
# the shapes, as bytes: ID class (İ ı ſ K in UTF-8 too), mobile, card
_SHAPES = (
    rb"(?:[0-9A-Za-z]|\xc4[\xb0\xb1]|\xc5\xbf|\xe2\x84\xaa){18}",
    rb"1[3-9][0-9][ \-]?[0-9]{4}[ \-]?[0-9]{4}",
    rb"[0-9]{4}(?:[ \-]?[0-9]){12}",
)


def _compile_shapes() -> bytes:
    import hyperscan

    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(expressions=list(_SHAPES), ids=list(range(len(_SHAPES))), elements=len(_SHAPES), flags=0)
    return hyperscan.dumpb(database)


class _ShapeScanner:
    """The Hyperscan database of ``_SHAPES`` (compiling it takes ~70 ms, so
    it is kept in the cache folder when there is one), with scratch space
    per thread (the HTTP service scans on several)."""

    def __init__(self, cache_dir: str | None = None) -> None:
        import hyperscan

        data = _compile_shapes() if cache_dir is None else \
            cached_database(cache_dir, "pii", b"\x00".join(_SHAPES), _compile_shapes)
        self.database = hyperscan.loadb(data, hyperscan.HS_MODE_BLOCK)
        self.terminated: type[Exception] = hyperscan.ScanTerminated
        self._local = threading.local()

    def ends(self, data: bytes, most: int, sample: int = 0) -> list[int] | None:
        """Byte offsets where a shape ends (overlapping shapes included), or
        None as soon as there are more than ``most`` of them, or as many per
        byte in the first ``sample`` bytes."""
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            import hyperscan

            scratch = self._local.scratch = hyperscan.Scratch(self.database)
        found: list[int] = []
        add = found.append
        early = sample * most // len(data) if sample and len(data) > 2 * sample else most

        def on_match(_id: int, _from: int, end: int, _flags: int, _ctx: object) -> bool:
            add(end)
            return len(found) > most or (len(found) > early and end <= sample)

        try:
            self.database.scan(data, match_event_handler=on_match, scratch=scratch)
        except self.terminated:
            return None
        return found


_shapes: _ShapeScanner | None = None


def prepare(cache_dir: str | None = None) -> None:
    """Load the shape database now (the Engine does, before a pool forks),
    from ``cache_dir`` when it was compiled there before."""
    _shape_scanner(cache_dir)


def _shape_scanner(cache_dir: str | None = None) -> _ShapeScanner | None:
    global _shapes
    if _shapes is None:
        try:
            _shapes = _ShapeScanner(cache_dir)
        except ImportError:  # no Hyperscan wheel on this platform
            return None
    return _shapes


def _run_start(text: str, pos: int) -> int:
    """Start of the run of candidate characters that holds ``text[pos]``."""
    lo, width = pos, 64
    while lo > 0:
        lo = max(0, lo - width)
        if (m := _RUN_START_RE.match(text, lo, pos)) is not None:
            return m.end()
        width *= 4
    return 0


def _run_end(text: str, pos: int) -> int:
    """End of the run of candidate characters from ``pos`` on."""
    m = _CANDIDATE_CHARS_RE.match(text, pos)
    assert m is not None  # the pattern matches the empty string
    return m.end()


def _shape_windows(text: str, data: bytes, scanner: _ShapeScanner) -> list[tuple[int, int]] | None:
    """The runs of candidate characters that hold a candidate shape (``data``
    is ``text`` in UTF-8); None where shapes are dense (a table of figures:
    the windows would cover it anyway, and finding them cost a Python step
    per shape)."""
    ends = scanner.ends(data, len(data) // _DENSE_BYTES, _DENSE_SAMPLE)
    if ends is None:
        return None
    if not ends:
        return []
    windows: list[tuple[int, int]] = []
    chars = char_offsets(data, text, set(ends))
    for end in sorted(chars.values()):
        if windows and end <= windows[-1][1]:
            continue
        lo, hi = _run_start(text, end - 1), _run_end(text, end)
        if windows and lo - windows[-1][1] <= _MERGE_GAP:
            # several whole runs scanned at once give the same matches: a
            # table's rows become one window, not two per row
            windows[-1] = (windows[-1][0], hi)
        else:
            windows.append((lo, hi))
    return windows


def _seed_windows(text: str) -> list[tuple[int, int]]:
    """Windows around two class characters in a row, reaching past the
    longest candidate (a card with separators, 34 characters) to a character
    no pattern can contain."""
    windows: list[tuple[int, int]] = []
    pos = 0
    while (m := _SEED_RE.search(text, pos)) is not None:
        lo = max(0, m.start() - _REACH)
        hi = _run_end(text, min(len(text), m.end() + _REACH))
        if windows and lo <= windows[-1][1]:
            windows[-1] = (windows[-1][0], hi)
        else:
            windows.append((lo, hi))
        pos = hi
    return windows


def find_pii(text: str, data: bytes | None = None) -> list[PiiMatch]:
    """Validated personal-data matches in normalised ``text`` (``data``: the
    text in UTF-8 with lone surrogates kept, where the caller has it)."""
    scanner = _shape_scanner()
    if scanner is None:
        found = [m for lo, hi in _seed_windows(text) for m in find_pii_in(text, lo, hi)]
    else:
        if data is None:
            data = text.encode("utf-8", "surrogatepass")
        windows = _shape_windows(text, data, scanner)
        if windows is None:
            return _find_pii_dense(text, 0, len(text))
        found = []
        for lo, hi in windows:  # runs of candidate characters: a long one is a table in the text
            found += _find_pii_dense(text, lo, hi) if hi - lo >= _DENSE_WINDOW else find_pii_in(text, lo, hi)
    found.sort(key=lambda p: (p.start, p.end))
    return found


def find_pii_in(text: str, pos: int, endpos: int) -> list[PiiMatch]:
    """The matches in ``text[pos:endpos]`` (the whole text: the reference the
    windowed ``find_pii`` is tested against)."""
    found: list[PiiMatch] = []
    taken: set[int] = set()  # the positions inside a match found before
    for m in _ID18_RE.finditer(text, pos, endpos):
        token = m.group()
        if resident_id_valid(token):
            found.append(PiiMatch("pii.resident-id", m.start(), m.end(), _RESIDENT_ID))
            taken.update(range(*m.span()))
        elif (not token.isdigit() or _has_context(text, m.start(), _USCC_CONTEXT)) and uscc_valid(token):
            found.append(PiiMatch("pii.uscc", m.start(), m.end(), _USCC))
            taken.update(range(*m.span()))
    for m in _CARD_RE.finditer(text, pos, endpos):
        start = m.start()
        if start in taken:
            continue
        digits = m.group().replace(" ", "").replace("-", "")
        # the cheap tests first: most long numbers in tables are no card
        if not 16 <= len(digits) <= 19:
            continue
        if (digits.startswith("62") or _has_context(text, start, _CARD_CONTEXT)) and luhn_valid(digits):
            found.append(PiiMatch("pii.bank-card", start, m.end(), _BANK_CARD))
            taken.update(range(*m.span()))
    for m in _MOBILE_RE.finditer(text, pos, endpos):
        if m.start() in taken:
            continue
        found.append(PiiMatch("pii.mobile", m.start(), m.end(), _MOBILE))
    found.sort(key=lambda p: (p.start, p.end))
    return found


# Dense text (a table of figures): the three patterns' matches are worked out
# with numpy from the runs of digits and of ID-class characters instead of
# sre trying the patterns at every position, and the check digits are
# computed for all candidates at once.  Only candidates whose check digit is
# right go through the validators above in Python, in the order
# ``find_pii_in`` takes them, so the result is the same (a Hypothesis test
# holds the two equal).
#
#  - ID pattern: a match is a run of exactly 18 class characters.
#  - Card pattern: a match starts where a run of at least 4 digits starts
#    (no digit before it) and follows the chain of digit runs joined by one
#    space or hyphen; it ends after the 16th to 19th digit of the chain, the
#    most digits it can, where a run ends (no digit after it).  finditer
#    then goes on after the match: a start inside it is skipped.
#  - Mobile pattern: its core ``1[3-9]...`` starts a digit run, or 2 or 4
#    digits into one ("86", "0086"); a match starts at most 5 characters
#    before its core, so the pattern is tried only there.
_DIGIT, _ALNUM, _SEP = 1, 2, 4
_PAD = 32  # gathers read up to this far past the end
# a window this long (a table in a document) takes the dense path too
_DENSE_WINDOW = 2048
_DENSE_CHUNK = 1 << 16  # its arrays stay in the CPU cache (1 << 20: half the speed)
_LUHN_LEAST, _LUHN_MOST = 16, 19  # the card pattern's digits


def _class_table() -> npt.NDArray[np.uint8]:
    table = np.zeros(0x2130, dtype=np.uint8)  # the last entry stands for every code point above
    table[ord("0"):ord("9") + 1] = _DIGIT | _ALNUM
    for lo, hi in (("a", "z"), ("A", "Z")):
        table[ord(lo):ord(hi) + 1] = _ALNUM
    table[[0x130, 0x131, 0x17F, 0x212A]] = _ALNUM
    table[[ord(" "), ord("-")]] = _SEP
    return table


_CLASS_TABLE = _class_table()
# per code point (128: any above) its index in _USCC_CHARS ignoring case, or
# -1: a digit's index is its value
_USCC_INDEX = np.full(129, -1, dtype=np.int32)
for _i, _c in enumerate(_USCC_CHARS):
    _USCC_INDEX[ord(_c)] = _USCC_INDEX[ord(_c.lower())] = _i
_USCC_WEIGHT_ARRAY = np.array(_USCC_WEIGHTS, dtype=np.int32)
_ID_WEIGHTS = np.array([pow(2, 17 - i, 11) for i in range(17)], dtype=np.int32)
_ID_CHECK_INDEX = np.array([_USCC_CHARS.index(c) for c in _ID_CHECK], dtype=np.int32)
# a digit's share of the Luhn sum, as it is (+0) or doubled (+10), by the
# column of a row that ends with the candidate's last digit
_LUHN_SHARES = np.array(tuple(range(10)) + _LUHN_DOUBLED, dtype=np.int32)
_LUHN_COLUMNS = np.arange(-_LUHN_MOST, 0)
_LUHN_SIDE = np.where(_LUHN_COLUMNS % 2 == 0, 10, 0).astype(np.int32)


def _runs(mask: npt.NDArray[np.integer[Any]]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Starts and ends of the runs of non-zero values in ``mask`` (which ends
    with a zero)."""
    edges = np.flatnonzero(mask[1:] != mask[:-1]) + 1
    if mask[0]:
        edges = np.concatenate(([0], edges))
    return edges[0::2], edges[1::2]


def _luhn_totals(digits: npt.NDArray[np.int32], begin: npt.NDArray[np.intp],
                 stop: npt.NDArray[np.intp]) -> npt.NDArray[np.int32]:
    """The Luhn sum of each candidate's digits ``digits[begin:stop]`` (16 to
    19 of them), gathered into a row per candidate that ends at the row's
    end: a column then is doubled or not whatever the candidate's length
    (from the right: the last digit as it is, the one before it doubled,
    ...), so one table lookup gives each digit's share.  Prefix sums over
    all the chunk's digits instead cost numpy's scalar cumsum (~2.4 ns a
    digit) twice: three times this on a table of figures."""
    shares = np.take(_LUHN_SHARES, np.take(digits, stop[:, None] + _LUHN_COLUMNS, mode="clip") + _LUHN_SIDE)
    # the first columns are before a shorter candidate's first digit
    short = _LUHN_MOST - _LUHN_LEAST
    shares[:, :short] *= _LUHN_COLUMNS[:short] >= (begin - stop)[:, None]
    totals: npt.NDArray[np.int32] = shares.sum(axis=1, dtype=np.int32)
    return totals


def _find_pii_dense(text: str, start: int, end: int) -> list[PiiMatch]:
    """``find_pii_in(text, start, end)`` with numpy (see above), where the
    whole text or a run of candidate characters: a chunk of about
    _DENSE_CHUNK characters at a time (the arrays take ~12 bytes a
    character), each ending before a character no match can contain, like
    the windows of the shape prefilter."""
    found: list[PiiMatch] = []
    lo = start
    while lo < end:
        hi = end if end - lo < 2 * _DENSE_CHUNK else min(end, _run_end(text, lo + _DENSE_CHUNK))
        if hi - lo > 4 * _DENSE_CHUNK:  # one run of letters and digits that long: no table
            found += find_pii_in(text, lo, hi)
        else:
            found += _find_pii_dense_in(text, lo, hi)
        lo = hi
    return found


def _find_pii_dense_in(text: str, lo: int, hi: int) -> list[PiiMatch]:
    """The matches in ``text[lo:hi]``, a chunk bounded by characters no match
    can contain (numpy positions are from ``lo``)."""
    n = hi - lo
    chunk = text[lo:hi]
    try:
        raw = chunk.encode("utf-32-le")
    except UnicodeEncodeError:  # lone surrogates
        raw = chunk.encode("utf-32-le", "surrogatepass")
    codes = np.zeros(n + _PAD, dtype=np.uint32)
    codes[:n] = np.frombuffer(raw, dtype=np.uint32)
    classes = np.take(_CLASS_TABLE, codes, mode="clip")
    found: list[PiiMatch] = []
    taken = np.zeros(n + _PAD, dtype=bool)  # the positions inside a match found before

    # ID pattern: runs of 18 class characters
    id_starts, id_ends = _runs(classes & _ALNUM)
    id_starts = id_starts[id_ends - id_starts == 18]
    if len(id_starts):
        index = np.take(_USCC_INDEX, codes[id_starts[:, None] + np.arange(18)], mode="clip")
        head, last = index[:, :17], index[:, 17]
        resident = (head.view(np.uint32) < 10).all(axis=1) & (_ID_CHECK_INDEX[head @ _ID_WEIGHTS % 11] == last)
        uscc = (index >= 0).all(axis=1) & (-(head @ _USCC_WEIGHT_ARRAY) % 31 == last)
        for at in id_starts[resident | uscc].tolist():
            start, end = lo + at, lo + at + 18
            token = text[start:end]
            if resident_id_valid(token):
                found.append(PiiMatch("pii.resident-id", start, end, _RESIDENT_ID))
                taken[at:at + 18] = True
            elif (not token.isdigit() or _has_context(text, start, _USCC_CONTEXT)) and uscc_valid(token):
                found.append(PiiMatch("pii.uscc", start, end, _USCC))
                taken[at:at + 18] = True

    # card pattern, over the chains of digit runs
    is_digit = classes & _DIGIT
    run_starts, run_ends = _runs(is_digit)
    cores: list[int] = []
    if len(run_starts):
        lengths = run_ends - run_starts
        # run i and run i + 1 are joined by one separator
        joined = (run_starts[1:] == run_ends[:-1] + 1) & ((classes[run_ends[:-1]] & _SEP) != 0)
        before = np.zeros(len(run_starts) + 1, dtype=np.intp)  # digits in the runs before run i
        np.cumsum(lengths, out=before[1:])
        chain_ends = np.flatnonzero(np.concatenate((~joined, [True])))
        chain_last = chain_ends[np.concatenate(([0], np.cumsum(~joined)))]
        first = np.flatnonzero(lengths >= 4)
        last_run = np.minimum(np.searchsorted(before, before[first] + _LUHN_MOST, side="right") - 2, chain_last[first])
        ok = before[last_run + 1] - before[first] >= _LUHN_LEAST
        first, last_run = first[ok], last_run[ok]
        spanning = np.flatnonzero(last_run > first)
        if len(spanning):
            # a match over several runs: a start inside it is no match of its own
            kept = np.ones(len(run_starts), dtype=bool)
            for i, j in zip(first[spanning].tolist(), last_run[spanning].tolist()):
                if kept[i]:
                    kept[i + 1:j + 1] = False
            keep = kept[first]
            first, last_run = first[keep], last_run[keep]
        starts = run_starts[first]
        free = ~taken[starts]
        first, last_run, starts = first[free], last_run[free], starts[free]
        if len(first):
            digits = (codes[:n][is_digit[:n].view(bool)] - ord("0")).astype(np.int32)
            begin, stop = before[first], before[last_run + 1]
            luhn = _luhn_totals(digits, begin, stop) % 10 == 0
            issuer = (digits[begin] == 6) & (digits[begin + 1] == 2)
            for at, until, is62 in zip(starts[luhn].tolist(), run_ends[last_run[luhn]].tolist(),
                                       issuer[luhn].tolist()):
                start, end = lo + at, lo + until
                if (is62 or _has_context(text, start, _CARD_CONTEXT)) and \
                        luhn_valid(text[start:end].replace(" ", "").replace("-", "")):
                    found.append(PiiMatch("pii.bank-card", start, end, _BANK_CARD))
                    taken[at:until] = True

        # mobile pattern: where its core can start (after "86" or "0086" in a run)
        head_codes = codes[run_starts]
        one = run_starts[head_codes == ord("1")]
        eight = run_starts[head_codes == ord("8")]
        eight = eight[codes[eight + 1] == ord("6")] + 2
        zero = run_starts[head_codes == ord("0")]
        zero = zero[(codes[zero + 1] == ord("0")) & (codes[zero + 2] == ord("8")) & (codes[zero + 3] == ord("6"))] + 4
        at = np.sort(np.concatenate((one, eight, zero)))
        at = at[(codes[at] == ord("1")) & (codes[at + 1] >= ord("3")) & (codes[at + 1] <= ord("9"))
                & (is_digit[at + 2] != 0)]
        after = at + 3  # after the core's first three digits
        for _ in range(2):  # [ -]?[0-9]{4}, twice
            after = after + ((classes[after] & _SEP) != 0)
            for k in range(4):
                digit = is_digit[after + k] != 0
                at, after = at[digit], after[digit]
            after = after + 4
        cores = (at[is_digit[after] == 0] + lo).tolist()
    pos = lo
    for core in cores:
        if core < pos:
            continue
        for start in range(max(pos, core - 5), core + 1):
            if (m := _MOBILE_RE.match(text, start)) is not None:
                if not taken[start - lo]:
                    found.append(PiiMatch("pii.mobile", start, m.end(), _MOBILE))
                pos = m.end()
                break
        else:
            pos = core + 1
    found.sort(key=lambda p: (p.start, p.end))
    return found
