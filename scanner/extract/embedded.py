"""Embedded objects of OOXML packages, opened so they are scanned as members.

A sheet pasted into a report, a document into a slide: Office keeps the
object under ``word/embeddings/`` (``ppt/``, ``xl/``) either as a package of
its own (``Microsoft_Excel_Worksheet.xlsx``) or wrapped in an OLE compound
file (``oleObject3.bin``).  Each object that can be unwrapped becomes a
member item (``thesis.docx!word/embeddings/oleObject3.bin``) scanned like an
archive member, within the package's limits:

- a package, a PDF, a picture or an archive kept as is: its bytes;
- an OLE ``Package`` object (``\\x01Ole10Native``: a file dropped into the
  document) or a ``Package`` stream (an OOXML file embedded through OLE): the
  file inside;
- an embedded Word/Excel/PowerPoint 97-2003 object (``WordDocument``,
  ``Workbook``, ``PowerPoint Document`` streams): the compound file itself,
  read through the legacy path;
- a PDF embedded by Acrobat (``CONTENTS`` stream): the PDF.

Equation Editor 3.0 and MathType objects are formulas; they are judged
harmless by type and not opened.  Any other OLE object stays an
``unreadable.embedded`` notice on the container (xmlparts.embedded_notices).
"""
from __future__ import annotations

import io
import logging
import struct
from collections.abc import Iterator

import olefile

from ..config import Limits
from ..errors import ExtractionError, LimitExceeded
from ..types import Member
from .sniff import sniff
from .zipguard import GuardedZip

log = logging.getLogger(__name__)

FOLDERS = {"docx": "word/embeddings/", "pptx": "ppt/embeddings/", "xlsx": "xl/embeddings/"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_ERRORS = (OSError, ValueError, IndexError, TypeError, AttributeError, NotImplementedError, struct.error)
_DOCUMENT_STREAMS = ("WordDocument", "Workbook", "Book", "PowerPoint Document")
_EQUATIONS = (b"Equation.3", b"Equation.DSMT", b"MathType")
_FILE_FORMATS = frozenset({"docx", "xlsx", "pptx", "odt", "ods", "odp", "pdf", "ofd", "image", "zip", "tar", "gzip", "bz2",
                           "xz"})


def open_object(data: bytes) -> tuple[str, bytes | None]:
    """(kind, bytes to scan): kind is ``file``, ``package``, ``document``,
    ``pdf``, ``equation`` (not opened) or ``unknown`` (cannot be opened)."""
    if not data.startswith(_OLE_MAGIC):
        # a package, a PDF, a picture; bytes that only decode as text are not a file Office embeds
        return ("file", data) if sniff(data, "") in _FILE_FORMATS else ("unknown", None)
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            streams = {"/".join(entry) for entry in ole.listdir(streams=True, storages=False)}
            if "Equation Native" in streams or _comp_obj_says_equation(ole, streams):
                return "equation", None
            if "\x01Ole10Native" in streams:
                return "package", _ole10_native(ole.openstream("\x01Ole10Native").read())
            if "Package" in streams:
                return "package", ole.openstream("Package").read()
            if "CONTENTS" in streams:
                return "pdf", ole.openstream("CONTENTS").read()
    except _OLE_ERRORS as exc:
        log.debug("embedded OLE object not opened: %s", exc)
        return "unknown", None
    if any(name in streams for name in _DOCUMENT_STREAMS):
        return "document", data
    return "unknown", None


def _comp_obj_says_equation(ole: olefile.OleFileIO, streams: set[str]) -> bool:
    if "\x01CompObj" not in streams:
        return False
    comp = ole.openstream("\x01CompObj").read(4096)
    return any(name in comp for name in _EQUATIONS)


def _ole10_native(raw: bytes) -> bytes:
    """The file inside an OLE Package object: size, flags, label, source path,
    reserved, temp path, then the file's size and bytes."""
    pos = 6
    for _ in range(2):  # label, source path: NUL-terminated
        pos = raw.index(b"\x00", pos) + 1
    pos += 4
    temp_len = struct.unpack_from("<I", raw, pos)[0]
    pos += 4 + temp_len
    size = struct.unpack_from("<I", raw, pos)[0]
    pos += 4
    if pos + size > len(raw):
        raise ValueError("Ole10Native payload runs past the stream")
    return raw[pos:pos + size]


def embedding_paths(pkg: GuardedZip, folder: str) -> list[str]:
    return sorted(n for n in pkg.names() if n.startswith(folder) and not n.endswith("/"))


def has_embedded(data: bytes, fmt: str, limits: Limits) -> bool:
    """Whether the package holds embedded objects (from its directory alone)."""
    try:
        with GuardedZip(data, limits, stage=fmt) as pkg:
            return bool(embedding_paths(pkg, FOLDERS[fmt]))
    except (ExtractionError, LimitExceeded):  # the extractor has said so already
        return False


def iter_embedded(data: bytes, fmt: str, limits: Limits) -> Iterator[Member]:
    """Yield each embedded object that can be opened, in path order."""
    folder = FOLDERS[fmt]
    with GuardedZip(data, limits, stage=fmt) as pkg:
        for path in embedding_paths(pkg, folder):
            kind, payload = open_object(pkg.read(path))
            if payload is not None:
                yield Member(path, payload)
            elif kind == "equation":
                log.debug("embedded equation %s judged harmless by type", path)
