"""The ``unreadable`` notice: what an extractor could not read, and why.

A leaf of the package, so the format modules, the facade (scanner.extract)
and the drivers all build the notice the same way without importing the
registry, which loads the format modules.
"""
from __future__ import annotations

from ..lang import Text
from ..rulebook import BASIS_UNREADABLE, notice_rule
from ..types import Notice, Severity
from .decode import Decoded

UNREADABLE_BASIS = BASIS_UNREADABLE


# a library's message is cut to this many characters: one quoting the file (pdfminer's syntax error quotes the
# objects it read, a hostile PDF's megabyte keyword among them) made a report line of 207 MB
REASON_MOST = 500


def unreadable(reason: str, part: str = "item", rule: str = "unreadable.extract", **details: object) -> Notice:
    """What could not be read, and why.  A reason given as a plain str is a
    technical detail (a library's message, cut to ``REASON_MOST``
    characters): Chinese reports show it after the Chinese name of the rule."""
    if not isinstance(reason, Text):
        if len(reason) > REASON_MOST:
            reason = reason[:REASON_MOST] + f"… ({len(reason) - REASON_MOST} more characters)"
        reason = Text(reason, f"{notice_rule(rule).name_zh}：{reason}")
    return Notice(rule=rule, category="unreadable", part=part, reason=reason,
                  severity=Severity.REVIEW, basis=UNREADABLE_BASIS,
                  details=tuple(sorted(details.items())))


def encoding_notice(decoded: Decoded) -> Notice:
    """Bad bytes in a text were replaced: what it was read as."""
    return unreadable(Text(f"text encoding could not be determined; read as {decoded.encoding} with replacements",
                           f"无法确定文字编码；已按 {decoded.encoding} 读取，无法解码的字符已替换"),
                      part="body", rule="unreadable.encoding")
