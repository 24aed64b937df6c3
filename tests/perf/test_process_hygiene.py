"""Process hygiene of ``preclear scan`` (issue 14, item 6): the pool's
workers die with the scan when it is killed with SIGKILL, and an interrupted
JSONL scan continues with ``--resume`` to the report an uninterrupted run
writes, without scanning again what it had written."""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

PRECLEAR = str(Path(sys.executable).with_name("preclear"))
WORDS = "关于开展档案整理工作的通知各单位请于月底前报送材料会议纪要年度总结工作安排"


def _children(pid: int) -> set[int]:
    out = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        out.update(int(c) for c in text)
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.fixture(scope="module")
def big_folder(tmp_path_factory) -> Path:
    """Items that each keep a worker busy for seconds (30 MB of text)."""
    root = tmp_path_factory.mktemp("big")
    rng = random.Random(7)
    block = "".join(rng.choice(WORDS) for _ in range(100_000)).encode()
    for name in ("a.txt", "b.txt", "c.txt", "d.txt"):
        (root / name).write_bytes(block * 100)
    return root


def test_workers_die_when_the_scan_is_killed(big_folder, tmp_path):
    scan = subprocess.Popen([PRECLEAR, "scan", str(big_folder), "--jobs", "2", "--no-cache",
                             "-o", str(tmp_path / "out.jsonl")], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        workers: set[int] = set()
        while time.monotonic() < deadline:      # both workers started and scanning
            workers = _children(scan.pid)
            if len(workers) >= 2 and all(_alive(w) and _cpu_seconds(w) > 0.3 for w in workers):
                break
            assert scan.poll() is None, "the scan ended before its workers could be seen"
            time.sleep(0.05)
        assert len(workers) >= 2
        assert scan.poll() is None
        scan.send_signal(signal.SIGKILL)
        scan.wait()
        gone_by = time.monotonic() + 3.0
        while time.monotonic() < gone_by and any(_alive(w) for w in workers):
            time.sleep(0.05)
        assert not [w for w in workers if _alive(w)], "pool workers outlived the killed scan"
    finally:
        for w in workers if "workers" in locals() else ():
            if _alive(w):
                os.kill(w, signal.SIGKILL)
        if scan.poll() is None:
            scan.kill()
            scan.wait()


@pytest.fixture(scope="module")
def many_folder(tmp_path_factory) -> Path:
    """Enough small items, some marked, one an archive with members, that
    the report is written in several buffer flushes."""
    import zipfile

    root = tmp_path_factory.mktemp("many")
    rng = random.Random(3)
    for i in range(400):
        text = "".join(rng.choice(WORDS) for _ in range(3000))
        if i % 37 == 0:
            text = "机密★5年\n" + text
        (root / f"{i // 100}" / f"{i:04d}.txt").parent.mkdir(exist_ok=True)
        (root / f"{i // 100}" / f"{i:04d}.txt").write_text(text, encoding="utf-8")
    with zipfile.ZipFile(root / "1" / "0150-pack.zip", "w") as zf:
        zf.writestr("inner/secret.txt", "秘密★十年\n正文")
        zf.writestr("inner/ok.txt", "公开信息")
    return root


def _scan(folder: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([PRECLEAR, "scan", str(folder), "--jobs", "2", "--no-cache", "-o", str(out), *extra],
                          capture_output=True, timeout=600, check=False)


def test_resume_continues_to_the_uninterrupted_report(many_folder, tmp_path):
    whole = tmp_path / "whole.jsonl"
    first = _scan(many_folder, whole)
    assert first.returncode == 2, first.stderr        # block: marked items

    out = tmp_path / "out.jsonl"
    part = Path(f"{out}.part")
    scan = subprocess.Popen([PRECLEAR, "scan", str(many_folder), "--jobs", "2", "--no-cache", "-o", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and scan.poll() is None:
        if part.exists() and part.read_bytes().count(b"\n") >= 40:
            break
        time.sleep(0.01)
    assert scan.poll() is None, "the scan ended before it could be interrupted"
    scan.send_signal(signal.SIGKILL)
    scan.wait()
    written = part.read_bytes()
    lines = written.split(b"\n")
    assert 40 <= len(lines) - 1 < whole.read_bytes().count(b"\n")
    done_paths = [json.loads(line)["item"] for line in lines[:-2] if line]

    # an item already in the report is changed on disk: scanned again, its
    # result would change; skipped, the report stays the uninterrupted one
    changed = many_folder / done_paths[5]                 # reported relative to the folder scanned
    original = changed.read_bytes()
    changed.write_text("绝密★长期\n" + original.decode(), encoding="utf-8")
    try:
        resumed = _scan(many_folder, out, "--resume")
    finally:
        changed.write_bytes(original)
    assert resumed.returncode == 2, resumed.stderr
    assert not part.exists()
    assert out.read_bytes() == whole.read_bytes()


def test_resume_refuses_a_changed_input_and_other_formats(many_folder, tmp_path):
    out = tmp_path / "out.jsonl"
    Path(f"{out}.part").write_text(json.dumps({
        "item": "elsewhere/x.txt", "sha256": None, "size": 1, "format": "text", "verdict": "clear", "score": 0,
        "findings": [], "errors": [], "extraction": "full"}) + "\n" + json.dumps({
        "item": "elsewhere/y.txt", "sha256": None, "size": 1, "format": "text", "verdict": "clear", "score": 0,
        "findings": [], "errors": [], "extraction": "full"}) + "\n", encoding="utf-8")
    r = _scan(many_folder, out, "--resume")
    assert r.returncode == 3
    assert b"--resume: the input changed since the interrupted scan: item 1 was 'elsewhere/x.txt'" in r.stderr
    r = subprocess.run([PRECLEAR, "scan", str(many_folder), "--format", "csv", "-o", str(out), "--resume"],
                       capture_output=True, timeout=120, check=False)
    assert r.returncode == 3 and b"--resume continues a JSONL report" in r.stderr


WATCHED_CHILD = """
import multiprocessing as mp, os, threading, time
from scanner.run.pool import _watch_parent

def child(parent):
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    time.sleep(60)

if __name__ == "__main__":
    p = mp.get_context("fork").Process(target=child, args=(os.getpid(),))
    p.start()
    print(p.pid, flush=True)
    time.sleep(60)
"""


def test_the_watchdog_alone_ends_a_worker_whose_parent_is_gone(tmp_path):
    """The fallback where PR_SET_PDEATHSIG is not available: no prctl here."""
    script = tmp_path / "watched.py"
    script.write_text(WATCHED_CHILD)
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    try:
        assert _alive(child)
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        gone_by = time.monotonic() + 5.0
        while time.monotonic() < gone_by and _alive(child):
            time.sleep(0.05)
        assert not _alive(child)
    finally:
        if _alive(child):
            os.kill(child, signal.SIGKILL)
        parent.stdout.close()
