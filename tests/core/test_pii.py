"""Personal data validators: valid numbers are findings, invalid ones are not."""
import datetime as dt

import pytest

from scanner.validate.pii import find_pii, luhn_valid, resident_id_valid, uscc_valid


@pytest.mark.parametrize("number, ok", [
    ("11010519491231002X", True),
    ("110105194912310021", False),       # wrong check digit
    ("440524198001010013", True),
    ("310115200002291235", True),        # 29 February of a leap year
    ("440524188001010014", False),       # born before 1900
    ("110105194913310028", False),       # month 13
    ("91110000600037341X", False),       # not an ID (credit-code shape)
    ("110105209912310010", False),       # valid check digit, born in the future
])
def test_resident_id(number, ok):
    assert resident_id_valid(number, today=dt.date(2026, 11, 23)) is ok


@pytest.mark.parametrize("code, ok", [
    ("91350100M000100Y43", True),
    ("91350100M000100Y44", False),
    ("91110000600037341L", True),
    ("91110000600037341X", False),
])
def test_uscc(code, ok):
    assert uscc_valid(code) is ok


@pytest.mark.parametrize("number, ok", [
    ("6222021234567890123", False),
    ("6222021234567890128", True),
    ("4111111111111111", True),
    ("6212262201234567891", True),
    ("6212262201234567890", False),
])
def test_luhn(number, ok):
    assert luhn_valid(number) is ok


def spans(text):
    return [(m.rule, text[m.start:m.end]) for m in find_pii(text)]


def test_pii_spans():
    text = "身份证号11010519491231002X，手机138 0013 8000，卡号6212262201234567891，代码91350100M000100Y43。"
    found = spans(text)
    assert found == [
        ("pii.resident-id", "11010519491231002X"),
        ("pii.mobile", "138 0013 8000"),
        ("pii.bank-card", "6212262201234567891"),
        ("pii.uscc", "91350100M000100Y43"),
    ]


def test_invalid_numbers_are_not_findings():
    text = "编号110105194912310021，订单4111111111111112，电话12345678901，代码91350100M000100Y44"
    assert spans(text) == []


def test_long_number_without_context_or_issuer_prefix_is_not_a_card():
    assert spans("流水号 4111111111111111") == []
    assert spans("信用卡 4111111111111111") == [("pii.bank-card", "4111111111111111")]


def test_full_width_digits_are_found_in_original_text(scan):
    text = "手机：１３８００１３８０００"
    result = scan(text)
    f = result.findings[0]
    assert f.rule == "pii.mobile" and text[f.start:f.end] == "１３８００１３８０００"
    assert result.verdict.value == "review"
