"""Open a ZIP (an archive, or an OOXML/OFD package) without letting it blow up.

Before anything is inflated the central directory is checked: member count,
declared total size, declared expansion ratio.  Declared sizes can lie, so
every member is then read through a bounded streaming read that stops as soon
as the bytes actually produced pass the remaining budget.  Memory is bounded
by the budget, never by what the file claims.  (Python's zipfile also stops
inflating at a member's declared size, so a library handed a package that
passed ``check_declared`` is bounded by the same numbers.)

A member is first inflated in one call, by ISA-L where its wheel exists
(python-isal: 3-4x zlib's speed on a sheet's XML), capped at the bound.
That result is taken only when it is exactly what zipfile would return: a
complete stream of the declared size and CRC, from a local header that names
the member and ends before the next one.  Anything else is read again
through zipfile, so a damaged or hostile member fails as it always did.
"""
from __future__ import annotations

import io
import itertools
import struct
import zipfile
import zlib
from types import ModuleType
from typing import Self

from ..config import Limits
from ..errors import ExtractionError, LimitExceeded


def _inflater() -> ModuleType:
    """isal_zlib (zlib's interface) where its wheel is installed, else zlib."""
    try:
        from isal import isal_zlib
    except ImportError:  # no wheel for this machine (pyproject.toml installs it where there is one)
        return zlib
    return isal_zlib


INFLATER = _inflater()

# a small member may compress extremely well (a blank XML part); ratios only
# matter once there is real volume behind them
RATIO_FLOOR_BYTES = 4 * 1024 * 1024
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, ..., name length, extra length
_LOCAL_SIGNATURE = b"PK\x03\x04"
_UNSUPPORTED_FLAGS = 0x1 | 0x20 | 0x40  # encrypted, patched data, strong encryption: zipfile's to refuse

ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError,
              ValueError, NotImplementedError, KeyError)


def ratio_allowance(compressed: int, limits: Limits) -> int:
    """How many inflated bytes ``compressed`` input may produce."""
    return max(int(compressed * limits.max_expansion_ratio), RATIO_FLOOR_BYTES)


def is_encrypted(info: zipfile.ZipInfo) -> bool:
    return bool(info.flag_bits & 0x1)


class GuardedZip:
    """A ZIP whose members are read within the item's limits.

    ``budget`` is the total number of inflated bytes the whole item may
    produce: the smaller of ``max_total_uncompressed`` and the expansion
    ratio times the item's size.
    """

    def __init__(self, data: bytes, limits: Limits, stage: str = "zip") -> None:
        self.limits = limits
        self._stage = stage
        self._data = data
        try:
            self._zf = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zf.infolist()
        except ZIP_ERRORS as exc:
            raise ExtractionError(f"not a readable ZIP package: {exc}", stage=stage) from exc
        if len(infos) > limits.max_members:
            raise LimitExceeded("max_members", f"{len(infos)} members, limit {limits.max_members}")
        self._infos = {i.filename: i for i in infos}
        self._all = infos
        # where each member's bytes must end: the next local header or the central directory
        starts = sorted({i.header_offset for i in infos} | {getattr(self._zf, "start_dir", len(data))})
        self._ends = dict(itertools.pairwise(starts))
        # a name stored twice: readers by name see only the last copy, so the first would go unread
        self.duplicates = sorted({i.filename for i in infos if sum(j.filename == i.filename for j in infos) > 1}
                                 if len(self._infos) < len(infos) else ())
        by_ratio = ratio_allowance(len(data), limits)
        self.budget = min(limits.max_total_uncompressed, by_ratio)
        self._budget_limit = "max_expansion_ratio" if by_ratio < limits.max_total_uncompressed else "max_total_uncompressed"
        self.read_names: set[str] = set()  # the members read whole (scanner.extract.leftover reads the others)

    @property
    def comment(self) -> bytes:
        """The archive's comment (the text after the central directory)."""
        return self._zf.comment

    def names(self) -> list[str]:
        return list(self._infos)

    def infos(self) -> list[zipfile.ZipInfo]:
        """Every entry, duplicated names included, in directory order."""
        return list(self._all)

    def has(self, name: str) -> bool:
        return name in self._infos

    def check_declared(self) -> None:
        """Refuse a package whose directory already admits to being a bomb,
        or that stores a part twice (its reader would see only one copy)."""
        if self.duplicates:
            raise ExtractionError(f"package stores {len(self.duplicates)} part(s) twice "
                                  f"(first: {self.duplicates[0]!r}); only one copy would be read", stage=self._stage)
        total = sum(i.file_size for i in self._all)
        if total > self.limits.max_total_uncompressed:
            raise LimitExceeded("max_total_uncompressed",
                                f"members declare {total} bytes, limit {self.limits.max_total_uncompressed}")
        if total > self.budget:
            raise LimitExceeded("max_expansion_ratio",
                                f"members declare {total} bytes from a {self.budget} byte allowance")
        for info in self._all:
            if info.file_size > ratio_allowance(info.compress_size, self.limits):
                raise LimitExceeded("max_expansion_ratio",
                                    f"member {info.filename!r} expands {info.compress_size} -> {info.file_size} bytes")

    def read(self, name: str | zipfile.ZipInfo) -> bytes:
        """Inflate one member (by name, or by entry for a duplicated name),
        charging its real size to the item's budget."""
        info = name if isinstance(name, zipfile.ZipInfo) else self._infos.get(name)
        if info is None:
            raise ExtractionError(f"missing package part {name}", part=str(name), stage=self._stage)
        name = info.filename
        self.read_names.add(name)
        if is_encrypted(info):
            raise ExtractionError(f"package part {name} is encrypted", part=name, stage=self._stage)
        cap, limit = min((self.budget, self._budget_limit),
                         (self.limits.max_item_bytes, "max_item_bytes"),
                         (ratio_allowance(info.compress_size, self.limits), "max_expansion_ratio"))
        whole = self._inflate_whole(info, cap, INFLATER)
        if whole is not None:
            self.budget -= len(whole)
            return whole
        try:
            with self._zf.open(info) as fh:
                # one call, as zipfile's own read makes: read in chunks, zipfile fails on a member whose
                # recorded compressed size runs past the file once the stream has ended
                out = fh.read(cap + 1)
        except ZIP_ERRORS as exc:
            raise ExtractionError(f"cannot inflate {name}: {exc}", part=name, stage=self._stage) from exc
        if len(out) > cap:
            raise LimitExceeded(limit, f"member {name!r} inflates past {cap} bytes")
        self.budget -= len(out)
        return out

    def _inflate_whole(self, info: zipfile.ZipInfo, cap: int, inflater: ModuleType) -> bytes | None:
        """The member in one call when it is exactly what zipfile's streaming
        read returns, else None (the caller reads it through zipfile)."""
        if info.flag_bits & _UNSUPPORTED_FLAGS or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) \
                or info.file_size > cap:
            return None
        at = info.header_offset
        header = self._data[at:at + _LOCAL_HEADER.size]
        if len(header) < _LOCAL_HEADER.size:
            return None
        signature, name_size, extra_size = _LOCAL_HEADER.unpack(header)
        start = at + _LOCAL_HEADER.size + name_size + extra_size
        end = start + info.compress_size
        local_name = self._data[at + _LOCAL_HEADER.size:at + _LOCAL_HEADER.size + name_size]
        try:
            named = local_name.decode("utf-8" if info.flag_bits & 0x800 else "cp437") == info.orig_filename
        except UnicodeDecodeError:
            return None
        if signature != _LOCAL_SIGNATURE or end > self._ends.get(at, -1) or not named:
            return None
        raw = self._data[start:end]
        if info.compress_type == zipfile.ZIP_STORED:
            out = raw
        else:
            inflate = inflater.decompressobj(-15)
            try:
                out = inflate.decompress(raw, info.file_size + 1)
            except inflater.error:
                return None
            if not inflate.eof:
                return None
        if len(out) != info.file_size or inflater.crc32(out) != info.CRC:
            return None
        return out

    def head(self, name: str, size: int) -> bytes:
        """The first ``size`` inflated bytes of a member (a peek at its prolog), charged to the budget."""
        info = self._infos[name]
        if is_encrypted(info):
            return b""
        try:
            with self._zf.open(info) as fh:
                out = fh.read(size)
        except ZIP_ERRORS as exc:
            raise ExtractionError(f"cannot inflate {name}: {exc}", part=name, stage=self._stage) from exc
        self.budget -= len(out)
        return out

    def read_optional(self, name: str) -> bytes | None:
        return self.read(name) if name in self._infos else None

    def close(self) -> None:
        self._zf.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
