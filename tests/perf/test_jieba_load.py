"""jieba's dictionary cache, read by our one-piece load, gives the tokenizer
jieba's own ``initialize`` gives from the same cache file; a cache that does
not load, or holds something else than a dictionary and a total (which
jieba would take as they are), is built again from dict.txt and stored."""
from __future__ import annotations

import marshal
import os

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
