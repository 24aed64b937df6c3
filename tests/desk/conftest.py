"""The real ``preclear serve`` on 127.0.0.1 with a SQLite store and one token
per role (the browser fixture is in tests/conftest.py)."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.gate.conftest import postgres_database, postgres_server  # noqa: F401  (a real PostgreSQL, for db_url)

PRECLEAR = str(Path(sys.executable).with_name("preclear"))
PEOPLE = {"submitter": "张三", "reviewer": "李四", "approver": "王五", "admin": "赵管理"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(args: list[str], cwd: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``preclear serve ARGS`` on a free port of 127.0.0.1 (its output in
    cwd/serve.log), returned with its URL once /v1/health answers."""
    port, log_path = _free_port(), cwd / "serve.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([PRECLEAR, "serve", *args, "--port", str(port), "--no-access-log"],
                                cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(url + "/v1/health", timeout=2).status_code == 200:
                return proc, url
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            raise RuntimeError(log_path.read_text(errors="replace"))
        time.sleep(0.1)


@dataclass
class Desk:
    url: str
    db: str
    tokens: dict[str, str]      # role -> secret
    proc: subprocess.Popen


@pytest.fixture
def desk(tmp_path):
    from scanner.review import open_store

    db = str(tmp_path / "review.db")
    store = open_store(db)
    tokens = {role: store.create_token(name, role, created_by="test")[1] for role, name in PEOPLE.items()}
    store.close()
    proc, url = serve(["--db", db], tmp_path)
    try:
        yield Desk(url, db, tokens, proc)
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """A SQLite file, then a database on the real PostgreSQL."""
    if request.param == "sqlite":
        return str(tmp_path / "review.db")
    return postgres_database(request.getfixturevalue("postgres_server"))
