"""The scan command end to end: exit codes, output formats, stable order,
and the walker's rules (nothing skipped silently, symlinks not followed out)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def preclear(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "scanner", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or REPO)


def records(stdout):
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "outgoing"
    (root / "b").mkdir(parents=True)
    (root / "a.txt").write_text("关于开展全民健身活动的通知", encoding="utf-8")
    (root / "b" / "c.md").write_text("内部资料 注意保存\n\n正文", encoding="utf-8")
    (root / "b" / "d.txt").write_text("机密★5年\n通知", encoding="utf-8")
    return root


@pytest.mark.parametrize("files, code", [
    (["a.txt"], 0),
    (["a.txt", "b/c.md"], 1),
    (["a.txt", "b/c.md", "b/d.txt"], 2),
])
def test_exit_codes_follow_the_worst_verdict(folder, files, code):
    proc = preclear("scan", *[folder / f for f in files])
    assert proc.returncode == code, proc.stderr


@pytest.mark.parametrize("files", [["a.txt"], ["a.txt", "b/c.md"], ["a.txt", "b/c.md", "b/d.txt"]])
def test_hook_scan_exits_as_scan_does(folder, files):
    """One table of exit statuses: the pre-commit hook fails on a block with
    2 and on a review (when asked) with 1, exactly as ``scan`` does."""
    paths = [folder / f for f in files]
    fails_on_review = preclear("hook", "scan", "--fail-on-review", *paths)
    assert fails_on_review.returncode == preclear("scan", *paths).returncode == len(files) - 1
    only_block = preclear("hook", "scan", *paths)
    assert only_block.returncode == preclear("scan", "--fail-on", "block", *paths).returncode
    assert only_block.returncode == (2 if "b/d.txt" in files else 0)
    assert len(fails_on_review.stdout.splitlines()) == len(files) - 1   # one line per failing item


def test_jsonl_is_the_default_off_a_terminal_in_stable_order(folder):
    proc = preclear("scan", folder)
    assert proc.returncode == 2
    recs = records(proc.stdout)
    assert [r["item"] for r in recs] == ["a.txt", "b/c.md", "b/d.txt"]
    assert [r["verdict"] for r in recs] == ["clear", "review", "block"]
    d = recs[2]
    assert set(d) >= {"item", "sha256", "size", "format", "verdict", "score", "findings", "errors"}
    f = d["findings"][0]
    assert {k: f[k] for k in ("rule", "category", "level", "part", "start", "end", "text")} == {
        "rule": "mark.state-secret", "category": "mark", "level": "机密", "part": "body",
        "start": 0, "end": 5, "text": "机密★5年"}
    assert set(f) >= {"context", "reason", "basis"}


def test_json_format_and_output_file(folder, tmp_path):
    out = tmp_path / "report.json"
    proc = preclear("scan", folder, "--format", "json", "--output", out, "--summary")
    assert proc.returncode == 2
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [r["item"] for r in data] == ["a.txt", "b/c.md", "b/d.txt"]
    assert "3 items" in proc.stderr and "1 block, 1 review, 1 clear" in proc.stderr


@pytest.mark.parametrize("args, words", [
    (["scan"], "required"),
    (["scan", "x", "--format", "pdf"], "invalid choice"),
    (["scan", "x", "--no-such-flag"], "unrecognized"),
    (["scan", "x", "--max-depth", "-1"], "negative"),
])
def test_bad_arguments_exit_3_with_one_line(args, words):
    proc = preclear(*args)
    assert proc.returncode == 3
    assert len(proc.stderr.strip().splitlines()) == 1 and words in proc.stderr


def test_bad_config_exits_3(tmp_path, folder):
    cfg = tmp_path / "preclear.toml"
    cfg.write_text("[limits]\nmax_dept = 3\n", encoding="utf-8")
    proc = preclear("scan", folder, "--config", cfg)
    assert proc.returncode == 3 and "max_dept" in proc.stderr


def test_exclude_and_ignore_file_are_the_only_skips(folder):
    (folder / ".preclearignore").write_text("b/c.md\n", encoding="utf-8")
    proc = preclear("scan", folder, "--exclude", "*.txt", "--summary")
    items = [r["item"] for r in records(proc.stdout)]
    assert items == [".preclearignore"]
    assert "3 path(s) skipped" in proc.stderr


def test_symlinks_are_not_followed_out_of_the_root(folder, tmp_path):
    secret = tmp_path / "elsewhere.txt"
    secret.write_text("机密★5年", encoding="utf-8")
    os.symlink(secret, folder / "link-out.txt")
    os.symlink(folder / "b" / "d.txt", folder / "link-in.txt")
    os.symlink(tmp_path / "missing", folder / "dangling.txt")
    recs = {r["item"]: r for r in records(preclear("scan", folder).stdout)}
    assert recs["link-out.txt"]["verdict"] == "review"
    assert recs["link-out.txt"]["findings"][0]["category"] == "unreadable"
    assert recs["link-in.txt"]["verdict"] == "block"
    assert recs["dangling.txt"]["verdict"] == "review"


def test_unsupported_and_special_files_are_review_not_clear(folder):
    (folder / "blob.bin").write_bytes(bytes(range(256)) * 8)
    os.mkfifo(folder / "pipe")
    recs = {r["item"]: r for r in records(preclear("scan", folder).stdout)}
    for name in ("blob.bin", "pipe"):
        assert recs[name]["verdict"] == "review"
        assert recs[name]["findings"][0]["category"] == "unreadable"


def test_python_dash_m_and_console_script_agree(folder):
    script = Path(sys.executable).with_name("preclear")
    a = subprocess.run([script, "scan", folder], capture_output=True, text=True)
    b = preclear("scan", folder)
    assert a.returncode == b.returncode == 2 and a.stdout == b.stdout


def test_output_dash_is_stdout_and_leaves_no_file_named_dash(folder):
    """``-o -`` wrote the report into a file named ``-`` in the working
    folder, which the next scan of that folder read as an item."""
    proc = preclear("scan", ".", "-o", "-", "--format", "jsonl", cwd=folder)
    assert proc.returncode == 2, proc.stderr
    assert [r["item"] for r in records(proc.stdout)] == ["a.txt", "b/c.md", "b/d.txt"]
    assert sorted(p.name for p in folder.iterdir()) == ["a.txt", "b"]
    proc = preclear("scan", ".", "-o", "-", "--resume", cwd=folder)
    assert proc.returncode == 3 and "--output FILE" in proc.stderr


def test_output_to_a_device_writes_in_place_and_leaves_it_a_device(folder, tmp_path):
    """--output /dev/null must not replace the device with a regular file."""
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    import threading

    got = []
    def read() -> None:
        with open(fifo, "rb") as fh:
            got.append(fh.read())

    reader = threading.Thread(target=read)
    reader.start()
    proc = preclear("scan", folder, "--output", fifo)
    reader.join(timeout=60)
    assert proc.returncode == 2
    assert [r["item"] for r in records(got[0].decode())] == ["a.txt", "b/c.md", "b/d.txt"]
    assert not os.path.isfile(fifo) and not (tmp_path / "out.fifo.part").exists()
    proc = preclear("scan", folder, "--output", os.devnull)
    assert proc.returncode == 2 and not os.path.isfile(os.devnull)
