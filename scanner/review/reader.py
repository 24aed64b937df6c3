"""What every way of opening the store reads alike: an item, its scans and
rows, and the rows verified against the chain and the review key.

``ReviewStore`` (store.py, SQLAlchemy) and ``SqliteReader`` (sqlite_read.py,
the standard library's sqlite3, read only) are both a ``LedgerReader``: they
differ only in how a transaction is opened (``read``) and how its rows are
fetched (``reads``, ledger.Reads); every method here, and the workflow over
them, is the same code for both.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import AbstractContextManager
from typing import Any

from ..types import ReviewRecord
from .chain import ChainReport
from .checkpoint import Anchor, against
from .errors import NotFound, StoreError
from .keys import ENV_KEY, ReviewKey, key_path, load_key
from .ledger import LEDGER, Event, ItemRow, Reads, ScanRow, events_from, item_of, item_rows, record_from_events, scan_of
from .trust import ChainWatch


class LedgerReader(ABC):
    """The reads of the review store; ``conn`` is what ``read()`` yields.
    A store (SQLAlchemy's, or the read-only sqlite3 one) says where it is
    and how it opens a transaction; everything else is read here."""

    def __init__(self, key_file: str = "") -> None:
        self.key_file = key_file
        self._key: ReviewKey | None = None
        self.watch = ChainWatch()

    @property
    @abstractmethod
    def where(self) -> str:
        """The database, for messages (no password)."""

    @abstractmethod
    def read(self) -> AbstractContextManager[Any]:
        """Context manager: one read transaction (one snapshot)."""

    @abstractmethod
    def reads(self, conn: Any) -> Reads:
        """The reads of the transaction ``conn``."""

    @property
    def key(self) -> ReviewKey:
        """The review key (looked up on first use; keys.py says where)."""
        if self._key is None:
            self._key = load_key(self.key_file)
        if self._key is None:
            raise StoreError(f"no review key: set ${ENV_KEY}, or put the key file at "
                             f"{key_path(self.key_file)} (or name it in [review] key_file); the records of "
                             f"{self.where} are sealed with it")
        return self._key

    def item_by_sha(self, sha256: str, conn: Any = None) -> ItemRow | None:
        if conn is None:
            with self.read() as c:
                return self.item_by_sha(sha256, c)
        rows = self.reads(conn).rows("items", ("sha256", sha256))
        return item_of(rows[0]) if rows else None

    def latest_scan(self, conn: Any, sha256: str) -> ScanRow | None:
        rows = self.reads(conn).rows("scans", ("sha256", sha256), newest=True)
        return scan_of(rows[0]) if rows else None

    def scan(self, conn: Any, seq: int) -> ScanRow:
        rows = self.reads(conn).rows("scans", ("seq", seq))
        if not rows:
            raise NotFound("not-found", f"no scan record {seq}")
        return scan_of(rows[0])

    def item_rows(self, conn: Any, sha256: str) -> list[tuple[str, dict[str, Any]]]:
        """Every ledger row about one item's bytes, whole, oldest first."""
        return item_rows(self.reads(conn), sha256)

    def events(self, conn: Any, sha256: str) -> list[Event]:
        """Everything recorded about one item's bytes, oldest first."""
        return events_from(self.item_rows(conn, sha256))

    def verified_events(self, conn: Any, sha256: str) -> tuple[list[Event], list[str]]:
        """The item's events and the reasons not to rely on them (none when
        the chain and every row about the item verify; trust.py)."""
        rows = self.item_rows(conn, sha256)
        return events_from(rows), self.watch.check_item(self.reads(conn), self.key, sha256, rows)

    def against_checkpoint(self, conn: Any, anchor: Anchor) -> list[str]:
        """What the chain, verified up to its head (``verified_events`` first),
        lacks against a checkpoint: records deleted or rewritten since."""
        head_seq, head_hash = self.watch.head
        reads = self.reads(conn)
        at = next((row["row_hash"] for table in LEDGER for row in reads.rows(table, where=("seq", anchor.seq))), None)
        return [f"checkpoint seq {anchor.seq}: {p}" for p in against(anchor, ChainReport(0, head_seq, head_hash, ()), at, self.key)]

    def review_record(self, sha256: str) -> ReviewRecord | None:
        """What the store knows about these exact bytes (for reports)."""
        with self.read() as conn:
            events = self.events(conn, sha256)
        if not events:
            return None
        return record_from_events(sha256, events)
