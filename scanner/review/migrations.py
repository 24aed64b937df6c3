"""Versioned schema migrations, applied in order on first use.

Each entry is ``(version, description, apply(conn))``; applied versions are
recorded in ``schema_version``.  Migrations run inside the store's write
transaction, so several processes opening a fresh database at once apply
each version exactly once.  Append new versions; never edit an applied one.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Connection, func, insert, inspect, select, text

from . import schema

Migration = tuple[int, str, Callable[[Connection], None]]


def _v1_initial(conn: Connection) -> None:
    for table in (schema.tokens, schema.items, schema.scans, schema.submissions, schema.decisions,
                  schema.approvals, schema.blobs):
        table.create(conn)


def _v2_suppressions(conn: Connection) -> None:
    schema.suppressions.create(conn)


def _v3_seals(conn: Connection) -> None:
    # stores made before v3 get an empty mac column; `preclear audit seal` fills it
    for table in schema.LEDGER_TABLES_V3:
        if "mac" not in {c["name"] for c in inspect(conn).get_columns(table.name)}:
            conn.execute(text(f"ALTER TABLE {table.name} ADD COLUMN mac TEXT"))


def _v4_desk(conn: Connection) -> None:
    # the approval's opinion (NULL in older rows, left out of their hash: chain.py),
    # token revocations, and the desk's sessions shared by every service worker
    if "opinion" not in {c["name"] for c in inspect(conn).get_columns("approvals")}:
        conn.execute(text("ALTER TABLE approvals ADD COLUMN opinion TEXT"))
    schema.revocations.create(conn, checkfirst=True)
    schema.sessions.create(conn, checkfirst=True)


MIGRATIONS: tuple[Migration, ...] = (
    (1, "items, scans, submissions, decisions, approvals, tokens, blobs", _v1_initial),
    (2, "suppressions", _v2_suppressions),
    (3, "mac: each ledger row sealed with an HMAC under the review key", _v3_seals),
    (4, "approvals.opinion, revocations, sessions", _v4_desk),
)

LATEST = MIGRATIONS[-1][0]


def migrate(conn: Connection) -> int:
    """Bring the schema to ``LATEST``; returns the version found before."""
    schema.schema_version.create(conn, checkfirst=True)
    current = conn.execute(select(func.max(schema.schema_version.c.version))).scalar() or 0
    for version, _description, apply in MIGRATIONS:
        if version > current:
            apply(conn)
            conn.execute(insert(schema.schema_version).values(
                version=version, applied_at=datetime.now(UTC).isoformat()))
    return current
