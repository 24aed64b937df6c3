"""Archives and limits: members as items, nesting depth, member count, zip
bombs (honest and lying about their size) with bounded memory, encrypted
members, unsafe member names, sniffing from bytes."""
from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import tarfile
import zipfile

import docx
import pytest

from scanner import scan_bytes
from scanner.config import Limits, ScanConfig
from scanner.extract import extract
from scanner.extract.archive import iter_members
from scanner.extract.sniff import sniff


def plain_docx(text: str = "公开通知") -> bytes:
    d = docx.Document()
    d.add_paragraph(text)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def bomb_docx(inflated: int, lie: bool = False) -> bytes:
    """A DOCX whose main part inflates to ``inflated`` bytes; with ``lie`` the
    directory declares 1,000 bytes for it."""
    src = zipfile.ZipFile(io.BytesIO(plain_docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            if info.filename == "word/document.xml":
                continue
            zf.writestr(info.filename, src.read(info.filename))
        info = zipfile.ZipInfo("word/document.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w") as fh:
            chunk = b" " * (1 << 20)
            for _ in range(inflated >> 20):
                fh.write(chunk)
    data = bytearray(out.getvalue())
    if lie:
        name = b"word/document.xml"
        central = data.find(b"PK\x01\x02", data.find(name) + 1)
        while central != -1:
            length = struct.unpack_from("<H", data, central + 28)[0]
            if data[central + 46: central + 46 + length] == name:
                struct.pack_into("<I", data, central + 24, 1000)
                break
            central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def test_honest_zip_bomb_docx_is_refused_by_ratio() -> None:
    data = bomb_docx(300 << 20)
    [result] = scan_bytes(data, "bomb.docx")
    assert result.format == "docx" and result.verdict.value == "review"
    [finding] = [f for f in result.findings if f.rule == "unreadable.limit"]
    assert dict(finding.details)["limit"] == "max_expansion_ratio"


def test_lying_zip_bomb_docx_is_never_clear() -> None:
    [result] = scan_bytes(bomb_docx(300 << 20, lie=True), "liar.docx")
    assert result.verdict.value == "review"
    assert result.extraction.value == "partial"
    assert result.failed_parts == ("word/document.xml",)
    assert any(f.category == "unreadable" and f.part == "body" for f in result.findings)


def test_refusing_a_bomb_keeps_memory_bounded(tmp_path) -> None:
    """Peak RSS of a fresh process refusing a 1 GB bomb stays far below the bomb.

    The peak is the process's own VmHWM: getrusage's ru_maxrss would also
    count the pytest process it was forked from (Linux carries the old
    address space's peak across exec), so it failed whenever earlier tests
    had grown pytest past the limit."""
    path = tmp_path / "bomb.docx"
    path.write_bytes(bomb_docx(1 << 30))
    code = (
        "import json, sys\n"
        "from scanner import scan_bytes\n"
        "r = scan_bytes(open(sys.argv[1], 'rb').read(), 'bomb.docx')[0]\n"
        "peak = next(int(line.split()[1]) for line in open('/proc/self/status') if line.startswith('VmHWM:'))\n"
        "print(json.dumps([r.verdict.value, peak]))\n")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    verdict, peak_kb = json.loads(out.stdout.strip().splitlines()[-1])
    assert verdict == "review"
    assert peak_kb < 300 * 1024


def test_bounded_read_stops_even_when_the_directory_lies() -> None:
    """The guard's own streaming cap, not only zipfile's declared-size stop, bounds a member."""
    from scanner.errors import LimitExceeded
    from scanner.extract.zipguard import GuardedZip
    data = bomb_docx(64 << 20)
    pkg = GuardedZip(data, Limits(max_item_bytes=8 << 20))
    with pytest.raises(LimitExceeded) as info:
        pkg.read("word/document.xml")
    assert info.value.limit in ("max_item_bytes", "max_expansion_ratio")


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def test_members_are_items_and_archive_takes_the_worst() -> None:
    data = zip_of({"b/notice.docx": plain_docx("正文 机密★5年"), "a.txt": "公开".encode()})
    results = scan_bytes(data, "bundle.zip")
    by_item = {r.item: r for r in results}
    assert [r.item for r in results] == ["bundle.zip", "bundle.zip!a.txt", "bundle.zip!b/notice.docx"]
    assert by_item["bundle.zip!b/notice.docx"].verdict.value == "block"
    assert by_item["bundle.zip!a.txt"].verdict.value == "clear"
    assert by_item["bundle.zip"].verdict.value == "block"


def test_nested_archive_past_depth_limit() -> None:
    data = "最里层 机密★5年".encode()
    name = "c.txt"
    for level in range(4):
        data, name = zip_of({name: data}), f"l{level}.zip"
    config = ScanConfig(limits=Limits(max_depth=2))
    results = scan_bytes(data, "outer.zip", config)
    items = [r.item for r in results]
    assert items == ["outer.zip", "outer.zip!l2.zip", "outer.zip!l2.zip!l1.zip"]
    deepest = results[-1]
    assert deepest.verdict.value == "review"
    [limit] = [f for f in deepest.findings if f.rule == "unreadable.limit"]
    assert dict(limit.details)["limit"] == "max_depth"
    assert results[0].verdict.value == "review"


def test_member_count_limit() -> None:
    data = zip_of({f"f{i:02}.txt": b"x" for i in range(20)})
    [archive, *members] = scan_bytes(data, "many.zip", ScanConfig(limits=Limits(max_members=10)))
    assert members == []
    assert archive.verdict.value == "review"
    assert any(dict(f.details).get("limit") == "max_members" for f in archive.findings)


def test_encrypted_member_is_unreadable() -> None:
    data = bytearray(zip_of({"secret.txt": b"hello", "open.txt": "公开".encode()}))
    # set the "encrypted" flag of secret.txt in its local header and its directory entry
    local = data.find(b"PK\x03\x04")
    struct.pack_into("<H", data, local + 6, struct.unpack_from("<H", data, local + 6)[0] | 1)
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<H", data, central + 8, struct.unpack_from("<H", data, central + 8)[0] | 1)
    results = {r.item: r for r in scan_bytes(bytes(data), "locked.zip")}
    assert [f.rule for f in results["locked.zip!secret.txt"].findings] == ["unreadable.encrypted"]
    assert results["locked.zip!open.txt"].verdict.value == "clear"
    assert results["locked.zip"].verdict.value == "review"


def test_unsafe_member_names_are_reported_safely(tmp_path) -> None:
    data = zip_of({"../escape.txt": "机密★5年".encode(), "/etc/abs.txt": b"x", "a\u202etxt.exe": b"y"})
    before = set(os.listdir(tmp_path))
    results = scan_bytes(data, "evil.zip")
    names = [r.item for r in results]
    assert "evil.zip!../escape.txt" in names
    assert "evil.zip!a\\u202etxt.exe" in names
    archive = results[0]
    flagged = sorted(dict(f.details)["member"] for f in archive.findings if f.rule == "metadata.unsafe-member-name")
    assert flagged == ["../escape.txt", "/etc/abs.txt", "a\\u202etxt.exe"]
    assert archive.verdict.value == "block"
    assert set(os.listdir(tmp_path)) == before


def test_a_member_without_a_name_is_scanned_and_flagged(tmp_path) -> None:
    """A member whose name is empty (the fuzz run made one) once crashed the
    whole batch: zipfile's ``is_dir`` reads the name's last character."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(zipfile.ZipInfo(""), "机密★5年".encode())
        zf.writestr("notice.txt", "公开通知".encode())
    results = {r.item: r for r in scan_bytes(out.getvalue(), "nameless.zip")}
    assert results["nameless.zip!"].verdict.value == "block"
    assert results["nameless.zip!notice.txt"].verdict.value == "clear"
    archive = results["nameless.zip"]
    assert [f.reason for f in archive.findings if f.rule == "metadata.unsafe-member-name"] == ["member name '' is empty"]
    assert archive.verdict.value == "block"
    # and in a folder scan, beside another file: the batch goes on
    (tmp_path / "nameless.zip").write_bytes(out.getvalue())
    (tmp_path / "other.txt").write_text("机密★5年", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "scanner", "scan", str(tmp_path), "--format", "jsonl", "--jobs", "1"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2, done.stderr
    items = {json.loads(line)["item"] for line in done.stdout.splitlines()}
    assert {"nameless.zip", "nameless.zip!", "nameless.zip!notice.txt", "other.txt"} <= items


def test_gbk_member_names_are_decoded() -> None:
    """Chinese Windows writes GBK names without the UTF-8 flag."""
    gbk = "通知.txt".encode("gbk")
    placeholder = b"x" * (len(gbk) - 4) + b".txt"
    data = zip_of({placeholder.decode(): "公开".encode()}).replace(placeholder, gbk)
    [member] = list(iter_members(data, "gbk.zip", Limits(), "zip"))
    assert member.name == "通知.txt"


def test_tar_gz_and_lone_gzip() -> None:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tf:
        for name, data in (("z.txt", "机密★5年".encode()), ("a/b.docx", plain_docx())):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    results = scan_bytes(out.getvalue(), "pack.tgz")
    assert [r.item for r in results] == ["pack.tgz", "pack.tgz!a/b.docx", "pack.tgz!z.txt"]
    assert results[0].format == "tar" and results[0].verdict.value == "block"
    import gzip
    [outer, inner] = scan_bytes(gzip.compress("机密★5年".encode()), "note.txt.gz")
    assert outer.format == "gzip" and inner.item == "note.txt.gz!note.txt"
    assert inner.verdict.value == "block"


def test_gzip_bomb_is_refused() -> None:
    import gzip
    data = gzip.compress(b"\0" * (64 << 20))
    [outer] = [r for r in scan_bytes(data, "z.gz") if r.item == "z.gz"]
    assert outer.verdict.value == "review"
    assert any(f.rule == "unreadable.limit" for f in outer.findings)


@pytest.mark.parametrize("data, name, fmt", [
    (b"\x8f\x13\x00\x99" * 256, "random.docx", "binary"),
    (b"junk\n%PDF-1.4\n", "x.txt", "pdf"),
    (zip_of({"OFD.xml": b"<ofd:OFD/>"}), "x.zip", "ofd"),
    (zip_of({"a.txt": b"a"}), "x.docx", "zip"),
])
def test_sniff_from_bytes_not_name(data: bytes, name: str, fmt: str) -> None:
    assert sniff(data, name) == fmt


def test_random_bytes_are_review_never_clear() -> None:
    [result] = scan_bytes(os.urandom(4096).replace(b"PK", b"pk").replace(b"%PDF", b"%pdf") + b"\0", "blob.docx")
    assert result.verdict.value == "review"
    assert result.extraction.value == "failed"


def test_xlsx_named_doc_is_read_as_xlsx() -> None:
    import openpyxl
    wb = openpyxl.Workbook()
    wb.active["A1"] = "机密★5年"
    buf = io.BytesIO()
    wb.save(buf)
    doc = extract(buf.getvalue(), "old.doc", Limits())
    assert doc.format == "xlsx" and doc.parts[0].name == "sheet:Sheet"
