"""Files derived from their inputs and kept by a hash of them: the parsed
lexicon tables (``lexicons/``), compiled Hyperscan databases
(``automata/``) and jieba's dictionary with the short terms added
(``segment/``) in the cache folder.

A new key is written whenever the lexicons, the code that reads them or
Hyperscan change, and nothing else deletes the old ones: a unit that edits
its lexicon every week left 8.5 MB a week of 50,000-term tables behind.  So
each kind keeps its ``KEEP`` most recently used files (a read marks a file
used), and a file is written whole or not at all (a process may race
another on the same key).  The folders are private to the user (0700): the
tables hold lexicon terms.
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import stat
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

# files of one kind (one prefix in one folder) kept: a few configurations in turn stay fast
KEEP = 4


def read_regular(path: str | Path) -> bytes | None:
    """The bytes of ``path`` if it is a regular file (not a symbolic link, a
    FIFO or a device, which could block a read or never end); else None."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            return fh.read()
        except OSError:
            return None


def read_keyed(path: Path) -> bytes | None:
    """The file's bytes, marked as just used; None when it is not there."""
    data = read_regular(path)
    if data is not None:
        with contextlib.suppress(OSError):
            os.utime(path)
    return data


def read_checked(path: Path) -> bytes | None:
    """What ``store_checked`` stored at ``path``; None when it is missing or
    its bytes are not the ones stored (for data whose loader checks a shape,
    not the contents: a flipped byte would load and answer wrongly)."""
    stored = read_keyed(path)
    if stored is None or len(stored) < 32 or hashlib.sha256(stored[32:]).digest() != stored[:32]:
        return None
    return stored[32:]


def store_checked(path: Path, data: bytes) -> None:
    """``store_keyed`` with a sha256 of ``data`` before it."""
    store_keyed(path, hashlib.sha256(data).digest() + data)


def store_keyed(path: Path, data: bytes) -> None:
    """Write ``path`` atomically, then drop the least recently used files of
    its kind (``PREFIX-*`` with its suffix, in its folder) past ``KEEP``."""
    try:
        path.parent.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.parent.mkdir(mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp")
    except OSError as exc:  # a read-only cache costs start-up time, never a result
        log.warning("cache: cannot store %s: %s", path.name, exc)
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        log.warning("cache: cannot store %s: %s", path.name, exc)
        return
    _keep_newest(path)


def _keep_newest(path: Path) -> None:
    prefix = path.name.split("-", 1)[0] + "-"
    kind: list[tuple[float, Path]] = []
    for sibling in path.parent.glob(f"{prefix}*{path.suffix}"):
        with contextlib.suppress(OSError):
            kind.append((sibling.stat().st_mtime, sibling))
    for _, old in sorted(kind, reverse=True)[KEEP:]:
        if old != path:
            with contextlib.suppress(OSError):
                old.unlink()
