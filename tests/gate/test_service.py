"""The HTTP review service, run for real (``preclear serve`` under uvicorn on
127.0.0.1, a real SQLite file) and driven with httpx."""
from __future__ import annotations

import hashlib
import multiprocessing
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from scanner.review import open_store
from scanner.service.article import canonical_bytes

PRECLEAR = str(Path(sys.executable).with_name("preclear"))

CLEAN = "关于开展2026年度档案整理工作的通知\n各单位：请于月底前报送材料。\n".encode()
MARKED = "机密★5年\n关于某项工作的通知\n".encode()
SECRET_POINT = "关于朱雀-12工程验收工作的通知\n请各单位做好准备。\n".encode()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def db(tmp_path) -> str:
    return str(tmp_path / "review.db")


@pytest.fixture
def setup(db, serve, tokens):
    who = tokens(db)
    return serve(db), who


def submit(service, headers, data: bytes, name: str = "notice.txt") -> httpx.Response:
    return httpx.post(service.url + "/v1/items", headers=headers, files={"file": (name, data)},
                      data={"title": "通知"}, timeout=60)


def review_and_approve(service, who, ref) -> None:
    r = httpx.post(f"{service.url}/v1/items/{ref}/decisions", headers=who["reviewer"],
                   json={"decision": "approve", "opinion": "经审查，不涉及国家秘密"})
    assert r.status_code == 200, r.text
    r = httpx.post(f"{service.url}/v1/items/{ref}/approval", headers=who["approver"])
    assert r.status_code == 200, r.text


def test_whole_workflow_and_one_byte_change(db_url, serve, tokens):
    """On a SQLite file and on a real PostgreSQL server."""
    who = tokens(db_url)
    service = serve(db_url)
    r = submit(service, who["submitter"], CLEAN)
    assert r.status_code == 201, r.text
    item = r.json()
    assert (item["created"], item["status"], item["verdict"], item["sha256"]) == (True, "submitted", "clear", sha(CLEAN))

    r = httpx.get(f"{service.url}/v1/gate/{sha(CLEAN)}", headers=who["submitter"])
    assert r.status_code == 409
    assert r.json()["allow"] is False and r.json()["error"]["code"] == "gate-refused"
    assert r.json()["reasons"] == ["not approved: status is submitted"]

    review_and_approve(service, who, item["id"])
    status = httpx.get(f"{service.url}/v1/items/{sha(CLEAN)}", headers=who["submitter"]).json()
    assert status["status"] == "approved" and status["approved_by"] == "王五"
    assert status["decisions"][0]["reviewer"] == "李四"

    r = httpx.get(f"{service.url}/v1/gate/{sha(CLEAN)}", headers=who["submitter"])
    assert r.status_code == 200 and r.json()["allow"] is True and r.json()["reasons"] == []
    r = httpx.post(f"{service.url}/v1/gate", headers=who["submitter"], files={"file": ("notice.txt", CLEAN)})
    assert r.status_code == 200 and r.json()["allow"] is True

    changed = CLEAN[:-1] + b" "   # one byte
    r = httpx.post(f"{service.url}/v1/gate", headers=who["submitter"], files={"file": ("notice.txt", changed)})
    assert r.status_code == 409
    assert r.json()["reasons"] == ["not submitted for review: no record of these exact bytes"]
    assert httpx.get(f"{service.url}/v1/gate/{sha(changed)}", headers=who["submitter"]).status_code == 409

    events = httpx.get(f"{service.url}/v1/items/{item['id']}/history", headers=who["admin"]).json()["events"]
    assert [e["kind"] for e in events] == ["item", "submission", "scan", "decision", "approval"]
    assert all(e["via"].startswith("token:") for e in events if "via" in e)
    assert len({e["via"] for e in events if "via" in e}) == 3     # submitter, reviewer, approver tokens


def test_roles_are_enforced(setup):
    service, who = setup
    url = service.url
    r = httpx.get(f"{url}/v1/gate/{sha(CLEAN)}")
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
    assert r.headers["www-authenticate"] == "Bearer"
    r = httpx.get(f"{url}/v1/gate/{sha(CLEAN)}", headers={"Authorization": "Bearer not-a-token"})
    assert r.status_code == 401
    ref = submit(service, who["submitter"], CLEAN).json()["id"]
    checks = [
        ("approver", "POST", "/v1/items", {"files": {"file": ("x.txt", b"x")}}),
        ("reviewer", "POST", "/v1/items", {"files": {"file": ("x.txt", b"x")}}),
        ("submitter", "POST", f"/v1/items/{ref}/decisions", {"json": {"decision": "approve", "opinion": "ok"}}),
        ("approver", "POST", f"/v1/items/{ref}/decisions", {"json": {"decision": "approve", "opinion": "ok"}}),
        ("submitter", "POST", f"/v1/items/{ref}/approval", {}),
        ("reviewer", "POST", f"/v1/items/{ref}/approval", {}),
    ]
    for role, method, path, kwargs in checks:
        r = httpx.request(method, url + path, headers=who[role], **kwargs)
        assert (r.status_code, r.json()["error"]["code"]) == (403, "forbidden"), (role, path)
    assert httpx.get(f"{url}/v1/items/{ref}", headers=who["reviewer"]).json()["status"] == "submitted"


def test_a_blocked_item_cannot_be_approved(setup):
    service, who = setup
    item = submit(service, who["submitter"], MARKED).json()
    assert item["verdict"] == "block"
    r = httpx.post(f"{service.url}/v1/items/{item['id']}/decisions", headers=who["reviewer"],
                   json={"decision": "approve", "opinion": "没问题"})
    assert (r.status_code, r.json()["error"]["code"]) == (409, "blocked")
    r = httpx.post(f"{service.url}/v1/items/{item['id']}/approval", headers=who["approver"])
    assert (r.status_code, r.json()["error"]["code"]) == (409, "blocked")
    r = httpx.post(f"{service.url}/v1/items/{item['id']}/decisions", headers=who["reviewer"],
                   json={"decision": "reject", "opinion": "含国家秘密标志，不得公开"})
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    r = httpx.get(f"{service.url}/v1/gate/{sha(MARKED)}", headers=who["submitter"])
    assert r.status_code == 409
    assert r.json()["reasons"][0].startswith("the scan says block (mark.state-secret")


def test_the_reviewer_cannot_also_approve(db, serve, tokens):
    who = tokens(db)
    service = serve(db)
    ref = submit(service, who["submitter"], CLEAN).json()["id"]
    r = httpx.post(f"{service.url}/v1/items/{ref}/decisions", headers=who["reviewer-wang"],
                   json={"decision": "approve", "opinion": "不涉密"})
    assert r.status_code == 200
    r = httpx.post(f"{service.url}/v1/items/{ref}/approval", headers=who["approver"])  # also 王五
    assert (r.status_code, r.json()["error"]["code"]) == (409, "same-person")
    r = httpx.post(f"{service.url}/v1/items/{ref}/approval", headers=who["admin"])
    assert r.status_code == 200 and r.json()["approved_by"] == "管理员"


def test_separation_of_duties_can_be_switched_off(db, serve, tokens):
    who = tokens(db)
    service = serve(db, "--allow-same-person")
    ref = submit(service, who["submitter"], CLEAN).json()["id"]
    httpx.post(f"{service.url}/v1/items/{ref}/decisions", headers=who["reviewer-wang"],
               json={"decision": "approve", "opinion": "不涉密"})
    assert httpx.post(f"{service.url}/v1/items/{ref}/approval", headers=who["approver"]).status_code == 200


def test_approval_needs_a_review_first(setup):
    service, who = setup
    ref = submit(service, who["submitter"], CLEAN).json()["id"]
    r = httpx.post(f"{service.url}/v1/items/{ref}/approval", headers=who["approver"])
    assert (r.status_code, r.json()["error"]["code"]) == (409, "not-reviewed")
    r = httpx.post(f"{service.url}/v1/items/{ref}/decisions", headers=who["reviewer"],
                   json={"decision": "maybe", "opinion": "x"})
    assert (r.status_code, r.json()["error"]["code"]) == (422, "invalid-request")
    r = httpx.get(f"{service.url}/v1/items/424242", headers=who["reviewer"])
    assert (r.status_code, r.json()["error"]["code"]) == (404, "not-found")


def test_article_json_binds_its_canonical_bytes(setup):
    service, who = setup
    title, body = " 关于开展档案整理工作的通知 ", "各单位：\r\n请于月底前报送材料。\r\n"
    r = httpx.post(service.url + "/v1/articles", headers=who["submitter"],
                   json={"title": title, "body": body, "path": "news/2026/notice.html"})
    assert r.status_code == 201, r.text
    [article] = r.json()["items"]
    expected = "关于开展档案整理工作的通知\n\n各单位：\n请于月底前报送材料。\n".encode()
    assert canonical_bytes(title, body) == expected
    assert (article["kind"], article["sha256"], article["path"]) == ("article", sha(expected), "news/2026/notice.html")
    review_and_approve(service, who, article["id"])
    r = httpx.post(service.url + "/v1/gate", headers=who["submitter"], json={"title": title, "body": body})
    assert r.status_code == 200 and r.json()["allow"] is True
    r = httpx.post(service.url + "/v1/gate", headers=who["submitter"], json={"title": title, "body": body + "。"})
    assert r.status_code == 409


def test_article_attachments_are_items_of_their_own(setup):
    service, who = setup
    r = httpx.post(service.url + "/v1/articles", headers=who["submitter"],
                   data={"article": '{"title": "通知", "body": "见附件。"}'},
                   files=[("attachments", ("附件1.txt", CLEAN)), ("attachments", ("附件2.txt", MARKED))])
    assert r.status_code == 201, r.text
    items = r.json()["items"]
    assert [(i["kind"], i["path"], i["verdict"]) for i in items] == [
        ("article", "article.txt", "clear"), ("attachment", "附件1.txt", "clear"),
        ("attachment", "附件2.txt", "block")]
    assert len({i["id"] for i in items}) == 3
    review_and_approve(service, who, items[0]["id"])
    review_and_approve(service, who, items[1]["id"])
    r = httpx.post(service.url + "/v1/gate", headers=who["submitter"],
                   data={"article": '{"title": "通知", "body": "见附件。"}'},
                   files=[("attachments", ("附件1.txt", CLEAN)), ("attachments", ("附件2.txt", MARKED))])
    assert r.status_code == 409
    assert [a["allow"] for a in r.json()["items"]] == [True, True, False]


def test_scan_preview_stores_nothing(setup, db):
    service, who = setup
    r = httpx.post(service.url + "/v1/scan", headers=who["submitter"], files={"file": ("a.txt", MARKED)})
    assert r.status_code == 200 and r.json()["verdict"] == "block"
    assert r.json()["results"][0]["findings"][0]["rule"] == "mark.state-secret"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM items").fetchone() == (0,)


def test_body_limit_and_openapi(db, serve, tokens):
    who = tokens(db)
    service = serve(db, "--max-body-mb", "0.05")
    r = submit(service, who["submitter"], b"x" * 200_000)
    assert (r.status_code, r.json()["error"]["code"]) == (413, "too-large")

    def chunks():  # no Content-Length: the limit must hold while streaming
        for _ in range(100):
            yield b"y" * 10_000
    r = httpx.post(service.url + "/v1/articles", headers={**who["submitter"], "content-type": "application/json"},
                   content=chunks())
    assert r.status_code == 413
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM items").fetchone() == (0,)
    spec = httpx.get(service.url + "/openapi.json").json()
    assert {"/v1/gate/{sha256}", "/v1/gate", "/v1/items", "/v1/articles", "/v1/scan"} <= set(spec["paths"])
    assert "HTTPBearer" in spec["components"]["securitySchemes"]


def test_stale_lexicon_rescans_before_allowing(db, serve, tokens, tmp_path):
    who = tokens(db)
    service = serve(db)
    for data in (CLEAN, SECRET_POINT):
        item = submit(service, who["submitter"], data).json()
        assert item["verdict"] == "clear"
        review_and_approve(service, who, item["id"])
        assert httpx.get(f"{service.url}/v1/gate/{sha(data)}", headers=who["submitter"]).status_code == 200
    service.stop()

    (tmp_path / "unit.yaml").write_text(
        "name: unit\nversion: '2026-11-01'\nentries:\n  - term: 朱雀-12工程\n    level: 机密\n    category: 国防\n",
        encoding="utf-8")
    (tmp_path / "preclear.toml").write_text('[scan]\nlexicons = ["unit.yaml"]\n', encoding="utf-8")
    service = serve(db, "--config", str(tmp_path / "preclear.toml"))

    r = httpx.get(f"{service.url}/v1/gate/{sha(SECRET_POINT)}", headers=who["submitter"])
    assert r.status_code == 409, r.text
    assert r.json()["rescanned"] is True and r.json()["verdict"] == "block"
    assert r.json()["reasons"][0].startswith("the scan says block (lexicon.unit")
    r = httpx.get(f"{service.url}/v1/gate/{sha(CLEAN)}", headers=who["submitter"])
    assert r.status_code == 200 and r.json()["rescanned"] is True
    r = httpx.get(f"{service.url}/v1/gate/{sha(CLEAN)}", headers=who["submitter"])
    assert r.status_code == 200 and r.json()["rescanned"] is False
    with sqlite3.connect(db) as conn:
        hashes = conn.execute("SELECT ruleset_hash FROM scans WHERE sha256 = ? ORDER BY seq",
                              (sha(SECRET_POINT),)).fetchall()
    assert len(hashes) == 2 and hashes[0] != hashes[1]


def _submit_many(url: str, headers: dict, worker: int, out) -> None:
    codes = []
    with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
        for n in range(6):
            shared = f"共享通知 {n % 3}\n"
            own = f"第 {worker} 号进程的通知 {n}\n"
            for body in (shared, own):
                r = client.post("/v1/items", files={"file": ("n.txt", body.encode())})
                codes.append((body, r.status_code))
    out.put(codes)


def test_concurrent_submissions_from_processes(db_url, serve, tokens):
    """Several client processes against one service, on SQLite and PostgreSQL."""
    who = tokens(db_url)
    service = serve(db_url)
    workers = 4
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    procs = [ctx.Process(target=_submit_many, args=(service.url, who["submitter"], w, out)) for w in range(workers)]
    for p in procs:
        p.start()
    codes = [c for _ in procs for c in out.get(timeout=240)]
    for p in procs:
        p.join(30)
    assert all(status in (200, 201) for _, status in codes), codes
    created = [body for body, status in codes if status == 201]
    assert len(created) == len(set(created)) == 3 + workers * 6     # each item created exactly once
    store = open_store(db_url)
    with store.read() as conn:
        counts = [conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in ("items", "submissions", "scans")]
        ids = conn.execute(text("SELECT item_id FROM items ORDER BY item_id")).scalars().all()
    assert counts == [3 + workers * 6] * 3
    assert ids == list(range(1, counts[0] + 1))
    assert subprocess.run([PRECLEAR, "audit", "verify", "--db", db_url], capture_output=True).returncode == 0


def test_tampering_with_the_database_file_is_detected(setup, db):
    service, who = setup
    ref = submit(service, who["submitter"], CLEAN).json()["id"]
    review_and_approve(service, who, ref)
    ok = subprocess.run([PRECLEAR, "audit", "verify", "--db", db], capture_output=True, text=True)
    # 5 tokens, then item 6, submission 7, scan 8, decision 9, approval 10
    assert ok.returncode == 0 and ok.stdout.startswith("ok: 10 records, head seq 10 hash ")
    service.stop()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE decisions SET opinion = '同意' WHERE seq = 9")
        conn.execute("DELETE FROM scans WHERE seq = 8")
    bad = subprocess.run([PRECLEAR, "audit", "verify", "--db", db], capture_output=True, text=True)
    assert bad.returncode == 1
    assert bad.stdout.splitlines()[:3] == [
        "TAMPERED: decisions seq 9: record(s) seq 8 before it were deleted",
        "TAMPERED: decisions seq 9: link to the previous record (seq 8) is broken: it was changed or replaced",
        "TAMPERED: decisions seq 9: content does not match its hash (record was changed)",
    ]
    assert bad.stdout.splitlines()[3].startswith("3 problem(s): 9 records")
