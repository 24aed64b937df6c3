"""What is published with a file besides its text: the folders between the
scanned root and it (as a ZIP member's folders are), names whose bytes are
GBK (``unzip`` of a zh-CN Windows ZIP on Linux), a tar member named in GBK
and a ZIP comment written in GBK (WinRAR on a Chinese Windows).  Each was
cleared before (red-team round 2, F5, F7, F9)."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from scanner import Engine, scan_bytes, scan_paths

MARK = "机密★5年"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def _verdicts(engine: Engine, root: Path) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    return {r.item: (r.verdict.value, [(f.rule, f.part) for f in r.findings])
            for r in scan_paths([str(root)], engine=engine)}


def test_a_folder_below_the_root_is_published_with_its_files(engine: Engine, tmp_path: Path) -> None:
    (tmp_path / MARK / "2026").mkdir(parents=True)
    (tmp_path / MARK / "2026" / "会议通知.txt").write_text("会议安排", encoding="utf-8")
    (tmp_path / "公开").mkdir()
    (tmp_path / "公开" / "会议通知.txt").write_text("会议安排", encoding="utf-8")
    got = _verdicts(engine, tmp_path)
    assert got[f"{MARK}/2026/会议通知.txt"] == ("block", [("mark.state-secret", "folder-name")])
    assert got["公开/会议通知.txt"] == ("clear", [])


def test_every_file_of_a_marked_folder_is_flagged(engine: Engine, tmp_path: Path) -> None:
    """The folder's reading is kept per folder (not redone for each file): the
    second and later files get the same finding, and a lexicon hit in a
    folder name too."""
    (tmp_path / MARK).mkdir()
    (tmp_path / "张三 13812345678").mkdir()
    for i in range(3):
        (tmp_path / MARK / f"{i}.txt").write_text("正文", encoding="utf-8")
        (tmp_path / "张三 13812345678" / f"{i}.txt").write_text("正文", encoding="utf-8")
    got = _verdicts(engine, tmp_path)
    assert [got[f"{MARK}/{i}.txt"] for i in range(3)] == [("block", [("mark.state-secret", "folder-name")])] * 3
    assert [got[f"张三 13812345678/{i}.txt"] for i in range(3)] == [("review", [("pii.mobile", "folder-name")])] * 3


def test_the_root_and_what_is_above_it_are_not_checked(engine: Engine, tmp_path: Path) -> None:
    """The root is where the user keeps the files (机密文件备份/ on their own
    disk); what is below it is what gets published."""
    root = tmp_path / MARK
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "通知.txt").write_text("正文", encoding="utf-8")
    assert _verdicts(engine, root) == {"sub/通知.txt": ("clear", [])}


def test_the_pre_commit_hook_checks_the_folders_of_the_paths_it_is_given(tmp_path: Path) -> None:
    """pre-commit passes paths from the repository's top, all of which is published."""
    (tmp_path / MARK).mkdir()
    (tmp_path / MARK / "notice.txt").write_text("正文", encoding="utf-8")
    (tmp_path / "notice.txt").write_text("正文", encoding="utf-8")
    hook = [sys.executable, "-m", "scanner", "hook", "scan"]
    blocked = subprocess.run([*hook, f"{MARK}/notice.txt"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert blocked.returncode == 2 and "notice.txt" in blocked.stdout
    clean = subprocess.run([*hook, "notice.txt"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert clean.returncode == 0


def test_a_file_name_in_gbk_bytes_is_read_as_gbk(engine: Engine, tmp_path: Path) -> None:
    name = os.fsdecode(f"{MARK} 会议通知.txt".encode("gbk"))
    with open(os.path.join(os.fsencode(tmp_path), os.fsencode(name)), "wb") as fh:
        fh.write("会议安排".encode())
    [(item, (verdict, findings))] = _verdicts(engine, tmp_path).items()
    assert item.startswith("\\x")  # the item keeps its name as it is shown
    assert (verdict, findings) == ("block", [("mark.state-secret", "file-name")])


def test_a_folder_name_in_gbk_bytes_is_read_as_gbk(engine: Engine, tmp_path: Path) -> None:
    folder = os.path.join(os.fsencode(tmp_path), MARK.encode("gbk"))
    os.mkdir(folder)
    with open(os.path.join(folder, b"notice.txt"), "wb") as fh:
        fh.write(b"notice")
    [(verdict, findings)] = _verdicts(engine, tmp_path).values()
    assert (verdict, findings) == ("block", [("mark.state-secret", "folder-name")])


def test_a_zip_comment_in_gbk_is_read(engine: Engine) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("notice.txt", "notice")
        zf.comment = f"本压缩包内文件密级：{MARK}，请勿外传。".encode("gbk")
    archive = scan_bytes(out.getvalue(), "bundle.zip", engine=engine)[0]
    assert archive.verdict.value == "block"
    assert any(f.part == "comment" and f.category == "mark" for f in archive.findings)


def test_a_tar_member_named_in_gbk_is_read_as_gbk(engine: Engine) -> None:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.GNU_FORMAT, encoding="gbk") as tf:
        info = tarfile.TarInfo(f"{MARK} 会议通知.txt")
        info.size = 6
        tf.addfile(info, io.BytesIO(b"notice"))
    results = {r.item: r for r in scan_bytes(out.getvalue(), "bundle.tar", engine=engine)}
    member = results[f"bundle.tar!{MARK} 会议通知.txt"]
    assert [(f.rule, f.part) for f in member.findings] == [("mark.state-secret", "file-name")]
    assert results["bundle.tar"].verdict.value == "block"
