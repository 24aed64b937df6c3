"""pytest-benchmark suites, one per stage: `make bench` runs them after the
end-to-end table (benchmarks/run.py)."""
from __future__ import annotations

import pytest

from scanner.config import Limits, ScanConfig
from scanner.engine import Engine
from scanner.extract import extract
from scanner.match.automaton import HyperscanMatcher, PyAhoCorasickMatcher, RsBytesMatcher
from scanner.match.marks import match_mark
from scanner.normalize import kernel, normalize, normalize_reference
from scanner.normalize.vectorised import normalize_vectorised
from scanner.pipeline import scan_item
from scanner.types import Item
from scanner.validate.pii import find_pii, find_pii_in


def _terms(path) -> list[str]:
    return [line.split(",")[0] for line in path.read_text(encoding="utf-8").splitlines()[1:]]


def test_normalise_kernel(benchmark, text):
    kernel.warm()
    benchmark(kernel.normalize_fast, text)


def test_normalise_numpy_pass(benchmark, text):
    benchmark(normalize_vectorised, text)


def test_normalise_reference(benchmark, text):
    benchmark.pedantic(normalize_reference, args=(text,), rounds=3)


BACKENDS = {"pyahocorasick": PyAhoCorasickMatcher, "ahocorasick-rs-bytes": RsBytesMatcher,
            "hyperscan": HyperscanMatcher}


@pytest.mark.parametrize("size", ["anchors", "unit500", "dictionary50k", "absent50k"])
@pytest.mark.parametrize("backend", list(BACKENDS))
def test_match_by_lexicon_size(benchmark, bench_corpus, text, size, backend):
    keys = {"anchors": ["绝密", "机密", "秘密", "密级", "内部资料", "送审稿"],
            "unit500": _terms(bench_corpus.unit_lexicon),
            "dictionary50k": _terms(bench_corpus.stress_lexicon),
            "absent50k": _terms(bench_corpus.absent_lexicon)}[size]
    norm = normalize(text).text
    matcher = BACKENDS[backend](keys)
    benchmark.pedantic(lambda: sum(1 for _ in matcher.find(norm)), rounds=3)


def test_mark_grammar(benchmark):
    text = "机密★5年\n" + "关于机密★二十年的通知，秘密★2030年12月31日。\n" * 200
    anchors = [(i, i + 2) for i in range(len(text)) if text.startswith(("机密", "秘密"), i)]
    benchmark(lambda: [match_mark(text, s, e, text[s:e], "body") for s, e in anchors])


def test_pii(benchmark, text):
    benchmark(find_pii, text.replace("。", "。电话13800138000，2026年11月23日", 200))


@pytest.fixture(scope="session")
def table_text() -> str:
    """A CSV table of figures like the mixed folder's (IDs failing their
    check digit, amounts, dates, phone-like numbers, accounts), 3,000 rows."""
    import random

    import mixed

    return mixed.csv_text(mixed.table_rows(random.Random(13), 3000))


@pytest.mark.parametrize("way", ["find_pii", "whole-text-patterns"])
def test_pii_on_tables(benchmark, table_text, way):
    # find_pii takes the dense (numpy) path here; the other is find_pii_in,
    # the three patterns over the whole text it is tested against
    benchmark(find_pii if way == "find_pii" else lambda t: find_pii_in(t, 0, len(t)), table_text)


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_extraction(benchmark, bench_corpus, fmt):
    folder = bench_corpus.docx_dir if fmt == "docx" else bench_corpus.pdf_dir
    data = next(iter(sorted(folder.iterdir()))).read_bytes()
    benchmark.pedantic(extract, args=(data, f"x.{fmt}", Limits()), rounds=3)


def test_one_item_end_to_end(benchmark, bench_corpus):
    engine = Engine(ScanConfig(lexicons=(str(bench_corpus.unit_lexicon),)))
    kernel.warm()
    data = next(iter(sorted(bench_corpus.text_dir.iterdir()))).read_bytes()
    benchmark(scan_item, engine, Item(path="doc.txt", data=data))
