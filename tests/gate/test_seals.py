"""The gate trusts no record it has not verified (issue 14, item 4).

Records are sealed with an HMAC under a review key that the database does not
hold; the gate verifies the chain and the item's records before it answers;
deleting the newest records shows against a checkpoint kept elsewhere.  Run
as a user runs it: the installed ``preclear`` on a real SQLite file, the
store on SQLite and a real PostgreSQL server, and the HTTP service under
uvicorn on 127.0.0.1.
"""
from __future__ import annotations

import json
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from scanner.config import ScanConfig
from scanner.engine import Engine
from scanner.review import Actor, Workflow, open_store
from scanner.review.chain import row_hash
from scanner.review.checkpoint import Anchor, write_anchor

PRECLEAR = str(Path(sys.executable).with_name("preclear"))
CLEAN = "关于开展档案整理工作的通知\n各单位：请于月底前报送材料。\n".encode()
OTHER = "关于召开年度总结会议的通知\n请各部门负责人参加。\n".encode()


@pytest.fixture
def cli(tmp_path):
    db = str(tmp_path / "review.db")

    def run(*args: str) -> subprocess.CompletedProcess:
        where = [] if args[0] == "key" else ["--db", db]
        return subprocess.run([PRECLEAR, *args, *where], cwd=tmp_path, capture_output=True, text=True,
                              timeout=120, check=False)
    run.db = db  # type: ignore[attr-defined]
    (tmp_path / "notice.txt").write_bytes(CLEAN)
    (tmp_path / "other.txt").write_bytes(OTHER)
    return run


def approved(cli) -> None:
    for args in (("submit", "notice.txt", "--by", "张三"),
                 ("decide", "1", "--decision", "approve", "--opinion", "不涉密", "--by", "李四"),
                 ("approve", "1", "--by", "王五")):
        r = cli(*args)
        assert r.returncode == 0, r.stderr
    assert cli("gate", "notice.txt").returncode == 0


def test_the_first_store_creates_a_private_key_outside_the_database(cli, review_key_file):
    assert not review_key_file.exists()
    r = cli("submit", "notice.txt", "--by", "张三")
    assert r.returncode == 0
    assert "created the review key" in r.stderr and str(review_key_file) in r.stderr
    assert stat.S_IMODE(review_key_file.stat().st_mode) == 0o600
    key = review_key_file.read_text().strip()
    assert len(key) == 64
    assert key.encode() not in Path(cli.db).read_bytes()
    with sqlite3.connect(cli.db) as conn:
        macs = [m for (m,) in conn.execute("SELECT mac FROM submissions UNION ALL SELECT mac FROM items")]
    assert len(macs) == 2 and all(m and ":" in m for m in macs)


def test_an_edited_approval_row_makes_the_gate_refuse(cli):
    approved(cli)
    with sqlite3.connect(cli.db) as conn:
        conn.execute("UPDATE approvals SET approver = '赵六'")
    r = cli("gate", "notice.txt")
    assert r.returncode == 1
    assert r.stdout.startswith("refused: notice.txt: the review records fail verification (approvals seq ")
    assert "content does not match its hash" in r.stdout
    assert cli("audit", "verify").returncode == 1


def test_a_rehashed_approval_appended_without_the_key_is_refused(cli):
    """Someone who can write to the database appends an approval and
    recomputes the unkeyed sha256 chain correctly: the seal gives it away."""
    for args in (("submit", "notice.txt", "--by", "张三"),
                 ("decide", "1", "--decision", "approve", "--opinion", "不涉密", "--by", "李四")):
        assert cli(*args).returncode == 0
    assert cli("gate", "notice.txt").returncode == 1          # reviewed, not approved
    with sqlite3.connect(cli.db) as conn:
        conn.row_factory = sqlite3.Row
        seq, prev = conn.execute("SELECT seq, row_hash FROM decisions ORDER BY seq DESC LIMIT 1").fetchone()
        scan_seq = conn.execute("SELECT max(seq) FROM scans").fetchone()[0]
        sha = conn.execute("SELECT sha256 FROM items").fetchone()[0]
        row = {"seq": seq + 1, "sha256": sha, "approver": "王五", "scan_seq": scan_seq, "via": "cli",
               "at": "2026-12-04T10:00:00.000000+00:00", "prev_hash": prev}
        row["row_hash"] = row_hash("approvals", row)
        conn.execute("INSERT INTO approvals (seq, sha256, approver, scan_seq, via, at, prev_hash, row_hash) "
                     "VALUES (:seq, :sha256, :approver, :scan_seq, :via, :at, :prev_hash, :row_hash)", row)
    status = cli("status", "1")
    assert ": approved by 王五" in status.stdout                  # the forged row reads as an approval
    r = cli("gate", "notice.txt")
    assert r.returncode == 1, r.stdout
    assert f"approvals seq {seq + 1}: the record is not sealed" in r.stdout
    verify = cli("audit", "verify")
    assert verify.returncode == 1
    assert verify.stdout.splitlines()[0] == (
        f"TAMPERED: approvals seq {seq + 1}: the record is not sealed (no MAC): "
        "run `preclear audit seal` if it predates sealing")


def test_a_record_sealed_with_another_key_is_refused(cli, tmp_path, review_key_file):
    approved(cli)
    review_key_file.rename(tmp_path / "old.key")
    assert cli("key", "create").returncode == 0                # a different key
    r = cli("gate", "notice.txt")
    assert r.returncode == 1 and "sealed with key" in r.stdout


def test_no_key_is_a_tool_failure_with_one_line(cli, review_key_file):
    approved(cli)
    review_key_file.unlink()
    r = cli("gate", "notice.txt")
    assert r.returncode == 3
    assert r.stderr.startswith("preclear: error: no review key: set $PRECLEAR_REVIEW_KEY, or put the key file at")


def test_a_key_file_others_can_read_is_refused(cli, review_key_file):
    approved(cli)
    review_key_file.chmod(0o644)
    r = cli("gate", "notice.txt")
    assert r.returncode == 3 and "chmod 600" in r.stderr


def test_key_from_the_environment(cli, review_key_file, monkeypatch):
    approved(cli)
    secret = review_key_file.read_text().strip()
    review_key_file.unlink()
    monkeypatch.setenv("PRECLEAR_REVIEW_KEY", secret)
    assert cli("gate", "notice.txt").returncode == 0


def test_key_create_never_replaces_a_key(cli, review_key_file):
    r = cli("key", "create")
    assert r.returncode == 0 and stat.S_IMODE(review_key_file.stat().st_mode) == 0o600
    before = review_key_file.read_text()
    r = cli("key", "create")
    assert r.returncode == 3 and "already exists" in r.stderr
    assert review_key_file.read_text() == before


def test_checkpoint_detects_the_newest_records_deleted(cli, tmp_path):
    approved(cli)
    checkpoint = tmp_path / "elsewhere" / "head.json"
    checkpoint.parent.mkdir()
    r = cli("audit", "checkpoint", str(checkpoint))
    assert r.returncode == 0 and r.stdout.startswith("checkpoint: head seq 5 hash ")
    assert json.loads(checkpoint.read_text())["seq"] == 5
    assert cli("audit", "verify", "--against", str(checkpoint)).returncode == 0
    assert cli("submit", "other.txt", "--by", "张三").returncode == 0     # the chain grows: still fine
    assert cli("audit", "verify", "--against", str(checkpoint)).returncode == 0

    with sqlite3.connect(cli.db) as conn:                   # cut the chain back to before the approval
        for table in ("items", "scans", "submissions", "approvals"):
            conn.execute(f"DELETE FROM {table} WHERE seq >= 5")
    assert cli("audit", "verify").returncode == 0           # alone, a shorter chain looks valid
    r = cli("audit", "verify", "--against", str(checkpoint))
    assert r.returncode == 1
    assert r.stdout.splitlines()[0].startswith(
        "TAMPERED: checkpoint seq 5: records after seq 4 were deleted: the checkpoint of ")


def test_the_gate_compares_the_chain_with_the_configured_checkpoint(cli, tmp_path):
    # the newest record, a rejection after the approval, is deleted to bring
    # the approval back: the shorter chain is valid on its own, and a new gate
    # process has seen nothing before; the checkpoint written after it has
    approved(cli)
    assert cli("decide", "1", "--decision", "reject", "--opinion", "再看一遍", "--by", "李四").returncode == 0
    assert cli("gate", "notice.txt").returncode == 1
    assert cli("audit", "checkpoint", str(tmp_path / "head.json")).returncode == 0
    with sqlite3.connect(cli.db) as conn:
        conn.execute("DELETE FROM decisions WHERE seq = (SELECT max(seq) FROM decisions)")
    assert cli("gate", "notice.txt").returncode == 0            # without the checkpoint: allowed
    (tmp_path / "preclear.toml").write_text('[review]\ncheckpoint = "head.json"\n', encoding="utf-8")
    r = cli("gate", "notice.txt")
    assert r.returncode == 1
    assert r.stdout.startswith("refused: notice.txt: checkpoint seq 6: records after seq 5 were deleted"), r.stdout
    (tmp_path / "head.json").unlink()                            # configured but gone: a tool failure
    r = cli("gate", "notice.txt")
    assert r.returncode == 3 and "checkpoint" in r.stderr and "file not found" in r.stderr


def test_a_checkpoint_of_the_empty_store_refuses_nothing(cli, tmp_path):
    # written at installation time, before any record: the genesis hash, no row of seq 0
    assert cli("audit", "checkpoint", str(tmp_path / "head.json")).returncode == 0
    assert json.loads((tmp_path / "head.json").read_text())["seq"] == 0
    (tmp_path / "preclear.toml").write_text('[review]\ncheckpoint = "head.json"\n', encoding="utf-8")
    approved(cli)                                               # its gate must allow
    assert cli("audit", "verify", "--against", str(tmp_path / "head.json")).returncode == 0


def test_a_made_up_checkpoint_is_refused(cli, tmp_path):
    approved(cli)
    checkpoint = tmp_path / "head.json"
    assert cli("audit", "checkpoint", str(checkpoint)).returncode == 0
    data = json.loads(checkpoint.read_text())
    data["seq"] = 4
    checkpoint.write_text(json.dumps(data))
    r = cli("audit", "verify", "--against", str(checkpoint))
    assert r.returncode == 1 and "checkpoint: its seal (HMAC) does not match" in r.stdout


def test_decide_and_approve_print_a_receipt_that_works_as_a_checkpoint(cli, tmp_path):
    assert cli("submit", "notice.txt", "--by", "张三").returncode == 0
    decided = cli("decide", "1", "--decision", "approve", "--opinion", "不涉密", "--by", "李四")
    assert "receipt: record seq 4 hash " in decided.stdout
    r = cli("approve", "1", "--by", "王五")
    lines = r.stdout.splitlines()
    assert lines[1].startswith("receipt: record seq 5 hash ") and "chain head seq 5 hash" in lines[1]
    receipt = json.loads(lines[2].removeprefix("receipt-json: "))
    assert receipt["record"]["kind"] == "approval" and receipt["head"]["seq"] == 5
    saved = tmp_path / "receipt.json"
    saved.write_text(json.dumps(receipt))
    assert cli("audit", "verify", "--against", str(saved)).returncode == 0
    with sqlite3.connect(cli.db) as conn:
        conn.execute("DELETE FROM approvals")
    r = cli("audit", "verify", "--against", str(saved))
    assert r.returncode == 1 and "records after seq 4 were deleted" in r.stdout


def test_an_old_unkeyed_store_is_migrated_by_sealing(cli):
    """A store made before seals: schema v1-v2, rows without ``mac``.  Opened,
    it gets the column; the gate refuses until `preclear audit seal`."""
    approved(cli)
    with sqlite3.connect(cli.db) as conn:                   # turn it back into a v1 store
        for table in ("tokens", "items", "scans", "submissions", "decisions", "approvals"):
            conn.execute(f"ALTER TABLE {table} DROP COLUMN mac")
        conn.execute("DELETE FROM schema_version WHERE version >= 3")
    r = cli("gate", "notice.txt")
    assert r.returncode == 1 and "the record is not sealed (no MAC)" in r.stdout
    r = cli("audit", "seal")
    assert r.returncode == 0 and r.stdout.startswith("sealed 5 record(s) with review key ")
    assert cli("audit", "verify").returncode == 0
    assert cli("gate", "notice.txt").returncode == 0
    assert cli("audit", "seal").stdout.startswith("sealed 0 record(s)")


def test_seal_refuses_a_broken_chain(cli):
    approved(cli)
    with sqlite3.connect(cli.db) as conn:
        conn.execute("UPDATE approvals SET mac = NULL, approver = '赵六'")
    r = cli("audit", "seal")
    assert r.returncode == 1 and "preclear: refused: tampered: the chain is broken" in r.stderr


def _approve_in_process(db_url: str) -> tuple[Workflow, str]:
    store = open_store(db_url)
    workflow = Workflow(store, Engine())
    s = workflow.submit(CLEAN, "notice.txt", "通知", Actor("张三"))
    workflow.decide(str(s.item.item_id), "approve", "不涉密", Actor("李四"))
    workflow.approve(str(s.item.item_id), Actor("王五"))
    assert workflow.gate(s.item.sha256).allow
    return workflow, s.item.sha256


def test_gate_refuses_an_edited_approval_on_both_databases(db_url):
    workflow, sha = _approve_in_process(db_url)
    with workflow.store.engine.begin() as conn:
        conn.execute(text("UPDATE approvals SET scan_seq = scan_seq"))   # untouched: still allowed
    assert workflow.gate(sha).allow
    with workflow.store.engine.begin() as conn:
        conn.execute(text("UPDATE approvals SET approver = '赵六'"))
    answer = workflow.gate(sha)
    assert not answer.allow
    assert "content does not match its hash" in answer.reasons[0]
    fresh = Workflow(open_store(db_url), workflow.engine)     # a new process verifies from the start
    assert not fresh.gate(sha).allow


def test_a_running_gate_notices_a_deleted_later_rejection(db_url):
    """A rejection after the approval is deleted to bring the approval back:
    the chain alone is still valid, but a gate that saw the rejection knows."""
    workflow, sha = _approve_in_process(db_url)
    workflow.decide("1", "reject", "发现涉密内容", Actor("李四"))
    assert not workflow.gate(sha).allow
    with workflow.store.engine.begin() as conn:
        conn.execute(text("DELETE FROM decisions WHERE decision = 'reject'"))
    answer = workflow.gate(sha)
    assert not answer.allow
    assert "verified earlier, were deleted or changed since" in answer.reasons[0]


def test_the_workflow_gate_compares_the_chain_with_the_configured_checkpoint(db_url, tmp_path):
    # the gate of the service and of the CMS plug-in (the Workflow), on both databases
    workflow, sha = _approve_in_process(db_url)
    workflow.decide("1", "reject", "发现涉密内容", Actor("李四"))
    report = workflow.store.verify()
    write_anchor(str(tmp_path / "head.json"), Anchor.make(workflow.store.key, report.head_seq, report.head_hash),
                 workflow.store.where)
    with workflow.store.engine.begin() as conn:
        conn.execute(text("DELETE FROM decisions WHERE decision = 'reject'"))
    config = ScanConfig(checkpoint=str(tmp_path / "head.json"))
    assert Workflow(open_store(db_url), config=ScanConfig()).gate(sha).allow   # a new process, no checkpoint
    answer = Workflow(open_store(db_url), config=config).gate(sha)
    assert not answer.allow
    assert answer.reasons[0].startswith(f"checkpoint seq {report.head_seq}: records after seq")


def test_a_forged_token_row_does_not_authenticate(db_url, tmp_path, serve, tokens):
    from scanner.review.store import hash_secret

    who = tokens(db_url)
    store = open_store(db_url)
    with store.write() as conn:
        seq, prev = conn.execute(text("SELECT seq, row_hash FROM tokens ORDER BY seq DESC LIMIT 1")).one()
        row = {"seq": seq + 1, "token_id": "f0f0f0f0f0f0", "name": "mallory", "role": "admin",
               "token_hash": hash_secret("pcl_forged"), "created_by": "sql", "at": "2026-12-04T10:00:00+00:00",
               "prev_hash": prev}
        row["row_hash"] = row_hash("tokens", row)
        conn.execute(text("INSERT INTO tokens (seq, token_id, name, role, token_hash, created_by, at, prev_hash, "
                          "row_hash) VALUES (:seq, :token_id, :name, :role, :token_hash, :created_by, :at, "
                          ":prev_hash, :row_hash)"), row)
    service = serve(db_url)
    assert httpx.get(service.url + "/v1/items/1", headers=who["admin"]).status_code == 404
    r = httpx.get(service.url + "/v1/items/1", headers={"Authorization": "Bearer pcl_forged"})
    assert r.status_code == 401


def test_service_decision_and_approval_return_receipts(db_url, serve, tokens):
    who = tokens(db_url)
    service = serve(db_url)
    r = httpx.post(service.url + "/v1/items", headers=who["submitter"], files={"file": ("n.txt", CLEAN)},
                   timeout=60)
    assert r.status_code == 201
    r = httpx.post(service.url + "/v1/items/1/decisions", headers=who["reviewer"],
                   json={"decision": "approve", "opinion": "不涉密"}, timeout=60)
    decided = r.json()["receipt"]
    r = httpx.post(service.url + "/v1/items/1/approval", headers=who["approver"], timeout=60)
    receipt = r.json()["receipt"]
    assert receipt["record"]["seq"] == decided["record"]["seq"] + 1
    assert receipt["head"]["seq"] == receipt["record"]["seq"]
    assert receipt["head"]["hash"] == receipt["record"]["hash"] and len(receipt["head"]["hash"]) == 64
    assert receipt["head"]["mac"].count(":") == 1
    assert httpx.get(service.url + "/v1/gate/" + r.json()["sha256"], headers=who["submitter"]).status_code == 200
    report = open_store(db_url).verify()
    assert report.ok and report.head_seq == receipt["head"]["seq"]
