"""Where a folder's time goes, by format and language: each stage of the
scan of one kind of file in the mixed folder (Chinese text, English text,
HTML, CSV, XLSX, DOCX; PDF printed by LibreOffice), timed in one process whose engine is built and
whose first-use costs are paid (a warm-up pass over the whole folder), so
that each figure is the stage's own rate over that kind's bytes.

The whole-command rows of ``run.py`` say what a user waits for; these say
which stage of which format that time is spent in.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scanner.config import ScanConfig
from scanner.detect import HINT_CAP
from scanner.detectors import Detector, PartText
from scanner.engine import Engine
from scanner.extract import extract
from scanner.pipeline import scan_item
from scanner.run.worker import engine_for
from scanner.types import Item, Part

# the mixed folder's kinds of file (benchmarks/mixed.py), by how its names end, and
# its DOCX printed to PDF by LibreOffice (``mixed.printed_pdfs``)
KINDS = (".zh.txt", ".en.txt", ".html", ".csv", ".xlsx", ".docx", ".pdf")
STAGES = ("extract", "normalise", "match", "mark", "lexicon", "pii", "whole item")  # the detectors by id
ROUNDS = 3


@dataclass(frozen=True)
class KindStages:
    kind: str
    files: int
    bytes: int
    seconds: dict[str, float]  # CPU seconds of each of STAGES over all the kind's files

    def rate(self, stage: str) -> float:
        """MB of the kind's files a CPU second, through ``stage`` alone."""
        return self.bytes / 1e6 / max(self.seconds[stage], 1e-9)


def _least_cpu(fn: Callable[[], object], before: Callable[[], object] = lambda: None) -> float:
    """The least CPU time of ``ROUNDS`` calls of ``fn``, ``before`` run
    untimed ahead of each (to give each round fresh inputs)."""
    best = float("inf")
    for _ in range(ROUNDS):
        before()
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def _forget_cuts(engine: Engine) -> None:
    """Empty jieba's cache of cut blocks, so that no round confirms its short
    hits from the cuts of the round before (a real scan cuts each block once)."""
    cut = getattr(engine.words, "_cut", None)
    if cut is not None:
        cut.cache_clear()


def _texts(engine: Engine, parts: list[Part], with_hits: bool) -> list[PartText]:
    texts = [PartText(engine, part, HINT_CAP) for part in parts]
    if with_hits:
        for text in texts:
            _ = text.hits
    return texts


def _finding(detector: Detector, texts: list[PartText]) -> Callable[[], object]:
    return lambda: [detector.find(text) for text in texts]


def kind_stages(engine: Engine, files: list[Path], kind: str) -> KindStages:
    """Every stage of ``files`` (all of ``kind``), each timed on its own."""
    items = [(f.name, f.read_bytes()) for f in files]
    limits = engine.config.limits
    parts = [part for name, data in items for part in extract(data, name, limits).parts]
    seconds = {"extract": _least_cpu(lambda: [extract(data, name, limits) for name, data in items]),
               "normalise": _least_cpu(lambda: _texts(engine, parts, with_hits=False))}
    texts: list[PartText] = []

    def fresh(with_hits: bool) -> Callable[[], None]:
        def make() -> None:
            _forget_cuts(engine)
            texts[:] = _texts(engine, parts, with_hits)
        return make

    seconds["match"] = _least_cpu(lambda: [text.hits for text in texts], fresh(with_hits=False))
    for detector in engine.detectors:
        if detector.id in STAGES:
            seconds[detector.id] = _least_cpu(_finding(detector, texts), fresh(with_hits=True))
    seconds["whole item"] = _least_cpu(lambda: [scan_item(engine, Item(name, data=data)) for name, data in items],
                                       lambda: _forget_cuts(engine))
    return KindStages(kind, len(files), sum(len(data) for _, data in items), seconds)


def folder_stages(folder: Path, config: ScanConfig) -> list[KindStages]:
    """The stages of each kind of file in ``folder``, after a warm-up scan
    of every file (the imports, tables and patterns a process builds on
    first use are not any one format's rate)."""
    engine = engine_for(config, warm=False)
    every = sorted(p for p in folder.iterdir() if p.is_file())
    for path in every:
        scan_item(engine, Item(path.name, data=path.read_bytes()))
    return [kind_stages(engine, [p for p in every if p.name.endswith(kind)], kind)
            for kind in KINDS if any(p.name.endswith(kind) for p in every)]
