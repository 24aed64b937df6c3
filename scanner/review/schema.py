"""The review store's tables (SQLAlchemy Core, one definition for SQLite and
PostgreSQL).

Every table except ``blobs``, ``sessions`` and ``schema_version`` is a *ledger* table: rows
are only ever inserted, each carries a ``seq`` that is unique across all
ledger tables, the ``prev_hash`` of the row with the previous ``seq`` and its
own ``row_hash`` and its ``mac`` (see chain.py).  ``blobs`` holds the reviewed bytes so the
gate can re-scan them when the lexicon changes; a blob is checked against its
own sha256, so it needs no chain.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Column, Float, Index, LargeBinary, MetaData, Table, Text, UniqueConstraint

metadata = MetaData()


def _ledger(name: str, *columns: Column[Any], unique: tuple[str, ...] = (), index: tuple[str, ...] = ()) -> Table:
    table = Table(
        name, metadata,
        Column("seq", BigInteger, primary_key=True, autoincrement=False),
        *columns,
        Column("at", Text, nullable=False),          # ISO 8601, UTC
        Column("prev_hash", Text, nullable=False),
        Column("row_hash", Text, nullable=False),
        Column("mac", Text, nullable=True),           # HMAC under the review key; NULL before sealing
    )
    for col in unique:
        table.append_constraint(UniqueConstraint(col, name=f"uq_{name}_{col}"))
    for col in index:
        Index(f"ix_{name}_{col}", table.c[col])
    return table


schema_version = Table(
    "schema_version", metadata,
    Column("version", BigInteger, primary_key=True, autoincrement=False),
    Column("applied_at", Text, nullable=False),
)

tokens = _ledger(
    "tokens",
    Column("token_id", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("token_hash", Text, nullable=False),
    Column("created_by", Text, nullable=False),
    unique=("token_id", "token_hash"),
)

items = _ledger(
    "items",
    Column("item_id", BigInteger, nullable=False),
    Column("sha256", Text, nullable=False),
    Column("path", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("size", BigInteger, nullable=False),
    unique=("item_id", "sha256"),
)

scans = _ledger(
    "scans",
    Column("sha256", Text, nullable=False),
    Column("ruleset_hash", Text, nullable=False),
    Column("verdict", Text, nullable=False),
    Column("result_json", Text, nullable=False),
    Column("actor", Text, nullable=False),
    Column("via", Text, nullable=False),
    index=("sha256",),
)

submissions = _ledger(
    "submissions",
    Column("sha256", Text, nullable=False),
    Column("submitter", Text, nullable=False),
    Column("via", Text, nullable=False),
    index=("sha256",),
)

decisions = _ledger(
    "decisions",
    Column("sha256", Text, nullable=False),
    Column("decision", Text, nullable=False),
    Column("opinion", Text, nullable=False),
    Column("reviewer", Text, nullable=False),
    Column("scan_seq", BigInteger, nullable=False),
    Column("via", Text, nullable=False),
    index=("sha256",),
)

approvals = _ledger(
    "approvals",
    Column("sha256", Text, nullable=False),
    Column("approver", Text, nullable=False),
    Column("scan_seq", BigInteger, nullable=False),
    Column("via", Text, nullable=False),
    Column("opinion", Text, nullable=True),     # v4: the leader's written opinion (分管领导审批意见), if any
    index=("sha256",),
)

# a token withdrawn by an admin: it signs in and calls the API no more (v4)
revocations = _ledger(
    "revocations",
    Column("token_id", Text, nullable=False),
    Column("revoked_by", Text, nullable=False),
    unique=("token_id",),
)

# a finding a reviewer marked as not a secret in its context (scanner.review.suppress)
suppressions = _ledger(
    "suppressions",
    Column("suppression_id", BigInteger, nullable=False),
    Column("fingerprint", Text, nullable=False),
    Column("rule", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("scope", Text, nullable=False),      # item, path or unit
    Column("target", Text, nullable=False),     # the item's sha256, a path pattern, or empty
    Column("reason", Text, nullable=False),
    Column("expires", Text, nullable=False),    # ISO date, last day it applies
    Column("author", Text, nullable=False),
    Column("via", Text, nullable=False),
    unique=("suppression_id",),
)

blobs = Table(
    "blobs", metadata,
    Column("sha256", Text, primary_key=True),
    Column("data", LargeBinary, nullable=False),
)

# the desk's browser sessions (v4), shared by every service worker; not a ledger:
# a session is deleted when it ends.  Only the sha256 of the session id is kept.
sessions = Table(
    "sessions", metadata,
    Column("sid_hash", Text, primary_key=True),
    Column("csrf", Text, nullable=False),
    Column("token_id", Text, nullable=False, index=True),
    Column("expires", Float, nullable=False),     # Unix time
    Column("mac", Text, nullable=False),          # HMAC under the review key: a row cannot be made up
)

LEDGER_TABLES_V3: tuple[Table, ...] = (tokens, items, scans, submissions, decisions, approvals, suppressions)
# the names and columns of these are ledger.LEDGER and ledger.COLUMNS (a test holds them equal)
LEDGER_TABLES: tuple[Table, ...] = (*LEDGER_TABLES_V3, revocations)
