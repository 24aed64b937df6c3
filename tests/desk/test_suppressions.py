"""Suppressions: recorded in the chained store, listed by `preclear
suppressions`, shown (never hidden) in every report and on the item page."""
from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import httpx

from scanner import Engine
from scanner.review import open_store
from scanner.review.workflow import Actor, Workflow

PRECLEAR = [sys.executable, "-m", "scanner"]
MEMO = "关于会议的通知\n联系人电话：13812345678。\n"


def run(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*PRECLEAR, *map(str, args)], capture_output=True, text=True, cwd=cwd)


def phone_fingerprint(db: str) -> str:
    store = open_store(db)
    with store.read() as conn:
        scan = store.latest_scan(conn, store.find_item("1").sha256)
    store.close()
    [finding] = [f for f in json.loads(scan.result_json)[0]["findings"] if f["rule"] == "pii.mobile"]
    return finding["fingerprint"]


def test_suppress_list_verify_and_reports(tmp_path):
    db = str(tmp_path / "review.db")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "memo.txt").write_text(MEMO, encoding="utf-8")
    flow = Workflow(open_store(db), Engine())
    flow.submit((tmp_path / "a" / "memo.txt").read_bytes(), "a/memo.txt", "通知", Actor("张三"))
    flow.store.close()
    fp = phone_fingerprint(db)

    assert run("suppressions", "--db", db, cwd=tmp_path).stdout == ""
    past = run("suppress", "1", fp, "--reason", "x", "--expires", "2001-01-01", "--by", "李四", "--db", db, cwd=tmp_path)
    assert past.returncode == 1 and "in the past" in past.stderr
    made = run("suppress", "1", fp[:10], "--scope", "unit", "--reason", "单位公开的办公电话", "--expires", "2099-12-31",
               "--by", "李四", "--db", db, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    [listed] = [json.loads(line) for line in run("suppressions", "--json", "--db", db, cwd=tmp_path).stdout.splitlines()]
    assert listed["rule"] == "pii.mobile" and listed["scope"] == "unit" and listed["fingerprint"] == fp
    assert listed["reason"] == "单位公开的办公电话" and listed["author"] == "李四" and listed["expires"] == "2099-12-31"
    verify = run("audit", "verify", "--db", db, cwd=tmp_path)
    assert verify.returncode == 0 and verify.stdout.startswith("ok:")

    # the same number in another file: still reported, marked, and the verdict is unchanged
    (tmp_path / "b.txt").write_text("另一份通知\n电话 13812345678\n", encoding="utf-8")
    out = run("scan", tmp_path / "b.txt", "--format", "jsonl", "--db", db, cwd=tmp_path)
    [record] = [json.loads(line) for line in out.stdout.splitlines()]
    assert out.returncode == 1 and record["verdict"] == "review"
    [phone] = record["findings"]
    assert phone["suppressed"] == {"id": 1, "scope": "unit", "reason": "单位公开的办公电话", "by": "李四",
                                   "expires": "2099-12-31"}
    rows = list(csv.DictReader(io.StringIO(run("scan", tmp_path / "b.txt", "--format", "csv", "--db", db,
                                               cwd=tmp_path).stdout.lstrip("\ufeff"))))
    assert rows[0]["suppressed"] == "#1 单位公开的办公电话"
    page = run("scan", tmp_path / "b.txt", "--format", "html", "--db", db, cwd=tmp_path).stdout
    assert "13812345678" in page and "已排除（不涉密，排除记录 #1）：单位公开的办公电话" in page
    sarif = json.loads(run("scan", tmp_path / "b.txt", "--format", "sarif", "--db", db, cwd=tmp_path).stdout)
    [result] = sarif["runs"][0]["results"]
    assert result["suppressions"][0]["justification"] == "单位公开的办公电话"
    # without the store nothing is marked
    plain = json.loads(run("scan", tmp_path / "b.txt", "--format", "jsonl", cwd=tmp_path).stdout)
    assert "suppressed" not in plain["findings"][0]


def test_item_page_suppression_form(desk):
    with httpx.Client(base_url=desk.url) as submitter:
        r = submitter.post("/v1/items", files={"file": ("memo.txt", MEMO.encode())},
                           headers={"Authorization": f"Bearer {desk.tokens['submitter']}"})
        assert r.status_code == 201
    fp = phone_fingerprint(desk.db)
    with httpx.Client(base_url=desk.url) as client:
        form = client.get("/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
        assert client.post("/login", data={"csrf": csrf, "token": desk.tokens["reviewer"]}).status_code == 303
        page = client.get("/items/1")
        assert "标记为不涉密" in page.text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        sha = re.search(r'id="sha256">([0-9a-f]{64})<', page.text).group(1)
        fields = {"sha256": sha, "fingerprint": fp, "scope": "item", "reason": "公开的值班电话", "expires": "2099-01-01"}
        assert client.post("/items/1/suppressions", data=fields).status_code == 403          # no CSRF token
        done = client.post("/items/1/suppressions", data={**fields, "csrf": csrf})
        assert done.status_code == 303
        page = client.get("/items/1")
        assert "已排除（不涉密，排除记录 #1）：公开的值班电话；李四，有效至 2099-01-01" in page.text
        assert re.search(r'<mark id="[^"]+" class="sev-review suppressed"', page.text)
        assert "13812345678" in page.text                     # still shown
