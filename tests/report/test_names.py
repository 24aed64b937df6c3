"""File names that are not valid UTF-8 (a disk copied from a GBK system):
every report format is written, the name is shown in the escaped form of
docs/names.md and maps back to the exact bytes on disk."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import docx
import pytest

from scanner import scan_bytes, scan_paths
from scanner.names import escape_name, original_path, unescape_name

REPO = Path(__file__).resolve().parents[2]
RAW = b"bad\xffname.txt"          # 0xff is never valid UTF-8
GBK = "机密文件.txt".encode("gbk")   # a Chinese name as a GBK system writes it
SHOWN = "bad\\xffname.txt"


@pytest.fixture
def folder(tmp_path) -> Path:
    root = tmp_path / "disk"
    root.mkdir()
    for raw in (RAW, GBK):
        with open(os.path.join(os.fsencode(root), raw), "wb") as fh:
            fh.write("机密★5年\n关于某项工作的通知\n".encode())
    (root / "ok.txt").write_text("关于开展全民健身活动的通知", encoding="utf-8")
    return root


def preclear(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scanner", *map(os.fsencode, map(str, args))],
                          check=False, capture_output=True, cwd=REPO)


def test_the_convention_is_reversible() -> None:
    for raw in (RAW, GBK, b"a\\x41b", b"\\\xff", b"\\x\xff", "机密".encode(), b"a\\b", b"\\x5c\\x5cx"):
        shown = escape_name(os.fsdecode(raw))
        shown.encode("utf-8")  # valid text
        assert unescape_name(shown) == raw
        assert original_path(shown) == os.fsdecode(raw)
    assert escape_name("机密/a\\b.txt") == "机密/a\\b.txt"  # ordinary names unchanged


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv", "html", "sarif", "docx"])
def test_every_report_format_carries_the_name(folder, tmp_path, fmt) -> None:
    out = tmp_path / f"report.{fmt}"
    proc = preclear("scan", folder, "--format", fmt, "--output", out)
    assert proc.returncode == 2, proc.stderr.decode()  # the marked files block; nothing died
    if fmt == "docx":
        document = docx.Document(str(out))
        text = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
        text += "\n".join(p.text for p in document.paragraphs)
    else:
        text = out.read_text(encoding="utf-8")  # strict: the report is valid UTF-8
    if fmt in ("jsonl", "json"):
        rows = ([json.loads(line) for line in text.splitlines()] if fmt == "jsonl" else json.loads(text))
        names = {r["item"] for r in rows}
    elif fmt == "csv":
        names = {r["item"] for r in csv.DictReader(io.StringIO(text.lstrip("\ufeff")))}
    elif fmt == "sarif":
        names = {loc["physicalLocation"]["artifactLocation"]["uri"]
                 for run in json.loads(text)["runs"] for res in run["results"] for loc in res["locations"]}
    else:
        names = {n for n in (SHOWN, escape_name(os.fsdecode(GBK))) if n in text}
    shown = {SHOWN, escape_name(os.fsdecode(GBK))}
    if fmt == "sarif":  # URIs percent-encode the backslash
        assert any("bad" in n and "ff" in n.lower() for n in names), names
    else:
        assert shown <= names, names
    assert {unescape_name(n) for n in shown} == {RAW, GBK}


def test_summary_and_terminal_lines(folder) -> None:
    proc = preclear("scan", folder, "--summary", "--format", "jsonl")
    assert proc.returncode == 2, proc.stderr.decode()
    assert SHOWN in proc.stderr.decode("utf-8")


def test_python_api_names(folder) -> None:
    results = {r.item: r for r in scan_paths([str(folder)])}
    assert results[SHOWN].verdict.value == "block"
    assert scan_bytes(b"x", os.fsdecode(RAW))[0].item == SHOWN


def test_tar_member_names_from_a_gbk_system(tmp_path) -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT, encoding="utf-8",
                      errors="surrogateescape") as tf:
        body = "机密★5年\n通知".encode()
        info = tarfile.TarInfo(os.fsdecode(RAW))
        info.size = len(body)
        tf.addfile(info, io.BytesIO(body))
    results = scan_bytes(buf.getvalue(), "bundle.tar")
    assert [r.item for r in results] == ["bundle.tar", f"bundle.tar!{SHOWN}"]
    assert results[1].verdict.value == "block"
    json.dumps([r.to_dict() for r in results], ensure_ascii=False).encode("utf-8")

