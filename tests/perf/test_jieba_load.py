"""jieba's dictionary cache, read by our one-piece load, gives the tokenizer
jieba's own ``initialize`` gives from the same cache file; a cache that does
not load, or holds something else than a dictionary and a total (which
jieba would take as they are), is built again from dict.txt and stored."""
from __future__ import annotations

import importlib.util
import json
import marshal
import os
import subprocess
import sys

import jieba
import pytest

from scanner.validate.segment import WordBoundaries, _initialize

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


def test_word_boundaries_load_through_it(built):
    words = WordBoundaries(["保护"], cache_dir=str(built))
    assert words.confirms(TEXT, TEXT.index("保护"), TEXT.index("保护") + 2)[0]
    assert words._get().FREQ == jieba_own(built).FREQ | {"保护": words._get().FREQ["保护"]}


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


def words_files(folder):
    return sorted((folder / "segment").glob("words-*.marshal"))


def test_the_short_terms_are_added_once_and_read_back_by_a_later_process(built, tmp_path):
    """The dictionary with the lexicons' short terms added is stored; a later
    WordBoundaries reads that file (a planted word shows it did) instead of
    adding the terms again, and segments exactly as the first one did."""
    (tmp_path / "jieba.cache").write_bytes((built / "jieba.cache").read_bytes())
    first = WordBoundaries(SHORT, cache_dir=str(tmp_path))
    reference = jieba_own(built)
    for word in SHORT:
        reference.add_word(word)
    assert first._get().FREQ == reference.FREQ and first._get().total == reference.total
    [stored] = words_files(tmp_path)
    freq, total = marshal.loads(stored.read_bytes())
    assert freq == reference.FREQ and total == reference.total
    stored.write_bytes(marshal.dumps((freq | {"天枢七号": 50}, total + 50)))
    later = WordBoundaries(SHORT, cache_dir=str(tmp_path))
    assert later._get().FREQ == reference.FREQ | {"天枢七号": 50}
    for word in SHORT:
        at = TEXT.index(word)
        assert later.confirms(TEXT, at, at + len(word)) == first.confirms(TEXT, at, at + len(word))


@pytest.mark.parametrize("damage", ["garbage", "a term missing", "not a dictionary"])
def test_a_words_file_that_does_not_hold_every_term_is_built_again(built, tmp_path, damage):
    (tmp_path / "jieba.cache").write_bytes((built / "jieba.cache").read_bytes())
    expected = WordBoundaries(SHORT, cache_dir=str(tmp_path))._get()
    [stored] = words_files(tmp_path)
    total = marshal.loads(stored.read_bytes())[1]
    stored.write_bytes({"garbage": b"\x00not marshal", "a term missing": marshal.dumps(({"的": 1}, total)),
                        "not a dictionary": marshal.dumps(([1], total))}[damage])
    again = WordBoundaries(SHORT, cache_dir=str(tmp_path))._get()
    assert again.FREQ == expected.FREQ and again.total == expected.total
    assert marshal.loads(stored.read_bytes()) == (expected.FREQ, expected.total)  # stored again


def test_other_terms_or_a_rebuilt_dictionary_cache_make_another_words_file(built, tmp_path):
    (tmp_path / "jieba.cache").write_bytes((built / "jieba.cache").read_bytes())
    WordBoundaries(SHORT, cache_dir=str(tmp_path))._get()
    WordBoundaries(SHORT[:2], cache_dir=str(tmp_path))._get()
    assert len(words_files(tmp_path)) == 2
    # the dictionary cache is rebuilt (a new file): the terms are added to what it now holds
    freq, total = marshal.loads((built / "jieba.cache").read_bytes())
    replacement = tmp_path / "new.cache"
    replacement.write_bytes(marshal.dumps((freq | {"天枢七号": 50}, total + 50)))
    os.replace(replacement, tmp_path / "jieba.cache")
    rebuilt = WordBoundaries(SHORT, cache_dir=str(tmp_path))._get()
    assert "天枢七号" in rebuilt.FREQ and len(words_files(tmp_path)) == 3


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
                  "cut": list(words._get().cut(text, HMM=True))}))
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
