"""The shipped lexicons are package data checked against their manifest: a
missing or altered one stops the scan (exit 3, one line naming it) instead of
a silent scan without it, and every report names the lexicons in effect."""
import hashlib
import json
import os
import shutil
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import pytest

import scanner
from scanner.match.shipped import load_shipped
from scanner.match.sources import manifest

SHIPPED = Path(str(files("scanner") / "lexicons"))


def test_the_manifest_names_every_shipped_file_with_its_hash():
    on_disk = {f.name: hashlib.sha256(f.read_bytes()).hexdigest()
               for f in SHIPPED.iterdir() if f.suffix in (".yaml", ".yml", ".csv")}
    assert manifest() == on_disk, "scanner/lexicons changed: run `make lexicon-manifest`"
    assert {lex.name for lex in load_shipped()} == {"draft", "example-unit", "work-secret"}
    assert all(lex.shipped and lex.entries for lex in load_shipped())


@pytest.fixture
def broken_copy(tmp_path):
    """A copy of the imported scanner package (the installed one when the suite
    runs against the wheel) and a text with a work-secret stamp."""
    copy = tmp_path / "site"
    shutil.copytree(Path(scanner.__file__).parent, copy / "scanner",
                    ignore=shutil.ignore_patterns("__pycache__"))
    item = tmp_path / "memo.txt"
    item.write_text("内部资料 注意保存\n\n会议纪要", encoding="utf-8")
    return copy, item


def run_copy(copy: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONSAFEPATH": "1"}
    return subprocess.run([sys.executable, "-m", "scanner", *args], capture_output=True, text=True,
                          cwd=copy, env=env, check=False)


def test_the_intact_copy_scans_with_the_shipped_lexicons(broken_copy):
    copy, item = broken_copy
    proc = run_copy(copy, "scan", str(item))
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["findings"][0]["rule"] == "marker.work-secret"


@pytest.mark.parametrize("damage", ["remove", "alter", "unreadable"])
def test_a_damaged_shipped_lexicon_stops_the_scan_with_one_line(broken_copy, damage):
    copy, item = broken_copy
    target = copy / "scanner" / "lexicons" / "work-secret.yaml"
    if damage == "remove":
        target.unlink()
    elif damage == "alter":
        target.write_text(target.read_text(encoding="utf-8").replace("内部资料", "内部资讯"), encoding="utf-8")
    else:
        if os.geteuid() == 0:
            target.unlink()
            target.mkdir()  # root reads any file; a folder in its place cannot be read
        else:
            target.chmod(0)
    proc = run_copy(copy, "scan", str(item))
    assert proc.returncode == 3
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and "work-secret.yaml" in lines[0] and "shipped lexicon" in lines[0], proc.stderr
    assert "内部资料" not in proc.stderr  # never a lexicon term in a message
    # the way out the message names works
    assert run_copy(copy, "scan", "--no-default-lexicons", str(item)).returncode == 0
    assert run_copy(copy, "lexicons").returncode == 3
