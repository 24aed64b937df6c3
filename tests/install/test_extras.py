"""A lean core: a scan imports nothing the scan does not need, and a command
whose extra is not installed exits 3 with one line naming the extra.  An
extra is taken away the way Python documents for blocking an import: its
module set to None in sys.modules."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
OPTIONAL = ("sqlalchemy", "fastapi", "starlette", "uvicorn", "multipart", "psycopg", "dask", "distributed", "pydantic",
            "openpyxl")  # openpyxl: the tests make workbooks with it; reading one does not need it


def run(code: str, cwd: Path, *flags: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *flags, "-c", code], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "PYTHONSAFEPATH": "1"}, check=False, timeout=300)


def imported_top_modules(stderr: str) -> set[str]:
    return {line.split("|")[-1].strip().split(".")[0] for line in stderr.splitlines()
            if line.startswith("import time:") and "|" in line}


@pytest.mark.parametrize("target", ["text/internal-memo.md", "."])
def test_a_scan_imports_no_optional_dependency(tmp_path, target):
    code = f"import sys; from scanner.cli import main; sys.exit(main(['scan', {str(SAMPLES / target)!r}]))"
    proc = run(code, tmp_path, "-X", "importtime")
    assert proc.returncode in (1, 2), proc.stderr[-2000:]
    modules = imported_top_modules(proc.stderr)
    assert "scanner" in modules and "numpy" in modules  # the check sees real imports
    assert modules.isdisjoint(OPTIONAL), sorted(modules & set(OPTIONAL))


def without(modules: tuple[str, ...], argv: list[str]) -> str:
    blocked = "; ".join(f"sys.modules[{m!r}] = None" for m in modules)
    return f"import sys; {blocked}; from scanner.cli import main; sys.exit(main({argv!r}))"


@pytest.mark.parametrize("blocked, argv, extra", [
    (("sqlalchemy",), ["status", "--db", "review.db"], "review"),
    (("sqlalchemy",), ["submit", "memo.txt", "--by", "张三", "--db", "review.db"], "review"),
    (("sqlalchemy",), ["scan", "memo.txt", "--db", "review.db"], "review"),
    (("uvicorn", "fastapi"), ["serve", "--db", "review.db"], "service"),
    (("distributed", "dask"), ["scan", ".", "--engine", "dask"], "dask"),
])
def test_a_command_without_its_extra_names_the_extra(tmp_path, blocked, argv, extra):
    (tmp_path / "memo.txt").write_text("会议纪要", encoding="utf-8")
    proc = run(without(blocked, argv), tmp_path)
    assert proc.returncode == 3, proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [proc.stderr.strip()]
    assert f"pip install 'preclear[{extra}]'" in proc.stderr
    assert not (tmp_path / "review.db").exists()


def test_without_the_review_extra_scan_and_help_still_work(tmp_path):
    (tmp_path / "memo.txt").write_text("会议纪要", encoding="utf-8")
    assert run(without(("sqlalchemy",), ["scan", "memo.txt"]), tmp_path).returncode == 0
    helped = run(without(("sqlalchemy",), ["--help"]), tmp_path)
    assert helped.returncode == 0
    assert "(needs preclear[review])" in helped.stdout and "scan" in helped.stdout


def test_the_gate_needs_the_review_extra_on_current_records_too(tmp_path):
    # a gate on a SQLite store with current records reads it without importing
    # SQLAlchemy (scanner/review/sqlite_read.py), but is still a review command
    (tmp_path / "memo.txt").write_text("会议纪要", encoding="utf-8")
    for argv in (["submit", "memo.txt", "--by", "张三"],
                 ["decide", "1", "--decision", "approve", "--opinion", "不涉密", "--by", "李四"],
                 ["approve", "1", "--by", "王五"], ["gate", "memo.txt"]):
        code = f"import sys; from scanner.cli import main; sys.exit(main({[*argv, '--db', 'review.db']!r}))"
        assert run(code, tmp_path).returncode == 0
    proc = run(without(("sqlalchemy",), ["gate", "memo.txt", "--db", "review.db"]), tmp_path)
    assert proc.returncode == 3 and proc.stdout == ""
    assert "pip install 'preclear[review]'" in proc.stderr
