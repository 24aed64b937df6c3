"""Decompression budgets, memory caps and the time limit (issue 14, item 3).

A PDF stream bomb is refused before pdfium or pdfminer inflate it; an item
that needs more memory than its worker may add, or more time than the
serial driver allows, becomes ``review`` with ``unreadable.limit``."""
from __future__ import annotations

import json
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from reportlab.pdfgen import canvas

from scanner import Engine, ScanConfig, scan_bytes
from scanner.config import MB, Limits
from scanner.extract.pdfstreams import check_streams

from .rawpdf import written

REPO = Path(__file__).resolve().parents[2]


def bomb_pdf(inflated: int, layers: int = 1, text: str = "hello") -> bytes:
    """A one-page PDF whose content stream draws ``text`` and then inflates to
    ``inflated`` bytes of spaces (through ``layers`` chained Flate filters)."""
    co = zlib.compressobj(9)
    chunks = [co.compress(f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET\n".encode())]
    block = b" " * MB
    chunks += [co.compress(block) for _ in range(inflated // MB)]
    stream = b"".join(chunks) + co.flush()
    for _ in range(layers - 1):
        stream = zlib.compress(stream, 9)
    filters = " ".join(["/FlateDecode"] * layers)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
         b"/Resources << /Font << /F1 5 0 R >> >> >>"),
        f"<< /Length {len(stream)} /Filter [{filters}] >>\nstream\n".encode() + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return written(objects, b"%PDF-1.4\n")


def result(data: bytes, name: str, **limits):
    return scan_bytes(data, name, ScanConfig(limits=Limits(**limits)))[0]


@pytest.mark.parametrize("layers", [1, 2])
def test_a_pdf_stream_bomb_is_refused_before_it_is_inflated(layers) -> None:
    data = bomb_pdf(64 * MB, layers=layers)
    r = result(data, "bomb.pdf", max_total_uncompressed=16 * MB, max_expansion_ratio=100_000)
    assert r.verdict.value == "review" and r.findings[0].rule == "unreadable.limit"
    assert "max_total_uncompressed" in r.findings[0].reason


def test_the_expansion_ratio_applies_to_pdf_streams() -> None:
    data = bomb_pdf(64 * MB)  # ~65 KB inflating a thousandfold
    r = result(data, "bomb.pdf", max_expansion_ratio=100)
    assert r.verdict.value == "review" and "max_expansion_ratio" in r.findings[0].reason


def test_the_same_pdf_within_its_budget_is_read() -> None:
    data = bomb_pdf(8 * MB, text="hello")
    assert check_streams(data, Limits(max_expansion_ratio=100_000)) > 8 * MB
    r = result(data, "fine.pdf", max_expansion_ratio=100_000)
    assert r.verdict.value == "clear" and r.extraction.value == "full"


def test_a_reportlab_pdf_counts_its_streams(tmp_path) -> None:
    c = canvas.Canvas(str(tmp_path / "a.pdf"))
    for n in range(200):
        c.drawString(72, 720 - 3 * n, f"hello {n} " * 10)
    c.showPage()
    c.save()
    data = (tmp_path / "a.pdf").read_bytes()
    assert b"ASCII85Decode" in data  # reportlab's default filter chain
    assert 10_000 < check_streams(data, Limits()) < 1_000_000


def preclear(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scanner", *map(str, args)], capture_output=True, text=True,
                          cwd=REPO, check=False)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_item_past_its_memory_cap_is_review_not_a_dead_batch(tmp_path, jobs) -> None:
    (tmp_path / "big.txt").write_bytes(b"public notice text\n" * (4 * MB))  # 76 MB, read whole
    (tmp_path / "small.txt").write_text("关于开展全民健身活动的通知", encoding="utf-8")
    proc = preclear("scan", tmp_path, "--jobs", jobs, "--no-cache", "--max-item-memory", 32 * MB)
    rows = {r["item"]: r for r in map(json.loads, proc.stdout.splitlines())}
    assert set(rows) == {"big.txt", "small.txt"}, proc.stderr
    assert rows["small.txt"]["verdict"] == "clear"
    big = rows["big.txt"]
    assert big["verdict"] == "review" and big["findings"][0]["rule"] in ("unreadable.limit", "unreadable.crash")


def test_the_time_limit_holds_in_the_serial_driver(tmp_path, monkeypatch) -> None:
    from scanner import scan_paths
    from scanner.run import serial

    monkeypatch.setattr(serial, "GRACE_SECONDS", 0.0)  # the alarm at item_timeout x 1.1
    (tmp_path / "long.txt").write_text("关于开展全民健身活动的通知，请各单位认真组织。\n" * 400_000, encoding="utf-8")
    (tmp_path / "short.txt").write_text("秘密★1年", encoding="utf-8")
    engine = Engine(ScanConfig(limits=Limits(item_timeout=0.05)))
    scan_bytes("秘密★1年 通知".encode(), "warm.txt", engine=engine)  # loading happens outside the clock
    long, short = scan_paths([str(tmp_path)], engine=engine)
    assert long.verdict.value == "review" and long.findings[0].rule == "unreadable.limit"
    assert "item_timeout" in long.findings[0].reason
    assert short.verdict.value == "block"  # the next item has its own time


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # ctypes reports what it swallowed
def test_a_time_limit_swallowed_inside_a_c_callback_still_ends_the_item() -> None:
    """A ctypes callback ignores every exception raised in it (numba's object
    cache calls one while a kernel loads): the alarm's ItemTimeout is lost
    there, and the block still ends as timed out instead of as read."""
    import ctypes
    import time

    from scanner.run.guard import ItemTimeout, deadline

    compare = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)

    def slow(a: int, b: int) -> int:
        time.sleep(0.2)  # the alarm rings in here; ctypes prints the exception and goes on
        return 0

    values = (ctypes.c_int * 2)(2, 1)
    finished = []
    with pytest.raises(ItemTimeout), deadline(0.05):
        ctypes.CDLL(None).qsort(values, 2, ctypes.sizeof(ctypes.c_int), compare(slow))
        finished.append(True)
    assert finished == [True]  # the exception was swallowed, the block ran to its end


_INTERRUPTED_WARM = """
import sys, time
import numba, numpy as np
from scanner.run.guard import ItemTimeout, deadline
from scanner.normalize import kernel
if sys.argv[1] == "measure":
    start = time.perf_counter()
    kernel.warm()
    print(time.perf_counter() - start)
    raise SystemExit
try:
    with deadline(float(sys.argv[1])):
        kernel.warm()
except ItemTimeout:
    pass
kernel.warm()
print(kernel.normalize_fast("机密 ★ 5年")[0], numba.njit(lambda a: a.sum())(np.ones(3)))
"""


def test_a_time_limit_during_numba_loading_leaves_numba_working() -> None:
    """The alarm waits for numba to finish loading a kernel: interrupted
    there, numba's registries stay half installed and every later kernel of
    the process (normalisation, the PDF checks) fails for every later item.
    The alarm is placed at spread points of one measured load."""
    from concurrent.futures import ThreadPoolExecutor

    def run(arg: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", _INTERRUPTED_WARM, arg],
                              capture_output=True, text=True, timeout=120)

    run("measure")  # the kernel in numba's disk cache, as a scan leaves it
    load = float(run("measure").stdout)
    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(run, [f"{load * k / 10:.4f}" for k in range(1, 10)]))
    assert [(r.returncode, r.stdout.split()) for r in runs] == [(0, ["机密★5年", "3.0"])] * 9, \
        [r.stderr[-300:] for r in runs if r.returncode]


def test_a_folder_named_numba_on_the_path_does_not_stop_the_time_limit(tmp_path, monkeypatch) -> None:
    """The alarm waits for numba's own frames (its installed package), not
    for any file whose path happens to hold a folder called numba."""
    import time

    from scanner.run.guard import ItemTimeout, deadline

    (tmp_path / "numba").mkdir()
    (tmp_path / "numba" / "slow_item.py").write_text(
        "import time\n\ndef spin(seconds):\n    end = time.monotonic() + seconds\n"
        "    while time.monotonic() < end:\n        pass\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "numba"))
    import slow_item  # type: ignore[import-not-found]

    start = time.monotonic()
    with pytest.raises(ItemTimeout), deadline(0.2):
        slow_item.spin(5)
    assert time.monotonic() - start < 2
