"""The review key: the secret that seals every review record with an HMAC.

Write access to the database must not be enough to forge an approval, so the
key never goes into the database.  It is found, in this order:

1. ``PRECLEAR_REVIEW_KEY``: the secret itself (64 hex digits), for services
   that get secrets from their supervisor (systemd credentials, a vault);
2. ``PRECLEAR_KEY_FILE``, or ``[review] key_file`` in preclear.toml;
3. ``$XDG_CONFIG_HOME/preclear/review.key`` (``~/.config/preclear/review.key``).

A key file holds 64 hex digits and must not be writable by anyone but its
owner nor readable by others (mode 0600 or 0640).  ``preclear key create``
makes one; opening an empty store with no key creates one at the path above.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .errors import StoreError

ENV_KEY = "PRECLEAR_REVIEW_KEY"
ENV_KEY_FILE = "PRECLEAR_KEY_FILE"


@dataclass(frozen=True)
class ReviewKey:
    secret: bytes = field(repr=False)
    source: str  # where it came from, for messages (never the secret)

    @property
    def key_id(self) -> str:
        """A public fingerprint naming the key in records and messages."""
        return hashlib.sha256(b"preclear-key-id\0" + self.secret).hexdigest()[:12]

    def mac(self, purpose: str, message: str) -> str:
        """``<key id>:<hex HMAC-SHA256>`` over ``purpose`` and ``message``."""
        digest = hmac.new(self.secret, f"{purpose}\0{message}".encode(), hashlib.sha256).hexdigest()
        return f"{self.key_id}:{digest}"

    def check(self, purpose: str, message: str, mac: str | None) -> str | None:
        """None when ``mac`` is this key's seal over the message, else why not."""
        if not mac:
            return "the record is not sealed (no MAC): run `preclear audit seal` if it predates sealing"
        key_id = mac.split(":", 1)[0]
        if key_id != self.key_id:
            return f"sealed with key {key_id}, not with the review key {self.key_id} ({self.source})"
        if not hmac.compare_digest(mac, self.mac(purpose, message)):
            return "its seal (HMAC) does not match: the record was forged or changed"
        return None


def default_key_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "preclear" / "review.key"


def key_path(configured: str = "") -> Path:
    """The key file to use when the key is not given in the environment."""
    return Path(os.environ.get(ENV_KEY_FILE) or configured or default_key_path())


def _parse(text: str, source: str) -> ReviewKey:
    value = text.strip()
    if len(value) != 64 or any(c not in "0123456789abcdefABCDEF" for c in value):
        raise StoreError(f"review key {source}: must be 64 hex digits (make one with `preclear key create`)")
    return ReviewKey(bytes.fromhex(value), source)


def load_key(configured_file: str = "") -> ReviewKey | None:
    """The review key, or None when there is none (no variable, no file)."""
    if os.environ.get(ENV_KEY):
        return _parse(os.environ[ENV_KEY], f"${ENV_KEY}")
    path = key_path(configured_file)
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"review key {path}: {exc.strerror or exc}") from exc
    if st.st_mode & 0o027:
        raise StoreError(f"review key {path}: mode {stat.S_IMODE(st.st_mode):04o} lets others read or change "
                         f"it; run chmod 600 {path}")
    try:
        return _parse(path.read_text(encoding="ascii"), str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreError(f"review key {path}: cannot read: {exc}") from exc


def create_key(path: Path) -> ReviewKey:
    """Write a new random key to ``path`` (mode 0600); never overwrites one.
    The key is written whole to a private temporary file and then linked into
    place, so a process starting at the same moment never reads half a key."""
    value = secrets.token_hex(32)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(value + "\n")
        os.link(tmp, path)
    except FileExistsError:
        raise StoreError(f"review key {path} already exists; it is not replaced") from None
    except OSError as exc:
        raise StoreError(f"review key {path}: {exc.strerror or exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return ReviewKey(bytes.fromhex(value), str(path))
