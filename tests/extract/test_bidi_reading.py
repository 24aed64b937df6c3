"""A mark stored backwards behind a right-to-left override (U+202E), which
every bidi-aware renderer shows in reading order, is read as it is shown
(red-team run: a .txt and a Word run holding \u202e年5★密机\u202c were clear)."""
from __future__ import annotations

import io

import docx
from hypothesis import given, settings, strategies as st

from scanner import scan_bytes
from scanner.extract.bidi import shown

REVERSED = "\u202e年5★密机\u202c"


def _rules(data: bytes, name: str) -> set[tuple[str, str]]:
    result = scan_bytes(data, name)[0]
    return {(f.rule, f.part) for f in result.findings}


def test_an_override_is_read_in_the_order_it_is_shown():
    assert shown(f"前文{REVERSED}后文") == "前文机密★5年后文"
    assert shown("\u202e年5★密机") == "机密★5年"  # the paragraph's end closes it
    # a left-to-right override inside stays one unit, in its own order
    assert shown("\u202eA\u202dBC\u202cD\u202c") == "DBCA"
    # an embedding or an isolate alone reorders no Chinese
    assert shown("\u202b机密\u202c\u2067★5年\u2069") == "机密★5年"


def test_a_text_with_a_reversed_mark_blocks():
    data = f"关于召开工作会议的通知\n{REVERSED}\n各单位：\n".encode()
    assert ("mark.state-secret", "bidi-reading") in _rules(data, "notice.txt")


def test_a_word_run_with_a_reversed_mark_blocks():
    document = docx.Document()
    document.add_paragraph("关于召开工作会议的通知")
    document.add_paragraph(REVERSED)
    buffer = io.BytesIO()
    document.save(buffer)
    assert ("mark.state-secret", "bidi-reading") in _rules(buffer.getvalue(), "notice.docx")


def test_text_without_an_override_gets_no_second_reading():
    data = "机密\u202c★5年 和 \u202b秘密\n".encode()
    assert all(part != "bidi-reading" for _, part in _rules(data, "plain.txt"))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="机密★5年ab \u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069", max_size=40))
def test_shown_keeps_every_character_but_the_controls(line):
    """Reordering never loses, adds or changes a character, however the
    controls are nested or left open."""
    controls = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert sorted(shown(line)) == sorted(ch for ch in line if ch not in controls)
