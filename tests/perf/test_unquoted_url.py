"""``decode.unquoted_url`` reads an address as ``urllib.parse.unquote`` does
where it is UTF-8 (run by run otherwise), in memory of the order of the
address: a web query's posted form of 5 MB of ``%`` took 0.9 GB."""
import tracemalloc
import urllib.parse

from hypothesis import given, strategies as st

from scanner.extract.decode import unquoted_url

PIECES = st.sampled_from(["%E6%9C%BA", "%E5%AF%86", "%e2%98%85", "%35", "%", "%Z", "%4", "a", "/", "?", "=", "&",
                          "+", "机", " ", "%25", "%FF", "%C3%A9"])


@given(st.lists(PIECES, max_size=30).map("".join))
def test_an_address_in_utf8_reads_as_unquote_reads_it(url: str) -> None:
    try:
        expected = urllib.parse.unquote(url, errors="strict")
    except UnicodeDecodeError:
        return  # not UTF-8: each run on its own (test_markdown_links)
    assert unquoted_url(url) == expected


def peak(url: str) -> int:
    tracemalloc.start()
    try:
        unquoted_url(url)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_long_address_takes_memory_of_its_order() -> None:
    size = 5 << 20
    assert peak("%" * size) < 4 * size
    assert peak("%41" * (size // 3)) < 8 * size
    assert peak(("%E6%9C%BA" + "%FF") * (size // 12)) < 8 * size
