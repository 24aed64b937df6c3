"""A SQLite review store read with the standard library's sqlite3, without
SQLAlchemy (~0.15 s of every review command's start): for ``preclear gate``
on a SQLite file whose records are current.

Only the reads are here (``SqliteReads``, ledger.Reads): the rows it returns
are what SQLAlchemy returns for the same tables (the declared columns, the
driver's values, by ``seq``), and everything done with them is the code the
SQLAlchemy store runs (reader.py, trust.py, workflow.gate_read_only).  It
opens only a store that needs nothing written: an existing file at this
code's schema version with records in it; anything else (a new or older
store, which opening migrates; a stale scan, which the gate re-scans and
records) is left to ``open_store``.
"""
from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from .ledger import COLUMNS, LEDGER, SCHEMA_VERSION
from .reader import LedgerReader

BUSY_TIMEOUT_S = 60.0


def configure(dbapi_conn: sqlite3.Connection) -> None:
    """What every connection to a SQLite store is set to, by either path
    (db.py's engine runs this on connect): BEGIN issued by the caller, WAL,
    the busy timeout."""
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


class SqliteReads:
    """ledger.Reads over one sqlite3 connection inside a transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def rows(self, table: str, where: tuple[str, Any] | None = None, from_seq: int | None = None,
             newest: bool = False) -> list[dict[str, Any]]:
        columns = COLUMNS[table]
        conditions, params = [], []
        if where is not None:
            if where[0] not in columns:
                raise KeyError(where[0])
            conditions.append(f"{where[0]} = ?")
            params.append(where[1])
        if from_seq is not None:
            conditions.append("seq >= ?")
            params.append(from_seq)
        sql = f"SELECT {', '.join(columns)} FROM {table}"
        if conditions:
            sql += " WHERE " + " AND ".join(conditions)
        sql += " ORDER BY seq DESC LIMIT 1" if newest else " ORDER BY seq"
        return [dict(zip(columns, row)) for row in self.conn.execute(sql, params)]

    def seq_hashes(self, from_seq: int) -> list[tuple[int, str]]:
        sql = " UNION ALL ".join(f"SELECT seq, row_hash FROM {table} WHERE seq >= ?" for table in LEDGER)
        return [(row[0], row[1]) for row in self.conn.execute(sql, [from_seq] * len(LEDGER))]


class SqliteReader(LedgerReader):
    """A SQLite review store, read only; open with ``open_reader``."""

    def __init__(self, path: str, key_file: str = "") -> None:
        super().__init__(key_file)
        self.path = path
        self._conn: sqlite3.Connection | None = None

    @property
    def where(self) -> str:
        return "sqlite:///" + self.path

    def connection(self) -> sqlite3.Connection:
        if self._conn is None:
            # mode=rw: an existing file only, never a new empty one
            uri = "file:" + quote(self.path, safe="/") + "?mode=rw"
            conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)
            configure(conn)
            self._conn = conn
        return self._conn

    @contextlib.contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: one snapshot (WAL), as db.read_transaction."""
        conn = self.connection()
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("ROLLBACK")

    def reads(self, conn: sqlite3.Connection) -> SqliteReads:
        return SqliteReads(conn)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def open_reader(url_or_path: str, key_file: str = "") -> SqliteReader | None:
    """The store at a plain file path, read only, when it needs nothing
    written to open: it exists (and could be written, as ``open_store``
    needs), is at ``SCHEMA_VERSION`` and holds records.
    None otherwise, or on any error (``open_store`` then opens it, or says
    why it cannot)."""
    if not url_or_path or "://" in url_or_path or not os.path.isfile(url_or_path):
        return None
    if not os.access(url_or_path, os.R_OK | os.W_OK):  # open_store takes the write lock to open it
        return None
    reader = SqliteReader(os.path.abspath(url_or_path), key_file)
    try:
        with reader.read() as conn:
            version = conn.execute("SELECT max(version) FROM schema_version").fetchone()[0]
            empty = not any(conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() for table in LEDGER)
    except sqlite3.Error:
        reader.close()
        return None
    if version != SCHEMA_VERSION or empty:
        reader.close()
        return None
    return reader
