"""OCR inside the memory cap of a real folder scan (scanner.budget):
the model runtime needs more address space than one item's budget when it
loads, so the reader gives it an allowance.  Before, every picture of a
`preclear scan` came out `unreadable.internal` in pool workers and the
one-process scan died with `internal error`."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from .pictures import encode, page

pytest.importorskip("rapidocr", reason="OCR is the preclear[ocr] extra")


def _preclear() -> list[str]:
    found = shutil.which("preclear")
    return [found] if found else [sys.executable, "-m", "scanner"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_pictures_are_read_inside_the_memory_cap(tmp_path, jobs):
    folder = tmp_path / "outgoing"
    folder.mkdir()
    for i in range(3):  # more than one picture per worker: the allowance holds after the first
        (folder / f"scan{i}.png").write_bytes(encode(page(["机密★5年", "关于开展年度检查工作的通知"], dpi=150)))
    r = subprocess.run([*_preclear(), "scan", str(folder), "--jobs", jobs, "--no-cache", "--format", "jsonl"],
                       capture_output=True, text=True, timeout=600, env={**os.environ, "PYTHONSAFEPATH": "1"})
    assert r.returncode == 2, r.stderr[-2000:]
    records = [json.loads(line) for line in r.stdout.splitlines()]
    assert [(x["item"], x["verdict"]) for x in records] == [(f"scan{i}.png", "block") for i in range(3)]
    assert all(any(f["rule"] == "mark.state-secret" for f in x["findings"]) for x in records)
