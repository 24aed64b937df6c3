"""OCR: pages per second, character accuracy, and the cheap test's skips.

    .venv/bin/python benchmarks/bench_ocr.py [--pages N]    (make bench runs it with --pages 2)

Pictures are rendered as tests/extract/pictures.py renders them (Noto CJK,
150 and 300 dpi, skewed 1-2 degrees, noise, a red seal over the text):
half-A4 scans for accuracy, full A4 pages for speed.  Accuracy is the share
of the source characters found in order in what OCR read (difflib matching
blocks over the texts without spaces; the seal's own text is extra, not an
error).  The cheap test is run over the same text pictures and over logos,
icons, bands and blank pictures: its misses (a text picture skipped) must
be none.  Needs the ocr extra.  Timings on a shared machine: compare runs
made in the same command.
"""
from __future__ import annotations

import argparse
import difflib
import importlib.util
import time
from pathlib import Path

from PIL import Image

from scanner.extract.ocr import default_recogniser, may_hold_text

HERE = Path(__file__).resolve().parent


def _pictures():
    spec = importlib.util.spec_from_file_location("ocr_pictures", HERE.parent / "tests" / "extract" / "pictures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=3, help="full A4 pages timed at 150 dpi")
    args = parser.parse_args()
    P = _pictures()
    recogniser = default_recogniser()
    if recogniser is None:  # make bench on a host without the extra: say so, do not fail the rest
        print("OCR benchmark skipped: the ocr extra is not installed (pip install 'preclear[ocr]')")
        return
    shots = {f"{kind}-{dpi}-{'serif' if serif else 'sans'}": (lines, P.page(lines, dpi=dpi, skew=skew, serif=serif))
             for kind, lines in (("mark", P.MARKED), ("label", P.LABELLED), ("plain", P.NOTICE))
             for dpi, skew, serif in ((150, 1.5, False), (300, -2.0, True))}
    recogniser.recognise(shots["plain-150-sans"][1])  # model warm-up

    total_src = total_hit = 0
    print("picture                 px          seconds  accuracy")
    for name, (lines, img) in shots.items():
        started = time.perf_counter()
        read = recogniser.recognise(img)
        seconds = time.perf_counter() - started
        source = "".join(lines).replace(" ", "")
        got = "".join(line.text for line in read).replace(" ", "")
        hit = sum(b.size for b in difflib.SequenceMatcher(None, source, got, autojunk=False).get_matching_blocks())
        total_src += len(source)
        total_hit += hit
        print(f"{name:22}  {img.size[0]}x{img.size[1]:<6}  {seconds:7.2f}  {hit / len(source):8.3f}")
    print(f"character accuracy over {len(shots)} pictures: {total_hit / total_src:.4f} "
          f"({total_src - total_hit} of {total_src} characters missed)")

    full = [P.page(P.NOTICE * 3, dpi=150, skew=1.0, seed=i, inches=11.69) for i in range(args.pages)]
    started, cpu = time.perf_counter(), time.process_time()
    for img in full:
        recogniser.recognise(img)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"full A4 pages at 150 dpi: {args.pages} in {seconds:.2f} s = {args.pages / seconds:.2f} pages/s "
          f"({cpu / args.pages:.1f} s of CPU a page, all threads)")

    blanks = {"logo-120": P.logo(120), "logo-300": P.logo(300), "logo-600": P.logo(600), "icon-32": P.icon(32),
              "icon-64": P.icon(64), "icon-256": P.icon(256), "banner": P.banner(),
              "blank": Image.new("RGB", (800, 600), "white")}
    for dpi in (150, 300):  # one short line on a clean full page: far less than 1 % ink
        shots[f"one-line-{dpi}"] = (["机密★5年"], P.page(["机密★5年"], dpi=dpi, skew=0, noise=False, seal=False,
                                                         inches=11.69))
    kept_text = [n for n, (_, img) in shots.items() if may_hold_text(img)[0]]
    skipped = [n for n, img in blanks.items() if not may_hold_text(img)[0]]
    started = time.perf_counter()
    for _, img in shots.values():
        may_hold_text(img)
    cheap = (time.perf_counter() - started) / len(shots)
    print(f"cheap test: {len(skipped)} of {len(blanks)} pictures without text skipped ({', '.join(skipped)}); "
          f"text pictures kept {len(kept_text)} of {len(shots)} (misses: {len(shots) - len(kept_text)}); "
          f"{cheap * 1000:.1f} ms a picture")


if __name__ == "__main__":
    main()
