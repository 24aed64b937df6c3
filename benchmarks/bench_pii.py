"""CPU time of ``find_pii`` per file kind of the mixed benchmark folder.

    .venv/bin/python benchmarks/bench_pii.py /tmp/lead/corpus/base/mixed-30mb-300 [--runs 7] [--whole]

Each kind's files are read as UTF-8 (the .xlsx sheets through the extractor
and the normaliser, as a scan reads them; .docx are skipped), then
``find_pii`` runs over all of them ``--runs`` times; the median CPU seconds (``time.process_time``) and the number of
matches are printed.  ``--whole`` times the whole-text reference
``find_pii_in(text, 0, len(text))`` as well.  Two cores are shared: compare
before and after in the same minute.
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from scanner.validate import pii


def _median_cpu(fn, texts: list[str], runs: int) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(runs):
        t0 = time.process_time()
        count = sum(len(fn(t)) for t in texts)
        times.append(time.process_time() - t0)
    return statistics.median(times), count


def _sheets(paths: list[Path]) -> list[str]:
    from scanner.config import Limits
    from scanner.extract import extract
    from scanner.normalize import normalize

    return [normalize(part.text).text for p in paths for part in extract(p.read_bytes(), p.name, Limits()).parts]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--whole", action="store_true")
    args = parser.parse_args()
    pii.prepare()
    kinds = {"csv": "*.csv", "xlsx": "*.xlsx", "zh.txt": "*.zh.txt", "en.txt": "*.en.txt", "html": "*.html"}
    for kind, pattern in kinds.items():
        paths = sorted(args.folder.glob(pattern))
        texts = _sheets(paths) if kind == "xlsx" else [p.read_text(encoding="utf-8") for p in paths]
        if not texts:
            continue
        pii.find_pii(texts[0])  # warm
        chars = sum(map(len, texts))
        cpu, n = _median_cpu(pii.find_pii, texts, args.runs)
        line = f"{kind:7} {len(texts):3} texts {chars / 1e6:6.2f} M chars  find_pii {cpu:.3f} s  {n} matches"
        if args.whole:
            cpu, n = _median_cpu(lambda t: pii.find_pii_in(t, 0, len(t)), texts, args.runs)
            line += f"  | find_pii_in whole {cpu:.3f} s  {n} matches"
        print(line, flush=True)


if __name__ == "__main__":
    main()
