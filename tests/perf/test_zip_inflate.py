"""A package member inflated in one call (ISA-L where installed) is exactly
what zipfile's own read gives: the same bytes for a sound member, a refusal
wherever zipfile refuses, on packages made by real libraries and tools and
on hostile mutations of them."""
from __future__ import annotations

import io
import platform
import shutil
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path
from types import ModuleType

import docx
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from scanner.config import Limits
from scanner.errors import ItemError
from scanner.extract import zipguard
from scanner.extract.zipguard import GuardedZip

INFLATERS = [pytest.param(zlib, id="zlib")]
if zipguard.INFLATER is not zlib:
    INFLATERS.append(pytest.param(zipguard.INFLATER, id="isal"))


def docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("机密★5年 " * 200)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    book = openpyxl.Workbook()
    for r in range(300):
        book.active.append([r, r * 0.5, f"第{r}行"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def streamed_zip() -> bytes:
    """Members with data descriptors (written to a pipe-like stream), stored and deflated."""

    class Unseekable(io.RawIOBase):
        def __init__(self) -> None:
            self.buffer = bytearray()

        def writable(self) -> bool:
            return True

        def write(self, b: bytes) -> int:  # type: ignore[override]
            self.buffer += b
            return len(b)

    sink = Unseekable()
    with zipfile.ZipFile(sink, "w") as zf:
        with zf.open(zipfile.ZipInfo("stored.txt"), "w") as fh:
            fh.write("秘密 stored\n".encode() * 100)
        info = zipfile.ZipInfo("deflated.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w") as fh:
            fh.write(b"<a>" + "绝密".encode() * 5000 + b"</a>")
    return bytes(sink.buffer)


def zip_tool_bytes(tmp: Path) -> bytes:
    """An archive written by Info-ZIP's zip, a stored empty file and a deflated one beside it."""
    (tmp / "dir").mkdir()
    (tmp / "dir" / "empty.txt").write_bytes(b"")
    (tmp / "dir" / "notice.txt").write_text("内部资料 注意保存\n" * 400, encoding="gbk")
    subprocess.run(["zip", "-q", "-r", "out.zip", "dir"], cwd=tmp, check=True)
    return (tmp / "out.zip").read_bytes()


def real_packages(tmp: Path) -> dict[str, bytes]:
    packages = {"docx": docx_bytes(), "xlsx": xlsx_bytes(), "streamed": streamed_zip()}
    if shutil.which("zip"):
        packages["zip"] = zip_tool_bytes(tmp)
    return packages


def zipfile_answer(data: bytes, info: zipfile.ZipInfo) -> bytes | None:
    """zipfile's own read of the member, or None where zipfile refuses it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf, zf.open(info) as fh:
            return fh.read()
    except Exception:  # noqa: BLE001 - any refusal at all is what is compared
        return None


def assert_reads_as_zipfile(data: bytes, limits: Limits) -> None:
    try:
        pkg = GuardedZip(data, limits)
    except ItemError:
        return
    for info in pkg.infos():
        expected = zipfile_answer(data, info)
        try:
            got: bytes | None = pkg.read(info)
        except ItemError:
            got = None
        if expected is not None and len(expected) <= limits.max_item_bytes:
            assert got == expected, info.filename
        elif expected is None:
            assert got is None, info.filename


@pytest.fixture(params=INFLATERS)
def inflater(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.setattr(zipguard, "INFLATER", request.param)
    return request.param  # type: ignore[no-any-return]


def test_sound_members_are_read_in_one_call_as_zipfile_reads_them(tmp_path: Path, inflater: ModuleType) -> None:
    for kind, data in real_packages(tmp_path).items():
        pkg = GuardedZip(data, Limits())
        for info in pkg.infos():
            whole = pkg._inflate_whole(info, 1 << 30, inflater)
            assert whole is not None, (kind, info.filename)  # the fast path is taken, not only correct
            assert whole == zipfile_answer(data, info), (kind, info.filename)
        assert_reads_as_zipfile(data, Limits())


def test_isal_is_installed_where_it_has_a_wheel() -> None:
    if platform.machine() in ("x86_64", "AMD64", "aarch64", "arm64"):
        assert zipguard.INFLATER.__name__ == "isal.isal_zlib"


def one_member(payload: bytes, name: str = "word/document.xml") -> tuple[bytes, zipfile.ZipInfo]:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, payload)
        zf.writestr("next.xml", b"<next/>")
    data = out.getvalue()
    return data, zipfile.ZipFile(io.BytesIO(data)).getinfo(name)


def patched(data: bytes, at: int, fmt: str, value: int) -> bytes:
    raw = bytearray(data)
    struct.pack_into(fmt, raw, at, value)
    return bytes(raw)


PAYLOAD = "机密★5年 <w:t>".encode() * 3000


def hostile_variants() -> dict[str, bytes]:
    data, info = one_member(PAYLOAD)
    at = info.header_offset
    central = data.rindex(b"PK\x01\x02", 0, data.rindex(b"PK\x01\x02"))  # the first member's directory entry
    name_at = at + 30
    stream_at = name_at + len(info.filename)
    return {
        "crc in the directory": patched(data, central + 16, "<I", info.CRC ^ 1),
        "size declared smaller": patched(data, central + 24, "<I", info.file_size - 10),
        "size declared larger": patched(data, central + 24, "<I", info.file_size + 10),
        "another name in the local header": data[:name_at] + b"W" + data[name_at + 1:],
        "local signature broken": data[:at] + b"PK\x05\x06" + data[at + 4:],
        "stream cut short": data[:stream_at + 40] + b"\0" * (info.compress_size - 40) + data[stream_at + info.compress_size:],
        "stream corrupt": data[:stream_at + 5] + bytes(b ^ 0x55 for b in data[stream_at + 5:stream_at + 25])
        + data[stream_at + 25:],
        "compressed size past the next header": patched(data, central + 20, "<I", info.compress_size + 64),
        "stored, but deflated": patched(data, central + 10, "<H", zipfile.ZIP_STORED),
        "encrypted flag": patched(data, central + 8, "<H", 0x1),
    }


@pytest.mark.parametrize("variant", sorted(hostile_variants()))
def test_a_hostile_member_fails_as_zipfile_fails(variant: str, inflater: ModuleType) -> None:
    data = hostile_variants()[variant]
    assert_reads_as_zipfile(data, Limits())
    pkg = GuardedZip(data, Limits())
    info = next(i for i in pkg.infos() if i.filename.endswith("document.xml") or i.filename.endswith("Document.xml"))
    assert pkg._inflate_whole(info, 1 << 30, inflater) is None  # each is left to zipfile's read


def test_the_bound_holds_on_the_fast_path(inflater: ModuleType) -> None:
    """A member larger than the item's allowance is refused, not inflated whole."""
    data, info = one_member(b"0" * (6 << 20))
    pkg = GuardedZip(data, Limits(max_item_bytes=1 << 20))
    assert pkg._inflate_whole(info, 1 << 20, inflater) is None
    with pytest.raises(ItemError):
        pkg.read(info)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(["docx", "xlsx", "streamed"]), cuts=st.lists(
    st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=6))
def test_mutated_packages_read_as_zipfile_reads_them(kind: str, cuts: list[tuple[float, int]],
                                                     inflater: ModuleType) -> None:
    data = bytearray(MUTABLE[kind])
    for where, value in cuts:
        data[int(where * len(data))] = value
    assert_reads_as_zipfile(bytes(data), Limits(max_item_bytes=4 << 20))


MUTABLE = {"docx": docx_bytes(), "xlsx": xlsx_bytes(), "streamed": streamed_zip()}


def test_a_compressed_size_past_the_file_reads_as_zipfile_reads_it(inflater: ModuleType) -> None:
    """The central directory says a member's compressed data runs past the end
    of the file, though its deflate stream ends in it (found by the test
    above): zipfile's one-call read returns the member; read in chunks,
    zipfile raised EOFError once the stream had ended: the part was unread (review)."""
    data = bytearray(docx_bytes())
    entry = data.index(b"PK\x01\x02", data.rindex(b"PK\x03\x04"))
    while not data[entry + 46:].startswith(b"word/styles.xml"):
        entry = data.index(b"PK\x01\x02", entry + 4)
    struct.pack_into("<I", data, entry + 20, len(data) * 400)  # the compressed size
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("word/styles.xml")
    assert zipfile_answer(bytes(data), info) is not None
    assert_reads_as_zipfile(bytes(data), Limits(max_item_bytes=4 << 20))
