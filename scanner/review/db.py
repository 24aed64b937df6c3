"""Opening the database and the one serialising write transaction.

SQLite and PostgreSQL share every statement; the only dialect-specific code
is here: how a write transaction takes the lock that orders the hash chain
(``BEGIN IMMEDIATE`` on SQLite, a transaction-scoped advisory lock on
PostgreSQL) and SQLite's connection pragmas (WAL, busy timeout).
"""
from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from .errors import StoreError
from .sqlite_read import BUSY_TIMEOUT_S, configure

# an arbitrary constant naming the chain lock in pg_advisory_xact_lock
_PG_LOCK_KEY = 0x70726563  # "prec"


def database_url(url_or_path: str) -> str:
    """A SQLAlchemy URL for a URL or a plain file path (a path means SQLite)."""
    if "://" not in url_or_path:
        return "sqlite:///" + os.path.abspath(url_or_path)
    if url_or_path.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url_or_path.split("://", 1)[1]
    return url_or_path


def connect(url_or_path: str) -> Engine:
    """Create the engine; nothing is opened until the first transaction."""
    try:
        url = make_url(database_url(url_or_path))
    except ArgumentError as exc:
        raise StoreError(f"review database {url_or_path!r}: not a path or URL: {exc}") from exc
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    if url.get_backend_name() == "postgresql":
        try:
            return create_engine(url, pool_pre_ping=True)
        except (SQLAlchemyError, ImportError) as exc:
            raise StoreError(f"review database {url.render_as_string()}: {exc}") from exc
    raise StoreError(f"review database {url.render_as_string()}: only SQLite and PostgreSQL are supported")


def _sqlite_engine(url: URL) -> Engine:
    if url.database:
        folder = os.path.dirname(url.database)
        if folder and not os.path.isdir(folder):
            raise StoreError(f"review database {url.database}: folder {folder} does not exist")
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # as the read-only path's connections; SQLAlchemy's "begin" event below issues BEGIN
        configure(dbapi_conn)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("preclear_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


@contextlib.contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that holds the store-wide write lock until it commits,
    so chained rows get consecutive ``seq`` numbers in one order."""
    with _translated(engine), engine.connect().execution_options(preclear_write=True) as conn, conn.begin():
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
        yield conn


@contextlib.contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """A consistent read: one snapshot (SQLite WAL; repeatable read on
    PostgreSQL), so rows of several tables committed together are seen together."""
    options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    with _translated(engine), engine.connect().execution_options(**options) as conn, conn.begin():
        yield conn


@contextlib.contextmanager
def _translated(engine: Engine) -> Iterator[None]:
    try:
        yield
    except SQLAlchemyError as exc:
        where = engine.url.render_as_string(hide_password=True)
        cause = getattr(exc, "orig", None) or exc
        raise StoreError(f"review database {where}: {type(cause).__name__}: {cause}".splitlines()[0]) from exc
