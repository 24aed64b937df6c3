"""A format from another distribution: one class, registered through the
``preclear.extractors`` entry point of a real (unpacked) distribution on
``sys.path``, is sniffed, read and scanned by the real ``preclear scan``."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
import textwrap
import zipfile
from pathlib import Path
from typing import Any

TOY_MODULE = '''
"""Toy notes: ``TOYNOTE`` and a NUL, then UTF-8 lines ``title: ...`` and body text."""
from __future__ import annotations

import os
from collections.abc import Iterator

from scanner.config import Limits
from scanner.extract.base import ReadContext, Sniffed
from scanner.extract.sniff import Probe
from scanner.types import Document, Member, Part


class ToyExtractor:
    formats = by_structure = frozenset({"toy"})
    converted: frozenset[str] = frozenset()
    names = {".toy": ("toy",)}

    def sniff(self, probe: Probe) -> Sniffed | None:
        if "TOY_SNIFF_LOG" in os.environ:  # the test of one sniff per item counts them
            with open(os.environ["TOY_SNIFF_LOG"], "a", encoding="utf-8") as log:
                log.write(probe.name + "\\n")
        return Sniffed(100, "toy") if probe.data.startswith(b"TOYNOTE\\x00") else None

    def extract(self, data: bytes, name: str, limits: Limits, fmt: str, context: ReadContext) -> Document:
        lines = data[len(b"TOYNOTE\\x00"):].decode("utf-8").splitlines()
        title = [line[len("title: "):] for line in lines if line.startswith("title: ")]
        body = [line for line in lines if not line.startswith("title: ")]
        return Document("toy", parts=(Part("title", "\\n".join(title)), Part("body", "\\n".join(body))))

    def members(self, data: bytes, name: str, fmt: str, limits: Limits) -> Iterator[Member] | None:
        return None
'''

ENTRY_POINTS = """
[preclear.extractors]
toy = preclear_toy:ToyExtractor
"""


def _install_toy(site: Path) -> None:
    """What pip leaves in site-packages for a one-module distribution: the module and its dist-info."""
    (site / "preclear_toy.py").write_text(TOY_MODULE, encoding="utf-8")
    info = site / "preclear_toy-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: preclear-toy\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(textwrap.dedent(ENTRY_POINTS), encoding="utf-8")


def _run(path: Path, site: Path | None, **env_vars: str) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | env_vars
    if site is not None:
        env["PYTHONPATH"] = str(site)
    preclear = Path(sys.executable).parent / "preclear"  # the installed command
    return subprocess.run([str(preclear), "scan", path.name, "--format", "jsonl", "--no-cache",
                           "--jobs", "1", "--progress", "never"],
                          check=False, capture_output=True, env=env, cwd=path.parent, timeout=240)


def _scan(path: Path, site: Path | None) -> tuple[int, dict[str, Any]]:
    done = _run(path, site)
    lines = done.stdout.decode().splitlines()
    assert len(lines) == 1, done.stderr.decode()
    return done.returncode, json.loads(lines[0])


def test_a_format_registered_through_an_entry_point_is_read(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    _install_toy(site)
    note = tmp_path / "minutes.toy"
    note.write_bytes(b"TOYNOTE\x00" + "title: 会议纪要\n本文件为秘密★一年，不得外传。\n".encode())

    code, result = _scan(note, site)

    assert result["format"] == "toy"
    assert result["extraction"] == "full"
    assert result["verdict"] == "block" and code == 2
    [mark] = [f for f in result["findings"] if f["category"] == "mark"]
    assert (mark["part"], mark["text"], mark["start"]) == ("body", "秘密★一年", 4)


def test_without_the_distribution_the_same_bytes_are_not_read(tmp_path: Path) -> None:
    """The control: the built-ins do not read the toy format, so the mark above came from the plug-in."""
    note = tmp_path / "minutes.toy"
    note.write_bytes(b"TOYNOTE\x00" + "本文件为秘密★一年，不得外传。\n".encode())

    _, result = _scan(note, None)

    assert result["format"] == "binary"
    assert result["extraction"] == "failed" and result["verdict"] == "review"
    assert [f["rule"] for f in result["findings"]] == ["unreadable.format"]


def test_every_item_is_sniffed_once(tmp_path: Path) -> None:
    """An archive and each of its members: one sniff each (the archive was sniffed three times)."""
    site = tmp_path / "site"
    site.mkdir()
    _install_toy(site)
    bundle = tmp_path / "bundle.zip"
    with zipfile.ZipFile(bundle, "w") as zf:
        zf.writestr("a.txt", "公开")
        zf.writestr("inner.tar.gz", _tar_gz({"b.txt": "内部"}))
    log = tmp_path / "sniffed.log"

    done = _run(bundle, site, TOY_SNIFF_LOG=str(log))

    assert done.returncode == 0, done.stderr.decode()
    assert sorted(log.read_text(encoding="utf-8").splitlines()) == [
        "bundle.zip", "bundle.zip!a.txt", "bundle.zip!inner.tar.gz", "bundle.zip!inner.tar.gz!b.txt"]


def test_a_plugin_that_cannot_be_loaded_stops_the_scan(tmp_path: Path) -> None:
    """Exit 3 with one line, before any output: its format would otherwise be read as unread binary."""
    site = tmp_path / "site"
    info = site / "broken-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: broken\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[preclear.extractors]\nbroken = no_such_module:Thing\n",
                                           encoding="utf-8")
    folder = tmp_path / "docs"
    folder.mkdir()
    for number in range(3):
        (folder / f"{number}.txt").write_text("公开", encoding="utf-8")

    done = _run(folder, site)

    assert done.returncode == 3
    assert done.stdout == b""
    assert done.stderr.decode().strip().splitlines() == [
        ("preclear: error: extractor plug-in broken (no_such_module:Thing) cannot be loaded: "
         "ModuleNotFoundError: No module named 'no_such_module'")]


def _tar_gz(files: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tf:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return out.getvalue()
