"""Fixtures for the review gate: a real PostgreSQL server started from
Debian's binaries for the session, a fresh database (SQLite file or
PostgreSQL database) per test, and the scan Engine built once."""
from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg
import pytest

_db_counter = itertools.count()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(cmd: list[str]) -> list[str]:
    # postgres refuses to run as root; elsewhere (a CI user) run it as ourselves
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@pytest.fixture(scope="session")
def postgres_server():
    """(host, port) of a throw-away PostgreSQL server; fails when the Debian
    binaries are missing, unless PRECLEAR_NO_POSTGRES=1 says to skip."""
    if os.environ.get("PRECLEAR_NO_POSTGRES") == "1":
        pytest.skip("PRECLEAR_NO_POSTGRES=1: PostgreSQL store tests skipped on request")
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    assert bins, "PostgreSQL binaries not found: apt-get install postgresql (see .ci/run)"
    bindir = Path(bins[-1]).parent
    root = Path(tempfile.mkdtemp(prefix="preclear-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        os.chmod(root, 0o755)
    subprocess.run(_as_postgres([str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                                 "--no-sync", "-E", "UTF8"]), check=True, capture_output=True)
    port = free_port()
    opts = f"-p {port} -h 127.0.0.1 -k {root} -c fsync=off -c max_connections=200"
    subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l",
                                 str(root / "log"), "-w", "start"]), check=True, capture_output=True)
    try:
        yield "127.0.0.1", port
    finally:
        subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def postgres_database(server: tuple[str, int]) -> str:
    """A new empty database on the server; returns its SQLAlchemy URL."""
    host, port = server
    name = f"preclear_{os.getpid()}_{next(_db_counter)}"
    with psycopg.connect(host=host, port=port, user="postgres", dbname="postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@{host}:{port}/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """The same store tests run against a SQLite file and a real PostgreSQL."""
    if request.param == "sqlite":
        return str(tmp_path / "review.db")
    return postgres_database(request.getfixturevalue("postgres_server"))
