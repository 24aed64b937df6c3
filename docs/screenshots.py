"""Screenshots of the reviewer's desk for the README, made by one command
(``make screenshots``): the queue and an item page in Debian's Chromium
(Playwright), and the DOCX 审查单 rendered to PDF by LibreOffice and to PNG by
pdftoppm.  Everything runs on 127.0.0.1 over samples/ in a throw-away store.

    .venv/bin/python docs/screenshots.py [--out docs/img]
"""
from __future__ import annotations

import argparse
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
SUBMISSIONS = [  # (file under samples/, title, submitter)
    ("formats/notice.docx", "关于召开年度工作会议的通知", "张三"),
    ("formats/roster.xlsx", "年度人员名册", "刘敏"),
    ("formats/bundle.zip", "政策解读材料包", "张三"),
    ("text/internal-memo.md", "内部工作备忘", "陈晨"),
    ("formats/briefing.pptx", "情况通报演示稿", "刘敏"),
    ("text/public-regulation.txt", "公开规章文本", "陈晨"),
]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _record(db: str, url: str) -> tuple[dict[str, str], int]:
    from scanner.review import open_store

    store = open_store(db)
    tokens = {name: store.create_token(name, role, created_by="screenshots")[1]
              for name, role in (("张三", "submitter"), ("刘敏", "submitter"), ("陈晨", "submitter"),
                                 ("李审查", "reviewer"), ("王主任", "approver"))}
    store.close()
    with httpx.Client(base_url=url, timeout=120) as client:
        for path, title, who in SUBMISSIONS:
            data = (REPO / "samples" / path).read_bytes()
            client.post("/v1/items", files={"file": (Path(path).name, data)}, data={"title": title},
                        headers={"Authorization": f"Bearer {tokens[who]}"}).raise_for_status()
        reviewer = {"Authorization": f"Bearer {tokens['李审查']}"}
        client.post("/v1/items/6/decisions", json={"decision": "approve", "opinion": "不涉密，同意公开"},
                    headers=reviewer).raise_for_status()
        client.post("/v1/items/6/approval", headers={"Authorization": f"Bearer {tokens['王主任']}"}
                    ).raise_for_status()
        decided = client.post("/v1/items/1/decisions", json={"decision": "needs-changes",
                              "opinion": "页眉有国家秘密标志，删除后重新报审"}, headers=reviewer)
        decided.raise_for_status()
        client.post("/v1/items/4/decisions", json={"decision": "needs-changes", "opinion": "删除内部资料标识后再报"},
                    headers=reviewer).raise_for_status()
    return tokens, decided.json()["receipt"]["record"]["seq"]


def pages(out: Path, work: Path) -> str:
    from playwright.sync_api import sync_playwright

    db, port = str(work / "review.db"), _port()
    url = f"http://127.0.0.1:{port}"
    serve = subprocess.Popen([str(BIN / "preclear"), "serve", "--db", db, "--port", str(port), "--no-access-log"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            try:
                if httpx.get(url + "/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        tokens, receipt_seq = _record(db, url)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 760})
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(url) else r.abort())
            page.goto(url + "/login")
            page.fill("#token", tokens["李审查"])
            page.click("button[type=submit]")
            page.wait_for_url(url + "/queue")
            page.screenshot(path=str(out / "desk-queue.png"))
            page.goto(url + f"/items/1?receipt={receipt_seq}")  # as the reviewer sees it after the decision
            page.screenshot(path=str(out / "desk-item.png"), full_page=True)
            browser.close()
    finally:
        serve.terminate()
        serve.wait()
    return db


def form(out: Path, work: Path, db: str) -> None:
    docx_path = work / "审查单.docx"
    subprocess.run([str(BIN / "preclear"), "scan", "samples/formats/notice.docx", "--format", "docx",
                    "--output", str(docx_path), "--db", db], cwd=REPO, capture_output=True)
    subprocess.run(["soffice", f"-env:UserInstallation={(work / 'lo').as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(work), str(docx_path)], check=True, capture_output=True, timeout=180)
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(work / "审查单.pdf"),
                    str(out / "desk-form")], check=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=str(REPO / "docs" / "img"))
    out = Path(ap.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="preclear-shots-"))
    try:
        db = pages(out, work)
        form(out, work, db)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for name in ("desk-queue.png", "desk-item.png", "desk-form.png"):
        print(out / name)


if __name__ == "__main__":
    main()
