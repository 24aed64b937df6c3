"""scanner.extract.xlsxdates is a copy of openpyxl's date and number-format
functions (so that reading a workbook does not import openpyxl): each gives
what openpyxl gives, on every built-in format and on generated formats,
serial numbers and ISO 8601 strings."""
from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings, strategies as st
from openpyxl.styles import numbers as theirs_numbers
from openpyxl.utils import datetime as theirs_dates

from scanner.extract import xlsxdates as ours

FORMAT_CHARS = 'dmhysDMHYSAP/:[]"\\_;#0.,@ -$E+%?*()abc'
# what each rule of the two tests turns on: brackets kept (elapsed time) or
# stripped (locale, colour), quoted and escaped letters, later sections
TRICKY = ["[s]", "[ss]", "[h]", "[hh]:mm", "[m]", "[mm]:ss", "[S]", "[H]:MM", "[ss].00", '"d"0', "\\d0", "_d0",
          "[$-409]0", "[Red]0", "[$-F800]dddd", "yyyy-mm-dd;@", "0;[h]", "0;d", "@", "General", "[hhh]", "[sss]"]


def _same(call_ours, call_theirs, *args, **kwargs) -> None:
    try:
        expected = call_theirs(*args, **kwargs)
    except (ValueError, OverflowError) as exc:  # the same failure, of the same type
        with pytest.raises(type(exc)):
            call_ours(*args, **kwargs)
        return
    got = call_ours(*args, **kwargs)
    assert got == expected and type(got) is type(expected), (args, kwargs, got, expected)


def test_the_built_in_formats_are_openpyxls():
    for index in range(-1, 200):
        assert ours.builtin_format_code(index) == theirs_numbers.builtin_format_code(index)
    assert ours.CALENDAR_WINDOWS_1900 == theirs_dates.CALENDAR_WINDOWS_1900
    assert ours.CALENDAR_MAC_1904 == theirs_dates.CALENDAR_MAC_1904


@settings(max_examples=3000, deadline=None)
@given(st.one_of(st.none(), st.sampled_from(sorted(theirs_numbers.BUILTIN_FORMATS.values()) + TRICKY),
                 st.text(alphabet=FORMAT_CHARS, max_size=24)))
def test_date_and_duration_formats_are_told_apart_as_openpyxl_does(fmt):
    assert ours.is_date_format(fmt) == theirs_numbers.is_date_format(fmt)
    assert ours.is_timedelta_format(fmt) == theirs_numbers.is_timedelta_format(fmt)


@settings(max_examples=3000, deadline=None)
@given(st.one_of(st.integers(-10**6, 3 * 10**6), st.floats(-1e6, 3e6, allow_nan=False),
                 st.floats(-2, 70, allow_nan=False), st.just(0.9999999999)),
       st.sampled_from([ours.CALENDAR_WINDOWS_1900, ours.CALENDAR_MAC_1904]), st.booleans())
def test_serial_numbers_become_the_dates_openpyxl_gives(value, epoch, duration):
    _same(ours.from_excel, theirs_dates.from_excel, value, epoch, timedelta=duration)


ISO = st.from_regex(r"(\d{4}-\d{2}-\d{2})?T?(\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?)?Z?|PT(\d+H)?(\d+M)?(\d+(\.\d{1,3})?S)?",
                    fullmatch=True)


@settings(max_examples=3000, deadline=None)
@given(st.one_of(ISO, st.text(alphabet="0123456789-:.TZPHMS", max_size=30)))
def test_iso_8601_values_become_what_openpyxl_gives(text):
    _same(ours.from_ISO8601, theirs_dates.from_ISO8601, text)


def test_reading_a_workbook_imports_no_openpyxl(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["日期", "金额"])
    book.active.append([ours.CALENDAR_MAC_1904, 1234.5])
    path = tmp_path / "table.xlsx"
    book.save(path)
    code = ("import sys\nfrom scanner import scan_bytes\n"
            f"result = scan_bytes(open({str(path)!r}, 'rb').read(), 'table.xlsx')\n"
            "print('openpyxl' in sys.modules, result[0].verdict.value)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "clear"]
