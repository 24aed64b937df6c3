"""The warm LibreOffice of ``legacy_convert``: real .doc files (python-docx,
saved by LibreOffice) go file after file through one server per process; a
server that is killed, hangs or cannot start never clears a file and is
replaced; no ``soffice`` of ours outlives a scan.  Each test points the
temporary folder at its own ``tmp_path``, so the processes it finds by their
command lines (the profile path) are its own, not another test run's."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest

from scanner import scan_bytes
from scanner.config import Convert, Limits, ScanConfig
from scanner.extract import legacy_convert


@pytest.fixture(scope="module")
def marked_docs(soffice) -> list[bytes]:
    """Three .doc files, each with its own mark in the body."""
    out = []
    for n in (3, 4, 5):
        d = docx.Document()
        d.add_paragraph(f"关于年度检查的通知 机密★{n}年")
        out.append(soffice(_save(d), "docx", "doc"))
    return out


def _save(document) -> bytes:
    import io
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Profiles and work folders under ``tmp_path``; a fresh converter state."""
    legacy_convert._discard_profile()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    yield tmp_path
    legacy_convert._discard_profile()


def _ours(folder: Path) -> list[int]:
    """Pids of live processes whose command line names ``folder`` (our servers and soffice)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            state = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if str(folder).encode() in cmdline and state != "Z":
            pids.append(int(entry))
    return pids


def _mark(result) -> list[str]:
    return [f.text for f in result.findings if f.rule.startswith("mark.")]


def _server_pid() -> int:
    state = legacy_convert._state
    assert state is not None and state.server is not None
    return state.server.proc.pid


def test_files_go_through_one_warm_server_restarted_after_n(marked_docs: list[bytes], private_tmp: Path) -> None:
    config = ScanConfig(convert=Convert(warm_conversions=2))
    [first] = scan_bytes(marked_docs[0], "a.doc", config)
    server = _server_pid()
    [second] = scan_bytes(marked_docs[1], "b.doc", config)
    assert legacy_convert._state is not None and legacy_convert._state.server is None  # 2 done: stopped
    [third] = scan_bytes(marked_docs[2], "c.doc", config)
    assert _server_pid() != server
    assert [_mark(r) for r in (first, second, third)] == [["机密★3年"], ["机密★4年"], ["机密★5年"]]
    assert all(r.extraction.value == "full" and r.verdict.value == "block" for r in (first, second, third))
    assert _ours(private_tmp)  # the third server stays warm for the next file
    legacy_convert._discard_profile()
    assert not _ours(private_tmp)


def test_garbage_doc_is_review_and_a_new_server_converts_the_next(ole, marked_docs: list[bytes],
                                                                   private_tmp: Path) -> None:
    """LibreOffice cannot read it warm nor in a soffice of its own: review,
    with today's reason; the server was replaced, the next file converts."""
    [good] = scan_bytes(marked_docs[0], "a.doc")
    server = _server_pid()
    [bad] = scan_bytes(ole("WordDocument", os.urandom(8192)), "garbage.doc")
    assert bad.verdict.value == "review" and bad.extraction.value != "full"
    [finding] = [f for f in bad.findings if f.rule == "unreadable.format"]
    assert dict(finding.details)["conversion"] == "LibreOffice could not convert the doc file"
    [after] = scan_bytes(marked_docs[1], "b.doc")
    assert _mark(good) == ["机密★3年"] and _mark(after) == ["机密★4年"]
    assert _server_pid() != server and server not in _ours(private_tmp)


def test_killed_libreoffice_is_replaced_and_the_file_still_read(marked_docs: list[bytes], private_tmp: Path) -> None:
    """LibreOffice dies under a conversion (killed here, as a crash would end it):
    a fresh soffice converts that file, and a new server takes the next."""
    scan_bytes(marked_docs[0], "a.doc")
    server = _server_pid()
    offices = [p for p in _ours(private_tmp) if p != server]
    assert offices

    def kill_when_asked() -> None:  # once the server has the request, LibreOffice dies
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not list(private_tmp.glob("preclear-convert-*/out")):
            time.sleep(0.001)
        for pid in offices:
            os.kill(pid, signal.SIGKILL)

    killer = threading.Thread(target=kill_when_asked)
    killer.start()
    [result] = scan_bytes(marked_docs[1], "b.doc")
    killer.join()
    assert result.verdict.value == "block" and _mark(result) == ["机密★4年"]
    [after] = scan_bytes(marked_docs[2], "c.doc")
    assert _mark(after) == ["机密★5年"] and _server_pid() != server
    assert not any(p in _ours(private_tmp) for p in offices)


def test_hung_conversion_is_a_limit_and_the_server_restarts(marked_docs: list[bytes], private_tmp: Path) -> None:
    scan_bytes(marked_docs[0], "a.doc")
    server = _server_pid()
    [slow] = scan_bytes(marked_docs[1], "b.doc", ScanConfig(limits=Limits(item_timeout=0.001)))
    assert slow.verdict.value == "review" and slow.extraction.value != "full"
    assert [dict(f.details)["limit"] for f in slow.findings if f.rule == "unreadable.limit"] == ["item_timeout"]
    assert server not in _ours(private_tmp) and legacy_convert._state is None  # killed, profile discarded
    [after] = scan_bytes(marked_docs[2], "c.doc")
    assert _mark(after) == ["机密★5年"]


def test_without_uno_each_file_is_one_soffice(marked_docs: list[bytes], private_tmp: Path) -> None:
    """A LibreOffice whose bundled ``python`` lacks the uno module (here: this
    venv's Python): the warm server cannot start, the files convert one by one."""
    program = private_tmp / "lo" / "program"
    program.mkdir(parents=True)
    wrapper = program / "soffice"
    wrapper.write_text(f'#!/bin/sh\nexec {subprocess.list2cmdline([_real_soffice()])} "$@"\n')
    wrapper.chmod(0o755)
    (program / "python").symlink_to(sys.executable)
    config = ScanConfig(convert=Convert(soffice=str(wrapper)))
    results = [scan_bytes(data, f"{i}.doc", config)[0] for i, data in enumerate(marked_docs[:2])]
    assert [_mark(r) for r in results] == [["机密★3年"], ["机密★4年"]]
    state = legacy_convert._state
    assert state is not None and state.server is None and not state.warm
    assert not _ours(private_tmp)


def _real_soffice() -> str:
    import shutil
    found = shutil.which("soffice")
    assert found
    return os.path.realpath(found)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_no_soffice_of_ours_outlives_a_scan(marked_docs: list[bytes], tmp_path: Path, jobs: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i, data in enumerate(marked_docs * 2):
        (folder / f"{i}.doc").write_bytes(data)
    work = tmp_path / "tmp"
    work.mkdir()
    out = subprocess.run([sys.executable, "-m", "scanner", "scan", str(folder), "--format", "jsonl",
                          "--no-cache", "--jobs", jobs, "--progress", "never"],
                         check=False, env={**os.environ, "TMPDIR": str(work)}, capture_output=True, text=True,
                         timeout=600)
    assert out.stdout.count('"verdict": "block"') == 6, out.stderr
    assert not _ours(work)
    assert not list(work.iterdir())  # profiles and work folders removed


def test_a_killed_scanner_takes_its_server_along(marked_docs: list[bytes], tmp_path: Path) -> None:
    """The worker dies without running its finalisers (SIGKILL): the server sees
    its parent gone and kills its process group."""
    (tmp_path / "a.doc").write_bytes(marked_docs[0])
    script = ("import sys, time, tempfile; tempfile.tempdir = sys.argv[2]\n"
              "from scanner import scan_paths\n"
              "list(scan_paths([sys.argv[1]])); print('done', flush=True); time.sleep(600)\n")
    work = tmp_path / "tmp"
    work.mkdir()
    proc = subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "a.doc"), str(work)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline() == "done\n"
    assert _ours(work)
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 15
    while _ours(work) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _ours(work)



def test_memory_cap_of_an_item_does_not_starve_the_server(marked_docs: list[bytes], private_tmp: Path) -> None:
    """``--jobs 1`` caps the address space while each item is scanned (here to
    64 MB over the process's own); the server started under that cap must not
    keep it, or LibreOffice dies on the first larger file (it did, on a .ppt)."""
    from scanner.engine import Engine
    from scanner.run.serial import run_serial
    from scanner.walk import walk

    folder = private_tmp / "in"
    folder.mkdir()
    for i, data in enumerate(marked_docs):
        (folder / f"{i}.doc").write_bytes(data)
    servers, results = [], []
    engine = Engine(ScanConfig(limits=Limits(max_item_memory=64 * 1024 * 1024)))
    for result in run_serial(engine, walk([str(folder)]), cap=True):
        results.append(_mark(result))
        servers.append(_server_pid())
    assert results == [["机密★3年"], ["机密★4年"], ["机密★5年"]]
    assert len(set(servers)) == 1
