"""What a newcomer meets first: --version, mistakes in the command line as
one-line usage errors (exit 3) instead of items or tracebacks, an empty
folder said on stderr, item lines on a terminal never glued to the progress
bar, and a Dask scan that does not print the cluster's INFO log unless -v."""
import fcntl
import json
import os
import pty
import socket
import struct
import subprocess
import sys
import termios
from importlib.metadata import version
from pathlib import Path

import pytest

PRECLEAR = Path(sys.executable).with_name("preclear")


def preclear(*args, cwd, **kw):
    return subprocess.run([str(PRECLEAR), *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          check=False, timeout=300, **kw)


def one_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "outgoing"
    root.mkdir()
    for n in range(6):
        (root / f"n{n}.txt").write_text("内部资料 注意保存\n\n会议纪要" if n % 2 else "全民健身活动的通知", encoding="utf-8")
    return root


def test_version(tmp_path):
    proc = preclear("--version", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout.strip() == f"preclear {version('preclear')}"


def test_a_path_that_does_not_exist_is_a_usage_error_not_an_item(folder, tmp_path):
    proc = preclear("scan", folder, tmp_path / "typo", cwd=tmp_path)
    assert proc.returncode == 3 and proc.stdout == ""
    assert one_line(proc.stderr) == f"preclear: error: {tmp_path / 'typo'}: no such file or folder"


def test_a_dangling_link_inside_a_folder_is_still_an_item(folder, tmp_path):
    os.symlink(tmp_path / "gone", folder / "link.txt")
    proc = preclear("scan", folder, cwd=tmp_path)
    assert proc.returncode == 1
    assert {json.loads(line)["item"]: json.loads(line)["verdict"] for line in proc.stdout.splitlines()}["link.txt"] == "review"


def test_an_empty_folder_says_so(tmp_path):
    (tmp_path / "empty").mkdir()
    proc = preclear("scan", tmp_path / "empty", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout == ""
    assert one_line(proc.stderr) == f"preclear: nothing to scan: no files in {tmp_path / 'empty'}"
    (tmp_path / "empty" / "a.txt").write_text("x", encoding="utf-8")
    proc = preclear("scan", tmp_path / "empty", "--exclude", "*.txt", cwd=tmp_path)
    assert "nothing to scan" in proc.stderr and "(1 skipped by --exclude or .preclearignore)" in proc.stderr


def test_output_into_a_missing_folder_is_one_line(folder, tmp_path):
    proc = preclear("scan", folder, "--output", tmp_path / "reports" / "r.jsonl", cwd=tmp_path)
    assert proc.returncode == 3
    assert one_line(proc.stderr) == (f"preclear: error: --output {tmp_path / 'reports' / 'r.jsonl'}: "
                                     f"the folder {tmp_path / 'reports'} does not exist")
    assert not (tmp_path / "reports").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_output_into_a_read_only_folder_is_one_line(folder, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    proc = preclear("scan", folder, "--output", locked / "r.jsonl", cwd=tmp_path)
    assert proc.returncode == 3 and "cannot write there" in one_line(proc.stderr)


def test_item_lines_on_a_terminal_are_never_glued_to_the_progress_bar(folder, tmp_path):
    """stdout and stderr on one pseudo-terminal, as in a shell: every item line
    must start at the left edge of the screen, whatever the bar drew before."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a terminal 100 columns wide
    proc = subprocess.Popen([str(PRECLEAR), "scan", str(folder), "--jobs", "1", "--progress", "always"],
                            stdin=slave, stdout=slave, stderr=slave, cwd=tmp_path, close_fds=True)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.wait(timeout=120) == 1
    screen = b"".join(chunks).decode("utf-8")
    assert " items [" in screen  # the bar was drawn
    item_lines = [line for line in screen.split("\n") if ".txt" in line]
    assert len(item_lines) == 6, screen
    for line in item_lines:
        drawn = [seg for seg in line.split("\r") if ".txt" in seg]  # what each carriage return starts over
        assert drawn and all(seg.startswith(("REVIEW ", "clear ")) for seg in drawn), repr(line)


def test_dask_driver_is_quiet_unless_verbose(folder, tmp_path):
    # another cluster's dashboard on Dask's default port makes distributed warn; that is noise too
    taken = socket.socket()
    try:
        taken.bind(("127.0.0.1", 8787))
        taken.listen()
    except OSError:
        pass  # taken already (by another cluster): the case this guards is there anyway
    try:
        quiet = preclear("scan", folder, "--engine", "dask", "--jobs", "1", cwd=tmp_path)
    finally:
        taken.close()
    assert quiet.returncode == 1, quiet.stderr
    assert len(quiet.stdout.splitlines()) == 6
    assert "distributed" not in quiet.stderr and "INFO" not in quiet.stderr, quiet.stderr
    loud = preclear("-v", "scan", folder, "--engine", "dask", "--jobs", "1", cwd=tmp_path)
    assert loud.returncode == 1
    assert "INFO distributed.scheduler" in loud.stderr


def test_a_quiet_dask_scan_in_a_process_leaves_no_setting_behind(folder, tmp_path, monkeypatch):
    # main() run in a process that goes on (a test, a script) set Dask's logging to warning for good: a later
    # `preclear -v` started from that process inherited it and printed no INFO
    from scanner.cli import main

    monkeypatch.delenv("DASK_LOGGING__DISTRIBUTED", raising=False)
    filters = list(__import__("warnings").filters)
    assert main(["scan", str(folder), "--engine", "dask", "--jobs", "1", "--output", str(tmp_path / "r.jsonl")]) == 1
    assert "DASK_LOGGING__DISTRIBUTED" not in os.environ
    assert list(__import__("warnings").filters) == filters
    loud = preclear("-v", "scan", folder, "--engine", "dask", "--jobs", "1", cwd=tmp_path)
    assert loud.returncode == 1
    assert "INFO distributed.scheduler" in loud.stderr
