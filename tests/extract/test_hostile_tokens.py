"""A hostile PDF's megabyte keyword (a run of bytes with no delimiter) costs
a bounded time and a bounded report: pdfminer joined its bytes 4 KB at a time
(a fuzz input took 55 s in the cross-reference reading), and a library's
error quoting it made one report line of 207 MB."""
from __future__ import annotations

import io

from pdfminer.psexceptions import PSEOF
from pdfminer.psparser import PSKeyword

from scanner.extract.notices import REASON_MOST, unreadable
from scanner.extract.pdf import KEYWORD_MOST, BoundedParser


def test_a_megabyte_keyword_is_kept_to_its_first_bytes_and_what_follows_is_read():
    parser = BoundedParser(io.BytesIO(b"1 0 obj\n" + b"a" * 1_000_000 + b" endobj\n2 0 obj (after) endobj\n"))
    tokens = []
    while True:
        try:
            tokens.append(parser.nexttoken()[1])
        except PSEOF:
            break
    keywords = [t for t in tokens if isinstance(t, PSKeyword)]
    garbage = [k for k in keywords if k.name.startswith(b"aaaa")]
    assert len(garbage) == 1 and KEYWORD_MOST <= len(garbage[0].name) < KEYWORD_MOST + 8192
    assert [k.name for k in keywords if not k.name.startswith(b"a")] == [b"obj", b"endobj", b"obj", b"endobj"]
    assert b"after" in tokens


def test_a_librarys_long_message_is_cut_in_the_reason():
    notice = unreadable("Invalid dictionary construct: " + "a" * 100_000)
    assert len(str(notice.reason)) < REASON_MOST + 100
    assert str(notice.reason).endswith("more characters)")
    assert len(notice.reason.zh) < REASON_MOST + 120
    assert str(unreadable("a short message").reason) == "a short message"
