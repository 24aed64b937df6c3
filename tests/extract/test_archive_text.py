"""What an archive says about its members: a gzip header's original file
name (GNU gzip stores it, ``gzip -N`` restores it) and tar's pax comments
(cleared before: the red-team run)."""
from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

from scanner import scan_bytes

MARK = "机密★5年"


def test_the_original_name_gnu_gzip_keeps_in_its_header(tmp_path: Path) -> None:
    source = tmp_path / f"{MARK} 会议纪要.txt"
    source.write_text("会议内容", encoding="utf-8")
    data = subprocess.run(["gzip", "-c", str(source)], check=True, capture_output=True).stdout
    outer = scan_bytes(data, "minutes.gz")[0]
    assert [(f.rule, f.part) for f in outer.findings] == [("mark.state-secret", "gzip-header")]


def test_pax_comments_of_a_tar_and_its_members() -> None:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT, pax_headers={"comment": "归档说明"}) as tar:
        body = "说明".encode()
        info = tarfile.TarInfo("a.txt")
        info.size = len(body)
        info.pax_headers = {"comment": MARK}
        tar.addfile(info, io.BytesIO(body))
    outer = scan_bytes(out.getvalue(), "bundle.tar")[0]
    assert [(f.rule, f.part, f.text) for f in outer.findings] == [("mark.state-secret", "comment", MARK)]


def test_a_short_big5_comment_is_read_both_ways() -> None:
    """Too short to choose GB18030 or Big5: the Big5 reading is scanned too (a second reader's find)."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        info = zipfile.ZipInfo("a.txt")
        info.comment = "絕密★10年".encode("big5")
        archive.writestr(info, "说明")
    outer = scan_bytes(out.getvalue(), "bundle.zip")[0]
    assert [(f.rule, f.part) for f in outer.findings] == [("mark.state-secret", "comment")]


def test_a_member_name_with_an_exclamation_mark_is_scanned_whole() -> None:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("绝密★10年!/x.txt", "说明")
    member = scan_bytes(out.getvalue(), "bundle.zip")[1]
    assert [(f.rule, f.part) for f in member.findings] == [("mark.state-secret", "file-name")]
