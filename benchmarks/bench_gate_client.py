"""Gate latency as a CMS sees it: ``scanner.client`` (one keep-alive httpx
client) against a real ``preclear serve`` (uvicorn, SQLite store) on
127.0.0.1.  p50 / p99 milliseconds per call, client side, for an approved
page with and without an attachment, a GET by sha256, a refused page whose
attachment is blocked (the reasons are built), and the deprecated v1 call.

    .venv/bin/python benchmarks/bench_gate_client.py [--requests 300]
"""
from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return ordered[len(ordered) // 2], ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def measure(requests: int = 300, warmup: int = 20) -> dict[str, tuple[float, float]]:
    import httpx

    from scanner.client import Attachment, Page, PreclearClient, PreclearError
    from scanner.review import open_store

    preclear = str(Path(sys.executable).with_name("preclear"))
    page = Page(path="/news/bench/", title="关于开展档案整理工作的通知", text="各单位：请于月底前报送材料。" * 40,
                html="<p>各单位：请于月底前报送材料。</p>" * 40, links=("/files/annex-1/",))
    annex = [Attachment("附件1.txt", ("档案整理工作安排。" * 300).encode())]
    blocked = [Attachment("附件2.txt", ("机密★5年\n" + "档案整理工作安排。" * 300).encode())]
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "review.db")
        store = open_store(db)
        secrets = {role: store.create_token(role, role, created_by="bench")[1]
                   for role in ("submitter", "reviewer", "approver")}
        store.close()
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        with open(Path(tmp) / "serve.log", "wb") as log:
            proc = subprocess.Popen([preclear, "serve", "--db", db, "--port", str(port), "--no-access-log"],
                                    cwd=tmp, stdout=log, stderr=subprocess.STDOUT)
        try:
            with PreclearClient(url, secrets["submitter"], timeout=30) as client:
                deadline = time.monotonic() + 60
                while True:
                    try:
                        client.health()
                        break
                    except PreclearError:
                        if time.monotonic() > deadline or proc.poll() is not None:
                            raise RuntimeError("preclear serve did not start") from None
                        time.sleep(0.2)
                items = client.submit_page(page, annex) + client.submit_page(page) + client.submit_page(page, blocked)
                for item in items:
                    if item["verdict"] == "block" or item["status"] == "approved":
                        continue
                    ref = f"{url}/v1/items/{item['id']}"
                    httpx.post(ref + "/decisions", json={"decision": "approve", "opinion": "经审查，不涉及国家秘密"},
                               headers={"Authorization": f"Bearer {secrets['reviewer']}"}).raise_for_status()
                    httpx.post(ref + "/approval",
                               headers={"Authorization": f"Bearer {secrets['approver']}"}).raise_for_status()
                sha = items[0]["sha256"]
                calls: dict[str, Callable[[], object]] = {
                    "page, no attachment (JSON), allowed": lambda: client.gate_page(page),
                    "page + 1 attachment (multipart), allowed": lambda: client.gate_page(page, annex),
                    "GET /v2/gate/{sha256}, allowed": lambda: client.gate_sha256(sha),
                    "page + blocked attachment, refused": lambda: client.gate_page(page, blocked),
                    "deprecated POST /v1/gate, page + attachment": lambda: client.http.post(
                        "/v1/gate", data={"article": __import__("json").dumps(page.to_json())},
                        files=[("attachments", (annex[0].name, annex[0].data))]),
                }
                expected = {"page, no attachment (JSON), allowed": True, "page + blocked attachment, refused": False}
                out = {}
                for name, call in calls.items():
                    for _ in range(warmup):
                        result = call()
                    if name in expected:
                        assert result.allow is expected[name], name  # type: ignore[attr-defined]
                    samples = []
                    for _ in range(requests):
                        started = time.perf_counter()
                        call()
                        samples.append((time.perf_counter() - started) * 1000)
                    out[name] = _percentiles(samples)
                return out
        finally:
            proc.terminate()
            proc.wait(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    for name, (p50, p99) in measure(args.requests).items():
        print(f"{name:48s} p50 {p50:6.1f} ms   p99 {p99:6.1f} ms")


if __name__ == "__main__":
    main()
