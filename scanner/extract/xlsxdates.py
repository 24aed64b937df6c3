"""Excel's number formats and serial dates, as openpyxl reads them.

A copy of the few functions of openpyxl 3.1 (MIT licence, (c) 2010-2024
openpyxl) that the sheet reader needs: which number formats are dates or
durations, the built-in format codes, and serial and ISO 8601 values as
Python dates.  Importing them from openpyxl imports the whole package
(its workbook model: ~0.14 s, in every process that reads a workbook, each
pool worker included) for fifty lines of code.
``tests/extract/test_xlsxdates.py`` holds each one equal to openpyxl's on
generated formats and values.
"""
from __future__ import annotations

import datetime
import re

# ECMA-376 18.8.30: the number formats every workbook has without declaring them
BUILTIN_FORMATS = {
    0: 'General', 1: '0', 2: '0.00', 3: '#,##0', 4: '#,##0.00',
    5: '"$"#,##0_);("$"#,##0)', 6: '"$"#,##0_);[Red]("$"#,##0)',
    7: '"$"#,##0.00_);("$"#,##0.00)', 8: '"$"#,##0.00_);[Red]("$"#,##0.00)',
    9: '0%', 10: '0.00%', 11: '0.00E+00', 12: '# ?/?', 13: '# ??/??',
    14: 'mm-dd-yy', 15: 'd-mmm-yy', 16: 'd-mmm', 17: 'mmm-yy', 18: 'h:mm AM/PM',
    19: 'h:mm:ss AM/PM', 20: 'h:mm', 21: 'h:mm:ss', 22: 'm/d/yy h:mm',
    37: '#,##0_);(#,##0)', 38: '#,##0_);[Red](#,##0)', 39: '#,##0.00_);(#,##0.00)',
    40: '#,##0.00_);[Red](#,##0.00)',
    41: r'_(* #,##0_);_(* \(#,##0\);_(* "-"_);_(@_)',
    42: r'_("$"* #,##0_);_("$"* \(#,##0\);_("$"* "-"_);_(@_)',
    43: r'_(* #,##0.00_);_(* \(#,##0.00\);_(* "-"??_);_(@_)',
    44: r'_("$"* #,##0.00_)_("$"* \(#,##0.00\)_("$"* "-"??_)_(@_)',
    45: 'mm:ss', 46: '[h]:mm:ss', 47: 'mmss.0', 48: '##0.0E+0', 49: '@',
}

_LITERAL = r'".*?"'  # anything in quotes
_LOCALE = r'\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]'  # anything in brackets but hours, minutes or seconds
_STRIP = re.compile(f"{_LITERAL}|{_LOCALE}")
_DATE_LETTER = re.compile(r"(?<![_\\])[dmhysDMHYS]")
_TIMEDELTA = re.compile(r'\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?', re.IGNORECASE)

CALENDAR_WINDOWS_1900 = datetime.datetime(1899, 12, 30)
CALENDAR_MAC_1904 = datetime.datetime(1904, 1, 1)
_SECS_PER_DAY = 86400
_ISO = re.compile(r'''
(?P<date>(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2}))?T?
(?P<time>(?P<hour>\d{2}):(?P<minute>\d{2})(:(?P<second>\d{2})(?P<microsecond>\.\d{1,3})?)?)?Z?''', re.VERBOSE)
_ISO_DURATION = re.compile(r'PT((?P<hours>\d+)H)?((?P<minutes>\d+)M)?((?P<seconds>\d+(\.\d{1,3})?)S)?')

DateValue = datetime.datetime | datetime.date | datetime.time | datetime.timedelta


def builtin_format_code(index: int) -> str | None:
    """The built-in format code numbered ``index``, if there is one."""
    return BUILTIN_FORMATS.get(index)


def is_date_format(fmt: str | None) -> bool:
    """Whether a cell in this format shows a date or a time (its first section
    has a date letter outside quotes and locale brackets)."""
    if fmt is None:
        return False
    return _DATE_LETTER.search(_STRIP.sub("", fmt.split(";")[0])) is not None


def is_timedelta_format(fmt: str | None) -> bool:
    """Whether this format shows a duration ([h]:mm and the like)."""
    if fmt is None:
        return False
    return _TIMEDELTA.search(fmt.split(";")[0]) is not None


def from_excel(value: float, epoch: datetime.datetime = CALENDAR_WINDOWS_1900,
               timedelta: bool = False) -> DateValue:
    """An Excel serial number as a date and time (or a duration): days since
    the workbook's epoch, with Excel's phantom 29 February 1900."""
    if timedelta:
        td = datetime.timedelta(days=value)
        if td.microseconds:  # to the millisecond
            td = datetime.timedelta(seconds=td.total_seconds() // 1, microseconds=round(td.microseconds, -3))
        return td
    day, fraction = divmod(value, 1)
    diff = datetime.timedelta(milliseconds=round(fraction * _SECS_PER_DAY * 1000))
    if 0 <= value < 1 and diff.days == 0:
        minutes, seconds = divmod(diff.seconds, 60)
        hours, minutes = divmod(minutes, 60)
        return datetime.time(hours, minutes, seconds, diff.microseconds)
    if 0 < value < 60 and epoch == CALENDAR_WINDOWS_1900:
        day += 1
    return epoch + datetime.timedelta(days=day) + diff


def from_ISO8601(formatted_string: str) -> DateValue | None:
    """An ISO 8601 date, time, date and time, or duration (ECMA-376 18.17.4)."""
    if not formatted_string:
        return None
    match = _ISO.match(formatted_string)
    if match and any(match.groups()):
        found = match.groupdict()

        def number(key: str) -> int:
            return int(found[key]) if found[key] else 0

        micro = int(float(found["microsecond"]) * 1_000_000) if found["microsecond"] else 0
        if not found["date"]:
            return datetime.time(number("hour"), number("minute"), number("second"), micro)
        if not found["time"]:
            return datetime.date(number("year"), number("month"), number("day"))
        return datetime.datetime(number("year"), number("month"), number("day"),
                                 number("hour"), number("minute"), number("second"), micro)
    match = _ISO_DURATION.match(formatted_string)
    if match and any(match.groups()):
        return datetime.timedelta(**{key: float(val) if val else 0 for key, val in match.groupdict(0).items()})
    raise ValueError(f"Invalid datetime value {formatted_string}")
