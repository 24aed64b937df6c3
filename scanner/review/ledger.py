"""The ledger as the gate reads it, with no database library: the ledger
tables' names and columns, the rows read back, and folding an item's rows
into its record.

A read goes through ``Reads``, the reads of one transaction, which is the
only thing written once per backend: ``store.SqlReads`` (SQLAlchemy, SQLite
and PostgreSQL) and ``sqlite_read.SqliteReads`` (the standard library's
sqlite3, for a gate on a SQLite file without importing SQLAlchemy).  What is
read, and everything done with it (the chain and seals, trust.py; the
workflow's rules, workflow.py), is written once, in terms of ``Reads``.

schema.py defines the same tables for SQLAlchemy; a test holds its columns
equal to ``COLUMNS`` and its version equal to ``SCHEMA_VERSION``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from ..types import ReviewRecord

# the ledger tables in schema.LEDGER_TABLES order, and the declared columns of each
COLUMNS: dict[str, tuple[str, ...]] = {
    "tokens": ("seq", "token_id", "name", "role", "token_hash", "created_by", "at", "prev_hash", "row_hash", "mac"),
    "items": ("seq", "item_id", "sha256", "path", "title", "size", "at", "prev_hash", "row_hash", "mac"),
    "scans": ("seq", "sha256", "ruleset_hash", "verdict", "result_json", "actor", "via", "at", "prev_hash",
              "row_hash", "mac"),
    "submissions": ("seq", "sha256", "submitter", "via", "at", "prev_hash", "row_hash", "mac"),
    "decisions": ("seq", "sha256", "decision", "opinion", "reviewer", "scan_seq", "via", "at", "prev_hash",
                  "row_hash", "mac"),
    "approvals": ("seq", "sha256", "approver", "scan_seq", "via", "opinion", "at", "prev_hash", "row_hash", "mac"),
    "suppressions": ("seq", "suppression_id", "fingerprint", "rule", "text", "scope", "target", "reason", "expires",
                     "author", "via", "at", "prev_hash", "row_hash", "mac"),
    "revocations": ("seq", "token_id", "revoked_by", "at", "prev_hash", "row_hash", "mac"),
}
LEDGER: tuple[str, ...] = tuple(COLUMNS)
# the tables whose rows are about one item (by its sha256)
ITEM_TABLES: tuple[str, ...] = ("items", "scans", "submissions", "decisions", "approvals")
# columns added to a ledger table after rows were written: NULL in such a
# column is left out of the row's hash, so the older rows still verify
LATE_COLUMNS: frozenset[tuple[str, str]] = frozenset({("approvals", "opinion")})
# the schema version this code reads and writes (migrations.LATEST)
SCHEMA_VERSION = 4

ROLES = ("submitter", "reviewer", "approver", "admin")
DECISIONS = ("approve", "reject", "needs-changes")
_KIND = {"items": "item", "scans": "scan", "submissions": "submission", "decisions": "decision",
         "approvals": "approval"}
# ReviewRecord.status after each decision
_STATUS_AFTER = {"approve": "reviewed", "reject": "rejected", "needs-changes": "needs-changes"}


class Reads(Protocol):
    """The reads of one transaction (one snapshot)."""

    def rows(self, table: str, where: tuple[str, Any] | None = None, from_seq: int | None = None,
             newest: bool = False) -> list[dict[str, Any]]:
        """The rows of ledger ``table``: those whose ``where = (column,
        value)`` holds, if given, and with ``seq >= from_seq``, if given;
        each its ``COLUMNS`` by name, values as the database driver returns
        them, by ``seq`` (``newest``: only the one with the highest ``seq``)."""

    def seq_hashes(self, from_seq: int) -> list[tuple[int, str]]:
        """``(seq, row_hash)`` of every ledger row with ``seq >= from_seq``."""


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
class Event:
    """One ledger row about an item, for history and status."""

    seq: int
    kind: str          # item, scan, submission, decision, approval
    at: str
    fields: dict[str, Any]
    hash: str = ""     # the record's row_hash (chain.py)


def item_of(row: dict[str, Any]) -> ItemRow:
    return ItemRow(row["item_id"], row["sha256"], row["path"], row["title"], row["size"], row["at"])


def scan_of(row: dict[str, Any]) -> ScanRow:
    return ScanRow(row["seq"], row["sha256"], row["ruleset_hash"], row["verdict"], row["result_json"], row["at"])


def item_rows(reads: Reads, sha256: str) -> list[tuple[str, dict[str, Any]]]:
    """Every ledger row about one item's bytes, whole, oldest first."""
    rows = [(table, row) for table in ITEM_TABLES for row in reads.rows(table, ("sha256", sha256))]
    return sorted(rows, key=lambda pair: int(pair[1]["seq"]))


def events_from(rows: list[tuple[str, dict[str, Any]]]) -> list[Event]:
    out = []
    for table, row in rows:
        fields = {k: v for k, v in row.items()
                  if k not in ("seq", "at", "prev_hash", "row_hash", "mac", "sha256", "result_json")}
        out.append(Event(seq=row["seq"], kind=_KIND[table], at=row["at"], fields=fields, hash=row["row_hash"]))
    return out


def record_from_events(sha256: str, events: list[Event]) -> ReviewRecord:
    """Fold an item's events into its ReviewRecord (status is the latest step)."""
    status, submitter, submitted_at = "unsubmitted", None, None
    decisions: list[tuple[str, str, str, str]] = []
    approved_by = approved_at = approval_opinion = None
    for e in events:
        if e.kind == "submission":
            if submitter is None:
                submitter, submitted_at = e.fields["submitter"], e.at
            status = "submitted"
        elif e.kind == "decision":
            decision = e.fields["decision"]
            decisions.append((decision, e.fields["opinion"], e.fields["reviewer"], e.at))
            status = _STATUS_AFTER[decision]
            approved_by = approved_at = approval_opinion = None
        elif e.kind == "approval":
            status, approved_by, approved_at = "approved", e.fields["approver"], e.at
            approval_opinion = e.fields.get("opinion")
    return ReviewRecord(sha256=sha256, status=status, submitter=submitter, submitted_at=submitted_at,
                        decisions=tuple(decisions), approved_by=approved_by, approved_at=approved_at,
                        approval_opinion=approval_opinion)
