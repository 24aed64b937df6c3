"""The lost-text check (HTML's parser, OpenDocument's conversion) counted by
numpy gives what Counters of one-character matches and of side-by-side pairs give."""
from __future__ import annotations

import itertools
import re
from collections import Counter

from hypothesis import given, settings, strategies as st

from scanner.extract.lostchars import lost_han

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def reference(stripped: str, text: str) -> bool:
    want = Counter(_HAN.findall(stripped))
    if not want:
        return False
    have = Counter(_HAN.findall(text))
    if any(have[ch] < n for ch, n in want.items()):
        return True
    have_pairs = _pairs(text)
    return any(have_pairs[pair] < n for pair, n in _pairs(stripped).items())


def _pairs(text: str) -> Counter[str]:
    return Counter(a + b for a, b in itertools.pairwise(text) if _HAN.match(a) and _HAN.match(b))


CHARS = st.sampled_from(["保", "密", "\u3400", "\u4dbf", "\u4dc0", "\u4dff", "\u4e00", "\u9fff", "\ua000", "a", " ",
                         "\ud800", "\U00020001", "\u33ff", "。"])
TEXT = st.lists(CHARS, max_size=30).map("".join)


@settings(max_examples=500, deadline=None)
@given(TEXT, st.lists(TEXT, max_size=3))
def test_numpy_counts_equal_the_counter(stripped: str, texts: list[str]) -> None:
    reading = "\n".join(texts)
    assert lost_han(stripped, reading) == reference(stripped, reading)


def test_a_swallowed_character_is_lost() -> None:
    assert lost_han("保密文件", "保文件")
    assert not lost_han("保密文件", "文件：保密文件 and more")
    # its characters elsewhere, not side by side: an alt text's 保存 and 密码 do not hold 保密 dropped
    assert lost_han("保密", "保存\n密码")
