"""The fast grid reader's quick checks (a rare byte looked for first, at
memchr speed) answer exactly as the searches over the whole part they replace."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from scanner.extract import xlsxsheet

PIECES = st.sampled_from(["sheetData", "<sheetData>", "</sheetData>", "<sheetData/>", "<!", "<?", "?>", "<?xml", "<",
                          "?", "!", "D", "x", "]]>", "]", ">", "xmlns", "m", "a", "\xef", "\xef\xbf", "\xef\xbf\xbe",
                          "\x01", "\xef\xbf\xbf"])


@settings(max_examples=3000, deadline=None)
@given(st.lists(PIECES, max_size=12).map("".join))
def test_the_quick_checks_equal_the_searches_they_replace(text: str) -> None:
    raw = text.encode("latin-1")
    start, end = raw.find(b"<sheetData>"), raw.rfind(b"</sheetData>")
    if 0 <= start < end:
        assert (xlsxsheet._one_grid(raw, start, end) and b"sheetData" not in raw[start + 11:end]) == (
            raw.count(b"sheetData") == 2)
    assert xlsxsheet._instruction(raw) == (raw.find(b"<?", 1) >= 0)
    assert xlsxsheet._holds(raw, b"<!", 1) == (b"<!" in raw)
    assert xlsxsheet._holds(text, "xmlns", 1) == ("xmlns" in text)
    assert xlsxsheet._holds(text, "]]>", 0) == ("]]>" in text)
    assert xlsxsheet._not_xml_char(raw) == (bool(raw.translate(None, bytes([9, 10, *range(32, 256)])))
                                            or b"\xef\xbf\xbe" in raw or b"\xef\xbf\xbf" in raw)
