"""The numpy path of personal data for dense text (``_find_pii_dense``, what
``find_pii`` runs on tables of figures) gives exactly what the three
patterns give over the whole text (``find_pii_in(text, 0, len(text))``, the
reference), on tables, digits with separators, the patterns' look-behind and
look-ahead edges and the characters ``[0-9a-z]`` takes in ignoring case."""
from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path

from hypothesis import given, settings, strategies as st

from scanner.validate import pii
from scanner.validate.pii import _ID_CHECK, _LUHN_DOUBLED, _USCC_CHARS, _USCC_WEIGHTS, find_pii, find_pii_in

# the module before the shape prefilter, verbatim (see test_pii_prefilter.py)
if "pii_reference" not in sys.modules:
    _spec = importlib.util.spec_from_file_location("pii_reference", Path(__file__).with_name("pii_reference.py"))
    assert _spec is not None and _spec.loader is not None
    sys.modules["pii_reference"] = importlib.util.module_from_spec(_spec)  # dataclasses look it up
    _spec.loader.exec_module(sys.modules["pii_reference"])
pii_reference = sys.modules["pii_reference"]

DIGITS = "0123456789"


@st.composite
def resident_ids(draw) -> str:
    head = draw(st.sampled_from("12345678")) + draw(st.text(DIGITS, min_size=5, max_size=5))
    born = draw(st.dates(dt.date(1890, 1, 1), dt.date.today() + dt.timedelta(days=400)))
    body = head + born.strftime("%Y%m%d") + draw(st.text(DIGITS, min_size=3, max_size=3))
    if draw(st.booleans()):  # a date that is no date
        body = body[:10] + draw(st.sampled_from(["0230", "1301", "0000", "0431", "0229"])) + body[14:]
    check = _ID_CHECK[2 * int(body, 13) % 11]
    if draw(st.integers(0, 5)) == 0:
        check = draw(st.sampled_from("0123456789Xx"))
    elif check == "X" and draw(st.booleans()):
        check = "x"
    return body + check


@st.composite
def usccs(draw) -> str:
    body = draw(st.text(_USCC_CHARS, min_size=17, max_size=17))
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(body, _USCC_WEIGHTS))
    code = body + _USCC_CHARS[(31 - total % 31) % 31]
    if draw(st.booleans()):
        code = code.lower()
    if draw(st.integers(0, 5)) == 0:
        i = draw(st.integers(0, 17))
        code = code[:i] + draw(st.sampled_from(_USCC_CHARS + "\u0130\u0131\u017f\u212aISOZ")) + code[i + 1:]
    return code


def _luhn_digit(body: str) -> str:
    # the check digit that makes body + digit pass
    total = sum(int(d) if i % 2 else _LUHN_DOUBLED[int(d)] for i, d in enumerate(reversed(body)))
    return str(-total % 10)


def _separate(draw, digits: str) -> str:
    style = draw(st.integers(0, 3))
    if style == 0:
        return digits
    if style == 1:
        sep = draw(st.sampled_from(" -"))
        return sep.join(digits[i:i + 4] for i in range(0, len(digits), 4))
    out = digits[0]
    for d in digits[1:]:
        out += draw(st.sampled_from(["", "", "", " ", "-", "  ", " -"])) + d
    return out


@st.composite
def cards(draw) -> str:
    length = draw(st.integers(12, 22))
    head = draw(st.sampled_from(["62", "4", "5", "0", ""]))
    body = (head + draw(st.text(DIGITS, min_size=length, max_size=length)))[:length - 1]
    digits = body + (_luhn_digit(body) if draw(st.integers(0, 4)) else draw(st.sampled_from(DIGITS)))
    return _separate(draw, digits)


@st.composite
def mobiles(draw) -> str:
    prefix = draw(st.sampled_from(["", "", "86", "+86", "0086", "86 ", "86-", "+86 ", "0086-", "+", "00", "8",
                                   "6", "886", "+0086", "86  ", "1"]))
    core = "1" + draw(st.sampled_from("0123456789")) + draw(st.text(DIGITS, min_size=9, max_size=9))
    core = core[:3] + draw(st.sampled_from(["", " ", "-", "--"])) + core[3:7] \
        + draw(st.sampled_from(["", " ", "-", "  "])) + core[7:]
    return prefix + core + draw(st.sampled_from(["", "", "0", " ", "-", "1"]))


NUMBERS = st.one_of(st.integers(0, 10**12).map(str), st.floats(0, 1e9).map(lambda f: f"{f:,.2f}"),
                    st.dates().map(str))


@st.composite
def cards_holding_a_mobile(draw) -> str:
    # a card whose chain holds a mobile number: the mobile starts inside the card
    head = "62" + draw(st.text(DIGITS, min_size=2, max_size=2))
    mobile = "1" + draw(st.sampled_from("3456789")) + draw(st.text(DIGITS, min_size=9, max_size=9))
    tail = draw(st.text(DIGITS, min_size=0, max_size=3))
    digits = head + mobile + tail
    digits += _luhn_digit(digits)
    seps = [draw(st.sampled_from(["", " ", "-"])) for _ in range(2)]
    return head + seps[0] + mobile[:3] + draw(st.sampled_from(["", " "])) + mobile[3:] + seps[1] + digits[15:]


@st.composite
def usccs_holding_a_number(draw) -> str:
    # a USCC that ends in a mobile number, or in a letter and the first
    # digit of a card that goes on after it
    if draw(st.booleans()):
        body = draw(st.text(_USCC_CHARS, min_size=6, max_size=6)) + draw(st.sampled_from("ABCMNY"))
        body += "1" + draw(st.sampled_from("3456789")) + draw(st.text(DIGITS, min_size=8, max_size=8))
        total = sum(_USCC_CHARS.index(c) * w for c, w in zip(body, _USCC_WEIGHTS))
        return body + _USCC_CHARS[(31 - total % 31) % 31]
    body = draw(st.text(_USCC_CHARS, min_size=12, max_size=12))
    tail = "62" + draw(st.text(DIGITS, min_size=2, max_size=2))
    for letter in "ABCDEFGHJKLMNPQRTUWXY":
        total = sum(_USCC_CHARS.index(c) * w for c, w in zip(body + letter + tail, _USCC_WEIGHTS))
        if (check := _USCC_CHARS[(31 - total % 31) % 31]).isdigit():
            code = body + letter + tail + check
            break
    else:
        return body
    digits = code[13:] + draw(st.text(DIGITS, min_size=10, max_size=13))
    digits += _luhn_digit(digits)
    return code + draw(st.sampled_from(" -")) + _separate(draw, digits[5:])


CONTEXT = ["卡号", "银行卡", "借记卡", "信用卡", "储蓄卡", "账号", "帐号", "账户", "帐户", "开户", "card", "Card",
           "信用代码", "统一社会信用", "uscc", "USCC", "信用卡号", "统一社会信用代码", "电话", "的"]
FIELD = st.one_of(resident_ids(), usccs(), cards(), mobiles(), cards_holding_a_mobile(), usccs_holding_a_number(), NUMBERS,
                  st.text("0123456789 -+86", max_size=30), st.text("0123456789xX", min_size=16, max_size=20),
                  st.text("abcxyzXYZ0123456789\u0130\u0131\u017f\u212a", min_size=1, max_size=24), st.sampled_from(CONTEXT),
                  st.text("的是\n，\U00020001\ud800\ufeff ", max_size=4))
SEPARATORS = st.sampled_from([",", ",", " ", "-", "+", "", "\n", "，", "\t", "x", "a", "\u0130", "\u0131", "\u017f", "\u212a", "K", "0", "8",
                              "卡号", "card ", "信用代码：", "\ud800"])


@st.composite
def tables(draw) -> str:
    rows = []
    for _ in range(draw(st.integers(0, 8))):
        fields = draw(st.lists(FIELD, max_size=8))
        out = ""
        for f in fields:
            out += f + draw(SEPARATORS)
        rows.append(out)
    return draw(st.sampled_from(["\n", "", " ", "-"])).join(rows)


def check(text: str) -> None:
    expected = find_pii_in(text, 0, len(text))
    assert pii._find_pii_dense(text, 0, len(text)) == expected
    assert find_pii(text) == expected
    # and the module as it was before the shape prefilter (a PiiMatch class of its own)
    assert [(m.rule, m.start, m.end, m.reason) for m in expected] == \
        [(m.rule, m.start, m.end, m.reason) for m in pii_reference.find_pii_in(text, 0, len(text))]


@settings(max_examples=3000, deadline=None)
@given(tables())
def test_dense_path_equals_the_whole_text_patterns_on_tables(text):
    check(text)


@settings(max_examples=2000, deadline=None)
@given(st.text("0123456789 -+86\u0130\u0131\u017f\u212axX,", max_size=120))
def test_dense_path_equals_the_whole_text_patterns_on_digits_and_separators(text):
    check(text)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.one_of(mobiles(), cards(), resident_ids(), usccs(), cards_holding_a_mobile(),
                          usccs_holding_a_number()), max_size=6),
       st.lists(st.sampled_from(["", " ", "-", "+", "8", "86", "0", "00", "1", "x", "\u017f", "\u212a", "卡号"]), min_size=7,
                max_size=7))
def test_dense_path_equals_the_whole_text_patterns_at_the_edges(numbers, glue):
    # numbers glued to each other and to digits, signs and class characters
    text = glue[0] + "".join(n + g for n, g in zip(numbers, glue[1:]))
    check(text)


def test_dense_path_finds_every_kind():
    text = ("序号,证件号码,账号,电话\n1,11010519491231002X,6222021234567890128,13800138000\n"
            "2,信用代码91350100M000100Y43,卡号 4111 1111 1111 1111,+86 138-0013-8000\n")
    found = pii._find_pii_dense(text, 0, len(text))
    assert [m.rule for m in found] == ["pii.resident-id", "pii.bank-card", "pii.mobile", "pii.uscc",
                                       "pii.bank-card", "pii.mobile"]
    assert found == find_pii_in(text, 0, len(text))


def test_dense_path_on_empty_and_tiny_text():
    for text in ["", "1", "\ud800", "13800138000", "\u017f" * 18, "\u212a" + "1" * 17]:
        check(text)


def test_a_table_at_the_start_of_long_text_takes_the_dense_path():
    table = "".join(f"{i},11010519491231002X,6222021234567890128,{13800138000 + i}\n" for i in range(400))
    text = table + "正文没有号码。Plain words, no numbers. " * 2000
    assert len(table.encode()) > pii._DENSE_SAMPLE and len(text.encode()) > 2 * len(table.encode())
    assert pii._shape_windows(text, text.encode(), pii._shape_scanner()) is None
    assert pii._shape_windows(text[len(table):], text[len(table):].encode(), pii._shape_scanner()) == []
    check(text)
    assert len(find_pii(text)) == 3 * 400


@settings(max_examples=1500, deadline=None)
@given(tables(), st.integers(1, 40))
def test_dense_path_in_chunks_equals_the_whole_text_patterns(text, chunk):
    # chunks end before a character no match can contain; a run longer than
    # four chunks goes to the patterns
    saved = pii._DENSE_CHUNK
    pii._DENSE_CHUNK = chunk
    try:
        assert pii._find_pii_dense(text, 0, len(text)) == find_pii_in(text, 0, len(text))
    finally:
        pii._DENSE_CHUNK = saved


@settings(max_examples=1500, deadline=None)
@given(st.lists(tables(), min_size=1, max_size=4), st.integers(0, 60), st.integers(1, 12))
def test_long_windows_of_sparse_text_take_the_dense_path_alike(parts, window, chunk):
    # tables inside prose: the shape prefilter's windows, the long ones
    # through the dense path (here any window of ``window`` characters, in
    # chunks of ``chunk``)
    prose = "\n" + "正文。" * 400 + "\n"
    text = prose + prose.join(parts) + prose
    saved = pii._DENSE_WINDOW, pii._DENSE_CHUNK
    pii._DENSE_WINDOW, pii._DENSE_CHUNK = window, chunk
    try:
        assert find_pii(text) == find_pii_in(text, 0, len(text))
    finally:
        pii._DENSE_WINDOW, pii._DENSE_CHUNK = saved
