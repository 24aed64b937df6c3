"""ReviewStore: the append-only, hash-chained record of items, scans,
submissions, decisions, approvals and tokens.

This module only records and reads; the rules of the workflow (who may do
what, when a scan is stale) live in workflow.py.  Every insert goes through
``_append`` inside a write transaction, which is what keeps the chain in one
order under concurrent writers, and which seals each row with the review
key (keys.py) so that write access to the database cannot forge one.
"""
from __future__ import annotations

import hashlib
import heapq
import logging
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Table, delete, func, insert, select, union_all, update

from . import schema
from .chain import GENESIS, RECORD, ChainProblem, ChainReport, row_hash, row_problem, verify_rows
from .checkpoint import Anchor, against
from .db import connect, read_transaction, write_transaction
from .errors import NotFound, Refused, StoreError
from .keys import create_key, key_path, load_key
from .ledger import ROLES, ItemRow
from .migrations import LATEST, migrate
from .reader import LedgerReader

log = logging.getLogger(__name__)

_HEX = re.compile(r"[0-9a-f]{6,64}")


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class Token:
    token_id: str
    name: str
    role: str


class SqlReads:
    """ledger.Reads over a SQLAlchemy connection (SQLite or PostgreSQL)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def rows(self, table: str, where: tuple[str, Any] | None = None, from_seq: int | None = None,
             newest: bool = False) -> list[dict[str, Any]]:
        t = schema.metadata.tables[table]
        query = select(t)
        if where is not None:
            query = query.where(t.c[where[0]] == where[1])
        if from_seq is not None:
            query = query.where(t.c.seq >= from_seq)
        query = query.order_by(t.c.seq.desc()).limit(1) if newest else query.order_by(t.c.seq)
        return [dict(row) for row in self.conn.execute(query).mappings()]

    def seq_hashes(self, from_seq: int) -> list[tuple[int, str]]:
        query = union_all(*(select(t.c.seq, t.c.row_hash).where(t.c.seq >= from_seq) for t in schema.LEDGER_TABLES))
        return [(row[0], row[1]) for row in self.conn.execute(query)]


class ReviewStore(LedgerReader):
    """Open with ``open_store``; safe to share between threads and to open
    from several processes at once.  Its reads (reader.py) are the same code
    as a read-only SqliteReader's."""

    def __init__(self, engine: Engine, key_file: str = "") -> None:
        super().__init__(key_file)
        self.engine = engine

    @property
    def where(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    def reads(self, conn: Connection) -> SqlReads:
        return SqlReads(conn)

    # -- writing -------------------------------------------------------
    def write(self) -> Any:
        """Context manager: a write transaction holding the chain lock."""
        return write_transaction(self.engine)

    def read(self) -> Any:
        return read_transaction(self.engine)

    def append(self, conn: Connection, table: str, **values: Any) -> dict[str, Any]:
        """Insert one chained row into the ledger table named ``table``;
        ``conn`` must come from ``write()``."""
        seq, prev = _head(conn)
        row = {"seq": seq + 1, **values, "at": utc_now(), "prev_hash": prev}
        row["row_hash"] = row_hash(table, row)
        row["mac"] = self.key.mac(RECORD, row["row_hash"])
        conn.execute(insert(schema.metadata.tables[table]).values(**row))
        return row

    def create_token(self, name: str, role: str, created_by: str) -> tuple[Token, str]:
        """A new bearer token; the secret is returned once and stored only hashed."""
        if role not in ROLES:
            raise Refused("bad-role", f"role must be one of {', '.join(ROLES)}, not {role!r}")
        if not name.strip():
            raise Refused("bad-name", "a token needs a name (the person or system using it)")
        secret = "pcl_" + secrets.token_urlsafe(32)
        token = Token(token_id=secrets.token_hex(6), name=name.strip(), role=role)
        with self.write() as conn:
            self.append(conn, "tokens", token_id=token.token_id, name=token.name, role=role,
                        token_hash=hash_secret(secret), created_by=created_by)
        return token, secret

    def token_for(self, secret: str) -> Token | None:
        """The token with this secret; a token row without a valid seal (one
        inserted straight into the database) is refused like an unknown one."""
        t = schema.tokens
        with self.read() as conn:
            row = conn.execute(select(t).where(t.c.token_hash == hash_secret(secret))).mappings().first()
        if row is None:
            return None
        problem = row_problem("tokens", row, self.key)
        if problem:
            log.warning("token %s refused: tokens seq %s: %s", row["token_id"], row["seq"], problem)
            return None
        if self.revoked(row["token_id"]):
            return None
        return Token(row["token_id"], row["name"], row["role"])

    def revoked(self, token_id: str) -> bool:
        """Whether the token was revoked (any revocation row counts: failing closed)."""
        r = schema.revocations
        with self.read() as conn:
            return conn.execute(select(r.c.seq).where(r.c.token_id == token_id)).first() is not None

    def token_list(self) -> list[dict[str, Any]]:
        """Every token ever created, oldest first, with when it was revoked
        and by whom (never the secret: only its hash is stored)."""
        t, r = schema.tokens, schema.revocations
        query = (select(t.c.token_id, t.c.name, t.c.role, t.c.created_by, t.c.at,
                        r.c.at.label("revoked_at"), r.c.revoked_by)
                 .outerjoin(r, r.c.token_id == t.c.token_id).order_by(t.c.seq))
        with self.read() as conn:
            return [dict(row) for row in conn.execute(query).mappings()]

    def revoke_token(self, token_id: str, revoked_by: str) -> dict[str, Any]:
        """Revoke a token for good: a chained record, and every session it
        opened ends in the same transaction.  Returns the record."""
        t, r = schema.tokens, schema.revocations
        with self.write() as conn:
            if conn.execute(select(t.c.seq).where(t.c.token_id == token_id)).first() is None:
                raise NotFound("not-found", f"no token {token_id}")
            if conn.execute(select(r.c.seq).where(r.c.token_id == token_id)).first() is not None:
                raise Refused("already-revoked", f"token {token_id} is already revoked")
            row = self.append(conn, "revocations", token_id=token_id, revoked_by=revoked_by)
            conn.execute(delete(schema.sessions).where(schema.sessions.c.token_id == token_id))
        return row

    def add_item(self, conn: Connection, sha256: str, path: str, title: str, size: int) -> tuple[ItemRow, bool]:
        """Insert-or-get by sha256; returns the item and whether it is new."""
        existing = self.item_by_sha(sha256, conn)
        if existing:
            return existing, False
        next_id = (conn.execute(select(func.max(schema.items.c.item_id))).scalar() or 0) + 1
        row = self.append(conn, "items", item_id=next_id, sha256=sha256, path=path,
                          title=title, size=size)
        return ItemRow(next_id, sha256, path, title, size, row["at"]), True

    def put_blob(self, conn: Connection, sha256: str, data: bytes) -> None:
        if hashlib.sha256(data).hexdigest() != sha256:
            raise StoreError(f"review database {self.where}: blob does not match sha256 {sha256}")
        b = schema.blobs
        if conn.execute(select(b.c.sha256).where(b.c.sha256 == sha256)).first() is None:
            conn.execute(insert(b).values(sha256=sha256, data=data))

    # -- reading -------------------------------------------------------
    def blob(self, sha256: str) -> bytes | None:
        b = schema.blobs
        with self.read() as conn:
            data: bytes | None = conn.execute(select(b.c.data).where(b.c.sha256 == sha256)).scalar()
            return data

    def find_item(self, ref: str, conn: Connection | None = None) -> ItemRow:
        """An item by number, full sha256 or unique sha256 prefix (6+ hex digits)."""
        if conn is None:
            with self.read() as c:
                return self.find_item(ref, c)
        ref = ref.strip().lower()
        it = schema.items
        if ref.isdigit() and len(ref) < 16:
            rows = conn.execute(select(*_item_cols()).where(it.c.item_id == int(ref))).all()
        elif _HEX.fullmatch(ref):
            rows = conn.execute(select(*_item_cols()).where(it.c.sha256.startswith(ref)).limit(2)).all()
        else:
            raise NotFound("not-found", f"{ref!r} is neither an item number nor a sha256")
        if not rows:
            raise NotFound("not-found", f"no item {ref}")
        if len(rows) > 1:
            raise Refused("ambiguous", f"sha256 prefix {ref} matches several items; give more digits")
        return ItemRow(*rows[0])

    def item_numbers(self) -> list[int]:
        with self.read() as conn:
            return list(conn.execute(select(schema.items.c.item_id).order_by(schema.items.c.item_id)).scalars())

    def verify(self, anchor: Anchor | None = None) -> ChainReport:
        """Walk every ledger row in ``seq`` order and check the chain, the
        seals and the blobs, and the chain against ``anchor`` if given."""
        key = self.key
        with self.read() as conn:
            streams = [_rows_of(conn, table) for table in schema.LEDGER_TABLES]
            report = verify_rows(heapq.merge(*streams, key=lambda pair: int(pair[1]["seq"])), key)
            if anchor is not None:
                lost = [ChainProblem(anchor.seq, "checkpoint", p)
                        for p in against(anchor, report, hash_at(conn, anchor.seq), key)]
                report = ChainReport(report.records, report.head_seq, report.head_hash, report.problems + tuple(lost))
            b = schema.blobs
            bad_blobs = [ChainProblem(0, "blobs", f"stored bytes of {sha} do not match their sha256")
                         for sha, data in conn.execute(select(b.c.sha256, b.c.data))
                         if hashlib.sha256(data).hexdigest() != sha]
        if bad_blobs:
            return ChainReport(report.records, report.head_seq, report.head_hash,
                               report.problems + tuple(bad_blobs))
        return report

    def seal(self) -> int:
        """Seal the rows of a store made before seals (schema v3) with the
        review key, after checking their unkeyed chain; returns how many."""
        key = self.key
        with self.write() as conn:
            rows = list(heapq.merge(*(_rows_of(conn, t) for t in schema.LEDGER_TABLES),
                                    key=lambda pair: int(pair[1]["seq"])))
            report = verify_rows(rows, None)
            if not report.ok:
                raise Refused("tampered", f"the chain is broken ({report.problems[0]}); not sealing it: "
                                          "run `preclear audit verify`")
            sealed = 0
            for name, row in rows:
                if row.get("mac"):
                    continue
                table = schema.metadata.tables[name]
                conn.execute(update(table).where(table.c.seq == row["seq"])
                             .values(mac=key.mac(RECORD, row["row_hash"])))
                sealed += 1
        return sealed


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def open_store(url_or_path: str, key_file: str = "") -> ReviewStore:
    """Open (creating and migrating on first use) the store at a path or URL.

    A new, empty store with no review key anywhere gets one: a key file
    (mode 0600) is created where keys.py looks for it, and logged."""
    if not url_or_path:
        raise StoreError("no review database: give --db FILE|URL or set [review] database in preclear.toml")
    store = ReviewStore(connect(url_or_path), key_file)
    with store.write() as conn:
        before = migrate(conn)
        empty = _head(conn)[0] == 0
    if before > LATEST:
        raise StoreError(f"review database {store.where}: schema version {before} is newer than "
                         f"this preclear understands ({LATEST}); upgrade preclear")
    if empty and load_key(key_file) is None:
        try:
            key = create_key(key_path(key_file))
        except StoreError:
            if load_key(key_file) is None:  # not another process creating it at the same moment
                raise
            return store
        log.warning("created the review key %s (id %s): keep a copy somewhere safe and away from the "
                    "database; without it the records cannot be verified", key.source, key.key_id)
    return store


def _head(conn: Connection) -> tuple[int, str]:
    best = (0, GENESIS)
    for table in schema.LEDGER_TABLES:
        row = conn.execute(select(table.c.seq, table.c.row_hash).order_by(table.c.seq.desc()).limit(1)).first()
        if row and row[0] > best[0]:
            best = (row[0], row[1])
    return best


def hash_at(conn: Connection, seq: int) -> str | None:
    """The stored hash of the record numbered ``seq``, None if there is none."""
    for table in schema.LEDGER_TABLES:
        found: str | None = conn.execute(select(table.c.row_hash).where(table.c.seq == seq)).scalar()
        if found is not None:
            return found
    return None


def _rows_of(conn: Connection, table: Table) -> Iterator[tuple[str, dict[str, Any]]]:
    for row in conn.execute(select(table).order_by(table.c.seq)).mappings():
        yield table.name, dict(row)


def _item_cols() -> tuple[Any, ...]:
    it = schema.items
    return it.c.item_id, it.c.sha256, it.c.path, it.c.title, it.c.size, it.c.at
