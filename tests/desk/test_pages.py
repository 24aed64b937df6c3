"""The reviewer's desk in Chromium: the whole workflow through the pages
(upload, review with the mark highlighted in the header, decision, approval,
the gate), roles enforced as on the API, CSRF, and no request leaving
127.0.0.1."""
from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess

import docx
import httpx
import pytest

from .conftest import PRECLEAR


def notice(header: str, body: str) -> bytes:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = header
    document.add_paragraph("关于召开年度工作会议的通知")
    document.add_paragraph(body)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


class Person:
    """One signed-in browser context whose every request is recorded; any
    request not to the service is aborted and fails the test."""

    def __init__(self, browser, desk, role: str, viewport=None) -> None:
        self.desk, self.requests, self.outside = desk, [], []
        self.context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900},
                                           accept_downloads=True)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.goto(desk.url + "/queue")          # signed out: to the sign-in page
        assert self.page.url.startswith(desk.url + "/login")
        self.page.fill("#token", desk.tokens[role])
        self.page.click("button[type=submit]")
        self.page.wait_for_url(desk.url + "/queue")

    def _route(self, route) -> None:
        url = route.request.url
        self.requests.append(url)
        if url.startswith(self.desk.url + "/"):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def close(self) -> None:
        assert self.requests and not self.outside, self.outside
        self.context.close()


def test_the_whole_workflow_through_the_pages(desk, browser, tmp_path):
    marked = notice("机密★5年", "会议定于十二月召开。")
    (tmp_path / "通知.docx").write_bytes(marked)

    # the submitter uploads
    submitter = Person(browser, desk, "submitter")
    page = submitter.page
    page.click("text=报审")
    page.fill("#title", "年度工作会议通知")
    page.set_input_files("#file", str(tmp_path / "通知.docx"))
    page.click("button:has-text('提交审查')")
    page.wait_for_url(re.compile(r".*/items/1$"))
    assert page.locator("#sha256").inner_text() == hashlib.sha256(marked).hexdigest()
    assert page.locator("#decide").count() == 0 and page.locator("#approve").count() == 0
    submitter.close()

    # the reviewer opens it from the queue and sees the mark highlighted in the header
    reviewer = Person(browser, desk, "reviewer")
    page = reviewer.page
    row = page.locator("tr[data-id='1']")
    assert "待审查" in row.inner_text() and "禁止公开" in row.inner_text() and "张三" in row.inner_text()
    row.locator("a").click()
    page.wait_for_url(re.compile(r".*/items/1$"))
    header = page.locator("h3.part", has_text="页眉")
    assert header.is_visible() and "1 处" in header.inner_text()
    mark = page.locator("pre.text mark", has_text="机密★5年")
    assert mark.is_visible() and mark.get_attribute("class") == "sev-block"
    assert "国家秘密标志" in page.locator("#findings").inner_text()
    assert "《国家秘密定密管理暂行规定》第二十四条" in page.locator("#findings").inner_text()
    assert page.locator("input[name=decision][value=approve]").is_disabled()
    with page.expect_download() as download:
        page.click("text=下载原件")
    assert download.value.path().read_bytes() == marked
    page.check("input[name=decision][value=needs-changes]")
    page.fill("#opinion", "页眉有密级标志，删除后重新报审")
    page.click("button:has-text('提交审查决定')")
    page.wait_for_url(re.compile(r".*/items/1\?receipt=\d+#receipt$"))
    assert "退回修改" in page.locator(".tags").inner_text()
    assert "页眉有密级标志，删除后重新报审" in page.locator("#history").inner_text()
    # the receipt of the decision: its record number and hash, the chain head, as the history shows them
    seq = page.locator("#receipt-seq").inner_text()
    record_hash = page.locator("#receipt-hash").inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", record_hash)
    assert page.locator("#receipt-head").inner_text() == f"序号 {seq} · {record_hash}"
    assert record_hash in page.locator(f"#record-{seq}").inner_text()
    assert page.locator("#chain-seq").inner_text() == seq
    assert page.locator("#chain-head").inner_text() == record_hash
    with page.expect_download() as download:
        page.click("text=下载回执（JSON）")
    saved = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert (saved["record"]["seq"], saved["record"]["hash"]) == (int(seq), record_hash)
    # the receipt is what `preclear audit verify --against` takes
    (tmp_path / "receipt.json").write_text(json.dumps(saved), encoding="utf-8")
    verify = subprocess.run([PRECLEAR, "audit", "verify", "--db", desk.db, "--against", str(tmp_path / "receipt.json")],
                            cwd=tmp_path, capture_output=True, text=True, check=False)
    assert verify.returncode == 0 and f"head seq {seq} hash {record_hash}" in verify.stdout

    # the changed file is a new item; the reviewer agrees to publish it, and cannot approve it
    clean = notice("", "会议定于十二月召开。")
    sha = hashlib.sha256(clean).hexdigest()
    (tmp_path / "v2").mkdir()
    (tmp_path / "v2" / "通知.docx").write_bytes(clean)
    submitter = Person(browser, desk, "submitter")
    submitter.page.goto(desk.url + "/submit")
    submitter.page.set_input_files("#file", str(tmp_path / "v2" / "通知.docx"))
    submitter.page.click("button:has-text('提交审查')")
    submitter.page.wait_for_url(re.compile(r".*/items/2$"))
    submitter.close()
    page.goto(desk.url + "/items/2")
    # the earlier version of the same file, and what changed between the two scans
    assert "该版有、本版没有：国家秘密标志（页眉）：机密★5年" in page.locator("#versions").inner_text()
    page.check("input[name=decision][value=approve]")
    page.fill("#opinion", "已删除密级标志，同意公开")
    page.click("button:has-text('提交审查决定')")
    page.wait_for_url(re.compile(r".*/items/2\?receipt=\d+#receipt$"))
    assert page.locator("#approve").count() == 0      # no approval form for a reviewer
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    forged = reviewer.context.request.post(desk.url + "/items/2/approval", form={"csrf": csrf, "sha256": sha})
    assert forged.status == 403 and "您的角色无权进行此操作" in forged.text()
    reviewer.close()

    # the approver approves the exact bytes shown; a form without the CSRF token is refused
    approver = Person(browser, desk, "approver")
    page = approver.page
    page.goto(desk.url + "/items/2")
    assert "已删除密级标志，同意公开" in page.locator("#approve").inner_text()
    forged = approver.context.request.post(desk.url + "/items/2/approval", form={"sha256": sha})
    assert forged.status == 403 and "表单已失效" in forged.text()
    page.fill("#approval-opinion", "同意在门户网站公开")
    page.click("button:has-text('批准公开')")
    page.wait_for_url(re.compile(r".*/items/2\?receipt=\d+#receipt$"))
    assert "已批准公开" in page.locator(".tags").inner_text()
    assert "回执：已记录审批" in page.locator("#receipt").inner_text()
    approval = page.locator(f"#record-{page.locator('#receipt-seq').inner_text()}").inner_text()
    assert "审批意见：同意在门户网站公开" in approval and page.locator("#receipt-hash").inner_text() in approval
    assert "已批准，可以公开" in page.locator("#gate").inner_text()
    approver.close()

    # the gate allows the approved bytes and refuses the marked ones
    auth = {"Authorization": f"Bearer {desk.tokens['admin']}"}
    assert httpx.get(f"{desk.url}/v1/gate/{sha}", headers=auth).json()["allow"] is True
    assert httpx.get(f"{desk.url}/v1/gate/{hashlib.sha256(marked).hexdigest()}", headers=auth).status_code == 409


def test_refusals_in_words_and_bindings(desk, browser, tmp_path):
    (tmp_path / "a.txt").write_text("内部资料 注意保存\n关于会议的通知", encoding="utf-8")
    submitter = Person(browser, desk, "submitter")
    submitter.page.goto(desk.url + "/submit")
    submitter.page.set_input_files("#file", str(tmp_path / "a.txt"))
    submitter.page.click("button:has-text('提交审查')")
    submitter.page.wait_for_url(re.compile(r".*/items/1$"))
    csrf = submitter.page.locator("input[name=csrf]").first.get_attribute("value")
    # a submitter may not decide, exactly as on the API
    answer = submitter.context.request.post(desk.url + "/items/1/decision",
                                            form={"csrf": csrf, "sha256": "x", "decision": "approve", "opinion": "x"})
    assert answer.status == 403
    submitter.close()

    reviewer = Person(browser, desk, "admin")
    page = reviewer.page
    page.goto(desk.url + "/items/1")
    # the form is bound to the sha256 on the page: other bytes are refused in words
    page.evaluate("document.querySelector('#decide input[name=sha256]').value = 'f'.repeat(64)")
    page.check("input[name=decision][value=approve]")
    page.fill("#opinion", "同意")
    page.click("button:has-text('提交审查决定')")
    assert "SHA-256 不符" in page.locator(".error").inner_text()
    # approving one's own review is refused in words (separation of duties)
    page.goto(desk.url + "/items/1")
    page.check("input[name=decision][value=approve]")
    page.fill("#opinion", "同意公开")
    page.click("button:has-text('提交审查决定')")
    page.click("button:has-text('批准公开')")
    assert "同一人不能既审查又审批同一事项" in page.locator("#refusal").inner_text()
    # the queue filters by status and searches
    page.goto(desk.url + "/queue?status=reviewed&q=a.txt")
    assert page.locator("tr[data-id='1']").is_visible()
    page.goto(desk.url + "/queue?status=approved")
    assert page.locator("tr[data-id='1']").count() == 0
    # on a phone nothing overflows sideways
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/queue", "/items/1"):
        page.goto(desk.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    page.set_viewport_size({"width": 1280, "height": 900})
    # /docs is the OpenAPI UI, served from this server only
    page.goto(desk.url + "/docs")
    page.get_by_text("/v1/gate/{sha256}", exact=True).first.wait_for()
    assert page.locator(".swagger-ui").is_visible()
    reviewer.close()


@pytest.mark.parametrize("path", ["/queue", "/items/1", "/submit"])
def test_pages_send_a_strict_csp_and_need_a_session(desk, path):
    r = httpx.get(desk.url + path, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    login = httpx.get(desk.url + "/login")
    csp = login.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp and "frame-ancestors 'none'" in csp
    cookie = login.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie


def test_sign_in_sets_a_strict_session_cookie(desk):
    with httpx.Client(base_url=desk.url) as client:
        form = client.get("/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
        bad = client.post("/login", data={"csrf": csrf, "token": "wrong", "next": "/queue"})
        assert bad.status_code == 401 and "令牌无效" in bad.text
        csrf = re.search(r'name="csrf" value="([^"]+)"', bad.text).group(1)
        good = client.post("/login", data={"csrf": csrf, "token": desk.tokens["reviewer"], "next": "/queue"})
        assert good.status_code == 303
        cookie = good.headers["set-cookie"]
        assert cookie.startswith("preclear_session=") and "HttpOnly" in cookie and "SameSite=strict" in cookie
        assert desk.tokens["reviewer"] not in cookie
        assert client.get("/queue").status_code == 200


def _signed_in(desk, role: str) -> httpx.Client:
    client = httpx.Client(base_url=desk.url)
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    assert client.post("/login", data={"csrf": csrf, "token": desk.tokens[role]}).status_code == 303
    return client


def test_admin_creates_a_token_that_signs_in(desk):
    reviewer = _signed_in(desk, "reviewer")
    assert reviewer.get("/tokens").status_code == 403
    reviewer.close()
    admin = _signed_in(desk, "admin")
    page = admin.get("/tokens")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    assert admin.post("/tokens", data={"name": "周审查", "role": "reviewer"}).status_code == 403
    made = admin.post("/tokens", data={"csrf": csrf, "name": "周审查", "role": "reviewer"})
    secret = re.search(r'<code id="secret">([^<]+)</code>', made.text).group(1)
    assert made.status_code == 200 and "周审查" in made.text
    assert admin.get("/tokens").text.count(secret) == 0      # shown once, never listed
    admin.close()
    desk.tokens["new"] = secret
    new = _signed_in(desk, "new")
    assert "周审查（保密审查员）" in new.get("/queue").text
    new.close()


def test_admin_revokes_a_token_and_its_live_session_ends(desk, browser):
    reviewer = Person(browser, desk, "reviewer")            # signed in before the revocation
    assert reviewer.page.locator(".who").inner_text().startswith("李四")
    admin = Person(browser, desk, "admin")
    page = admin.page
    page.click("text=令牌")
    row = page.locator("tr", has_text="李四")
    assert "有效" in row.inner_text() and desk.tokens["reviewer"] not in page.content()
    token_id = row.get_attribute("data-token")
    # a revocation needs the admin role and the form's CSRF token, as every form
    forged = admin.context.request.post(f"{desk.url}/tokens/{token_id}/revoke", form={})
    assert forged.status == 403 and "表单已失效" in forged.text()
    csrf = reviewer.page.locator("input[name=csrf]").first.get_attribute("value")
    refused = reviewer.context.request.post(f"{desk.url}/tokens/{token_id}/revoke", form={"csrf": csrf})
    assert refused.status == 403
    row.locator("button:has-text('撤销')").click()
    page.wait_for_url(re.compile(r".*/tokens\?revoked=" + token_id))
    assert "已撤销令牌 " + token_id in page.locator("#revoked").inner_text()
    row = page.locator(f"tr[data-token='{token_id}']")
    assert "已撤销" in row.inner_text() and row.locator("button").count() == 0
    page.set_viewport_size({"width": 390, "height": 844})      # on a phone nothing overflows sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    admin.close()
    # the live session has ended: the next page asks to sign in, and the token no longer signs in
    reviewer.page.goto(desk.url + "/queue")
    assert reviewer.page.url.startswith(desk.url + "/login")
    reviewer.page.fill("#token", desk.tokens["reviewer"])
    reviewer.page.click("button[type=submit]")
    assert "令牌无效" in reviewer.page.locator(".error").inner_text()
    reviewer.close()
    # nor does it call the API; the other tokens still do
    api = httpx.get(desk.url + "/v1/health")
    assert api.status_code == 200
    assert httpx.get(desk.url + "/v1/items/1", headers={"Authorization": f"Bearer {desk.tokens['reviewer']}"}
                     ).status_code == 401
    assert httpx.get(desk.url + "/v1/gate/" + "0" * 64, headers={"Authorization": f"Bearer {desk.tokens['approver']}"}
                     ).status_code == 409
    # the revocation is a record in the chain
    verify = subprocess.run([PRECLEAR, "audit", "verify", "--db", desk.db], capture_output=True, text=True,
                            check=False)
    assert verify.returncode == 0 and verify.stdout.startswith("ok: 5 records")


def test_dropped_hits_on_request(desk, browser, tmp_path):
    (tmp_path / "规定.txt").write_text("关于文件管理的规定\n绝密级文件应当由专人保管，不得擅自复制。\n", encoding="utf-8")
    submitter = Person(browser, desk, "submitter")
    submitter.page.goto(desk.url + "/submit")
    submitter.page.set_input_files("#file", str(tmp_path / "规定.txt"))
    submitter.page.click("button:has-text('提交审查')")
    submitter.page.wait_for_url(re.compile(r".*/items/1$"))
    page = submitter.page
    assert page.locator("#dropped table").count() == 0       # not shown until asked for
    page.click("#show-dropped")
    page.wait_for_url(re.compile(r".*/items/1\?dropped=1#dropped$"))
    dropped = page.locator("#dropped table").inner_text()
    assert "绝密级" in dropped and "正文中提及密级名称“绝密级”，不是标志" in dropped and "正文" in dropped
    assert "绝密级 names a level in running text" in dropped   # the scanner's own words beside them
    assert page.locator("pre.text mark").count() == 0         # a mention is not a finding
    submitter.close()


def test_the_chain_panel_checks_the_configured_checkpoint(tmp_path):
    """[review] checkpoint names the file `preclear audit checkpoint` writes;
    the item page compares it with the chain, and shows the newest records
    cut off in red."""
    import sqlite3

    from scanner.engine import Engine
    from scanner.review import Actor, Workflow, open_store

    from .conftest import PEOPLE, serve

    db = str(tmp_path / "review.db")
    store = open_store(db)
    secret = store.create_token(PEOPLE["reviewer"], "reviewer", created_by="test")[1]
    workflow = Workflow(store, Engine())
    workflow.submit("关于会议的通知".encode(), "a.txt", "通知", Actor("张三"))
    store.close()
    (tmp_path / "preclear.toml").write_text('[review]\ncheckpoint = "head.json"\n', encoding="utf-8")
    made = subprocess.run([PRECLEAR, "audit", "checkpoint", "--db", db, "head.json"], cwd=tmp_path,
                          capture_output=True, text=True, check=False)
    assert made.returncode == 0, made.stderr
    proc, url = serve(["--db", db, "--config", "preclear.toml"], tmp_path)
    try:
        desk = type("D", (), {"url": url, "tokens": {"reviewer": secret}})()
        client = _signed_in(desk, "reviewer")
        page = client.get("/items/1").text
        assert "与现有记录一致" in page and '<section class="card" id="chain">' in page
        with sqlite3.connect(db) as conn:                    # the newest record cut off
            conn.execute("DELETE FROM scans")
        page = client.get("/items/1").text
        assert '<section class="card error" id="chain">' in page
        assert "记录链校验失败" in page and "此前已校验的记录后来被删除或修改" in page
        assert "之后的记录被删除（检查点看到过更长的链）" in page
        client.close()
    finally:
        proc.terminate()
        proc.wait(20)


def test_the_api_takes_the_approval_opinion_and_returns_hashes(desk):
    def auth(role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {desk.tokens[role]}"}

    made = httpx.post(desk.url + "/v1/items", files={"file": ("a.txt", "关于会议的通知".encode())},
                      headers=auth("submitter"))
    assert made.status_code == 201
    assert httpx.post(desk.url + "/v1/items/1/decisions", json={"decision": "approve", "opinion": "不涉密"},
                      headers=auth("reviewer")).status_code == 200
    named = httpx.post(desk.url + "/v1/items/1/approval", json={"opinion": "同意", "approver": "别人"},
                       headers=auth("approver"))
    assert named.status_code == 422
    approved = httpx.post(desk.url + "/v1/items/1/approval", json={"opinion": "同意在门户网站公开"},
                          headers=auth("approver")).json()
    assert approved["approval_opinion"] == "同意在门户网站公开" and approved["status"] == "approved"
    events = httpx.get(desk.url + "/v1/items/1/history", headers=auth("reviewer")).json()["events"]
    last = events[-1]
    assert last["kind"] == "approval" and last["opinion"] == "同意在门户网站公开"
    assert (last["seq"], last["hash"]) == (approved["receipt"]["record"]["seq"], approved["receipt"]["record"]["hash"])
