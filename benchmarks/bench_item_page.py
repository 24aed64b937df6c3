"""Time to render the reviewer's item page for a 200-page DOCX.

Builds a DOCX of 200 pages (python-docx, a page break after every ~700
characters of Chinese text, a mark in the header, a mobile number every tenth
page), starts ``preclear serve`` on 127.0.0.1 with a fresh SQLite store,
submits it through the API, signs in as a reviewer and times ``GET
/items/1``: the first view (the item's parts are extracted again from the
stored bytes) and the following views (parts cached in the process).  The
scan of the same bytes (``POST /v1/scan``) is timed alongside as the peer.

    .venv/bin/python benchmarks/bench_item_page.py [--pages 200] [--repeat 5]
"""
from __future__ import annotations

import argparse
import io
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import docx
import httpx
from docx.enum.text import WD_BREAK

PARAGRAPH = ("根据年度工作安排，现将有关事项通知如下。各单位要高度重视，认真组织实施，"
             "确保各项任务按时完成，并将落实情况及时报送办公室。")


def long_docx(pages: int) -> bytes:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "机密★5年"
    for page in range(1, pages + 1):
        document.add_paragraph(f"第{page}部分")
        for n in range(10):
            text = PARAGRAPH
            if page % 10 == 0 and n == 0:
                text += "联系人电话：13812345678。"
            document.add_paragraph(text)
        document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    from scanner.review import open_store

    data = long_docx(args.pages)
    work = Path(tempfile.mkdtemp(prefix="preclear-bench-page-"))
    db = str(work / "review.db")
    store = open_store(db)
    _, reviewer = store.create_token("李四", "reviewer", created_by="bench")
    _, submitter = store.create_token("张三", "submitter", created_by="bench")
    store.close()
    port = _port()
    url = f"http://127.0.0.1:{port}"
    serve = subprocess.Popen([str(Path(sys.executable).with_name("preclear")), "serve", "--db", db, "--port",
                              str(port), "--no-access-log"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            try:
                if httpx.get(url + "/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        with httpx.Client(base_url=url, timeout=300) as client:
            auth = {"Authorization": f"Bearer {submitter}"}
            started = time.perf_counter()
            client.post("/v1/scan", files={"file": ("long.docx", data)}, headers=auth).raise_for_status()
            scan_s = time.perf_counter() - started
            client.post("/v1/items", files={"file": ("long.docx", data)}, headers=auth).raise_for_status()
            form = client.get("/login")
            csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
            assert client.post("/login", data={"csrf": csrf, "token": reviewer, "next": "/queue"}).status_code == 303
            times, size = [], 0
            for _ in range(args.repeat):
                started = time.perf_counter()
                page = client.get("/items/1")
                times.append(time.perf_counter() - started)
                page.raise_for_status()
                size = len(page.content)
                assert "机密★5年" in page.text and "<mark" in page.text
    finally:
        serve.terminate()
        serve.wait()
    print(f"{args.pages}-page DOCX, {len(data) / 1024:.0f} KiB, page {size / 1024:.0f} KiB of HTML")
    print(f"scan (POST /v1/scan, the peer): {scan_s:.2f} s")
    print(f"item page, first view (extracts the parts again): {times[0]:.2f} s")
    if len(times) > 1:
        print(f"item page, later views (parts cached), median of {len(times) - 1}: "
              f"{statistics.median(times[1:]):.3f} s")


if __name__ == "__main__":
    main()
