"""Separation of duties (issue 14, item 5): names compared as identities
(NFKC, invisible characters dropped, trimmed, case-folded); the submitter,
the reviewer and the approver of an item are three people unless the unit
says otherwise; on the service the person acting is the token's, and a
body naming anyone is refused."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from scanner.engine import Engine
from scanner.review import Actor, Refused, Workflow, open_store
from scanner.review.identity import display_name, identity

PRECLEAR = str(Path(sys.executable).with_name("preclear"))
CLEAN = "关于开展档案整理工作的通知\n各单位：请于月底前报送材料。\n".encode()


@pytest.mark.parametrize("name", [" 李四", "李四 ", "李四\u200b", "\u200e李四", "李四\u3000", "\t李四\n"])
def test_the_same_person_in_other_spellings(name):
    assert identity(name) == identity("李四")


def test_identity_folds_width_and_case_but_keeps_different_people_apart():
    assert identity("ＬＩ　Ｓｉ") == identity("li si") == identity("Li  Si")
    assert display_name("  ＬＩ　Ｓｉ\u200b ") == "LI Si"
    assert identity("李四") != identity("李五") and identity("li si") != identity("lisi")


@pytest.fixture
def workflow(db_url) -> Workflow:
    return Workflow(open_store(db_url), Engine())


def test_submitter_cannot_review_their_own_item(workflow):
    workflow.submit(CLEAN, "notice.txt", "通知", Actor("张三"))
    with pytest.raises(Refused) as refused:
        workflow.decide("1", "approve", "不涉密", Actor(" 张三\u200b"))
    assert (refused.value.code, refused.value.message) == (
        "same-person", "item 1: 张三 submitted it and cannot also review it")


def test_approver_must_be_neither_submitter_nor_reviewer(workflow):
    workflow.submit(CLEAN, "notice.txt", "通知", Actor("zhang san"))
    workflow.decide("1", "approve", "不涉密", Actor("李四"))
    for name, role in (("李四 ", "reviewed"), ("\u3000李四", "reviewed"), ("ZHANG　SAN", "submitted")):
        with pytest.raises(Refused) as refused:
            workflow.approve("1", Actor(name))
        assert refused.value.code == "same-person" and f"{role} it" in refused.value.message
    status = workflow.approve("1", Actor("王五"))
    assert status.record.approved_by == "王五"


def test_names_are_recorded_in_their_readable_form(workflow):
    workflow.submit(CLEAN, "notice.txt", "通知", Actor("  张三\u200b "))
    assert workflow.status("1").record.submitter == "张三"


def test_an_empty_name_is_refused():
    with pytest.raises(Refused) as refused:
        Actor(" \u200b ")
    assert refused.value.code == "no-name"


def test_the_unit_may_let_one_person_do_everything(tmp_path):
    (tmp_path / "notice.txt").write_bytes(CLEAN)
    db = str(tmp_path / "review.db")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([PRECLEAR, *args, "--db", db], cwd=tmp_path, capture_output=True, text=True,
                              timeout=120, check=False)
    assert run("submit", "notice.txt", "--by", "张三").returncode == 0
    r = run("decide", "1", "--decision", "approve", "--opinion", "不涉密", "--by", "张三 ")
    assert (r.returncode, r.stderr.strip()) == (
        1, "preclear: refused: same-person: item 1: 张三 submitted it and cannot also review it")
    (tmp_path / "preclear.toml").write_text("[review]\nseparate_duties = false\n", encoding="utf-8")
    assert run("decide", "1", "--decision", "approve", "--opinion", "不涉密", "--by", "张三").returncode == 0
    assert run("approve", "1", "--by", "张三").returncode == 0
    assert run("gate", "notice.txt").returncode == 0


@pytest.fixture
def service(tmp_path, serve, tokens):
    db = str(tmp_path / "review.db")
    who = tokens(db)
    return serve(db), who


def test_the_service_takes_the_actor_from_the_token_and_refuses_a_named_one(service):
    svc, who = service
    r = httpx.post(svc.url + "/v1/items", headers=who["submitter"], files={"file": ("n.txt", CLEAN)},
                   data={"submitter": "王五"}, timeout=60)
    assert r.status_code == 422 and r.json()["error"] == {
        "code": "invalid-request", "message": "unknown form field(s): submitter"}
    r = httpx.post(svc.url + "/v1/items", headers=who["submitter"], files={"file": ("n.txt", CLEAN)}, timeout=60)
    assert r.status_code == 201 and r.json()["submitter"] == "张三"

    r = httpx.post(svc.url + "/v1/items/1/decisions", headers=who["reviewer"],
                   json={"decision": "approve", "opinion": "不涉密", "reviewer": "王五"}, timeout=60)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid-request"
    assert "reviewer" in r.json()["error"]["message"]
    r = httpx.post(svc.url + "/v1/items/1/decisions", headers=who["reviewer"],
                   json={"decision": "approve", "opinion": "不涉密"}, timeout=60)
    assert r.status_code == 200 and r.json()["decisions"][0]["reviewer"] == "李四"

    r = httpx.post(svc.url + "/v1/items/1/approval", headers=who["approver"], json={"approver": "赵六"},
                   timeout=60)
    assert r.status_code == 422 and "approver" in r.json()["error"]["message"]
    r = httpx.post(svc.url + "/v1/items/1/approval", headers=who["approver"], timeout=60)
    assert r.status_code == 200 and r.json()["approved_by"] == "王五"

    r = httpx.post(svc.url + "/v1/articles", headers=who["submitter"],
                   json={"title": "通知", "body": "正文", "submitter": "王五"}, timeout=60)
    assert (r.status_code, r.json()["error"]["code"]) == (422, "invalid-request")


def test_a_token_whose_name_is_the_submitters_in_another_spelling_cannot_review(tmp_path, serve):
    db = str(tmp_path / "review.db")
    store = open_store(db)
    headers = {}
    for role, name in (("submitter", "张三"), ("reviewer", "\u3000张三\u200b")):
        _, secret = store.create_token(name, role, created_by="test")
        headers[role] = {"Authorization": f"Bearer {secret}"}
    svc = serve(db)
    r = httpx.post(svc.url + "/v1/items", headers=headers["submitter"], files={"file": ("n.txt", CLEAN)},
                   timeout=60)
    assert r.status_code == 201
    r = httpx.post(svc.url + "/v1/items/1/decisions", headers=headers["reviewer"],
                   json={"decision": "approve", "opinion": "不涉密"}, timeout=60)
    assert (r.status_code, r.json()["error"]["code"]) == (409, "same-person")
