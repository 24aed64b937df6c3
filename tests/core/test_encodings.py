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


@pytest.mark.parametrize("text, encoding", [("工作秘密", "gbk"), ("机密★5年 关", "gbk"), ("機密★5年", "big5")])
def test_too_few_characters_to_choose_gb_or_big5_keeps_both_readings(text, encoding):
    decoded = decode(text.encode(encoding))
    assert decoded.encoding == "gb18030" and decoded.exact and decoded.other is not None
    assert text in (decoded.text, decoded.other)


@pytest.mark.parametrize("text, encoding", [(TEXT, "gbk"), (TRAD, "big5"), ("本文件仅供内部使用", "gbk")])
def test_a_clear_margin_keeps_one_reading(text, encoding):
    assert decode(text.encode(encoding)).other is None


@pytest.mark.parametrize("name, data", [
    ("notice.txt", "機密★5年\n".encode("big5")),
    ("notice.html", "<p>機密★5年</p>".encode("big5")),
])
def test_short_big5_mark_is_found_in_the_big5_reading(engine, name, data):
    result = scan_bytes(data, name, engine=engine)[0]
    assert [f.part for f in result.findings if f.category == "mark"] == ["big5-reading"]
    assert result.verdict.value == "block"


def test_the_big5_reading_holds_only_the_lines_that_read_differently(engine):
    data = ("姓名,电话\n" + "\n".join(f"{i},1381234{i:04d}" for i in range(50)) + "\n").encode("gbk")
    result = scan_bytes(data, "people.csv", engine=engine)[0]
    assert decode(data).other is not None and result.extraction.value == "full"
    assert {f.part for f in result.findings} == {"body"}


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


def test_a_data_file_written_with_unicode_escapes_is_read_decoded(engine):
    """``json.dumps`` writes Chinese as ``\\u673a``: the file holds no Han
    character, so the mark was never seen (the red-team run)."""
    import json

    data = json.dumps({"title": "通知", "level": "机密★5年"}).encode()
    assert b"\\u673a" in data
    result = scan_bytes(data, "notice.json", engine=engine)[0]
    assert [(f.rule, f.part) for f in result.findings] == [("mark.state-secret", "unescaped")]
    plain = scan_bytes("正文 \\u673a".encode(), "notes.txt", engine=engine)[0]  # a .txt is read as written
    assert plain.findings == ()


def test_a_csv_with_every_field_quoted(engine, tmp_path):
    import csv

    path = tmp_path / "list.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, quoting=csv.QUOTE_ALL).writerows([["密级", "标题"], ["机密★5年", "年度预算"]])
    result = scan_bytes(path.read_bytes(), "list.csv", engine=engine)[0]
    assert [(f.rule, f.text) for f in result.findings] == [("mark.state-secret", "机密★5年")]
