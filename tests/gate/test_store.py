"""The review store on a real SQLite file and a real PostgreSQL server:
migrations, the hash chain and its tamper detection, tokens, item lookup,
and concurrent writers from several processes."""
from __future__ import annotations

import hashlib
import multiprocessing

import pytest
from sqlalchemy import text

from scanner.review import NotFound, Refused, StoreError, open_store, schema
from scanner.review.store import hash_secret


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def add(store, data: bytes, submitter: str = "organiser") -> int:
    with store.write() as conn:
        item, created = store.add_item(conn, sha(data), f"{data.decode()}.txt", data.decode(), len(data))
        if created:
            store.put_blob(conn, sha(data), data)
            store.append(conn, "submissions", sha256=sha(data), submitter=submitter, via="cli")
    return item.item_id


def test_open_twice_migrates_once(db_url):
    open_store(db_url).close()
    store = open_store(db_url)
    with store.read() as conn:
        versions = conn.execute(text("SELECT version FROM schema_version")).scalars().all()
    assert versions == [1, 2, 3, 4]


def test_review_record_follows_the_workflow_steps(db_url):
    store = open_store(db_url)
    data = b"notice"
    assert store.review_record(sha(data)) is None
    add(store, data)
    with store.write() as conn:
        store.append(conn, "decisions", sha256=sha(data), decision="approve", opinion="no secrets",
                     reviewer="li", scan_seq=0, via="cli")
    record = store.review_record(sha(data))
    assert record.status == "reviewed" and record.submitter == "organiser"
    assert [d[:3] for d in record.decisions] == [("approve", "no secrets", "li")]
    with store.write() as conn:
        store.append(conn, "approvals", sha256=sha(data), approver="wang", scan_seq=0, via="cli")
    record = store.review_record(sha(data))
    assert (record.status, record.approved_by) == ("approved", "wang")
    assert record.approved_at.endswith("+00:00")


def test_chain_is_intact_after_writes(db_url):
    store = open_store(db_url)
    for word in (b"a1", b"b2", b"c3"):
        add(store, word)
    report = store.verify()
    assert report.ok and report.records == 6 and report.head_seq == 6


def test_changed_record_is_named(db_url):
    store = open_store(db_url)
    for word in (b"a1", b"b2", b"c3"):
        add(store, word)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE submissions SET submitter = 'mallory' WHERE seq = 4"))
    report = store.verify()
    assert not report.ok
    assert [str(p) for p in report.problems] == [
        "submissions seq 4: content does not match its hash (record was changed)"]


def test_deleted_record_is_named(db_url):
    store = open_store(db_url)
    for word in (b"a1", b"b2", b"c3"):
        add(store, word)
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM items WHERE seq = 3"))
    problems = [str(p) for p in store.verify().problems]
    assert "submissions seq 4: record(s) seq 3 before it were deleted" in problems
    assert any(p.startswith("submissions seq 4: link to the previous record (seq 3) is broken") for p in problems)


def test_rehashed_forgery_breaks_its_seal_and_the_next_link(db_url):
    store = open_store(db_url)
    for word in (b"a1", b"b2"):
        add(store, word)
    from scanner.review.chain import row_hash
    with store.engine.begin() as conn:
        row = dict(conn.execute(text("SELECT * FROM submissions WHERE seq = 2")).mappings().one())
        row["submitter"] = "mallory"
        conn.execute(text("UPDATE submissions SET submitter = 'mallory', row_hash = :h WHERE seq = 2"),
                     {"h": row_hash("submissions", row)})
    assert [(p.seq, p.reason.split(":")[0]) for p in store.verify().problems] == [
        (2, "its seal (HMAC) does not match"), (3, "link to the previous record (seq 2) is broken")]


def test_tampered_blob_is_detected(db_url):
    store = open_store(db_url)
    add(store, b"a1")
    with store.engine.begin() as conn:
        conn.execute(schema.blobs.update().values(data=b"a2"))
    assert [str(p) for p in store.verify().problems] == [
        f"blobs seq 0: stored bytes of {sha(b'a1')} do not match their sha256"]


def test_tokens_are_stored_hashed(db_url):
    store = open_store(db_url)
    token, secret = store.create_token("Zhang San", "reviewer", created_by="admin")
    assert store.token_for(secret) == token
    assert store.token_for(secret + "x") is None
    with store.read() as conn:
        stored = conn.execute(text("SELECT token_hash FROM tokens")).scalar()
    assert stored == hash_secret(secret) and secret not in stored
    with pytest.raises(Refused) as err:
        store.create_token("x", "boss", created_by="admin")
    assert err.value.code == "bad-role"


def test_find_item_by_number_sha_and_prefix(db_url):
    store = open_store(db_url)
    first = add(store, b"a1")
    add(store, b"b2")
    digest = sha(b"a1")
    assert store.find_item(str(first)).sha256 == digest
    assert store.find_item(digest.upper()).item_id == first
    assert store.find_item(digest[:8]).item_id == first
    with pytest.raises(NotFound):
        store.find_item("99")
    with pytest.raises(NotFound):
        store.find_item("not-an-id")


def test_insert_or_get_keeps_one_item_per_sha(db_url):
    store = open_store(db_url)
    assert add(store, b"a1") == add(store, b"a1", submitter="someone-else")
    with store.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM items")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM submissions")).scalar() == 1


def _writer(url: str, worker: int, rounds: int) -> None:
    store = open_store(url)
    for n in range(rounds):
        add(store, b"shared-%d" % (n % 3))          # the same items from every process
        add(store, b"own-%d-%d" % (worker, n))      # items of this process only
    store.close()


def test_concurrent_processes_lose_and_duplicate_nothing(db_url):
    workers, rounds = 4, 10
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(db_url, w, rounds)) for w in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0] * workers
    store = open_store(db_url)
    with store.read() as conn:
        items = conn.execute(text("SELECT count(*) FROM items")).scalar()
        ids = conn.execute(text("SELECT item_id FROM items ORDER BY item_id")).scalars().all()
        subs = conn.execute(text("SELECT count(*) FROM submissions")).scalar()
    assert items == subs == 3 + workers * rounds
    assert ids == list(range(1, items + 1))
    report = store.verify()
    assert report.ok and report.records == 2 * items


def test_unusable_location_is_a_store_error(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        open_store(str(tmp_path / "missing" / "review.db"))
    with pytest.raises(StoreError, match="only SQLite and PostgreSQL"):
        open_store("mysql://host/db")
    with pytest.raises(StoreError, match="no review database"):
        open_store("")
