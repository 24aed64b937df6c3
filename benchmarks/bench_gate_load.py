"""The review service under load: p50/p99 of ``GET /v1/gate/{sha256}`` and of
``POST /v1/items`` (each a new item: scan + chained writes) with 200
concurrent clients, for ``preclear serve --workers N`` over one SQLite file
(WAL) or one PostgreSQL database.  Loopback only, a bounded number of
requests per phase.

    .venv/bin/python benchmarks/bench_gate_load.py --workers 1 2 --store sqlite postgresql

The clients run in this process (asyncio + httpx, one connection each) on the
same machine as the server, so on 2 cores they take CPU from it: compare rows
of one run, not with another machine.  The per-client connection cap is off
(``--max-conns-per-client 0``) because every client comes from 127.0.0.1.
"""
from __future__ import annotations

import argparse
import asyncio
import glob
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PRECLEAR = str(Path(sys.executable).with_name("preclear"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


class Postgres:
    """A throw-away PostgreSQL server from Debian's binaries on 127.0.0.1."""

    def __init__(self, root: Path) -> None:
        bindir = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))[-1]).parent
        self.bindir, self.data, self.port = bindir, root / "pgdata", _free_port()
        if os.geteuid() == 0:
            shutil.chown(root, "postgres", "postgres")
        subprocess.run(_as_postgres([str(bindir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                                     "--no-sync", "-E", "UTF8"]), check=True, capture_output=True)
        opts = f"-p {self.port} -h 127.0.0.1 -k {root} -c max_connections=300"
        subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(self.data), "-o", opts, "-l",
                                     str(root / "pg.log"), "-w", "start"]), check=True, capture_output=True)

    def database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        subprocess.run(_as_postgres([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop"]),
                       capture_output=True, check=False)


async def _phase(url: str, clients: int, total: int, request) -> tuple[list[float], int, float]:
    """``total`` requests from ``clients`` concurrent clients; latencies in ms, failures, seconds."""
    import httpx

    latencies: list[float] = []
    failures = 0
    issued = 0

    async def client() -> None:
        nonlocal issued, failures
        async with httpx.AsyncClient(base_url=url, timeout=300) as http:
            while issued < total:
                n = issued
                issued += 1
                start = time.perf_counter()
                try:
                    ok = await request(http, n)
                except httpx.HTTPError:
                    ok = False
                latencies.append((time.perf_counter() - start) * 1000)
                failures += not ok
    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies, failures, time.perf_counter() - started


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q))]


def run_one(db: str, workers: int, clients: int, gates: int, submits: int, tmp: Path) -> list[str]:
    import httpx

    from scanner.review import open_store

    store = open_store(db)
    secrets = {role: store.create_token(name, role, created_by="bench")[1]
               for role, name in (("submitter", "cms"), ("reviewer", "李四"), ("approver", "王五"))}
    store.close()
    auth = {role: {"Authorization": f"Bearer {s}"} for role, s in secrets.items()}
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(tmp / f"serve-{port}.log", "wb")
    proc = subprocess.Popen([PRECLEAR, "serve", "--db", db, "--port", str(port), "--workers", str(workers),
                             "--no-access-log", "--max-conns-per-client", "0"], cwd=tmp, stdout=log,
                            stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(url + "/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((tmp / f"serve-{port}.log").read_text())
            time.sleep(0.2)
        notice = "关于开展档案整理工作的通知\n各单位：请于月底前报送材料。\n".encode()
        item = httpx.post(url + "/v1/items", headers=auth["submitter"], files={"file": ("n.txt", notice)},
                          timeout=60).json()
        httpx.post(f"{url}/v1/items/{item['id']}/decisions", headers=auth["reviewer"],
                   json={"decision": "approve", "opinion": "不涉密"}, timeout=60).raise_for_status()
        httpx.post(f"{url}/v1/items/{item['id']}/approval", headers=auth["approver"], timeout=60).raise_for_status()
        for _ in range(workers * 20):  # every worker verifies the chain once and warms up
            assert httpx.get(f"{url}/v1/gate/{item['sha256']}", headers=auth["submitter"]).status_code == 200

        async def gate(http, _n: int) -> bool:
            r = await http.get(f"/v1/gate/{item['sha256']}", headers=auth["submitter"])
            return r.status_code == 200 and r.json().get("allow") is True

        async def submit(http, n: int) -> bool:
            text = f"关于开展档案整理工作的通知 第 {workers}-{n} 号\n各单位：请于月底前报送材料。\n".encode()
            r = await http.post("/v1/items", headers=auth["submitter"], files={"file": ("n.txt", text)})
            return r.status_code == 201

        rows = []
        for name, total, request in (("GET /v1/gate/{sha256}", gates, gate), ("POST /v1/items", submits, submit)):
            lat, failed, seconds = asyncio.run(_phase(url, clients, total, request))
            rows.append(f"| {db.split(':')[0] if '://' in db else 'sqlite'} | {workers} | {name} | {clients} | "
                        f"{len(lat)} | {failed} | {statistics.median(lat):.0f} | {_pct(lat, 0.99):.0f} | "
                        f"{len(lat) / seconds:.0f} |")
        verify = subprocess.run([PRECLEAR, "audit", "verify", "--db", db], capture_output=True, text=True,
                                check=False)
        rows.append(f"<!-- audit verify: {verify.stdout.strip().splitlines()[-1]} -->")
        return rows
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--store", nargs="+", choices=("sqlite", "postgresql"), default=["sqlite", "postgresql"])
    ap.add_argument("--clients", type=int, default=200)
    ap.add_argument("--gates", type=int, default=2000, help="gate requests per run")
    ap.add_argument("--submits", type=int, default=600, help="submissions per run")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="preclear-load-"))
    os.chmod(tmp, 0o755)
    os.environ["PRECLEAR_KEY_FILE"] = str(tmp / "keys" / "review.key")
    (tmp / "pg").mkdir()
    pg = Postgres(tmp / "pg") if "postgresql" in args.store else None
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    print("| store | workers | request | clients | requests | failed | p50 ms | p99 ms | req/s |")
    print("|---|---|---|---|---|---|---|---|---|")
    try:
        for store in args.store:
            for workers in args.workers:
                db = (pg.database(f"load_{workers}") if store == "postgresql" and pg
                      else str(tmp / f"load-{workers}.db"))
                for row in run_one(db, workers, args.clients, args.gates, args.submits, tmp):
                    print(row, flush=True)
    finally:
        if pg:
            pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
