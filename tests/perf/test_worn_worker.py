"""A pool worker that keeps what its items allocated is replaced before the
next item gets less memory than the first one had: every item of a long
batch has the same ``max_item_memory``.

The memory kept is a real allocation by a real format plug-in (a dist-info
on ``sys.path``, as pip leaves one) that holds on to a mapping per item, as a
fragmented heap or a library's cache would."""
from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from scanner.config import Limits
from scanner.extract.registry import extractors
from scanner.plugins import _registered
from scanner.run.pool import run_pool
from scanner.types import Extraction, Item, Verdict

MB = 1024 * 1024
HOARDER = '''
"""Hoard notes: ``HOARD``, a NUL, how many MB to keep for good, a NUL, and
the file where the reading worker writes its pid."""
import mmap
import os

from scanner.extract.base import Sniffed
from scanner.types import Document, Part

KEPT = []


class HoardExtractor:
    formats = by_structure = frozenset({"hoard"})
    converted = frozenset()
    names = {".hoard": ("hoard",)}

    def sniff(self, probe):
        return Sniffed(100, "hoard") if probe.data.startswith(b"HOARD\\x00") else None

    def extract(self, data, name, limits, fmt, context):
        size, log = data[6:].split(b"\\x00")
        # a mapping of its own: malloc could serve a bytearray from heap the forked worker already holds
        KEPT.append(mmap.mmap(-1, int(size) * 1024 * 1024))
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()}\\n")
        return Document("hoard", parts=(Part("body", "notes"),))

    def members(self, data, name, fmt, limits):
        return None
'''


@pytest.fixture
def hoarder(tmp_path: Path) -> Iterator[None]:
    site = tmp_path / "site"
    site.mkdir()
    (site / "preclear_hoard.py").write_text(HOARDER, encoding="utf-8")
    info = site / "preclear_hoard-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: preclear-hoard\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[preclear.extractors]\nhoard = preclear_hoard:HoardExtractor\n",
                                           encoding="utf-8")
    sys.path.insert(0, str(site))
    extractors.cache_clear()
    _registered.cache_clear()
    try:
        yield
    finally:
        sys.path.remove(str(site))
        sys.modules.pop("preclear_hoard", None)
        extractors.cache_clear()
        _registered.cache_clear()


def _scan(config, tmp_path: Path, kept_mb: int) -> list[str]:
    """Six items in one batch on one worker, each keeping ``kept_mb`` MB of
    a 100 MB budget: the pid of the worker that read each one."""
    log = tmp_path / "pids"
    batch = [Item(path=f"{i}.hoard", data=b"HOARD\x00%d\x00%s" % (kept_mb, str(log).encode())) for i in range(6)]
    results = list(run_pool(config.replace(limits=Limits(max_item_memory=100 * MB)), batch, jobs=1))
    assert [r.item for r in results] == [i.path for i in batch]
    assert [(r.verdict, r.extraction.value, r.findings) for r in results] == [(Verdict.CLEAR, Extraction.FULL, ())] * 6
    return log.read_text().split()


def test_a_worker_that_kept_too_much_is_replaced_and_no_item_runs_short(hoarder, config, tmp_path):
    # 40 MB kept of 100: a worker that stayed on would fail the third item (MemoryError, unreadable.limit)
    assert len(set(_scan(config, tmp_path, 40))) == 6


def test_a_worker_that_keeps_little_stays(hoarder, config, tmp_path):
    assert len(set(_scan(config, tmp_path, 1))) == 1


def test_the_services_isolated_worker_is_replaced_too(hoarder, config, tmp_path):
    from scanner.engine import Engine
    from scanner.run.isolated import IsolatedScanner

    limited = config.replace(limits=Limits(max_item_memory=100 * MB))
    scanner = IsolatedScanner(limited, Engine(limited))
    log = tmp_path / "pids"
    try:
        results = [scanner.scan(Item(path=f"{i}.hoard", data=b"HOARD\x0040\x00%s" % str(log).encode()))[0]
                   for i in range(4)]
    finally:
        scanner.close()
    assert [(r.verdict, r.extraction) for r in results] == [(Verdict.CLEAR, Extraction.FULL)] * 4
    assert len(set(log.read_text().split())) == 4
