"""Inflating one large package member: why preclear uses ISA-L.

The member is the 8.4 MB sheet of M5's workbook (200,000 numeric cells).
Compared: zipfile's streaming read (what preclear did before), zlib in one
call, ISA-L in one call (python-isal, a dependency where it has a wheel),
zlib-ng in one call (only when python-zlib-ng happens to be installed), and
``GuardedZip.read`` as a scan calls it (the one-call path and its checks).

    .venv/bin/python -m pytest benchmarks/test_inflate.py --benchmark-only
"""
from __future__ import annotations

import importlib.util
import io
import struct
import zipfile
import zlib
from pathlib import Path
from types import ModuleType

import corpus as corpus_mod
import pytest

from scanner.config import Limits
from scanner.extract.zipguard import GuardedZip

SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture(scope="module")
def workbook() -> bytes:
    root = Path(__file__).resolve().parent.parent / "build"
    root.mkdir(exist_ok=True)
    return corpus_mod.numbers_workbook(root / "numbers-200k.xlsx").read_bytes()


@pytest.fixture(scope="module")
def member(workbook: bytes) -> tuple[bytes, zipfile.ZipInfo]:
    info = zipfile.ZipFile(io.BytesIO(workbook)).getinfo(SHEET)
    name_size, extra_size = struct.unpack("<HH", workbook[info.header_offset + 26:info.header_offset + 30])
    start = info.header_offset + 30 + name_size + extra_size
    return workbook[start:start + info.compress_size], info


def _one_call(module: ModuleType, raw: bytes, info: zipfile.ZipInfo) -> bytes:
    inflate = module.decompressobj(-15)
    out = inflate.decompress(raw, info.file_size + 1)
    assert inflate.eof and len(out) == info.file_size and module.crc32(out) == info.CRC
    return out


def test_zipfile_streaming(benchmark, workbook: bytes) -> None:
    def read() -> bytes:
        out = bytearray()
        with zipfile.ZipFile(io.BytesIO(workbook)).open(SHEET) as fh:
            while chunk := fh.read(256 * 1024):
                out += chunk
        return bytes(out)

    assert len(benchmark(read)) > 8_000_000


def test_zlib_one_call(benchmark, member) -> None:
    benchmark(_one_call, zlib, *member)


def test_isal_one_call(benchmark, member) -> None:
    isal_zlib = pytest.importorskip("isal.isal_zlib")
    benchmark(_one_call, isal_zlib, *member)


@pytest.mark.skipif(importlib.util.find_spec("zlib_ng") is None, reason="python-zlib-ng is not installed")
def test_zlib_ng_one_call(benchmark, member) -> None:
    from zlib_ng import zlib_ng

    benchmark(_one_call, zlib_ng, *member)


def test_guarded_zip_read(benchmark, workbook: bytes) -> None:
    def read() -> bytes:
        with GuardedZip(workbook, Limits()) as package:
            return package.read(SHEET)

    assert len(benchmark(read)) > 8_000_000
