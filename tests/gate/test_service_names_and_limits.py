"""A file name that is not valid UTF-8 reaches the review store (CLI submit)
and the HTTP service (a multipart filename in raw bytes) without breaking
either; the store keeps the escaped form of docs/names.md.  The service
holds item_timeout (its scans run in a worker process it can kill)."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

from scanner.names import unescape_name

RAW = b"bad\xffname.txt"
MARKED = "机密★5年\n关于某项工作的通知\n".encode()


def preclear(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scanner", *(a if isinstance(a, bytes) else str(a) for a in args)],
                          check=False, capture_output=True, cwd=cwd)


def test_cli_submit_status_and_gate_with_a_byte_name(tmp_path) -> None:
    raw_path = os.path.join(os.fsencode(tmp_path), RAW)
    with open(raw_path, "wb") as fh:
        fh.write(MARKED)
    db = tmp_path / "review.db"
    proc = preclear("submit", "--db", db, "--by", "张三", raw_path, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()
    assert "bad\\xffname.txt" in proc.stdout.decode("utf-8")
    proc = preclear("status", "--db", db, "--json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()
    status = json.loads(proc.stdout.decode("utf-8").splitlines()[0])
    assert unescape_name(status["path"]).endswith(RAW) and status["verdict"] == "block"
    proc = preclear("gate", "--db", db, raw_path, cwd=tmp_path)
    assert proc.returncode == 1 and "bad\\xffname.txt" in proc.stdout.decode("utf-8")


def test_service_takes_a_raw_byte_filename(tmp_path, serve, tokens) -> None:
    db = str(tmp_path / "review.db")
    who = tokens(db)
    service = serve(db)
    boundary = b"preclearboundary"
    body = (b"--" + boundary + b"\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + RAW
            + b"\"\r\nContent-Type: text/plain\r\n\r\n" + MARKED + b"\r\n--" + boundary + b"--\r\n")
    head = (f"POST /v1/items HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            f"Authorization: {who['submitter']['Authorization']}\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary.decode()}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", service.port), timeout=60) as s:
        s.sendall(head + body)
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    status_line, _, rest = answer.partition(b"\r\n")
    assert b" 201 " in status_line, answer
    item = json.loads(rest.split(b"\r\n\r\n", 1)[1])
    assert item["verdict"] == "block"
    assert item["path"].encode("utf-8")  # valid text in the answer and the store


def test_the_service_holds_item_timeout_and_stays_up(tmp_path, serve, tokens) -> None:
    """A scan past item_timeout is review (unreadable.limit), and the next upload is served."""
    import httpx

    db = str(tmp_path / "review.db")
    who = tokens(db)
    (tmp_path / "preclear.toml").write_text("[limits]\nitem_timeout = 0.05\n", encoding="utf-8")
    service = serve(db, "--config", str(tmp_path / "preclear.toml"))
    long_text = "关于开展全民健身活动的通知，请各单位认真组织。\n".encode() * 400_000
    r = httpx.post(service.url + "/v1/items", headers=who["submitter"], files={"file": ("long.txt", long_text)},
                   timeout=120)
    assert r.status_code == 201, r.text
    assert r.json()["verdict"] == "review"
    r = httpx.post(service.url + "/v1/scan", headers=who["submitter"], files={"file": ("short.txt", MARKED)},
                   timeout=60)
    assert r.status_code == 200 and r.json()["verdict"] == "block"
