"""ReviewStore: the append-only, hash-chained record of items, scans,
submissions, decisions, approvals and tokens.

This module only records and reads; the rules of the workflow (who may do
what, when a scan is stale) live in workflow.py.  Every insert goes through
``_append`` inside a write transaction, which is what keeps the chain in one
order under concurrent writers.
"""
from __future__ import annotations

import hashlib
import heapq
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterator

from sqlalchemy import Connection, Engine, Table, func, insert, select

from ..types import ReviewRecord
from . import schema
from .chain import GENESIS, ChainProblem, ChainReport, row_hash, verify_rows
from .db import connect, read_transaction, write_transaction
from .errors import NotFound, Refused, StoreError
from .migrations import LATEST, migrate

ROLES = ("submitter", "reviewer", "approver", "admin")
DECISIONS = ("approve", "reject", "needs-changes")
# ReviewRecord.status after each decision
_STATUS_AFTER = {"approve": "reviewed", "reject": "rejected", "needs-changes": "needs-changes"}
_HEX = re.compile(r"[0-9a-f]{6,64}")


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class ItemRow:
    item_id: int
    sha256: str
    path: str
    title: str
    size: int
    at: str


@dataclass(frozen=True)
class ScanRow:
    seq: int
    sha256: str
    ruleset_hash: str
    verdict: str
    result_json: str
    at: str


@dataclass(frozen=True)
class Token:
    token_id: str
    name: str
    role: str


@dataclass(frozen=True)
class Event:
    """One ledger row about an item, for history and status."""

    seq: int
    kind: str          # item, scan, submission, decision, approval
    at: str
    fields: dict[str, Any]


class ReviewStore:
    """Open with ``open_store``; safe to share between threads and to open
    from several processes at once."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def where(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    # -- writing -------------------------------------------------------
    def write(self) -> Any:
        """Context manager: a write transaction holding the chain lock."""
        return write_transaction(self.engine)

    def read(self) -> Any:
        return read_transaction(self.engine)

    def append(self, conn: Connection, table: Table, **values: Any) -> dict[str, Any]:
        """Insert one chained row; ``conn`` must come from ``write()``."""
        seq, prev = _head(conn)
        row = {"seq": seq + 1, **values, "at": utc_now(), "prev_hash": prev}
        row["row_hash"] = row_hash(table.name, row)
        conn.execute(insert(table).values(**row))
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
            self.append(conn, schema.tokens, token_id=token.token_id, name=token.name, role=role,
                        token_hash=hash_secret(secret), created_by=created_by)
        return token, secret

    def token_for(self, secret: str) -> Token | None:
        t = schema.tokens
        with self.read() as conn:
            row = conn.execute(select(t.c.token_id, t.c.name, t.c.role)
                               .where(t.c.token_hash == hash_secret(secret))).first()
        return Token(*row) if row else None

    def add_item(self, conn: Connection, sha256: str, path: str, title: str, size: int) -> tuple[ItemRow, bool]:
        """Insert-or-get by sha256; returns the item and whether it is new."""
        existing = self._item_by_sha(conn, sha256)
        if existing:
            return existing, False
        next_id = (conn.execute(select(func.max(schema.items.c.item_id))).scalar() or 0) + 1
        row = self.append(conn, schema.items, item_id=next_id, sha256=sha256, path=path,
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
            return conn.execute(select(b.c.data).where(b.c.sha256 == sha256)).scalar()

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

    def item_by_sha(self, sha256: str, conn: Connection | None = None) -> ItemRow | None:
        if conn is None:
            with self.read() as c:
                return self._item_by_sha(c, sha256)
        return self._item_by_sha(conn, sha256)

    def _item_by_sha(self, conn: Connection, sha256: str) -> ItemRow | None:
        row = conn.execute(select(*_item_cols()).where(schema.items.c.sha256 == sha256)).first()
        return ItemRow(*row) if row else None

    def latest_scan(self, conn: Connection, sha256: str) -> ScanRow | None:
        s = schema.scans
        row = conn.execute(select(*_scan_cols()).where(s.c.sha256 == sha256)
                           .order_by(s.c.seq.desc()).limit(1)).first()
        return ScanRow(*row) if row else None

    def scan(self, conn: Connection, seq: int) -> ScanRow:
        row = conn.execute(select(*_scan_cols()).where(schema.scans.c.seq == seq)).first()
        if row is None:
            raise NotFound("not-found", f"no scan record {seq}")
        return ScanRow(*row)

    def events(self, conn: Connection, sha256: str) -> list[Event]:
        """Everything recorded about one item's bytes, oldest first."""
        out: list[Event] = []
        for kind, table in (("item", schema.items), ("scan", schema.scans),
                            ("submission", schema.submissions), ("decision", schema.decisions),
                            ("approval", schema.approvals)):
            for row in conn.execute(select(table).where(table.c.sha256 == sha256)).mappings():
                fields = {k: v for k, v in row.items()
                          if k not in ("seq", "at", "prev_hash", "row_hash", "sha256", "result_json")}
                out.append(Event(seq=row["seq"], kind=kind, at=row["at"], fields=fields))
        return sorted(out, key=lambda e: e.seq)

    def review_record(self, sha256: str) -> ReviewRecord | None:
        """What the store knows about these exact bytes (for reports)."""
        with self.read() as conn:
            events = self.events(conn, sha256)
        if not events:
            return None
        return record_from_events(sha256, events)

    def verify(self) -> ChainReport:
        """Walk every ledger row in ``seq`` order and check the chain and blobs."""
        with self.read() as conn:
            streams = [_rows_of(conn, table) for table in schema.LEDGER_TABLES]
            report = verify_rows(heapq.merge(*streams, key=lambda pair: int(pair[1]["seq"])))
            b = schema.blobs
            bad_blobs = [ChainProblem(0, "blobs", f"stored bytes of {sha} do not match their sha256")
                         for sha, data in conn.execute(select(b.c.sha256, b.c.data))
                         if hashlib.sha256(data).hexdigest() != sha]
        if bad_blobs:
            return ChainReport(report.records, report.head_seq, report.head_hash,
                               report.problems + tuple(bad_blobs))
        return report


def record_from_events(sha256: str, events: list[Event]) -> ReviewRecord:
    """Fold an item's events into its ReviewRecord (status is the latest step)."""
    status, submitter, submitted_at = "unsubmitted", None, None
    decisions: list[tuple[str, str, str, str]] = []
    approved_by = approved_at = None
    for e in events:
        if e.kind == "submission":
            if submitter is None:
                submitter, submitted_at = e.fields["submitter"], e.at
            status = "submitted"
        elif e.kind == "decision":
            decision = e.fields["decision"]
            decisions.append((decision, e.fields["opinion"], e.fields["reviewer"], e.at))
            status = _STATUS_AFTER[decision]
            approved_by = approved_at = None
        elif e.kind == "approval":
            status, approved_by, approved_at = "approved", e.fields["approver"], e.at
    return ReviewRecord(sha256=sha256, status=status, submitter=submitter, submitted_at=submitted_at,
                        decisions=tuple(decisions), approved_by=approved_by, approved_at=approved_at)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def open_store(url_or_path: str) -> ReviewStore:
    """Open (creating and migrating on first use) the store at a path or URL."""
    if not url_or_path:
        raise StoreError("no review database: give --db FILE|URL or set [review] database in preclear.toml")
    store = ReviewStore(connect(url_or_path))
    with store.write() as conn:
        before = migrate(conn)
    if before > LATEST:
        raise StoreError(f"review database {store.where}: schema version {before} is newer than "
                         f"this preclear understands ({LATEST}); upgrade preclear")
    return store


def _head(conn: Connection) -> tuple[int, str]:
    best = (0, GENESIS)
    for table in schema.LEDGER_TABLES:
        row = conn.execute(select(table.c.seq, table.c.row_hash).order_by(table.c.seq.desc()).limit(1)).first()
        if row and row[0] > best[0]:
            best = (row[0], row[1])
    return best


def _rows_of(conn: Connection, table: Table) -> Iterator[tuple[str, dict[str, Any]]]:
    for row in conn.execute(select(table).order_by(table.c.seq)).mappings():
        yield table.name, dict(row)


def _item_cols() -> tuple:
    it = schema.items
    return it.c.item_id, it.c.sha256, it.c.path, it.c.title, it.c.size, it.c.at


def _scan_cols() -> tuple:
    s = schema.scans
    return s.c.seq, s.c.sha256, s.c.ruleset_hash, s.c.verdict, s.c.result_json, s.c.at
