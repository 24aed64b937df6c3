"""jieba's dictionary cache, read by our one-piece load, gives the tokenizer
jieba's own ``initialize`` gives from the same cache file; a cache that does
not load, or holds something else than a dictionary and a total (which
jieba would take as they are), is built again from dict.txt and stored."""
from __future__ import annotations

import importlib.util
import json
import marshal
import math
import os
import subprocess
import sys

import jieba
import pytest

from scanner.keyedfiles import read_checked, store_checked
from scanner.validate.segment import JiebaCut, WordBoundaries, _initialize
from scanner.validate.wordcut import Words

TEXT = "天枢七号工程的保密审查工作由办公室负责，一方面加强保护，另一方面公开透明。"


def jieba_own(folder) -> jieba.Tokenizer:
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = str(folder)
    tokenizer.initialize()
    return tokenizer


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A cache folder in which jieba has built and stored its cache."""
    folder = tmp_path_factory.mktemp("jieba")
    jieba_own(folder)
    assert (folder / "jieba.cache").is_file()
    return folder


def test_the_one_piece_load_reads_what_jieba_reads(built, tmp_path):
    # a cache jieba did not write from dict.txt: only a read of this very file has the planted word
    freq, total = marshal.loads((built / "jieba.cache").read_bytes())
    freq["天枢七号"] = 50
    (tmp_path / "jieba.cache").write_bytes(marshal.dumps((freq, total + 50)))
    ours = jieba.Tokenizer()
    ours.tmp_dir = str(tmp_path)
    _initialize(ours)
    theirs = jieba_own(tmp_path)
    assert ours.initialized and ours.FREQ == theirs.FREQ and ours.total == theirs.total
    assert "天枢七号" in ours.FREQ
    assert list(ours.cut(TEXT, HMM=True)) == list(theirs.cut(TEXT, HMM=True))


@pytest.mark.parametrize("cache", [b"not marshal data", marshal.dumps([1, 2]), marshal.dumps(({}, "x")), b""])
def test_a_cache_that_does_not_load_is_built_again(built, tmp_path, cache):
    (tmp_path / "jieba.cache").write_bytes(cache)
    ours = jieba.Tokenizer()
    ours.tmp_dir = str(tmp_path)
    _initialize(ours)
    reference = jieba_own(built)
    assert ours.FREQ == reference.FREQ and ours.total == reference.total
    assert marshal.loads((tmp_path / "jieba.cache").read_bytes())[1] == reference.total  # stored again


def test_word_boundaries_cut_as_jieba_with_the_terms_added(built):
    words = WordBoundaries(["保护"], cache_dir=str(built))
    assert words.confirms(TEXT, TEXT.index("保护"), TEXT.index("保护") + 2)[0]
    reference = jieba_own(built)
    reference.add_word("保护")
    assert words._get().cut(TEXT) == list(reference.cut(TEXT, HMM=True))
    assert words._get().added_freq == {"保护": reference.FREQ["保护"]}
    assert words._get().logtotal == math.log(reference.total)


@pytest.mark.parametrize("kind", ["fifo", "symlink to /dev/zero"])
def test_a_cache_path_that_is_not_a_regular_file_is_not_read(built, tmp_path, kind):
    """A FIFO would block the read for ever, /dev/zero never end it: jieba's
    dictionary is built again and stored in its place."""
    cache = tmp_path / "jieba.cache"
    if kind == "fifo":
        os.mkfifo(cache)
    else:
        cache.symlink_to("/dev/zero")
    ours = jieba.Tokenizer()
    ours.tmp_dir = str(tmp_path)
    _initialize(ours)
    assert ours.FREQ == jieba_own(built).FREQ
    assert cache.is_file() and not cache.is_symlink()


SHORT = ["保护", "公开", "工程"]


def words_files(folder, kind="words"):
    return sorted((folder / "segment").glob(f"{kind}-*.bin"))


def with_terms(built, terms):
    reference = jieba_own(built)
    for word in terms:
        reference.add_word(word)
    return reference


def test_the_short_terms_are_added_once_and_read_back_by_a_later_process(built, tmp_path):
    """jieba's words and the added terms are stored; a later WordBoundaries
    reads both files (planted changes show it did) instead of reading
    jieba's dictionary and adding the terms again."""
    (tmp_path / "jieba.cache").write_bytes((built / "jieba.cache").read_bytes())
    first = WordBoundaries(SHORT, cache_dir=str(tmp_path))
    reference = with_terms(built, SHORT)
    assert first._get().added_freq == {w: reference.FREQ[w] for w in SHORT}
    assert first._get().logtotal == math.log(reference.total)
    [stored] = words_files(tmp_path)
    freq, total, automaton = marshal.loads(read_checked(stored))
    store_checked(stored, marshal.dumps(({**freq, "保护": 1}, total, automaton)))
    [base] = words_files(tmp_path, "base")
    planted = Words.build(marshal.loads((built / "jieba.cache").read_bytes())[0] | {"天枢七号": 50})
    store_checked(base, planted.serialize())
    later = WordBoundaries(SHORT, cache_dir=str(tmp_path))._get()
    assert later.added_freq == {**freq, "保护": 1}
    assert later.cut("天枢七号") == ["天枢七号"] != first._get().cut("天枢七号")  # the planted word
    for word in SHORT[1:]:
        at = TEXT.index(word)
        assert WordBoundaries(SHORT, cache_dir=str(tmp_path)).confirms(TEXT, at, at + len(word)) == \
            first.confirms(TEXT, at, at + len(word))


@pytest.mark.parametrize(("kind", "damage"), [
    ("words", "garbage"), ("words", "a flipped byte"), ("words", "a term missing"), ("words", "not a dictionary"),
    ("base", "garbage"), ("base", "a flipped byte"), ("base", "a count the bytes do not hold")])
def test_a_stored_file_that_is_not_as_stored_or_lacks_a_term_is_built_again(built, tmp_path, kind, damage):
    (tmp_path / "jieba.cache").write_bytes((built / "jieba.cache").read_bytes())
    expected = WordBoundaries(SHORT, cache_dir=str(tmp_path))._get()
    [stored] = words_files(tmp_path, kind)
    good = stored.read_bytes()
    data = read_checked(stored)
    flipped = bytearray(good)
    flipped[len(flipped) // 2] ^= 0xFF
    if damage in ("garbage", "a flipped byte"):
        stored.write_bytes(b"\x00not marshal" if damage == "garbage" else bytes(flipped))
    elif kind == "base":  # the digest right, the contents not
        store_checked(stored, (10**9).to_bytes(8, "little") + data[8:])
    else:
        _, total, automaton = marshal.loads(data)
        store_checked(stored, marshal.dumps(({"的": 1} if damage == "a term missing" else [1], total, automaton)))
    again = WordBoundaries(SHORT, cache_dir=str(tmp_path))._get()
    assert again.added_freq == expected.added_freq and again.logtotal == expected.logtotal
    assert again.cut(TEXT) == expected.cut(TEXT) == list(with_terms(built, SHORT).cut(TEXT, HMM=True))
    assert stored.read_bytes() == good  # stored again


def test_other_terms_or_a_rebuilt_dictionary_cache_make_other_files(built, tmp_path):
    (tmp_path / "jieba.cache").write_bytes((built / "jieba.cache").read_bytes())
    WordBoundaries(SHORT, cache_dir=str(tmp_path))._get()
    WordBoundaries(SHORT[:2], cache_dir=str(tmp_path))._get()
    assert len(words_files(tmp_path)) == 2 and len(words_files(tmp_path, "base")) == 1
    # the dictionary cache is rebuilt (a new file): the words are read again from what it now holds
    freq, total = marshal.loads((built / "jieba.cache").read_bytes())
    replacement = tmp_path / "new.cache"
    replacement.write_bytes(marshal.dumps((freq | {"天枢七号": 50}, total + 50)))
    os.replace(replacement, tmp_path / "jieba.cache")
    rebuilt = WordBoundaries(SHORT, cache_dir=str(tmp_path))._get()
    assert rebuilt.cut("天枢七号") == ["天枢七号"]
    assert len(words_files(tmp_path)) == 3 and len(words_files(tmp_path, "base")) == 2


# A fresh process confirms short hits, its cache folder empty at first (jieba's dictionary is
# built from dict.txt, opened through jieba's own resource path) and then filled.
_FRESH_PROCESS = r"""
import json, sys
from scanner.validate.segment import WordBoundaries
words = WordBoundaries(["保护", "公开"], cache_dir=sys.argv[1])
text = sys.argv[2]
at = text.index("保护")
verdict = words.confirms(text, at, at + 2)
print(json.dumps({"pkg_resources": "pkg_resources" in sys.modules, "verdict": verdict,
                  "cut": words._get().cut(text)}))
"""


def test_jieba_is_imported_without_pkg_resources_and_segments_as_with_it(built, tmp_path):
    """jieba imports setuptools' ``pkg_resources`` (~0.1 s) only to find its
    data files; a confirming process imports jieba without it, and jieba
    then builds its dictionary (and reads its model) exactly as this test
    process, which imported jieba with ``pkg_resources``, does."""
    if importlib.util.find_spec("pkg_resources") is None:
        pytest.skip("no pkg_resources in this environment: nothing to keep out")
    assert "pkg_resources" in sys.modules  # this process's jieba took it
    reference = jieba_own(built)
    for word in ["保护", "公开"]:
        reference.add_word(word)
    for run in ("builds jieba's dictionary", "reads the cache"):
        out = subprocess.run([sys.executable, "-c", _FRESH_PROCESS, str(tmp_path), TEXT],
                             capture_output=True, text=True, check=True)
        got = json.loads(out.stdout)
        assert got["pkg_resources"] is False, run
        assert got["cut"] == list(reference.cut(TEXT, HMM=True)), run
        assert got["verdict"][0] is True, run
        assert (tmp_path / "jieba.cache").is_file()


def test_where_the_automaton_cannot_be_kept_jieba_cuts_with_its_own_dict(built, tmp_path):
    """Building jieba's automaton (~2.5 s) pays only when the next process
    reads it: with no cache folder, or a ``segment`` that cannot be made,
    the cut is jieba's own, with the terms added all the same."""
    (tmp_path / "jieba.cache").write_bytes((built / "jieba.cache").read_bytes())
    (tmp_path / "segment").write_text("not a folder", encoding="utf-8")
    reference = with_terms(built, SHORT)
    for words in (WordBoundaries(SHORT, cache_dir=str(tmp_path)), WordBoundaries(SHORT)):
        assert isinstance(words._get(), JiebaCut)
        assert words._get().cut(TEXT) == list(reference.cut(TEXT, HMM=True))
        at = TEXT.index("保护")
        assert words.confirms(TEXT, at, at + 2)[0]
    assert (tmp_path / "segment").is_file()


_WITHOUT_DAACHORSE = r"""
import json, sys
sys.modules["daachorse"] = None  # as on a platform without its wheel: its import fails
from scanner.validate.segment import JiebaCut, WordBoundaries
words = WordBoundaries(sys.argv[2].split(","), cache_dir=sys.argv[1])
print(json.dumps([isinstance(words._get(), JiebaCut), words._get().cut(sys.argv[3])]))
"""


def test_without_daachorse_jieba_cuts_with_its_own_dict(built, tmp_path):
    (tmp_path / "jieba.cache").write_bytes((built / "jieba.cache").read_bytes())
    out = subprocess.run([sys.executable, "-c", _WITHOUT_DAACHORSE, str(tmp_path), ",".join(SHORT), TEXT],
                         capture_output=True, text=True, check=True)
    jieba_own_cut, cut = json.loads(out.stdout)
    assert jieba_own_cut and cut == list(with_terms(built, SHORT).cut(TEXT, HMM=True))
    assert not (tmp_path / "segment").exists() or not words_files(tmp_path, "base")
