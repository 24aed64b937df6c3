"""Gate contract v2 against a real ``preclear serve`` (uvicorn on 127.0.0.1, a
SQLite file): one answer shape (checked with the JSON Schema in docs/), reasons
an editor can act on, the version-2 article binding, health and start-up log."""
from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import docx
import httpx
import jsonschema
import openpyxl
import pytest

from scanner.service.article import PageArticle, canonical_bytes_v2

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "schemas" / "gate-v2.json").read_text())
CLEAN = "档案整理工作安排\n".encode()
PAGE = {"path": "/news/2026/notice-12/", "title": "关于开展档案整理工作的通知",
        "text": "各单位：请于月底前报送材料。", "html": "<p>各单位：请于月底前报送材料。</p>",
        "links": ["/files/annex-1/"]}


def docx_with_header(header: str) -> bytes:
    d = docx.Document()
    d.add_paragraph("关于开展档案整理工作的通知")
    d.sections[0].header.paragraphs[0].text = header
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def xlsx_with_sheet(title: str, cell: str) -> bytes:
    wb = openpyxl.Workbook()
    wb.active.title = "汇总"
    wb.active["A1"] = "档案数量"
    wb.create_sheet(title)[("A1")] = cell
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def db(tmp_path) -> str:
    return str(tmp_path / "review.db")


@pytest.fixture
def setup(db, serve, tokens):
    who = tokens(db)
    return serve(db), who


def gate(service, headers, **kwargs) -> httpx.Response:
    r = httpx.post(service.url + "/v2/gate", headers=headers, timeout=60, **kwargs)
    jsonschema.validate(r.json(), SCHEMA)
    assert r.status_code == (200 if r.json()["allow"] else 409)
    return r


def approve(service, who, ref) -> None:
    for path, headers, body in ((f"/v1/items/{ref}/decisions", who["reviewer"],
                                 {"decision": "approve", "opinion": "经审查，不涉及国家秘密"}),
                                (f"/v1/items/{ref}/approval", who["approver"], None)):
        r = httpx.post(service.url + path, headers=headers, json=body)
        assert r.status_code == 200, r.text


def test_one_shape_for_page_with_and_without_attachments(setup):
    service, who = setup
    form = {"data": {"article": json.dumps(PAGE)}, "files": [("attachments", ("附件1.txt", CLEAN))]}
    r = httpx.post(service.url + "/v1/articles", headers=who["submitter"], **form)
    assert r.status_code == 201, r.text
    page_id, annex_id = (i["id"] for i in r.json()["items"])
    r = gate(service, who["submitter"], **form)
    assert [(i["kind"], i["status"], i["reasons"][0]["code"]) for i in r.json()["items"]] == [
        ("article", "submitted", "not-approved"), ("attachment", "submitted", "not-approved")]
    approve(service, who, page_id)
    approve(service, who, annex_id)
    r = gate(service, who["submitter"], **form)
    assert r.json()["allow"] is True and r.json()["summary"]["refused"] == 0
    assert [i["reasons"] for i in r.json()["items"]] == [[], []]
    # the same page without its attachment is another page: its digest names the attachments
    r = gate(service, who["submitter"], json=PAGE)
    assert r.json()["items"][0]["reasons"][0]["code"] == "not-submitted"
    # GET by sha256 gives the same shape
    sha = hashlib.sha256(CLEAN).hexdigest()
    r = httpx.get(f"{service.url}/v2/gate/{sha}", headers=who["submitter"])
    jsonschema.validate(r.json(), SCHEMA)
    assert (r.status_code, r.json()["items"][0]["id"]) == (200, annex_id)


def test_empty_file_list_is_accepted(setup):
    """httpx and requests send data= with files=[] as urlencoded: no 415."""
    service, who = setup
    r = httpx.post(service.url + "/v1/articles", headers=who["submitter"],
                   data={"article": json.dumps(PAGE)}, files=[])
    assert r.status_code == 201, r.text
    assert r.request.headers["content-type"] == "application/x-www-form-urlencoded"
    approve(service, who, r.json()["items"][0]["id"])
    r = gate(service, who["submitter"], data={"article": json.dumps(PAGE)}, files=[])
    assert r.json()["allow"] is True


def test_blocked_attachment_tells_the_editor_file_part_and_text(setup):
    service, who = setup
    marked = docx_with_header("机密★5年")
    sheet = xlsx_with_sheet("内部名单", "秘密★10年")
    files = [("attachments", ("附件2.docx", marked)), ("attachments", ("名单.xlsx", sheet))]
    form = {"data": {"article": json.dumps(PAGE)}, "files": files}
    r = httpx.post(service.url + "/v1/articles", headers=who["submitter"], **form)
    approve(service, who, r.json()["items"][0]["id"])
    r = gate(service, who["submitter"], **form)
    page, annex, workbook = r.json()["items"]
    assert page["allow"] is True
    [reason] = annex["reasons"]          # blocked: no redundant "not approved"
    assert (annex["verdict"], annex["status"]) == ("block", "submitted")
    assert {k: reason[k] for k in ("code", "item", "part", "rule", "level", "excerpt")} == {
        "code": "blocked", "item": "附件2.docx", "part": "header", "rule": "mark.state-secret",
        "level": "机密", "excerpt": "机密★5年"}
    assert reason["message_zh"].startswith("附件“附件2.docx”的页眉中有“机密★5年”")
    assert "删去密级标志" in reason["message_zh"]
    assert workbook["reasons"][0]["part"] == "sheet:内部名单"
    assert "工作表“内部名单”中有“秘密★10年”" in workbook["reasons"][0]["message_zh"]
    summary = r.json()["summary"]
    assert summary["first_reason"] == reason and summary["blocked"] == 2
    assert summary["message_zh"].startswith("不能发布：2/3项未通过。附件“附件2.docx”的页眉")


def test_mask_setting_masks_excerpts(db, serve, tokens):
    who = tokens(db)
    service = serve(db, "--mask")
    marked = docx_with_header("机密★5年")
    r = gate(service, who["submitter"], files={"file": ("附件2.docx", marked)})
    assert r.json()["items"][0]["reasons"][0]["code"] == "not-submitted"
    httpx.post(service.url + "/v1/items", headers=who["submitter"], files={"file": ("附件2.docx", marked)})
    reason = gate(service, who["submitter"], files={"file": ("附件2.docx", marked)}).json()["items"][0]["reasons"][0]
    assert reason["excerpt"] == "机密★**" and "5年" not in reason["message_zh"]
    assert "页眉中有“机密★**”" in reason["message_zh"]
    assert httpx.get(service.url + "/v1/health").json()["mask"] is True


def test_page_binds_path_links_html_and_attachments(setup):
    service, who = setup
    r = httpx.post(service.url + "/v1/articles", headers=who["submitter"], json=PAGE)
    assert r.status_code == 201, r.text
    [item] = r.json()["items"]
    assert item["sha256"] == hashlib.sha256(canonical_bytes_v2(PageArticle(
        path=PAGE["path"], title=PAGE["title"], text=PAGE["text"], html=PAGE["html"],
        links=tuple(PAGE["links"])))).hexdigest()
    approve(service, who, item["id"])
    assert gate(service, who["submitter"], json=PAGE).json()["allow"] is True
    for change in ({"path": "/news/2026/notice-13/"}, {"links": ["https://example.org/"]},
                   {"html": PAGE["html"] + "<!-- x -->"}, {"title": PAGE["title"] + "（修订）"}):
        r = gate(service, who["submitter"], json={**PAGE, **change})
        assert r.json()["items"][0]["reasons"][0]["code"] == "not-submitted", change
    # identical text on another page is another item, with its own review
    r = httpx.post(service.url + "/v1/articles", headers=who["submitter"],
                   json={**PAGE, "path": "/news/2026/notice-13/"})
    assert r.json()["items"][0]["id"] != item["id"]


def test_a_finding_is_placed_in_the_page_field(setup):
    service, who = setup
    page = {**PAGE, "html": "<p>各单位：请于月底前报送材料。</p><!-- 机密★5年 -->"}
    httpx.post(service.url + "/v1/articles", headers=who["submitter"], json=page)
    r = gate(service, who["submitter"], json=page)
    reason = r.json()["items"][0]["reasons"][0]
    assert (reason["code"], reason["part"], reason["excerpt"]) == ("blocked", "html", "机密★5年")
    assert reason["message_zh"].startswith("文章《关于开展档案整理工作的通知》（/news/2026/notice-12/）的网页源码中有")
    sha = r.json()["items"][0]["sha256"]
    r = httpx.get(f"{service.url}/v2/gate/{sha}", headers=who["submitter"])
    assert r.json()["items"][0]["reasons"][0]["part"] == "html"


def test_rejected_item_gives_the_opinion(setup):
    service, who = setup
    r = httpx.post(service.url + "/v1/items", headers=who["submitter"], files={"file": ("a.txt", CLEAN)})
    r = httpx.post(f"{service.url}/v1/items/{r.json()['id']}/decisions", headers=who["reviewer"],
                   json={"decision": "needs-changes", "opinion": "请删去第二段的人员名单"})
    r = gate(service, who["submitter"], files={"file": ("a.txt", CLEAN)})
    reason = r.json()["items"][0]["reasons"][0]
    assert reason["code"] == "needs-changes" and "请删去第二段的人员名单" in reason["message_zh"]


def test_v1_gate_keeps_its_shape_and_says_it_is_deprecated(setup):
    service, who = setup
    r = httpx.post(service.url + "/v1/gate", headers=who["submitter"], files={"file": ("a.txt", CLEAN)})
    assert r.status_code == 409 and set(r.json()) >= {"allow", "reasons", "sha256"}
    assert r.headers["deprecation"] == "true" and "/v2/gate" in r.headers["link"]


def test_invalid_page_is_refused_with_a_stable_code(setup):
    service, who = setup
    for bad in ({**PAGE, "path": ""}, {**PAGE, "links": ["a\nb"]}, {**PAGE, "extra": 1}):
        r = httpx.post(service.url + "/v2/gate", headers=who["submitter"], json=bad)
        assert (r.status_code, r.json()["error"]["code"]) == (422, "invalid-request"), bad


def test_health_and_start_up_log_list_the_lexicons(db, serve, tokens, tmp_path):
    tokens(db)
    lexicon = tmp_path / "unit.yaml"
    lexicon.write_text("name: unit-test\nversion: '7'\nentries:\n  - {term: 玄武-9工程, level: 秘密}\n",
                       encoding="utf-8")
    service = serve(db, "--no-default-lexicons", "--lexicon", str(lexicon))
    health = httpx.get(service.url + "/v1/health").json()
    assert health["lexicons"] == [{"name": "unit-test", "version": "7", "entries": 1, "file": "unit.yaml",
                                   "sha256": hashlib.sha256(lexicon.read_bytes()).hexdigest()}]
    assert health["default_lexicons"] is False and health["ruleset"]["hash"] == health["ruleset_hash"]
    log = service.log.read_text(encoding="utf-8")
    assert f"lexicon unit-test version 7: 1 entries, sha256 {health['lexicons'][0]['sha256']}" in log
    assert "玄武" not in log            # names and hashes only, never a term
    bare = serve(db, "--no-default-lexicons")
    assert httpx.get(bare.url + "/v1/health").json()["warnings"] == [
        "no lexicon is loaded: only marks and personal information are detected"]


def test_a_blocked_archive_member_is_named(setup):
    import zipfile

    service, who = setup
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("材料/说明.txt", "关于某项工作的说明\n")
        zf.writestr("材料/名单.docx", docx_with_header("绝密★长期"))
    data = out.getvalue()
    httpx.post(service.url + "/v1/items", headers=who["submitter"], files={"file": ("材料.zip", data)}, timeout=60)
    r = gate(service, who["submitter"], files={"file": ("上传.zip", data)})   # another name, the same bytes
    reason = r.json()["items"][0]["reasons"][0]
    assert (reason["code"], reason["part"], reason["level"]) == ("blocked", "header", "绝密")
    assert reason["message_zh"].startswith("文件“上传.zip”的内含文件“材料/名单.docx”的页眉中有“绝密★长期”")


def test_new_lexicon_after_approval_names_the_new_finding(db, serve, tokens, tmp_path):
    who = tokens(db)
    text = "关于玄武-9工程验收工作的通知\n请各单位做好准备。\n".encode()
    service = serve(db)
    r = httpx.post(service.url + "/v1/items", headers=who["submitter"], files={"file": ("通知.txt", text)})
    approve(service, who, r.json()["id"])
    assert gate(service, who["submitter"], files={"file": ("通知.txt", text)}).json()["allow"] is True
    service.stop()
    lexicon = tmp_path / "unit.yaml"
    lexicon.write_text("name: unit-test\nversion: '8'\nentries:\n  - {term: 玄武-9工程, level: 工作秘密}\n",
                       encoding="utf-8")
    service = serve(db, "--lexicon", str(lexicon))
    r = gate(service, who["submitter"], files={"file": ("通知.txt", text)})
    item = r.json()["items"][0]
    [reason] = item["reasons"]
    assert (item["status"], item["rescanned"], reason["code"]) == ("approved", True, "rescan-changed")
    assert (reason["part"], reason["excerpt"], reason["level"]) == ("body", "玄武-9工程", "工作秘密")
    assert "重新扫描发现了批准时没有的问题" in reason["message_zh"] and "“玄武-9工程”" in reason["message_zh"]


def test_a_finding_over_two_lines_is_told_on_one(setup, form_docx):
    """A Word form's 密级 | 机密 row is one finding over two lines (密级\\n机密,
    a cell a line): the sentences an editor reads said 中有“密级\\n机密”, its
    line break and all (found by a second reader); they say it as the reports
    show it, 密级 机密, and the excerpt is the marked text as it stands."""
    service, who = setup
    form = {"data": {"article": json.dumps(PAGE)}, "files": [("attachments", ("请示.docx", form_docx))]}
    r = httpx.post(service.url + "/v1/articles", headers=who["submitter"], **form)
    approve(service, who, r.json()["items"][0]["id"])
    [reason] = gate(service, who["submitter"], **form).json()["items"][1]["reasons"]
    assert (reason["rule"], reason["excerpt"]) == ("mark.form-field", "密级\n机密")
    assert reason["message_zh"].startswith("附件“请示.docx”的表格中有“密级 机密”")
    assert 'table: "密级 机密"' in reason["message_en"]
