"""A file's name is published with it and is scanned like its text: a mark
or personal data in the name of a file, or of a folder inside an archive, is
a finding in part ``file-name`` (before, such items were cleared)."""
from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

from scanner import scan_bytes


def test_a_mark_in_a_file_name() -> None:
    result = scan_bytes("会议安排".encode(), "机密★5年 会议安排.txt")[0]
    assert [(f.rule, f.part, f.text) for f in result.findings] == [("mark.state-secret", "file-name", "机密★5年")]
    assert result.verdict.value == "block"


def test_the_folders_of_an_archive_member_are_its_name() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("机密★5年/说明.txt", "说明")
        z.writestr("公开/说明.txt", "说明")
    verdicts = {r.item: r.verdict.value for r in scan_bytes(out.getvalue(), "bundle.zip")}
    assert verdicts == {"bundle.zip": "block", "bundle.zip!公开/说明.txt": "clear",
                        "bundle.zip!机密★5年/说明.txt": "block"}


def test_only_the_name_not_the_folder_the_scan_was_given(tmp_path: Path) -> None:
    """The folders above the file are where the user keeps it, not what is
    published: a run over 机密★5年/ does not flag every file in it."""
    folder = tmp_path / "机密★5年"
    folder.mkdir()
    (folder / "通知.txt").write_text("正文", encoding="utf-8")
    (folder / "张三 13812345678.txt").write_text("正文", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "scanner", "scan", str(folder), "--no-cache", "--format", "jsonl"],
                          capture_output=True, text=True, check=False)
    records = {Path(r["item"]).name: r for r in map(json.loads, done.stdout.splitlines())}
    assert records["通知.txt"]["verdict"] == "clear"
    assert [(f["rule"], f["part"]) for f in records["张三 13812345678.txt"]["findings"]] == [
        ("pii.mobile", "file-name")]
