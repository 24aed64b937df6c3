"""PDF extraction, pages per second on one core, with no character lost
(target 5): two corpora of known Chinese text, one in the non-embedded CID
font STSong-Light, one with WenQuanYi Zen Hei embedded as subsets (what
published PDFs carry), and pdfminer.six alone as the reference peer.  The
process is set up as a batch worker is (numba loaded); a cold one-file scan
checks pages with a ctypes call per character instead, about 0.35 ms a page
slower.

    .venv/bin/python -m pytest benchmarks/bench_pdf.py -q -p no:cacheprovider \\
        --benchmark-only --benchmark-columns=median,ops

Each run first checks that every source character comes back on its page, so
a speed-up that loses text fails instead of being reported.  pages/s is in
``extra_info`` and printed.  To measure an older extractor, run from its tree
(``python -m`` puts the working directory first on the path):

    mkdir /tmp/old && git archive COMMIT scanner | tar -x -C /tmp/old
    cd /tmp/old && /work/main/.venv/bin/python -m pytest /work/main/benchmarks/bench_pdf.py \
        -c /work/main/pyproject.toml -p no:cacheprovider --benchmark-only -s -k preclear
"""
from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus as corpus_mod  # noqa: E402

from scanner.config import Limits  # noqa: E402
from scanner.extract import extract  # noqa: E402

FILES = 2
PAGES = 50
ROOT = Path(__file__).resolve().parent.parent / "build" / "bench-pdf"
KINDS = {"cid-not-embedded": False, "truetype-embedded": True}


def _corpus(kind: str) -> tuple[list[bytes], list[list[str]]]:
    """The files of one kind (built once, deterministically) and each page's source lines."""
    d = corpus_mod.jieba_dictionary()
    folder = ROOT / kind
    folder.mkdir(parents=True, exist_ok=True)
    datas, pages = [], []
    for i in range(FILES):
        path = folder / f"paper{i:02d}.pdf"
        seed = corpus_mod.SEED + 900 + i * 1000
        lines = corpus_mod.make_pdf(path, d, PAGES, seed, embed=KINDS[kind])
        datas.append(path.read_bytes())
        pages.extend(page.split("\n") for page in lines)
    return datas, pages


@pytest.fixture(scope="module", params=sorted(KINDS))
def pdf_corpus(request) -> tuple[str, list[bytes], list[list[str]]]:
    # as in a batch worker (scanner.run.worker): numba loaded for normalisation,
    # which lets the PDF page check run its native loop
    from scanner.normalize import kernel

    kernel.warm()
    return (request.param, *_corpus(request.param))


def _page_texts(datas: list[bytes]) -> list[str]:
    texts = []
    for data in datas:
        parts = {p.name: p.text for p in extract(data, "bench.pdf", Limits()).parts}
        texts.extend(parts.get(f"page:{n}", "") for n in range(1, PAGES + 1))
    return texts


def _lost(texts: list[str], pages: list[list[str]]) -> int:
    """Source characters missing from their own page (white space aside)."""
    lost = 0
    for text, lines in zip(texts, pages, strict=True):
        want = Counter(re.sub(r"\s", "", "".join(lines)))
        got = Counter(re.sub(r"\s", "", text))
        lost += sum((want - got).values())
    return lost


def test_preclear_pdf(benchmark, pdf_corpus) -> None:
    kind, datas, pages = pdf_corpus
    assert _lost(_page_texts(datas), pages) == 0
    benchmark.pedantic(_page_texts, args=(datas,), rounds=5, warmup_rounds=1)
    rate = len(pages) / benchmark.stats.stats.median
    benchmark.extra_info.update(kind=kind, pages=len(pages), pages_per_s=round(rate))
    print(f"\npreclear PDF, {kind}: {rate:,.0f} pages/s per core, 0 characters lost over {len(pages)} pages")


def test_pdfminer_reference(benchmark, pdf_corpus) -> None:
    """pdfminer.six alone on the first 10 pages: the exact, slow reader."""
    from scanner.extract.pdf import _MinerDoc

    kind, datas, pages = pdf_corpus

    def read() -> list[str]:
        miner = _MinerDoc(datas[0])
        return [miner.page_text(i) for i in range(10)]

    assert _lost(read(), pages[:10]) == 0
    benchmark.pedantic(read, rounds=3)
    rate = 10 / benchmark.stats.stats.median
    benchmark.extra_info.update(kind=kind, pages=10, pages_per_s=round(rate))
    print(f"\npdfminer.six alone, {kind}: {rate:,.0f} pages/s per core")
