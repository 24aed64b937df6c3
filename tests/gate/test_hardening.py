"""Service hardening (issue 14, item 7), against the real ``preclear serve``
on 127.0.0.1: half-sent requests are dropped on deadlines, connections per
client address are capped, answers carry nosniff / no-store (and pages a
CSP), unknown JSON keys are refused, and several workers share one store."""
from __future__ import annotations

import concurrent.futures
import socket
import subprocess
import threading
import time

import httpx
import pytest
import uvicorn

from .conftest import PRECLEAR, free_port

CLEAN = "关于开展档案整理工作的通知\n各单位：请于月底前报送材料。\n".encode()
SLOW_CLIENT = "127.0.0.2"   # loopback too; the well-behaved client stays on 127.0.0.1


def _read_all(sock: socket.socket) -> tuple[bool, bytes]:
    """(closed by the server, what it sent) without blocking."""
    data = b""
    while True:
        try:
            chunk = sock.recv(4096)
        except BlockingIOError:
            return False, data
        except (ConnectionResetError, BrokenPipeError):
            return True, data
        if not chunk:
            return True, data
        data += chunk


def _half_requests(port: int, token: str, count: int) -> list[tuple[socket.socket, str]]:
    """``count`` requests each stopped half-way, of four kinds, half with a token."""
    kinds = {
        "headers": lambda auth: b"POST /v1/items HTTP/1.1\r\nHost: x\r\n" + auth,
        "body": lambda auth: (b"POST /v1/items HTTP/1.1\r\nHost: x\r\n" + auth +
                              b"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 5000\r\n\r\n"
                              b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"n.txt\"\r\n\r\n"),
    }
    out = []
    for i in range(count):
        kind = ("headers", "body")[i % 2]
        auth = f"Authorization: Bearer {token}\r\n".encode() if (i // 2) % 2 else b""
        sock = socket.socket()
        sock.bind((SLOW_CLIENT, 0))
        try:
            sock.connect(("127.0.0.1", port))
            sock.sendall(kinds[kind](auth))
        except OSError:
            pass  # refused at once by the cap: fine
        sock.setblocking(False)
        out.append((sock, kind))
    return out


def test_half_sent_requests_are_dropped_and_capped_per_client(tmp_path, serve, tokens):
    db = str(tmp_path / "review.db")
    who = tokens(db)
    token = who["submitter"]["Authorization"].split()[1]
    service = serve(db, "--header-timeout", "2", "--body-timeout", "2", "--max-conns-per-client", "50",
                    "--no-access-log")
    socks = _half_requests(service.port, token, 400)
    try:
        time.sleep(0.5)
        states = [_read_all(s) for s, _ in socks]
        still_open = sum(not closed for closed, _ in states)
        assert still_open <= 50, f"{still_open} connections from one client still open"
        # a well-behaved client is served meanwhile
        r = httpx.get(service.url + "/v1/items/1", headers=who["submitter"], timeout=10)
        assert r.status_code == 404
        deadline = time.monotonic() + 15
        answers: dict[int, bytes] = {}
        while time.monotonic() < deadline:
            open_now = 0
            for n, (sock, _) in enumerate(socks):
                closed, data = _read_all(sock)
                answers[n] = answers.get(n, b"") + data
                open_now += not closed
            if not open_now:
                break
            time.sleep(0.2)
        assert open_now == 0, f"{open_now} half-sent requests still held after the deadlines"
        timed_out = [n for n, data in answers.items() if data.startswith(b"HTTP/1.1 408 ")]
        kinds = {socks[n][1] for n in timed_out}
        assert len(timed_out) >= 40 and kinds == {"headers", "body"}
    finally:
        for sock, _ in socks:
            sock.close()
    r = httpx.get(service.url + "/v1/items/1", headers=who["submitter"], timeout=10)
    assert r.status_code == 404


def test_a_slow_but_steady_upload_within_the_deadline_goes_through(tmp_path, serve, tokens):
    db = str(tmp_path / "review.db")
    who = tokens(db)
    service = serve(db, "--header-timeout", "3", "--body-timeout", "3")

    def trickle():
        yield b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"n.txt\"\r\n\r\n"
        time.sleep(1)
        yield CLEAN + b"\r\n--b--\r\n"
    r = httpx.post(service.url + "/v1/items", content=trickle(), timeout=30,
                   headers={**who["submitter"], "Content-Type": "multipart/form-data; boundary=b"})
    assert r.status_code == 201, r.text


def test_api_answers_carry_nosniff_and_no_store(tmp_path, serve, tokens):
    db = str(tmp_path / "review.db")
    who = tokens(db)
    service = serve(db)
    for r in (httpx.get(service.url + "/v1/health"), httpx.get(service.url + "/v1/items/1"),
              httpx.get(service.url + "/v1/items/1", headers=who["submitter"]),
              httpx.get(service.url + "/openapi.json")):
        assert r.headers["x-content-type-options"] == "nosniff", r.url
        assert r.headers["cache-control"] == "no-store", r.url
        assert "content-security-policy" not in r.headers


def test_pages_carry_a_content_security_policy():
    """The middleware the service installs, on a page served by uvicorn."""
    from starlette.applications import Starlette
    from starlette.responses import HTMLResponse, JSONResponse
    from starlette.routing import Route

    from scanner.service.headers import SecurityHeaders

    async def page(_request):
        return HTMLResponse("<!doctype html><title>审查</title><p>待审</p>")

    async def cached(_request):
        return JSONResponse({"ok": True}, headers={"Cache-Control": "max-age=60"})

    app = SecurityHeaders(Starlette(routes=[Route("/page", page), Route("/cached", cached)]))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            time.sleep(0.05)
        r = httpx.get(f"http://127.0.0.1:{port}/page")
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff" and r.headers["cache-control"] == "no-store"
        assert r.headers["referrer-policy"] == "no-referrer"
        r = httpx.get(f"http://127.0.0.1:{port}/cached")
        assert r.headers["cache-control"] == "max-age=60" and "content-security-policy" not in r.headers
    finally:
        server.should_exit = True
        thread.join(10)


def test_unknown_json_keys_are_refused_on_the_gate_too(tmp_path, serve, tokens):
    db = str(tmp_path / "review.db")
    who = tokens(db)
    service = serve(db)
    r = httpx.post(service.url + "/v1/gate", headers=who["submitter"],
                   json={"title": "通知", "body": "正文", "approved": True}, timeout=60)
    assert (r.status_code, r.json()["error"]["code"]) == (422, "invalid-request")
    r = httpx.post(service.url + "/v1/items/1/decisions", headers=who["reviewer"],
                   json={"decision": "approve", "opinion": "不涉密", "force": True}, timeout=60)
    assert r.status_code == 422 and "force" in r.json()["error"]["message"]


@pytest.mark.parametrize("workers", [2])
def test_several_workers_behind_one_store(db_url, serve, tokens, workers):
    who = tokens(db_url)
    service = serve(db_url, "--workers", str(workers), "--no-access-log")

    def one(n: int) -> tuple[int, int]:
        data = f"第 {n} 号通知\n各单位：请于月底前报送材料。\n".encode()
        r = httpx.post(service.url + "/v1/items", headers=who["submitter"], files={"file": ("n.txt", data)},
                       timeout=120)
        g = httpx.get(f"{service.url}/v1/gate/{r.json()['sha256']}", headers=who["submitter"], timeout=120)
        return r.status_code, g.status_code
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        codes = list(pool.map(one, range(48)))
    assert codes == [(201, 409)] * 48
    ids = sorted(httpx.get(f"{service.url}/v1/items/{n}", headers=who["submitter"]).json()["id"]
                 for n in range(1, 49))
    assert ids == list(range(1, 49))
    pids = subprocess.run(["pgrep", "-P", str(service.proc.pid)], capture_output=True, text=True, check=False)
    assert len(pids.stdout.split()) >= workers
    verify = subprocess.run([PRECLEAR, "audit", "verify", "--db", db_url], capture_output=True, text=True,
                            check=False)
    assert verify.returncode == 0 and verify.stdout.startswith(f"ok: {5 + 48 * 3} records")
