"""scanner.client against a real ``preclear serve``, and against real HTTP
servers on 127.0.0.1 that misbehave (5xx, not JSON, the old shape, too slow):
the gate fails closed in every case."""
from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from scanner.client import Attachment, Page, PreclearClient, PreclearError

from .conftest import free_port

PAGE = Page(path="/news/2026/notice-12/", title="关于开展档案整理工作的通知", text="各单位：请于月底前报送材料。",
            html="<p>各单位：请于月底前报送材料。</p>", links=("/files/annex-1/",))
ANNEX = [Attachment("附件1.txt", "档案整理工作安排\n".encode())]


@pytest.fixture
def setup(tmp_path, serve, tokens):
    db = str(tmp_path / "review.db")
    who = tokens(db)
    service = serve(db)
    secret = who["submitter"]["Authorization"].removeprefix("Bearer ")
    with PreclearClient(service.url, secret) as client:
        yield service, who, client


def approve(service, who, ref) -> None:
    for path, headers, body in ((f"/v1/items/{ref}/decisions", who["reviewer"],
                                 {"decision": "approve", "opinion": "经审查，不涉及国家秘密"}),
                                (f"/v1/items/{ref}/approval", who["approver"], None)):
        assert httpx.post(service.url + path, headers=headers, json=body).status_code == 200


def test_submit_then_gate_page_with_and_without_attachments(setup):
    service, who, client = setup
    for attachments in (ANNEX, []):
        page = Page(**{**PAGE.__dict__, "path": PAGE.path + str(len(attachments))})
        items = client.submit_page(page, attachments)
        assert [i["kind"] for i in items] == ["article", *["attachment"] * len(attachments)]
        refused = client.gate_page(page, attachments)
        assert refused.allow is False and refused.status_code == 409
        assert refused.reasons[0]["code"] == "not-approved" and "尚未批准发布" in refused.message_zh
        for item in items:
            approve(service, who, item["id"])
        allowed = client.gate_page(page, attachments)
        assert (allowed.allow, allowed.status_code, allowed.reasons) == (True, 200, [])
        assert client.gate_sha256(items[0]["sha256"]).allow is True
        assert client.status(items[0]["sha256"])["status"] == "approved"
    edited = client.gate_page(Page(**{**PAGE.__dict__, "path": PAGE.path + "0", "text": PAGE.text + "。"}))
    assert edited.allow is False and edited.reasons[0]["code"] == "not-submitted"


def test_file_gate_and_blocked_file(setup):
    _, _, client = setup
    marked = "机密★5年\n关于某项工作的通知\n".encode()
    client.submit_file(marked, "通知.txt")
    result = client.gate_file(marked, "通知.txt")
    assert result.allow is False and result.reasons[0]["code"] == "blocked"
    assert result.reasons[0]["message_zh"].startswith("文件“通知.txt”的正文中有“机密★5年”")


def test_health_lists_lexicons(setup):
    _, _, client = setup
    assert {lex["name"] for lex in client.health()["lexicons"]} >= {"draft", "work-secret"}


def test_wrong_token_fails_closed_and_submit_raises(setup):
    service, _, _ = setup
    with PreclearClient(service.url, "pcl_not-a-token") as client:
        result = client.gate_page(PAGE)
        assert result.allow is False and result.status_code == 401
        assert result.reasons[0]["code"] == "gate-unavailable" and "unauthorized" in result.message_en
        with pytest.raises(PreclearError) as err:
            client.submit_page(PAGE)
        assert (err.value.code, err.value.status_code) == ("unauthorized", 401)


def test_server_down_fails_closed():
    with PreclearClient(f"http://127.0.0.1:{free_port()}", "pcl_x", timeout=2) as client:
        result = client.gate_page(PAGE, ANNEX)
        assert result.allow is False and result.status_code is None
        assert "ConnectError" in result.message_en and "暂不发布" in result.message_zh
        with pytest.raises(PreclearError) as err:
            client.submit_page(PAGE)
        assert err.value.code == "unavailable"


class _Misbehaving(http.server.BaseHTTPRequestHandler):
    """Answers every request with the server's configured status, body and delay."""

    def do_POST(self) -> None:  # http.server's naming
        self.rfile.read(int(self.headers.get("content-length", 0)))
        status, body, delay = self.server.answer  # type: ignore[attr-defined]
        time.sleep(delay)
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (the timeout case)

    do_GET = do_POST

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def misbehaving() -> Iterator[http.server.ThreadingHTTPServer]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Misbehaving)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("status, body, delay, says", [
    (500, b'{"error": {"code": "internal", "message": "x"}}', 0, "HTTP 500 internal"),
    (503, b'{"error": {"code": "store-unavailable", "message": "x"}}', 0, "HTTP 503 store-unavailable"),
    (200, b"<html>ok</html>", 0, "not JSON"),
    (200, b'{"allow": true}', 0, "not a version-2"),                    # the old one-item shape
    (200, b'{"version": 2, "allow": true, "summary": {}, "items": []}', 0, "not a version-2"),  # no items
    (409, b'{"version": 2, "allow": true, "summary": {}, "items": [{"allow": true}]}', 0, None),
    (200, b'{"version": 2, "allow": true, "summary": {}, "items": [{"allow": true}]}', 1.5, "timed out"),
])
def test_a_gate_answer_that_is_not_a_clear_yes_refuses(misbehaving, status, body, delay, says):
    misbehaving.answer = (status, body, delay)
    url = f"http://127.0.0.1:{misbehaving.server_address[1]}"
    with PreclearClient(url, "pcl_x", timeout=0.5) as client:
        result = client.gate_page(PAGE)
        assert result.allow is False
        if says:
            assert says in result.message_en and result.reasons[0]["code"] == "gate-unavailable"
    misbehaving.answer = (200, b'{"version": 2, "allow": true, "summary": {}, "items": [{"allow": true}]}', 0)
    with PreclearClient(url, "pcl_x", timeout=0.5) as client:
        assert client.gate_page(PAGE).allow is True          # the same server, a clear yes: allowed
