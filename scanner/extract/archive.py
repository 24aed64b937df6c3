"""Archives: ZIP, tar (plain, gzip, bzip2, xz) and lone compressed files.

Each member becomes its own item (``ArchiveExtractor.members`` in
scanner.extract.builtin); the pipeline scans it recursively and gives the
archive the worst verdict of its members.  Members are read in
memory, one at a time, within the item's limits, and never written to disk,
so a member called ``../../etc/passwd`` is only a name: it is reported with
odd characters escaped, and the archive gets a notice for it.
"""
from __future__ import annotations

import bz2
import io
import lzma
import os
import tarfile
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any

from ..config import Limits
from ..errors import ExtractionError, LimitExceeded
from ..names import escape_name
from ..types import Document, Member, Notice, Part, Severity
from .decode import decoded_text, legacy_reading
from .notices import unreadable
from .zipguard import GuardedZip, is_encrypted, ratio_allowance

__all__ = ["extract_archive", "iter_members", "safe_name"]
_CHUNK = 256 * 1024
_MAGIC = {"gzip": b"\x1f\x8b", "bz2": b"BZh", "xz": b"\xfd7zXZ\x00"}


def extract_archive(data: bytes, name: str, limits: Limits, fmt: str) -> Document:
    """The archive's own text (its ZIP comment and members' comments, tar's pax
    comments, a gzip header's original name and comment) and a notice per
    unsafe member name; ``fmt`` is the sniffed ``zip``/``tar``/``gzip``/``bz2``/``xz``."""
    parts, notices = [], []
    if fmt == "zip":
        with GuardedZip(data, limits, stage="zip") as zf:
            # in GBK from WinRAR or Bandizip on a Chinese Windows, which shows it decoded
            comment = decoded_text(zf.comment) if zf.comment else ""
            names = [_member_name(i) for i in zf.infos() if not _is_dir(i)]
            # a comment of each member's own (zip -c, 7-Zip's file comments): shown by archive tools
            comment += "".join(f"\n{_member_name(i)}: {decoded_text(i.comment)}" for i in zf.infos() if i.comment)
        if comment.strip():
            parts.append(Part("comment", comment.strip()))
    elif fmt == "tar":
        tar = _tar(data, limits)
        members = _tar_members(tar)
        names = [_tar_name(m) for m in members]
        # pax comments: the archive's own, then each member's (name: comment)
        comments = [str(tar.pax_headers["comment"])] if tar.pax_headers.get("comment") else []
        comments += [f"{_tar_name(m)}: {m.pax_headers['comment']}" for m in members if m.pax_headers.get("comment")]
        if comments:
            parts.append(Part("comment", "\n".join(comments)))
    else:
        names = []
    if data.startswith(_MAGIC["gzip"]):
        header = _gzip_header_text(data)
        if header:
            parts.append(Part("gzip-header", header))
    for raw in sorted(set(names)):
        safe, problem = safe_name(raw)
        if problem:
            notices.append(Notice("metadata.unsafe-member-name", "metadata", "members",
                                  f"member name {safe!r} {problem}", Severity.REVIEW, details=(("member", safe),)))
    return Document(fmt, parts=tuple(parts), notices=tuple(notices))


def iter_members(data: bytes, name: str, limits: Limits, fmt: str) -> Iterator[Member]:
    """Yield each member of an archive sniffed as ``fmt``, sorted by name;
    raise ``LimitExceeded`` when the archive as a whole passes a limit
    (member count, total size)."""
    if fmt == "zip":
        yield from _zip_members(data, limits)
    elif fmt == "tar":
        yield from _tar_iter(_tar(data, limits), limits)
    elif fmt in ("gzip", "bz2", "xz"):
        inner = _decompress(data, fmt, limits)
        base = os.path.basename(name.split("!")[-1])
        stem = os.path.splitext(base)[0] or "content"
        yield Member(stem, inner)
    else:
        raise ExtractionError(f"not an archive: {fmt}", stage="archive")


def _gzip_header_text(data: bytes) -> str:
    """The original file name and the comment a gzip header may carry (RFC
    1952 FNAME, FCOMMENT: ``gzip -N`` restores the name), a line each."""
    if len(data) < 10 or data[3] & 0xE0:  # reserved flag bits set: not a header to trust
        return ""
    flags, at = data[3], 10
    if flags & 0x04:  # FEXTRA
        if len(data) < at + 2:
            return ""
        at += 2 + int.from_bytes(data[at:at + 2], "little")
    fields = []
    for flag in (0x08, 0x10):  # FNAME, FCOMMENT: zero-terminated
        if flags & flag:
            end = data.find(b"\0", at, at + 65536)
            if end < 0:
                break
            fields.append(decoded_text(data[at:end]))
            at = end + 1
    return "\n".join(field for field in fields if field.strip())


def safe_name(raw: str) -> tuple[str, str]:
    """(the name with control/format characters escaped, what is wrong with it or "").
    Bytes that are not UTF-8 (a tar made on a GBK system) are shown ``\\xNN`` as in scanner.names."""
    if not raw:
        return raw, "is empty"
    escaped = "".join(c if unicodedata.category(c)[0] != "C" else _escape_char(c) for c in raw)
    segments = raw.replace("\\", "/").split("/")
    if raw.startswith(("/", "\\")) or (len(raw) > 1 and raw[1] == ":"):
        return escaped, "is an absolute path"
    if ".." in segments:
        return escaped, "climbs out of the archive (..)"
    if escaped != raw:
        return escaped, "contains control or invisible characters"
    return escaped, ""


def _escape_char(char: str) -> str:
    if "\udc80" <= char <= "\udcff":
        return escape_name(char)
    return f"\\u{ord(char):04x}"


def _is_dir(info: zipfile.ZipInfo) -> bool:
    """``ZipInfo.is_dir``, for a member whose name is empty too (Python
    3.11's reads its last character and raises IndexError: found by the fuzz
    run, a crash of the whole batch)."""
    return info.filename.endswith("/")


def _member_name(info: zipfile.ZipInfo) -> str:
    """ZIP names without the UTF-8 flag are often GBK (Chinese Windows); zipfile decodes them as cp437."""
    name = info.filename
    if info.flag_bits & 0x800:
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    decoded = []
    for encoding in ("utf-8", "gb18030"):
        try:
            decoded.append(raw.decode(encoding))
        except UnicodeDecodeError:
            continue
    # short GBK names are often valid UTF-8 too (as Greek or Armenian): prefer the Chinese reading
    plausible = [d for d in decoded if all(c.isascii() or _is_cjk(c) for c in d)]
    return (plausible or decoded or [name])[0]


def _is_cjk(char: str) -> bool:
    return ("\u4e00" <= char <= "\u9fff" or "\u3000" <= char <= "\u303f" or "\uff00" <= char <= "\uffef"
            or "\u3400" <= char <= "\u4dbf")


def _zip_members(data: bytes, limits: Limits) -> Iterator[Member]:
    with GuardedZip(data, limits, stage="archive") as zf:
        infos = sorted((i for i in zf.infos() if not _is_dir(i)), key=_member_name)  # stable: copies keep order
        declared = sum(i.file_size for i in infos)
        seen: dict[str, int] = {}
        if declared > limits.max_total_uncompressed:
            raise LimitExceeded("max_total_uncompressed",
                                f"members declare {declared} bytes, limit {limits.max_total_uncompressed}")
        for info in infos:
            name, _ = safe_name(_member_name(info))
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:  # the same name stored again: each copy is its own item
                name = f"{name} (copy {seen[name]})"
            if is_encrypted(info):
                yield Member(name, problem=unreadable("encrypted archive member", part="item",
                                                      rule="unreadable.encrypted"))
                continue
            if info.file_size > ratio_allowance(info.compress_size, limits):
                yield Member(name, problem=_limit("max_expansion_ratio",
                                                  f"member expands {info.compress_size} -> {info.file_size} bytes"))
                continue
            try:
                yield Member(name, zf.read(info))
            except LimitExceeded as exc:
                if exc.limit == "max_total_uncompressed":
                    raise
                yield Member(name, problem=_limit(exc.limit, exc.reason))
            except ExtractionError as exc:
                yield Member(name, problem=unreadable(exc.reason))


def _limit(limit: str, reason: str) -> Notice:
    return unreadable(f"limit {limit} exceeded: {reason}", rule="unreadable.limit", limit=limit)


def _inflater(fmt: str) -> Any:  # zlib's, bz2's and lzma's decompressors share no base class
    if fmt == "gzip":
        return zlib.decompressobj(wbits=47)
    return bz2.BZ2Decompressor() if fmt == "bz2" else lzma.LZMADecompressor()


def _decompress(data: bytes, fmt: str, limits: Limits) -> bytes:
    """Inflate a gzip/bzip2/xz file, stopping at the item's budget.

    A file may hold several streams one after the other (``cat a.gz b.gz``,
    ``pigz``, ``pbzip2``); like ``gzip -dc`` every one is read.  Bytes after
    the last stream that are not zero padding would be left unread, so they
    make the item unreadable instead."""
    cap = min(limits.max_total_uncompressed, ratio_allowance(len(data), limits))
    out = bytearray()
    pending = data
    try:
        while True:
            inflater = _inflater(fmt)
            while True:
                chunk = inflater.decompress(pending, _CHUNK)
                out += chunk
                if len(out) > cap:
                    raise LimitExceeded("max_expansion_ratio" if cap < limits.max_total_uncompressed
                                        else "max_total_uncompressed", f"stream inflates past {cap} bytes")
                pending = inflater.unconsumed_tail if fmt == "gzip" else b""
                if inflater.eof or (not chunk and not pending and (fmt == "gzip" or inflater.needs_input)):
                    break
            if not inflater.eof:
                raise ExtractionError(f"truncated {fmt} stream", stage="archive")
            pending = inflater.unused_data
            if not pending.strip(b"\x00"):
                return bytes(out)
            if not pending.startswith(_MAGIC[fmt]):
                raise ExtractionError(f"{len(pending)} bytes of unknown data after the {fmt} stream",
                                      stage="archive")
    except (zlib.error, OSError, EOFError, lzma.LZMAError, ValueError) as exc:
        raise ExtractionError(f"corrupt {fmt} stream: {exc}", stage="archive") from exc


def _tar(data: bytes, limits: Limits) -> tarfile.TarFile:
    """A tar over bytes in memory; a compressed tar is inflated within limits first."""
    for fmt, magic in _MAGIC.items():
        if data.startswith(magic):
            data = _decompress(data, fmt, limits)
            break
    try:
        return tarfile.open(fileobj=io.BytesIO(data), mode="r:")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise ExtractionError(f"not a readable tar archive: {exc}", stage="archive") from exc


def _tar_name(member: tarfile.TarInfo) -> str:
    """A tar member's name; one whose bytes are not UTF-8 (a tar made under
    ``LANG=zh_CN.GBK``; tarfile keeps such bytes as lone surrogates) read as
    GB18030 or Big5 when that reads it whole, as a ZIP's GBK names are."""
    name = member.name
    if name.isascii() or not any("\udc80" <= c <= "\udcff" for c in name):
        return name
    reading = legacy_reading(name.encode("utf-8", "surrogateescape"), both=False)
    return name if reading is None else reading


def _tar_members(tf: tarfile.TarFile) -> list[tarfile.TarInfo]:
    try:
        return [m for m in tf.getmembers() if m.isfile()]
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise ExtractionError(f"corrupt tar archive: {exc}", stage="archive") from exc


def _tar_iter(tf: tarfile.TarFile, limits: Limits) -> Iterator[Member]:
    members = sorted(_tar_members(tf), key=_tar_name)
    if len(members) > limits.max_members:
        raise LimitExceeded("max_members", f"{len(members)} members, limit {limits.max_members}")
    for m in members:
        name, _ = safe_name(_tar_name(m))
        if m.size > limits.max_item_bytes:
            yield Member(name, problem=_limit("max_item_bytes", f"member is {m.size} bytes"))
            continue
        try:
            fh = tf.extractfile(m)
            yield Member(name, fh.read() if fh else b"")
        except (tarfile.TarError, OSError, EOFError) as exc:
            yield Member(name, problem=unreadable(f"cannot read tar member: {exc}"))
