"""Text in every Chinese encoding is decoded from its bytes, never guessed
silently; offsets refer to the decoded text."""
import pytest

from scanner import scan_bytes
from scanner.extract.decode import decode

TEXT = "关于青鸾计划的说明\n秘密★一年\n各单位："
TRAD = "關於白鷺談判底線的說明\n機密★十年\n各單位："


@pytest.mark.parametrize("text, encoding, expected", [
    (TEXT, "utf-8", "utf-8"),
    (TEXT, "utf-8-sig", "utf-8-sig"),
    (TEXT, "utf-16", "utf-16-le"),
    (TEXT, "utf-16-be", None),
    (TEXT, "gbk", "gb18030"),
    (TEXT, "gb18030", "gb18030"),
    (TRAD, "big5", "big5"),
    (TRAD, "utf-8", "utf-8"),
])
def test_decoded_and_mark_found_at_exact_span(engine, text, encoding, expected):
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
        expected = "utf-16-be"
    decoded = decode(data)
    assert decoded.exact and decoded.encoding == expected and decoded.text == text
    result = scan_bytes(data, "a.txt", engine=engine)[0]
    mark = next(f for f in result.findings if f.category == "mark")
    line = text.splitlines()[1]
    assert (mark.start, mark.end) == (text.index(line), text.index(line) + len(line))
    assert result.verdict.value == "block"


def test_gb18030_only_characters():
    text = "秘密★一年 𠀀 ᠠ"
    decoded = decode(text.encode("gb18030"))
    assert decoded.text == text and decoded.encoding == "gb18030"


def test_undecodable_bytes_are_a_finding_not_silence(engine):
    data = "秘密★一年".encode()[:-1] + b"\xff garbage \x81"
    result = scan_bytes(b"\xef\xbb\xbf" + data, "broken.txt", engine=engine)[0]
    assert result.verdict.value in ("review", "block")
    assert result.extraction.value == "partial"
    assert any(f.rule == "unreadable.encoding" for f in result.findings)
