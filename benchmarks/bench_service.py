"""The HTTP service target: once warm, ``POST /v1/scan`` of a 10 KB item in
at most 20 ms at the median.  A real ``preclear serve`` (uvicorn) on
127.0.0.1 with a SQLite store, a real token, one keep-alive client.

    .venv/bin/python benchmarks/bench_service.py [--requests 300]
"""
from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ITEM_BYTES = 10_000


def ten_kb_item() -> bytes:
    """About 10 KB of Chinese prose with a mark, a work-secret label and a phone number."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import corpus

    d = corpus.jieba_dictionary()
    head = "机密★5年\n内部资料 注意保存\n联系电话：13800138000\n"
    body = corpus.chinese_text(d, ITEM_BYTES // 3, corpus.SEED + 7)
    data = (head + body).encode("utf-8")
    return data[:ITEM_BYTES].decode("utf-8", "ignore").encode("utf-8")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure(requests: int = 300, warmup: int = 30) -> dict[str, float]:
    """Median / p90 milliseconds per scan of the 10 KB item, client side."""
    import httpx

    from scanner.review import open_store

    preclear = str(Path(sys.executable).with_name("preclear"))
    data = ten_kb_item()
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "review.sqlite")
        store = open_store(db)
        _, secret = store.create_token("bench", "submitter", created_by="bench")
        store.close()
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        with open(Path(tmp) / "serve.log", "wb") as log:
            proc = subprocess.Popen([preclear, "serve", "--db", db, "--port", str(port), "--no-access-log"],
                                    cwd=tmp, stdout=log, stderr=subprocess.STDOUT)
        try:
            with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {secret}"}, timeout=30) as client:
                deadline = time.monotonic() + 60
                while True:
                    try:
                        if client.get("/v1/health").status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError((Path(tmp) / "serve.log").read_text())
                    time.sleep(0.1)
                times = []
                for i in range(warmup + requests):
                    start = time.perf_counter()
                    response = client.post("/v1/scan", files={"file": ("notice.txt", data, "text/plain")})
                    elapsed = time.perf_counter() - start
                    response.raise_for_status()
                    assert response.json()["verdict"] == "block"
                    if i >= warmup:
                        times.append(elapsed * 1000)
        finally:
            proc.terminate()
            proc.wait(15)
    times.sort()
    return {"median_ms": statistics.median(times), "p90_ms": times[int(len(times) * 0.9)], "bytes": len(data)}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=300)
    result = measure(ap.parse_args().requests)
    print(f"POST /v1/scan, {result['bytes']:,} bytes: median {result['median_ms']:.1f} ms, "
          f"p90 {result['p90_ms']:.1f} ms")
