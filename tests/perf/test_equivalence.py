"""The fast paths give exactly what the reference implementations give."""
from __future__ import annotations

import functools
import re

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from scanner.extract.sniff import _PDF_OBJECT, _PDF_TRAILER, damaged_pdf_header
from scanner.match.automaton import (
    CACHE_KEYS,
    DAACHORSE_KEYS,
    LARGE_KEYS,
    DaachorseMatcher,
    HyperscanMatcher,
    PyAhoCorasickMatcher,
    RsBytesMatcher,
    build_matcher,
    char_offsets,
)
from scanner.normalize import INVISIBLE, normalize, normalize_reference
from scanner.normalize.chars import ALNUM, CJK, DELETE, HAN, STAR, translation_table
from scanner.normalize.islands import CHARS_PER_ISLAND, normalize_islands
from scanner.normalize.kernel import class_table, lookup_table, normalize_fast
from scanner.normalize.vectorised import normalize_vectorised
from scanner.validate.pii import find_pii, find_pii_in
from scanner.validate.segment import WINDOW, WordBoundaries

# characters every normalisation rule reacts to, plus ordinary ones
ALPHABET = ("机密秘绝★☆＊*※ \t\u3000\u00a0\u200b\u200d\ufeff\u00ad\u2060\U000e0100"
            "機內資計劃ＡＢ１２aZ09-+:：，。\n\r\f\u2029的是\U00020001\ud800ſKİ")


@functools.cache
def class_members(char_class: str) -> list[int]:
    """The code points a regex character class matches, asked of ``re``
    itself (not of the tables' own reading of the class)."""
    everything = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x110000)))
    return [ord(c) for c in re.findall(f"[{char_class}]", everything)]


PASSES = pytest.mark.parametrize("fast_pass", [normalize_fast, normalize_vectorised], ids=["numba", "numpy"])


@PASSES
@settings(max_examples=400, deadline=None)
@given(text=st.text(alphabet=ALPHABET, max_size=80))
def test_kernel_equals_reference(fast_pass, text):
    ref = normalize_reference(text)
    fast, index = fast_pass(text)
    assert fast == ref.text
    if ref.index is None:
        assert index is None
    else:
        assert index is not None and np.array_equal(index, ref.index)


@PASSES
def test_kernel_deletes_every_invisible_character(fast_pass):
    text = "机" + "".join(chr(c) for c in class_members(INVISIBLE)) + "密"
    assert fast_pass(text)[0] == normalize_reference(text).text == "机密"


def test_the_code_point_tables_hold_for_every_code_point():
    """Both fast passes read these tables: each code point's entry is its
    1:1 replacement, DELETE where that is invisible (the reference deletes
    after translating), and its class bits, checked one by one over the
    whole range (the property tests only sample it)."""
    mapping, invisible = translation_table(), set(class_members(INVISIBLE))
    expected = [DELETE if (to := mapping.get(cp, cp)) in invisible else to for cp in range(0x110000)]
    assert lookup_table().tolist() == expected
    han, alnum = set(class_members(CJK + STAR)), set(class_members("0-9A-Za-z"))
    assert class_table().tolist() == [(HAN if cp in han else 0) | (ALNUM if cp in alnum else 0)
                                      for cp in range(0x110000)]


def test_long_text_goes_through_the_kernel_and_agrees():
    text = ("機 密 ★ 5 年\u200b，" * 300_000)[:1_200_000]
    assert normalize(text).text == normalize_reference(text).text


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=600))
def test_ascii_text_is_only_case_folded(text):
    """ASCII without a star takes ``str.lower`` instead of a pass: the same
    text as the reference, and no map (nothing deleted)."""
    ref, fast = normalize_reference(text), normalize(text)
    assert fast.text == ref.text
    if "*" not in text:
        assert fast.index is None and ref.index is None
    else:  # a star (★ after folding) may take the spaces beside it
        assert (fast.index is None) == (ref.index is None)
        assert fast.index is None or np.array_equal(fast.index, ref.index)


ASCII_FILLER = "abXZ09 .,:\t\t  \n\r\r\f\v\x1c-"
SPECIALS = "".join(c for c in ALPHABET if not c.isascii()) + "*"


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(st.tuples(st.sampled_from(["", " ", "\t ", "\r", "\r\r", "a", "a  ", "\r\n"]),
                                 st.text(alphabet=SPECIALS, min_size=1, max_size=6),
                                 st.sampled_from(["", " ", " \t", "\r", "1", "  z"])), min_size=1, max_size=3),
       filler=st.text(alphabet=ASCII_FILLER, min_size=CHARS_PER_ISLAND + 1, max_size=CHARS_PER_ISLAND + 400),
       cut=st.integers(min_value=0, max_value=CHARS_PER_ISLAND))
def test_mostly_ascii_text_normalised_by_islands_equals_reference(pieces, filler, cut):
    """English text with a few non-ASCII characters (a Chinese document
    number) is normalised only around them (``islands``): the same text and
    map as the reference, a \\r before an island, blanks and stars beside it
    included."""
    text = filler[:cut] + "".join(a + b + c + filler[:40] for a, b, c in pieces) + filler[cut:] + filler * 3
    islands = normalize_islands(text, lambda part: (normalize_reference(part).text, normalize_reference(part).index))
    assert islands is not None  # few enough islands: the path under test
    ref, fast = normalize_reference(text), normalize(text)
    for got, index in ((islands[0], islands[1]), (fast.text, fast.index)):
        assert got == ref.text
        assert (index is None) == (ref.index is None)
        assert index is None or np.array_equal(index, ref.index)


def test_text_with_many_islands_takes_the_whole_pass():
    text = "word 机 " * 2000
    assert normalize_islands(text, lambda part: (part, None)) is None
    assert normalize(text).text == normalize_reference(text).text


DIGITS = "0123456789 -+x"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(
    st.text(alphabet="的是电话卡号身份证信用代码，。\n", max_size=30),
    st.text(alphabet=DIGITS, min_size=10, max_size=40),
    st.sampled_from(["13800138000", "+86 138 0013 8000", "11010519491231002x", "6222020200001234567",
                     "91350100m000100y43", "4111 1111 1111 1111"]),
), max_size=12))
def test_windowed_pii_equals_whole_text_scan(pieces):
    text = "".join(pieces)
    assert find_pii(text) == find_pii_in(text, 0, len(text)) == find_pii(text, text.encode("utf-8", "surrogatepass"))


KEYS = ["机密", "秘密", "密级", "天枢-7工程", "工程", "枢", "ab", "b", "内部资料", "\U00020001字"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="机密秘级天枢-7工程内部资料ab的\U00020001字\ud800", max_size=60))
def test_byte_matchers_equal_pyahocorasick(text):
    expected = sorted(PyAhoCorasickMatcher(KEYS).find(text))
    for matcher in (PyAhoCorasickMatcher(KEYS), RsBytesMatcher(KEYS, dfa=True), RsBytesMatcher(KEYS, dfa=False),
                    HyperscanMatcher(KEYS), DaachorseMatcher(KEYS)):
        assert sorted(matcher.find(text)) == expected
        # without the text's UTF-8, and with it as a part's text hands it over
        for arrays in (matcher.find_arrays(text), matcher.find_arrays(text, text.encode("utf-8", "surrogatepass"))):
            assert all(a.dtype == np.int64 for a in arrays)
            assert sorted(zip(*(a.tolist() for a in arrays))) == expected


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="机密a\U00020001\ud800", min_size=600, max_size=3000))
def test_dense_hits_map_through_the_array_path(text):
    keys = [f"词{i}" for i in range(30)] + ["机密", "密a", "a", "\U00020001"]
    expected = sorted(PyAhoCorasickMatcher(keys).find(text))
    for matcher in (RsBytesMatcher(keys), HyperscanMatcher(keys), DaachorseMatcher(keys)):
        assert sorted(zip(*(a.tolist() for a in matcher.find_arrays(text)))) == expected
    sparse = "的" * 5000 + text[:40] + "的" * 5000  # few hits: offsets by decoding up to each
    expected = sorted(PyAhoCorasickMatcher(keys).find(sparse))
    for matcher in (RsBytesMatcher(keys), HyperscanMatcher(keys)):
        assert sorted(zip(*(a.tolist() for a in matcher.find_arrays(sparse)))) == expected


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="a机\U00020001\ud800", max_size=3000))
def test_dense_and_sparse_byte_offsets_agree(text):
    data = text.encode("utf-8", "surrogatepass")
    starts = {len(text[:i].encode("utf-8", "surrogatepass")): i for i in range(len(text) + 1)}
    assert char_offsets(data, text, set(starts)) == starts  # dense: numpy
    few = {b: c for b, c in starts.items() if c % 700 == 0}
    assert char_offsets(data, text, set(few)) == few  # sparse: decoding


def test_backend_follows_lexicon_size_and_survives_pickling():
    import pickle

    assert isinstance(build_matcher(KEYS), PyAhoCorasickMatcher)
    large = build_matcher([f"词{i}" for i in range(500)])
    assert isinstance(large, HyperscanMatcher)
    again = pickle.loads(pickle.dumps(large))
    assert sorted(again.find("一词42二")) == [(1, 3, 4), (1, 4, 42)]
    assert list(build_matcher([]).find("机密")) == []
    bought = build_matcher([f"词{i}" for i in range(DAACHORSE_KEYS)])
    assert isinstance(bought, DaachorseMatcher)
    assert sorted(pickle.loads(pickle.dumps(bought)).find("一词42二\ud800")) == [(1, 3, 4), (1, 4, 42)]
    with_nul = build_matcher([f"词{i}" for i in range(30)] + ["a\x00b"])  # Hyperscan's binding would cut it
    assert sorted(with_nul.find("xa\x00b词7 a")) == [(1, 4, 30), (4, 6, 7)]


def test_compiled_database_is_cached_by_content(tmp_path):
    keys = [f"词{i}" for i in range(2500)]
    first = HyperscanMatcher(keys, tmp_path)
    cached = list((tmp_path / "automata").iterdir())
    assert len(cached) == 1
    again = HyperscanMatcher(keys, tmp_path)
    assert sorted(again.find("一词2499二")) == sorted(first.find("一词2499二")) == [(1, 3, 2), (1, 4, 24),
                                                                                (1, 5, 249), (1, 6, 2499)]
    HyperscanMatcher(keys[:-1], tmp_path)  # other keys, another entry
    assert len(list((tmp_path / "automata").iterdir())) == 2


def test_a_small_database_is_cached_too_and_never_evicts_a_large_one(tmp_path):
    """549 keys (the shipped set and a unit's lexicon) compile in ~8 ms and
    load from the cache in ~0.3: cached as a kind of their own, so small
    configurations in turn never push out a database that took seconds."""
    from scanner.keyedfiles import KEEP

    large = [f"词{i}" for i in range(LARGE_KEYS)]
    HyperscanMatcher(large, tmp_path)
    for n in range(KEEP + 2):
        HyperscanMatcher([f"词{i}" for i in range(CACHE_KEYS + n)], tmp_path)
    folder = tmp_path / "automata"
    assert len(list(folder.glob("hs-*.db"))) == 1 and len(list(folder.glob("hss-*.db"))) == KEEP
    # the stored database is what a later matcher of those keys loads: plant one compiled from other keys
    small = [f"词{i}" for i in range(CACHE_KEYS)]
    HyperscanMatcher(small, tmp_path / "other")
    [stored] = (tmp_path / "other" / "automata").iterdir()
    stored.write_bytes(HyperscanMatcher(["机密"] * CACHE_KEYS)._serialised)
    assert sorted(key for *_, key in HyperscanMatcher(small, tmp_path / "other").find("机密")) == list(
        range(CACHE_KEYS))  # its own keys are not in "机密"


def test_a_daachorse_automaton_is_cached_and_read_only_when_its_bytes_are_as_stored(tmp_path):
    """A bought list's automaton is kept in the cache folder and read back
    (a planted automaton of other keys shows it is); one whose bytes differ
    from what was stored (daachorse itself loads a flipped byte) or that
    does not load is built again and stored again."""
    import hashlib

    keys = [f"词{i}" for i in range(DAACHORSE_KEYS)]
    text = "一词42二词19999"
    expected = sorted(DaachorseMatcher(keys).find(text))
    assert sorted(DaachorseMatcher(keys, tmp_path).find(text)) == expected
    [stored] = (tmp_path / "automata").glob("daac-*.bin")
    assert sorted(DaachorseMatcher(keys, tmp_path).find(text)) == expected
    other = DaachorseMatcher(["机密"] * len(keys)).automaton.serialize()
    stored.write_bytes(hashlib.sha256(other).digest() + other)
    assert {key for *_, key in DaachorseMatcher(keys, tmp_path).find("机密")} == set(range(len(keys)))
    good = DaachorseMatcher(keys).automaton.serialize()
    flipped = bytearray(good)
    flipped[len(flipped) // 2] ^= 0xFF
    for damaged in (hashlib.sha256(good).digest() + bytes(flipped), b"short", hashlib.sha256(b"x").digest() + b"x"):
        stored.write_bytes(damaged)
        assert sorted(DaachorseMatcher(keys, tmp_path).find(text)) == expected
        assert stored.read_bytes() == hashlib.sha256(good).digest() + good  # stored again
    assert isinstance(build_matcher(keys, cache_dir=tmp_path / "built"), DaachorseMatcher)
    assert list((tmp_path / "built" / "automata").glob("daac-*.bin"))


def test_threads_scan_one_matcher_at_once():
    from concurrent.futures import ThreadPoolExecutor

    matcher = HyperscanMatcher(KEYS)
    text = "天枢-7工程的机密内部资料" * 2000
    expected = sorted(matcher.find(text))
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: sorted(matcher.find(text)), range(16)))
    assert all(r == expected for r in results)


ADDED = ["方面", "一方", "保护", "ab", "天枢", "x-y", "一上"]  # words jieba has (一上 at 3, suggested 936) and not


@pytest.fixture(scope="module")
def jieba_folder(tmp_path_factory):
    return tmp_path_factory.mktemp("jieba")


@pytest.fixture(scope="module")
def boundaries(jieba_folder):
    words = WordBoundaries(ADDED, cache_dir=str(jieba_folder))
    words.warm()
    return words


@pytest.fixture(scope="module")
def jieba_itself(jieba_folder, boundaries):
    """jieba's own Tokenizer over the same dictionary with the same words added."""
    import jieba

    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = str(jieba_folder)
    tokenizer.initialize()
    for word in ADDED:
        tokenizer.add_word(word)
    return tokenizer


# Han characters in and outside jieba's blocks (U+9FD5 is its last), words, characters that
# are no word of jieba's (丄丅丏乁乄), runs the HMM cuts, letters, digits, jieba's word punctuation, spaces
_CUT_PIECES = ["一方面", "方面", "保护", "需要", "由于", "我们", "的", "了", "在", "，", "。", "；", "\n", "\r\n", " ",
               "\t", "ab", "AB", "12", "x-y", "a.b", "50%", "C++", "#1", "&", "_", "天枢", "天枢7", "★", "喂", "撳",
               "鿖", "㐀", "𠀀", "中华人民共和国国务院办公厅", "韩冬冬", "鄱沅", "峣嵚崟", "长春市长春药店", "结婚的和尚未结婚的",
               "一上", "一上午", "统一", "上", "一", "丄", "丅丏", "乁乄"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_CUT_PIECES), max_size=30))
def test_the_automaton_cut_is_jiebas_cut(boundaries, jieba_itself, pieces):
    """``WordCut`` (jieba's words as automata) cuts exactly as jieba's
    Tokenizer with its dict, HMM on, over the same dictionary and words."""
    text = "".join(pieces)
    assert boundaries._get().cut(text) == list(jieba_itself.cut(text, HMM=True))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["一方面", "方面", "保护", "需要", "由于", "我们", "的", "了", "在", "，", "。", "；",
                                 "\n", " ", "ab", "12", "x-y", "天枢7", "★", "喂", "撳", "中华人民共和国国务院办公厅"]),
                max_size=40),
       st.integers(0, 200), st.integers(1, 3))
def test_confirms_equals_one_jieba_pass_over_the_window(boundaries, jieba_itself, pieces, start, length):
    text = "".join(pieces)
    if len(text) < length:
        return
    start %= len(text) - length + 1
    lo, hi = max(0, start - WINDOW), min(len(text), start + length + WINDOW)
    tokens = list(jieba_itself.tokenize(text[lo:hi], HMM=True))
    cuts = {s for _, s, _ in tokens} | {e for _, _, e in tokens}
    ok, why = boundaries.confirms(text, start, start + length)
    assert ok == (start - lo in cuts and start + length - lo in cuts)
    if not ok:
        inside = [w for w, s, e in tokens if s < start + length - lo and e > start - lo]
        assert why == f"jieba: the hit is part of other words ({'/'.join(inside)})"


def test_the_cache_keeps_the_most_recently_used_few_of_each_kind(tmp_path):
    """Each lexicon edit or upgrade writes a new key; only KEEP per kind stay,
    the ones last used, and files of another kind are left alone."""
    from scanner.keyedfiles import KEEP

    folder = tmp_path / "automata"
    versions = [[f"词{i}" for i in range(2500 + n)] for n in range(KEEP + 3)]
    HyperscanMatcher(versions[0], tmp_path)
    (first,) = folder.iterdir()
    other_kind = folder / "pii-0.db"
    other_kind.write_bytes(b"another kind")
    written = []
    for keys in versions[1:]:
        HyperscanMatcher(keys, tmp_path)
        written.append(max(folder.glob("hs-*.db"), key=lambda p: p.stat().st_mtime_ns))
        assert HyperscanMatcher(versions[0], tmp_path).find("词1") is not None  # used again: kept
    kept = set(folder.glob("hs-*.db"))
    assert kept == {first, *written[-(KEEP - 1):]}
    assert other_kind.exists()
    assert not list(folder.glob(".tmp*"))


_PDF_PIECES = [b"%PDF-1.7\n", b"1 0 obj <<", b"\n12 0 obj\r<<", b"endobj\n", b"startxref\n123\n", b"%%EOF\n",
               b"obj", b"endob", b"x" * 700, b"\r\n", b" ", b"\x00\xff"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PDF_PIECES), max_size=30))
def test_damaged_pdf_header_prefilters_keep_the_patterns_verdict(pieces):
    """The literal checks before the trailer and object patterns only skip
    searches that cannot match: the verdict is the patterns' alone."""
    data = b"".join(pieces)
    head, tail = data[:4096], data[-1024:]
    by_patterns = b"%PDF-" not in data[:1024] and bool(
        _PDF_TRAILER.search(tail) or (_PDF_OBJECT.search(head) and b"endobj" in head))
    assert damaged_pdf_header(data) is by_patterns
