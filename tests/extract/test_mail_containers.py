"""Mail as clients show it, and text in the encodings old mailers and BBS
archives used: a GBK subject split mid-character over two encoded-words, a
uuencoded attachment in a plain-text body, a Thunderbird mailbox file, and
a notice in HZ, UTF-7 or Shift_JIS.  Each was cleared before (red-team
round 2, F12, F13, F14, F21-F23)."""
from __future__ import annotations

import base64
import binascii

import pytest

from scanner import Engine, scan_bytes
from scanner.extract.decode import decode

MARK = "机密★5年"
# the notice typed on a Japanese system: the characters Shift_JIS has
JAPANESE = "機密★5年\n関於召開2026年度工作会議的通知\n各処室：\n定於下周一召開年度工作会議，請准時参加。\n"
NOTICE = f"{MARK}\n关于召开2026年度工作会议的通知\n各处室：\n定于下周一召开年度工作会议，请准时参加。\n"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def _word(data: bytes) -> str:
    return f"=?gbk?B?{base64.b64encode(data).decode()}?="


def test_a_gbk_subject_split_mid_character_is_joined(engine: Engine) -> None:
    subject = f"{MARK} 会议通知".encode("gbk")
    mail = (f"From: office@example.invalid\nSubject: {_word(subject[:5])}\n {_word(subject[5:])}\n"
            "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nsee below\n").encode()
    [result] = scan_bytes(mail, "notice.eml", engine=engine)
    assert [(f.rule, f.part, f.text) for f in result.findings] == [("mark.state-secret", "headers", MARK)]


def test_a_subject_sent_in_unencoded_gbk_is_read_as_gbk(engine: Engine) -> None:
    """Its bytes reach the report decoded, never as lone surrogates no writer takes."""
    mail = (b"From: office@example.invalid\nSubject: " + f"{MARK} 会议通知".encode("gbk")
            + b"\nContent-Type: text/plain; charset=gbk\n\nx\n")
    [result] = scan_bytes(mail, "notice.eml", engine=engine)
    assert [(f.rule, f.part, f.text) for f in result.findings] == [("mark.state-secret", "headers", MARK)]
    result.to_dict()["findings"][0]["context"].encode("utf-8")


def _uuencoded(data: bytes) -> bytes:
    lines = [binascii.b2a_uu(data[i:i + 45]) for i in range(0, len(data), 45)]
    return b"begin 644 notice.txt\n" + b"".join(lines) + b"`\nend\n"


def test_a_uuencoded_attachment_in_the_body_is_a_member(engine: Engine) -> None:
    mail = (b"From: office@example.invalid\nSubject: notice\nContent-Type: text/plain; charset=\"gb2312\"\n\n"
            + "请查收附件。\n\n".encode("gbk") + _uuencoded(NOTICE.encode("gbk")))
    results = {r.item: r for r in scan_bytes(mail, "notice.eml", engine=engine)}
    assert results["notice.eml!notice.txt"].verdict.value == "block"
    assert results["notice.eml"].verdict.value == "block"


def test_a_uuencoded_block_without_its_end_is_not_cleared(engine: Engine) -> None:
    mail = (b"From: a@example.invalid\nSubject: x\nContent-Type: text/plain\n\nbegin 644 notice.txt\n"
            + binascii.b2a_uu(b"half of a file"))
    results = {r.item: r for r in scan_bytes(mail, "cut.eml", engine=engine)}
    assert results["cut.eml!notice.txt"].verdict.value == "review"


def _message(subject: str, attachment: bytes) -> bytes:
    encoded = base64.b64encode(attachment).decode()
    return (f"From: a@example.invalid\nTo: b@example.invalid\nSubject: {subject}\nMIME-Version: 1.0\n"
            'Content-Type: multipart/mixed; boundary="b1"\n\n--b1\nContent-Type: text/plain; charset=utf-8\n\n'
            'see attached\n--b1\nContent-Type: text/plain; charset=gbk; name="minutes.txt"\n'
            'Content-Disposition: attachment; filename="minutes.txt"\nContent-Transfer-Encoding: base64\n\n'
            f"{encoded}\n--b1--\n").encode()


def test_a_mailbox_file_is_read_message_by_message(engine: Engine) -> None:
    mbox = (b"From - Mon Mar  2 09:00:00 2026\nX-Mozilla-Status: 0001\n" + _message("minutes", b"minutes\n")
            + b"\nFrom - Mon Mar  2 09:05:00 2026\n" + _message("agenda", NOTICE.encode("gbk")))
    results = {r.item: r.verdict.value for r in scan_bytes(mbox, "Inbox", engine=engine)}
    assert results["Inbox"] == "block"
    assert results["Inbox!message 2.eml!minutes.txt"] == "block"
    assert results["Inbox!message 1.eml!minutes.txt"] == "clear"


@pytest.mark.parametrize("text", [
    "From here on the plan changes.\nSubject: none\n\nmore text\n",  # prose, no From_ line
    "From - Mon Mar  2 09:00:00 2026\nthis is a note, not headers\n\n",  # no header block
])
def test_a_text_starting_with_from_is_not_a_mailbox(engine: Engine, text: str) -> None:
    [result] = scan_bytes(text.encode(), "Drafts", engine=engine)
    assert result.format == "text"


@pytest.mark.parametrize("encoding", ["hz", "utf-7", "shift_jis"])
def test_a_notice_in_a_seven_bit_or_japanese_encoding_is_read(engine: Engine, encoding: str) -> None:
    text = JAPANESE if encoding == "shift_jis" else NOTICE
    data = text.encode(encoding)
    assert decode(data).text == text
    [result] = scan_bytes(data, "notice.txt", engine=engine)
    assert result.verdict.value == "block"


@pytest.mark.parametrize("data", [b"C++ and +86 138 0000\n", b"a ~{ b ~} c\n", b"x = y+z; w = ~{1}\n"])
def test_ascii_with_plus_or_tilde_stays_ascii(data: bytes) -> None:
    decoded = decode(data)
    assert (decoded.text, decoded.encoding) == (data.decode(), "utf-8")
