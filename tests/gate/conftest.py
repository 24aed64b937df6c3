"""Fixtures for the review gate: a real PostgreSQL server started from
Debian's binaries for the session, a fresh database (SQLite file or
PostgreSQL database) per test, the real HTTP service in a subprocess, and
bearer tokens for each role."""
from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
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


PRECLEAR = str(Path(sys.executable).with_name("preclear"))


class Service:
    """A running ``preclear serve`` on 127.0.0.1: its base URL and the process."""

    def __init__(self, db: str, *extra: str, cwd: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = cwd / f"serve-{self.port}.log"
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen([PRECLEAR, "serve", "--db", db, "--port", str(self.port), *extra],
                                         cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(self.url + "/v1/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"preclear serve did not start:\n{self.log.read_text()}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def serve(tmp_path):
    """serve(db, *args) starts the real service; every one started is stopped after the test."""
    started: list[Service] = []

    def start(db: str, *extra: str) -> Service:
        service = Service(db, *extra, cwd=tmp_path)
        started.append(service)
        return service

    yield start
    for service in started:
        service.stop()


@pytest.fixture
def tokens(tmp_path) -> Callable[[str], dict[str, dict[str, str]]]:
    """tokens(db) creates one token per role (and a second reviewer) in the store."""
    from scanner.review import open_store

    def create(db: str) -> dict[str, dict[str, str]]:
        store = open_store(db)
        people = {"submitter": ("submitter", "张三"), "reviewer": ("reviewer", "李四"),
                  "approver": ("approver", "王五"), "admin": ("admin", "管理员"),
                  "reviewer-wang": ("reviewer", "王五")}
        out = {}
        for key, (role, name) in people.items():
            _, secret = store.create_token(name, role, created_by="test")
            out[key] = {"Authorization": f"Bearer {secret}"}
        store.close()
        return out
    return create
