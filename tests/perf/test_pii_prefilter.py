"""The Hyperscan shape prefilter of personal data (and the reordered,
faster validators) give exactly what the module gave before them
(``pii_reference.py``, a verbatim copy), and what the three patterns give
over the whole text."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from hypothesis import given, settings, strategies as st

from scanner.validate import pii
from scanner.validate.pii import find_pii, find_pii_in, luhn_valid, resident_id_valid, uscc_valid

_spec = importlib.util.spec_from_file_location("pii_reference", Path(__file__).with_name("pii_reference.py"))
assert _spec is not None and _spec.loader is not None
pii_reference = sys.modules["pii_reference"] = importlib.util.module_from_spec(_spec)  # dataclasses look it up
_spec.loader.exec_module(pii_reference)



def rows(found) -> list[tuple]:
    # the reference module has a PiiMatch class of its own
    return [(m.rule, m.start, m.end, m.reason) for m in found]


def old_find_pii(text: str) -> list[tuple]:
    return rows(pii_reference.find_pii(text))


def whole_text(text: str) -> list[tuple]:
    return rows(pii_reference.find_pii_in(text, 0, len(text)))


PIECES = st.one_of(
    st.text(alphabet="的是电话卡号身份证信用代码账户，。：\n", max_size=20),
    st.text(alphabet="0123456789 -+", min_size=8, max_size=45),
    st.text(alphabet="abcdefxyzABCXYZ0123456789 -ſKİı", min_size=1, max_size=90),
    st.text(alphabet="the card number is 86 for +0-\U00020001\ud800\ufeff", max_size=40),
    st.sampled_from(["13800138000", "+86 138 0013 8000", "0086-13800138000", "11010519491231002x",
                     "11010519491231002X", "6222020200001234567", "6222021234567890128", "91350100m000100y43",
                     "91350100M000100Y43", "4111 1111 1111 1111", "4111-1111-1111-1111", "ſſſſſſſſſſſſſſſſſſ",
                     "K" * 18, "a" * 17, "1" * 19, "card 4111111111111111", "账号6212262201234567891"]),
)


@settings(max_examples=600, deadline=None)
@given(st.lists(PIECES, max_size=14))
def test_shape_prefilter_equals_the_old_prefilter_and_the_whole_text(pieces):
    text = "".join(pieces)
    assert rows(find_pii(text)) == old_find_pii(text) == whole_text(text)
    assert rows(find_pii_in(text, 0, len(text))) == whole_text(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(PIECES, max_size=14), st.integers(1, 400))
def test_runs_longer_than_the_backward_search_chunk(pieces, pad):
    # a shape at the end of a long run of letters and spaces: the run's start
    # is searched backwards in growing chunks
    text = "，" + "word " * pad + "".join(pieces) + "。" + "x" * pad + "13800138000"
    assert rows(find_pii(text)) == whole_text(text) == old_find_pii(text)


def test_without_hyperscan_the_seed_windows_are_used(monkeypatch):
    text = "手机13800138000，身份证11010519491231002X，card 4111 1111 1111 1111 and words"
    monkeypatch.setattr(pii, "_shape_scanner", lambda: None)
    assert rows(find_pii(text)) == whole_text(text)
    assert [m.rule for m in find_pii(text)] == ["pii.mobile", "pii.resident-id", "pii.bank-card"]


def test_text_without_a_shape_runs_no_pattern():
    text = "Notice on the work 2024-05-06, amount 1,234,567.89, tel 010-6512 3456. " * 200
    assert pii._shape_windows(text, text.encode(), pii._shape_scanner()) == []
    assert find_pii(text) == []


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0123456789X x-٣", max_size=22))
def test_validators_equal_the_reference(number):
    assert luhn_valid(number) == pii_reference.luhn_valid(number)
    assert resident_id_valid(number) == pii_reference.resident_id_valid(number)
    assert uscc_valid(number) == pii_reference.uscc_valid(number)
