"""Schema v4: an older SQLite store migrated in place with its records still
verifying, the approval's opinion sealed in its record, and, on SQLite and
PostgreSQL, token revocation as a chained record and the desk's sessions in
the database (expiry, a forged row, the sessions of a revoked token)."""
from __future__ import annotations

import sqlite3
import subprocess
import time

import pytest
from sqlalchemy import insert

from scanner.engine import Engine
from scanner.review import Actor, Workflow, open_store, schema
from scanner.review.migrations import LATEST
from scanner.service.session import Sessions, _hash

from .conftest import PRECLEAR

CLEAN = "关于开展档案整理工作的通知\n各单位：请于月底前报送材料。\n".encode()


def _approved(db: str, data: bytes, opinion: str = "") -> str:
    store = open_store(db)
    workflow = Workflow(store, Engine())
    s = workflow.submit(data, "notice.txt", "通知", Actor("张三"))
    workflow.decide(str(s.item.item_id), "approve", "不涉密", Actor("李四"))
    workflow.approve(str(s.item.item_id), Actor("王五"), opinion)
    store.close()
    return s.item.sha256


def test_a_v3_store_migrates_and_its_records_still_verify(tmp_path):
    db = str(tmp_path / "review.db")
    sha = _approved(db, CLEAN)
    with sqlite3.connect(db) as conn:                       # turn it back into a v3 store
        conn.execute("ALTER TABLE approvals DROP COLUMN opinion")
        conn.execute("DROP TABLE revocations")
        conn.execute("DROP TABLE sessions")
        conn.execute("DELETE FROM schema_version WHERE version = 4")
    assert LATEST == 4
    store = open_store(db)
    with sqlite3.connect(db) as conn:
        assert max(v for (v,) in conn.execute("SELECT version FROM schema_version")) == 4
        assert "opinion" in [c[1] for c in conn.execute("PRAGMA table_info(approvals)")]
        assert conn.execute("SELECT opinion FROM approvals").fetchall() == [(None,)]
    assert store.verify().ok                                 # the old approval's hash leaves NULL out
    workflow = Workflow(store, Engine())
    assert workflow.gate(sha).allow
    assert workflow.status(sha).record.approval_opinion is None


def test_the_approval_opinion_is_sealed_in_its_record(tmp_path):
    db = str(tmp_path / "review.db")
    sha = _approved(db, CLEAN, "  同意在门户网站公开 ")
    store = open_store(db)
    workflow = Workflow(store, Engine())
    status = workflow.status(sha)
    assert status.record.approval_opinion == "同意在门户网站公开"
    assert status.to_dict()["approval_opinion"] == "同意在门户网站公开"
    with store.read() as conn:
        approval = next(e for e in store.events(conn, sha) if e.kind == "approval")
    assert approval.fields["opinion"] == "同意在门户网站公开" and len(approval.hash) == 64
    for forged in ("'不同意'", "NULL"):                      # changed, or blanked to look like an old row
        with sqlite3.connect(db) as conn:
            conn.execute(f"UPDATE approvals SET opinion = {forged}")
        report = store.verify()
        assert not report.ok and "content does not match its hash" in str(report.problems[0])
        assert not Workflow(open_store(db), Engine()).gate(sha).allow


def test_revocation_is_a_chained_record_and_ends_the_tokens_sessions(db_url):
    store = open_store(db_url)
    token, secret = store.create_token("李四", "reviewer", created_by="test")
    other, other_secret = store.create_token("王五", "approver", created_by="test")
    sessions = Sessions(store)
    mine, theirs = sessions.start(token), sessions.start(other)
    assert sessions.get(mine.sid) == mine and store.token_for(secret) == token
    row = store.revoke_token(token.token_id, "token:admin")
    assert row["seq"] == store.verify().head_seq and store.verify().ok
    assert store.token_for(secret) is None and sessions.get(mine.sid) is None
    assert store.token_for(other_secret) == other and sessions.get(theirs.sid) == theirs
    with store.read() as conn:
        left = conn.execute(schema.sessions.select()).all()
    assert [r.token_id for r in left] == [other.token_id]    # the revoked token's session row is gone
    listed = {t["token_id"]: t for t in store.token_list()}
    assert listed[token.token_id]["revoked_by"] == "token:admin" and listed[other.token_id]["revoked_at"] is None
    assert "pcl_" not in repr(listed) and "token_hash" not in listed[token.token_id]
    with pytest.raises(Exception, match="already revoked"):
        store.revoke_token(token.token_id, "token:admin")


def test_sessions_expire_and_a_forged_row_is_refused(db_url):
    store = open_store(db_url)
    token, _ = store.create_token("李四", "reviewer", created_by="test")
    short = Sessions(store, lifetime_s=0.5)
    session = short.start(token)
    assert Sessions(store).get(session.sid) == session       # another process's Sessions sees it
    time.sleep(0.6)
    assert short.get(session.sid) is None
    # a row written straight into the database, without the review key's seal
    sid = "forged-session-id"
    with store.write() as conn:
        conn.execute(insert(schema.sessions).values(sid_hash=_hash(sid), csrf="x", token_id=token.token_id,
                                                    expires=time.time() + 3600, mac="00:" + "0" * 64))
    assert Sessions(store).get(sid) is None
    live = Sessions(store).start(token)
    Sessions(store).end(live.sid)
    assert Sessions(store).get(live.sid) is None


def test_token_revoke_and_history_on_the_command_line(tmp_path):
    db = str(tmp_path / "review.db")
    sha = _approved(db, CLEAN, "同意公开")
    store = open_store(db)
    token, secret = store.create_token("周审查", "reviewer", created_by="test")

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([PRECLEAR, *args, "--db", db], capture_output=True, text=True, check=False, cwd=tmp_path)

    assert cli("token", "revoke", "nosuchtoken").returncode == 1
    done = cli("token", "revoke", token.token_id)
    assert done.returncode == 0 and done.stdout.startswith(f"token {token.token_id} revoked (record seq ")
    assert store.token_for(secret) is None
    again = cli("token", "revoke", token.token_id)
    assert again.returncode == 1 and "already revoked" in again.stderr
    history = cli("history", sha[:12]).stdout.splitlines()
    with store.read() as conn:
        hashes = [e.hash for e in store.events(conn, sha)]
    assert [line.rsplit("(hash ", 1)[1].rstrip(")") for line in history[1:]] == hashes
    assert "opinion=同意公开" in history[-1] and "opinion=None" not in "".join(history)
