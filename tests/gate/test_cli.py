"""The review commands run as a user runs them: the installed ``preclear``
on real files and a real SQLite file; exit codes and the lines they print."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PRECLEAR = str(Path(sys.executable).with_name("preclear"))
CLEAN = "关于开展档案整理工作的通知\n各单位：请于月底前报送材料。\n".encode()
MARKED = "机密★5年\n关于某项工作的通知\n".encode()


@pytest.fixture
def cli(tmp_path):
    db = str(tmp_path / "review.db")

    def run(*args: str, tz: str = "UTC") -> subprocess.CompletedProcess:
        env = {**os.environ, "TZ": tz}
        return subprocess.run([PRECLEAR, *args, "--db", db], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120)
    (tmp_path / "notice.txt").write_bytes(CLEAN)
    (tmp_path / "secret.txt").write_bytes(MARKED)
    return run


def test_submit_review_approve_gate(cli, tmp_path):
    r = cli("submit", "notice.txt", "secret.txt", "--by", "张三")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0].startswith("submitted: item 1 ")
    assert r.stdout.splitlines()[1].endswith("secret.txt — scan: block")
    assert cli("submit", "notice.txt", "--by", "张三").stdout.startswith("already submitted: item 1 ")

    gate = cli("gate", "notice.txt", "secret.txt")
    assert gate.returncode == 1
    assert gate.stdout.splitlines() == [
        "refused: notice.txt: not approved: status is submitted",
        ("refused: secret.txt: the scan says block (mark.state-secret in secret.txt body); "
         "not approved: status is submitted")]

    assert cli("decide", "1", "--decision", "approve", "--opinion", "不涉密", "--by", "李四").returncode == 0
    same = cli("approve", "1", "--by", "李四")
    assert same.returncode == 1
    assert same.stderr.strip() == "preclear: refused: same-person: item 1: 李四 reviewed it and cannot also approve it"
    assert cli("approve", "1", "--by", "王五").returncode == 0
    assert cli("gate", "notice.txt").stdout == "allowed: notice.txt\n"
    assert cli("gate", "notice.txt").returncode == 0

    (tmp_path / "notice.txt").write_bytes(CLEAN.replace("月底".encode(), "月末".encode()))
    edited = cli("gate", "notice.txt")
    assert edited.returncode == 1
    assert edited.stdout == "refused: notice.txt: not submitted for review: no record of these exact bytes\n"

    blocked = cli("decide", "2", "--decision", "approve", "--opinion", "可以", "--by", "李四")
    assert blocked.returncode == 1 and "refused: blocked: item 2" in blocked.stderr


def test_times_are_shown_with_the_local_offset(cli):
    cli("submit", "notice.txt", "--by", "张三")
    status = cli("status", "1", tz="Asia/Shanghai")
    assert status.returncode == 0
    assert "submitted by 张三 at " in status.stdout and "+08:00" in status.stdout
    history = cli("history", "1", tz="Asia/Shanghai")
    assert [line.split()[2] for line in history.stdout.splitlines()[1:]] == ["item:", "submission:", "scan:"]
    assert all("+08:00" in line for line in history.stdout.splitlines()[1:])


def test_status_of_a_file_and_as_json(cli):
    cli("submit", "notice.txt", "--by", "张三")
    r = cli("status", "notice.txt", "--json")
    assert r.returncode == 0 and '"status": "submitted"' in r.stdout and '"stale": false' in r.stdout


def test_token_secret_is_printed_once_on_stdout(cli):
    r = cli("token", "create", "--role", "reviewer", "--name", "李四")
    assert r.returncode == 0 and r.stdout.startswith("pcl_") and len(r.stdout.strip()) > 40
    assert "for 李四 (reviewer)" in r.stderr


def test_tool_failures_exit_3(cli, tmp_path):
    r = subprocess.run([PRECLEAR, "status", "--db", str(tmp_path / "no" / "such" / "review.db")],
                       capture_output=True, text=True)
    assert r.returncode == 3 and r.stderr.startswith("preclear: error: review database ")
    r = cli("gate", "missing.txt")
    assert r.returncode == 3 and "cannot read missing.txt" in r.stderr
    assert cli("audit", "verify").returncode == 0


def _imported(stderr: str) -> set[str]:
    """The modules a run imported, from its ``-X importtime`` lines."""
    return {line.split("|")[-1].strip() for line in stderr.splitlines() if line.startswith("import time:")}


def test_a_gate_on_current_records_builds_no_engine_and_a_stale_scan_is_redone(cli, tmp_path, monkeypatch):
    # the gate learns whether a stored scan is current from the lexicon files' bytes
    # (scanner.ruleset) and reads a SQLite store that needs nothing written without
    # SQLAlchemy (review/sqlite_read.py); it opens the store with SQLAlchemy and builds
    # the Engine only to re-scan a stale one
    (tmp_path / "preclear.toml").write_text('[scan]\nlexicons = ["unit.csv"]\n', encoding="utf-8")
    (tmp_path / "unit.csv").write_text("term,level\n赤霄工程,绝密\n", encoding="utf-8")
    assert cli("submit", "notice.txt", "--by", "张三").returncode == 0
    assert cli("decide", "1", "--decision", "approve", "--opinion", "不涉密", "--by", "李四").returncode == 0
    assert cli("approve", "1", "--by", "王五").returncode == 0
    monkeypatch.setenv("PYTHONPROFILEIMPORTTIME", "1")

    current = cli("gate", "notice.txt")
    assert (current.returncode, current.stdout) == (0, "allowed: notice.txt\n"), current.stderr[-2000:]
    modules = _imported(current.stderr)
    assert "scanner.review.workflow" in modules  # the check sees real imports
    heavy = {"scanner.engine", "scanner.pipeline", "scanner.detectors", "numpy", "yaml", "sqlalchemy",
             "scanner.review.store"}
    assert modules.isdisjoint(heavy), sorted(modules & heavy)

    # another lexicon: the stored scan is stale, the gate re-scans (still clean: allowed)
    (tmp_path / "unit.csv").write_text("term,level\n赤霄工程,绝密\n青龙计划,机密\n", encoding="utf-8")
    rescanned = cli("gate", "notice.txt")
    assert (rescanned.returncode, rescanned.stdout) == (0, "allowed: notice.txt\n"), rescanned.stderr[-2000:]
    assert {"scanner.engine", "sqlalchemy"} <= _imported(rescanned.stderr)
    assert _imported(cli("gate", "notice.txt").stderr).isdisjoint(heavy)  # current again

    # a lexicon that finds something in it: the re-scan blocks it
    (tmp_path / "unit.csv").write_text("term,level\n档案整理,绝密\n", encoding="utf-8")
    blocked = cli("gate", "notice.txt")
    assert blocked.returncode == 1
    assert blocked.stdout.startswith("refused: notice.txt: the scan says block (")
    monkeypatch.delenv("PYTHONPROFILEIMPORTTIME")
    assert cli("gate", "notice.txt").returncode == 1
