"""``preclear gate`` reads a SQLite store with the standard library's sqlite3
when nothing needs writing (review/sqlite_read.py), without SQLAlchemy.  Its
answer must be the Workflow's, record for record: the same rows (ledger.Reads)
go through the same checks (reader.py, trust.py, workflow.py), here compared
on an honest store and on stores tampered with in each way the gate refuses."""
from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from scanner.config import ScanConfig, Scoring
from scanner.engine import Engine
from scanner.review import Actor, Workflow, open_store, schema
from scanner.review.chain import row_hash
from scanner.review.ledger import COLUMNS, LEDGER, SCHEMA_VERSION
from scanner.review.migrations import LATEST
from scanner.review.sqlite_read import open_reader
from scanner.review.workflow import gate_read_only
from scanner.ruleset import current_ruleset_hash

CLEAN = "关于开展档案整理工作的通知\n各单位：请于月底前报送材料。\n".encode()
OTHER = "关于召开年度总结会议的通知\n请各部门负责人参加。\n".encode()
THIRD = "关于做好节日期间安全工作的通知\n".encode()
MARKED = "机密★5年\n关于某项工作的通知\n".encode()
UNKNOWN = "从未提交的内容\n".encode()


def test_the_ledger_names_the_tables_schema_defines():
    assert {t.name: tuple(c.name for c in t.columns) for t in schema.LEDGER_TABLES} == COLUMNS
    assert tuple(t.name for t in schema.LEDGER_TABLES) == LEDGER
    assert SCHEMA_VERSION == LATEST


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(ScanConfig())


@pytest.fixture
def honest(tmp_path, engine) -> Path:
    """A store with: CLEAN approved; OTHER approved, then rejected (the newest
    record); THIRD submitted only; MARKED (block) submitted and rejected."""
    db = tmp_path / "honest.db"
    store = open_store(str(db))
    flow = Workflow(store, engine)
    for data, name in ((CLEAN, "notice.txt"), (OTHER, "other.txt"), (THIRD, "third.txt"), (MARKED, "secret.txt")):
        flow.submit(data, name, name, Actor("张三"))
    for ref in ("1", "2"):
        flow.decide(ref, "approve", "不涉密", Actor("李四"))
        flow.approve(ref, Actor("王五"))
    flow.decide("4", "reject", "涉密", Actor("李四"))
    flow.decide("2", "reject", "再看一遍", Actor("李四"))
    store.close()
    return db


def _edit_approval(conn: sqlite3.Connection) -> None:
    conn.execute("UPDATE approvals SET approver = '赵六' WHERE seq = (SELECT min(seq) FROM approvals)")


def _rehashed_approval(conn: sqlite3.Connection) -> None:
    # an approval of THIRD appended with a correct link and hash, but no key
    seq, prev = conn.execute("SELECT seq, row_hash FROM decisions ORDER BY seq DESC LIMIT 1").fetchone()
    sha = conn.execute("SELECT sha256 FROM items WHERE item_id = 3").fetchone()[0]
    scan_seq = conn.execute("SELECT max(seq) FROM scans WHERE sha256 = ?", (sha,)).fetchone()[0]
    row = {"seq": seq + 1, "sha256": sha, "approver": "王五", "scan_seq": scan_seq, "via": "cli", "opinion": None,
           "at": "2026-01-01T00:00:00+00:00", "prev_hash": prev}
    row["row_hash"] = row_hash("approvals", row)
    conn.execute("INSERT INTO approvals (seq, sha256, approver, scan_seq, via, opinion, at, prev_hash, row_hash, mac) "
                 "VALUES (:seq, :sha256, :approver, :scan_seq, :via, :opinion, :at, :prev_hash, :row_hash, NULL)", row)


def _delete_rejection(conn: sqlite3.Connection) -> None:
    # the newest record: the chain stays whole, so only a checkpoint or a running watch can tell
    conn.execute("DELETE FROM decisions WHERE seq = (SELECT max(seq) FROM decisions)")


def _delete_middle_row(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM submissions WHERE seq = (SELECT min(seq) FROM submissions)")


def _scan_made_clear(conn: sqlite3.Connection) -> None:
    conn.execute("UPDATE scans SET verdict = 'clear' WHERE verdict = 'block'")


def _unsealed(conn: sqlite3.Connection) -> None:
    conn.execute("UPDATE items SET mac = NULL WHERE item_id = 1")


def _extra_column(conn: sqlite3.Connection) -> None:
    # a column the schema does not declare is not read by either path
    conn.execute("ALTER TABLE approvals ADD COLUMN note TEXT DEFAULT 'x'")


TAMPERING: dict[str, Callable[[sqlite3.Connection], None] | None] = {
    "honest": None, "edited approval": _edit_approval, "approval without the key": _rehashed_approval,
    "newest rejection deleted": _delete_rejection, "a middle record deleted": _delete_middle_row,
    "block scan made clear": _scan_made_clear, "seal removed": _unsealed, "extra column": _extra_column,
}


@pytest.mark.parametrize("case", list(TAMPERING))
def test_the_read_only_gate_answers_as_the_workflow(honest, engine, tmp_path, case):
    db = tmp_path / "case.db"
    with sqlite3.connect(honest) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
        if TAMPERING[case]:
            TAMPERING[case](dst)
    config = ScanConfig()
    answers = []
    for data in (CLEAN, OTHER, THIRD, MARKED, UNKNOWN):
        sha = hashlib.sha256(data).hexdigest()
        reader = open_reader(str(db))
        assert reader is not None
        fast = gate_read_only(reader, current_ruleset_hash(config), sha)
        reader.close()
        store = open_store(str(db))
        full = Workflow(store, engine).gate(sha, data)  # the reference: the Engine's own ruleset hash
        store.close()
        assert fast == full, case
        answers.append(full.allow)
    # every tampering that breaks the chain refuses every item; a cut-off head needs a checkpoint
    assert answers == {"honest": [True, False, False, False, False], "extra column": [True, False, False, False, False],
                       "newest rejection deleted": [True, True, False, False, False]}.get(case, [False] * 5)


def test_a_stale_scan_is_left_to_the_workflow(honest):
    reader = open_reader(str(honest))
    assert reader is not None
    stale = current_ruleset_hash(ScanConfig(scoring=Scoring(aggregate_categories=9)))
    assert gate_read_only(reader, stale, hashlib.sha256(CLEAN).hexdigest()) is None
    # an unknown item needs no scan: answered
    answer = gate_read_only(reader, stale, hashlib.sha256(UNKNOWN).hexdigest())
    assert answer is not None and not answer.allow


def test_only_a_store_that_needs_nothing_written_is_opened(honest, tmp_path):
    assert open_reader(str(tmp_path / "missing.db")) is None
    assert not (tmp_path / "missing.db").exists()
    assert open_reader("sqlite:///" + str(honest)) is None          # URLs go to open_store
    empty = tmp_path / "empty.db"
    open_store(str(empty)).close()
    assert open_reader(str(empty)) is None                          # opening an empty store may make a key
    older = tmp_path / "older.db"
    with sqlite3.connect(honest) as src, sqlite3.connect(older) as dst:
        src.backup(dst)
        dst.execute("DELETE FROM schema_version WHERE version = ?", (SCHEMA_VERSION,))
    assert open_reader(str(older)) is None                          # open_store migrates it
    (tmp_path / "junk.db").write_bytes(b"not a database")
    assert open_reader(str(tmp_path / "junk.db")) is None
    if os.geteuid() != 0:
        os.chmod(older, 0o444)
        assert open_reader(str(older)) is None                      # open_store needs the write lock
    assert open_reader(str(honest)) is not None
