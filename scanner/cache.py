"""The extraction cache: a re-scan after a lexicon update skips extraction.

Lexicons change, archives don't: an entry is keyed by the item's sha256, the
extractor version (a hash of the extractor sources, so changing an
extractor invalidates its entries without anyone bumping a number), the
extraction settings (``ScanConfig.extraction``: limits and conversion) and
what the item's name decides: the sniffed format (the extension picks
html/markdown/csv for text, wps/et/dps for OLE files) and the binary format
the name claims when the bytes disagree (a notice of its own).  It holds
the extracted Document, so the same bytes under another name are read as
they would be without the cache.  Entries
are written atomically (a worker may race another on the same bytes), read
back only when they unpickle cleanly, and pruned oldest-first past
``CacheSettings.max_bytes``.  A legacy Office file whose body was not
converted is not stored, nor one with a picture OCR did not read for want of
the extra or of time: whether LibreOffice or OCR is installed, or finished in
time, is a fact about the host, not about the bytes.  OCR results are also
cached per picture (``ocr/``, by the picture's sha256; extract/ocr.py).
The folder is private to the user (0700): it holds extracted text.
"""
from __future__ import annotations

import functools
import hashlib
import logging
import os
import pickle
import tempfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

from .config import CacheSettings, Convert, ExtractionSettings, Limits
from .types import Document

if TYPE_CHECKING:
    from .extract.ocr import PictureReader

log = logging.getLogger(__name__)

# cheap to extract again: decoding text is as fast as reading the cache
UNCACHED_FORMATS = frozenset({"text", "markdown", "csv"})


@functools.lru_cache(maxsize=1)
def extractor_version() -> str:
    """A hash of the extraction package's sources."""
    from . import extract

    h = hashlib.sha256()
    for path in sorted(Path(extract.__file__).parent.glob("*.py")):
        h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()[:16]


class ExtractCache:
    def __init__(self, settings: CacheSettings) -> None:
        self.root = settings.path() / "extract"
        self.max_bytes = settings.max_bytes
        self.hits = self.misses = 0

    def _path(self, data: bytes, fmt: str, claimed: str | None, settings: ExtractionSettings) -> Path:
        read_as = hashlib.sha256(repr((fmt, claimed)).encode()).hexdigest()[:16]
        key = hashlib.sha256(data).hexdigest() + extractor_version() + settings.key() + read_as
        return self.root / key[:2] / key

    def extract(self, data: bytes, name: str, limits: Limits, convert: Convert | None = None,
                ocr: PictureReader | None = None) -> Document:
        """``scanner.extract.extract``, answered from the cache when it can."""
        from .extract import extract, is_converted
        from .extract.ocr import host_dependent
        from .extract.sniff import name_mismatch, sniff

        convert = convert or Convert()
        fmt = sniff(data, name)
        if fmt in UNCACHED_FORMATS:
            return extract(data, name, limits, convert, ocr)
        path = self._path(data, fmt, name_mismatch(fmt, name), ExtractionSettings(limits, convert))
        try:
            doc = pickle.loads(zlib.decompress(path.read_bytes()))
            if not isinstance(doc, Document):
                raise TypeError(f"holds a {type(doc).__name__}")
            os.utime(path)
            self.hits += 1
            return doc
        except FileNotFoundError:
            pass
        except (OSError, zlib.error, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError) as exc:
            log.warning("extraction cache entry %s unreadable (%s): extracting again", path.name, exc)
        self.misses += 1
        doc = extract(data, name, limits, convert, ocr)
        unconverted = is_converted(doc.format) and "body" in doc.failed_parts
        if doc.format not in UNCACHED_FORMATS and not unconverted and not host_dependent(doc.notices):
            self._store(path, doc)
        return doc

    def _store(self, path: Path, doc: Document) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(self.root.parent, 0o700)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                fh.write(zlib.compress(pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL), 1))
            os.replace(tmp, path)
        except OSError as exc:  # a full or read-only disk costs speed, never a result
            log.warning("extraction cache: cannot store %s: %s", path.name, exc)

    def prune(self) -> int:
        """Delete the least recently used entries past the size cap; returns bytes freed."""
        entries = []
        for path in self.root.glob("*/*"):
            try:
                st = path.stat()
            except OSError:
                continue
            entries.append((st.st_mtime, st.st_size, path))
        total = sum(size for _, size, _ in entries)
        freed = 0
        for _, size, path in sorted(entries):
            if total - freed <= self.max_bytes:
                break
            try:
                path.unlink()
                freed += size
            except OSError:
                pass
        return freed
