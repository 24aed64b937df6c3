"""The benchmark corpus, built once per run (deterministic; see corpus.py)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus as corpus_mod  # noqa: E402


@pytest.fixture(scope="session")
def bench_corpus():
    root = Path(__file__).resolve().parent.parent / "build" / "bench-corpus-small"
    return corpus_mod.build(root, text_files=4, chars_per_file=100_000, docx_files=1, docx_pages=20,
                            pdf_files=1, pdf_pages=10)


@pytest.fixture(scope="session")
def text(bench_corpus) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(bench_corpus.text_dir.iterdir()))
