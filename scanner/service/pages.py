"""The reviewer's desk: server-rendered pages of ``preclear serve`` (Jinja2
templates shipped in the package, no build step, nothing fetched from the
network).  Sign in with a token, the queue, an item with every part's text
and its findings highlighted in place (and the dropped hits on request), the
decision and approval forms bound to the sha256 on the page with the receipt
of what was recorded, the item's history with each record's hash, the state
of the audit chain, tokens created and revoked, and ``/docs``.

Every page checks the session's role against the same role sets as the API
(auth.py), and every form's CSRF token against the session's.
"""
from __future__ import annotations

import functools
import json
import secrets
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import select
from starlette.datastructures import UploadFile

from ..report.view import VERDICT_LABELS, suppression_note
from ..review import Workflow, schema, suppress
from ..review.chain import ChainReport
from ..review.checkpoint import against, read_anchor, receipt
from ..review.errors import StoreError, WorkflowError
from ..review.ledger import ROLES, ItemRow, events_from
from ..review.store import hash_at
from ..review.workflow import Actor, Status
from ..types import ItemResult
from . import desk_view as dv
from .auth import ANY, APPROVE, REVIEW, SUBMIT
from .parts import PartText, item_parts
from .session import COOKIE, LOGIN_COOKIE, Session, Sessions, same_token

PAGE_CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'")
# Swagger UI sets inline styles on its elements and fetches /openapi.json
DOCS_CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
STATIC = Path(__file__).with_name("static")
# Swagger UI 5 (OpenAPI 3.1) as vendored by the fastapi-offline package
SWAGGER_UI = Path(fastapi_offline.__file__).with_name("static")
ADMIN = frozenset({"admin"})
SCOPE_LABELS = {"item": "仅本事项", "path": "路径匹配的事项", "unit": "全单位"}
_PARTS_CACHE = 8   # items whose extracted parts are kept (re-opening an item page)
_RECEIPT_TABLES = ("decisions", "approvals")
Handler = Callable[..., Awaitable[Response]]


class PageError(Exception):
    """A page request refused: shown as a page with the reason in words."""

    def __init__(self, status: int, code: str, detail: str = "") -> None:
        super().__init__(code)
        self.status, self.code, self.detail = status, code, detail


class Desk:
    """The pages over one workflow; sessions live in the store (session.py)."""

    def __init__(self, workflow: Workflow, sessions: Sessions | None = None) -> None:
        self.workflow, self.store = workflow, workflow.store
        self.sessions = sessions or Sessions(workflow.store)
        self.env = Environment(loader=PackageLoader("scanner.service", "templates"),
                               autoescape=select_autoescape(default=True), trim_blocks=True, lstrip_blocks=True)
        self.env.globals.update(STATUS=dv.STATUS_LABELS, VERDICT=VERDICT_LABELS, ROLE=dv.ROLE_LABELS,
                                DECISION=dv.DECISION_LABELS, local=dv.local)
        self._parts: OrderedDict[str, list[PartText]] = OrderedDict()
        self._parts_lock = threading.Lock()

    # -- responses -----------------------------------------------------
    def render(self, name: str, http_status: int = 200, session: Session | None = None,
               **context: Any) -> HTMLResponse:
        html = self.env.get_template(name).render(session=session, **context)
        return HTMLResponse(html, http_status, headers=_headers(PAGE_CSP))

    def refused(self, exc: PageError, session: Session | None) -> HTMLResponse:
        message = dv.REFUSALS.get(exc.code, exc.detail or exc.code)
        return self.render("error.html", exc.status, session, message=message, code=exc.code, detail=exc.detail)

    # -- who is asking -------------------------------------------------
    async def session(self, request: Request) -> Session | None:
        """The request's session, looked up in the store off the event loop."""
        return await run_in_threadpool(self.sessions.get, request.cookies.get(COOKIE))

    async def require(self, request: Request, roles: frozenset[str], form: Any = None) -> Session:
        """The session, its CSRF token checked when a form is given, and its
        role checked against ``roles`` (the API's role set for the action)."""
        session = await self.session(request)
        if session is None:
            raise PageError(401, "signed-out", "请先登录。")
        if form is not None and not same_token(session.csrf, form.get("csrf")):
            raise PageError(403, "csrf")
        if session.token.role not in roles:
            raise PageError(403, "forbidden")
        return session

    # -- data ----------------------------------------------------------
    def parts(self, sha256: str, path: str) -> list[PartText]:
        with self._parts_lock:
            if sha256 in self._parts:
                self._parts.move_to_end(sha256)
                return self._parts[sha256]
        data = self.store.blob(sha256) or b""
        parts = item_parts(data, path, self.workflow.engine.config)
        with self._parts_lock:
            self._parts[sha256] = parts
            while len(self._parts) > _PARTS_CACHE:
                self._parts.popitem(last=False)
        return parts

    def tokens(self) -> list[dict[str, Any]]:
        """Every token ever created, revoked ones marked (never the secret)."""
        return self.store.token_list()

    def queue_rows(self) -> list[dict[str, Any]]:
        now = datetime.now(UTC)
        rows = []
        for number in reversed(self.store.item_numbers()):
            s = self.workflow.status(str(number)).to_dict()
            s["age"] = dv.age(s["submitted_at"], now)
            rows.append(s)
        return rows

    def versions(self, item: ItemRow, results: list[ItemResult]) -> list[dict[str, Any]]:
        """Other items with the same path (earlier or later versions of the
        file), each with what its scan found that this one does not, and the reverse."""
        it = schema.items
        with self.store.read() as conn:
            others = [ItemRow(*row) for row in conn.execute(
                select(it.c.item_id, it.c.sha256, it.c.path, it.c.title, it.c.size, it.c.at)
                .where(it.c.path == item.path, it.c.item_id != item.item_id).order_by(it.c.item_id))]
            scans = {o.sha256: self.store.latest_scan(conn, o.sha256) for o in others}
        here = dv.finding_keys(results)
        out = []
        for other in others:
            scan = scans[other.sha256]
            there = dv.finding_keys([ItemResult.from_dict(d) for d in json.loads(scan.result_json)] if scan else [])
            out.append({"item": other, "verdict": scan.verdict if scan else None,
                        "added": [here[k] for k in here.keys() - there.keys()],
                        "removed": [there[k] for k in there.keys() - here.keys()]})
        return out

    def item_context(self, ref: str, receipt_seq: int | None = None, show_dropped: bool = False) -> dict[str, Any]:
        """What the item page shows; ``receipt_seq`` names a decision or
        approval of this item just recorded, whose receipt is shown."""
        status = self.workflow.status(ref)
        item = status.item
        results = [ItemResult.from_dict(d) for d in json.loads(status.scan.result_json)] if status.scan else []
        marks = dv.marks_of(results)
        with self.store.read() as conn:
            rows = self.store.item_rows(conn, item.sha256)
            chain = self.chain_state(conn, item.sha256, rows)
        events = events_from(rows)
        shown = _receipted(rows, receipt_seq)
        find = suppress.finder(suppress.load(self.store))
        by_item = {r.item: r for r in results}
        notes = {}
        for m in marks:
            s = find(by_item[m.item], m.finding)
            if s is not None:
                notes[m.anchor] = suppression_note({"id": s.suppression_id, "reason": s.reason, "by": s.author,
                                                    "expires": s.expires})
        allow, gate_reasons = dv.gate_words(status.record.status, status.scan.verdict if status.scan else None,
                                            status.stale)
        return {
            "item": item, "status": status.to_dict(), "results": results, "main": results[0] if results else None,
            "marks": marks, "unplaced": [m for m in marks if m.finding.start is None],
            "parts": dv.part_views(self.parts(item.sha256, item.path), marks),
            "score_lines": dv.score_lines(results[0]) if results else [],
            "events": events, "event_labels": dv.EVENT_LABELS, "field_labels": dv.FIELD_LABELS,
            "allow": allow, "gate_reasons": gate_reasons, "suppressed": notes,
            "today": date.today().isoformat(), "scopes": SCOPE_LABELS, "versions": self.versions(item, results),
            "chain": chain, "receipt": receipt(self.store.key, *shown) if shown else None,
            "dropped": dv.dropped_hits(results), "show_dropped": show_dropped,
            "approval_labels": dv.APPROVAL_FIELD_LABELS,
        }

    def recorded(self, ref: str, seq: int) -> tuple[ItemRow, tuple[str, dict[str, Any]] | None]:
        """The item and its decision or approval numbered ``seq``, if it has one."""
        item = self.store.find_item(ref)
        with self.store.read() as conn:
            return item, _receipted(self.store.item_rows(conn, item.sha256), seq)

    def checkpoint_state(self, conn: Any, head_seq: int, head_hash: str) -> dict[str, Any] | None:
        """The configured checkpoint ([review] checkpoint) compared with the
        verified chain (checkpoint.py), or None when none is configured."""
        path = self.workflow.engine.config.checkpoint
        if not path:
            return None
        try:
            anchor = read_anchor(path)
        except StoreError as exc:
            return {"at": None, "seq": None, "problems": [str(exc)]}
        report = ChainReport(0, head_seq, head_hash, ())
        problems = against(anchor, report, hash_at(conn, anchor.seq), self.store.key)
        return {"at": anchor.at, "seq": anchor.seq, "problems": [dv.chain_reason(p) for p in problems]}

    def chain_state(self, conn: Any, sha256: str, rows: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
        """The audit chain as the gate sees it (trust.py): verified up to which
        record, or the first bad record; and whether this item's records verify."""
        watch, key, reads = self.store.watch, self.store.key, self.store.reads(conn)
        problem = watch.catch_up(reads, key)
        again = watch.catch_up(reads, key) if problem else None   # after a problem: a fresh walk from record 1
        item_problems = [] if problem else watch.check_item(reads, key, sha256, rows)
        head_seq, head_hash = watch.head
        checkpoint = self.checkpoint_state(conn, head_seq, head_hash) if again is None else None
        return {"ok": problem is None and not item_problems and not (checkpoint and checkpoint["problems"]),
                "seq": head_seq, "hash": head_hash, "checkpoint": checkpoint,
                "configured": bool(self.workflow.engine.config.checkpoint),
                "problem": problem and {"seq": problem.seq, "table": dv.TABLE_LABELS.get(problem.table, problem.table),
                                        "reason": dv.chain_reason(problem.reason), "original": problem.reason},
                "item_problems": item_problems}


def _receipted(rows: list[tuple[str, dict[str, Any]]], seq: int | None) -> tuple[str, dict[str, Any]] | None:
    """The decision or approval row numbered ``seq`` among an item's rows."""
    return next(((t, r) for t, r in rows if int(r["seq"]) == seq and t in _RECEIPT_TABLES), None)


def _headers(csp: str) -> dict[str, str]:
    return {"Content-Security-Policy": csp, "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


def _to_login(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/login?next={quote(request.url.path)}", 303)


def install_pages(app: FastAPI, workflow: Workflow) -> Desk:
    """Add the pages, their static files and ``/docs`` to the service."""
    desk = Desk(workflow)
    app.mount("/static/desk", StaticFiles(directory=STATIC), name="desk-static")
    app.mount("/static/swagger", StaticFiles(directory=SWAGGER_UI), name="swagger")
    store = workflow.store

    def page(handler: Handler) -> Handler:
        """Run a page handler; a refusal becomes a page in words; a signed-out GET goes to sign-in."""
        @functools.wraps(handler)
        async def run(request: Request, **kw: Any) -> Response:
            try:
                return await handler(request, **kw)
            except PageError as exc:
                if exc.code == "signed-out" and request.method == "GET":
                    return _to_login(request)
                return desk.refused(exc, await desk.session(request))
            except WorkflowError as exc:
                status = 404 if exc.code == "not-found" else 409
                return desk.refused(PageError(status, exc.code, exc.message), await desk.session(request))
        return run

    @app.get("/", include_in_schema=False)
    async def home() -> Response:
        return RedirectResponse("/queue", 303)

    @app.get("/login", include_in_schema=False)
    async def login_form(request: Request, next: str = "/queue") -> Response:
        csrf = secrets.token_urlsafe(32)
        response = desk.render("login.html", csrf=csrf, next=_local(next), error="")
        response.set_cookie(LOGIN_COOKIE, csrf, httponly=True, samesite="strict", path="/login",
                            secure=request.url.scheme == "https")
        return response

    @app.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        form = await request.form()
        expected = request.cookies.get(LOGIN_COOKIE, "")
        csrf, target = secrets.token_urlsafe(32), _local(str(form.get("next") or "/queue"))
        if not expected or not same_token(expected, form.get("csrf")):
            return desk.refused(PageError(403, "csrf"), None)
        secret = str(form.get("token") or "").strip()
        token = store.token_for(secret) if secret else None
        if token is None:
            response = desk.render("login.html", 401, csrf=csrf, next=target, error="令牌无效，请核对后重新输入。")
            response.set_cookie(LOGIN_COOKIE, csrf, httponly=True, samesite="strict", path="/login",
                                secure=request.url.scheme == "https")
            return response
        session = await run_in_threadpool(desk.sessions.start, token)
        redirect = RedirectResponse(target, 303)
        redirect.set_cookie(COOKIE, session.sid, httponly=True, samesite="strict", path="/",
                            secure=request.url.scheme == "https", max_age=int(desk.sessions.lifetime_s))
        redirect.delete_cookie(LOGIN_COOKIE, path="/login")
        return redirect

    @app.post("/logout", include_in_schema=False)
    @page
    async def logout(request: Request) -> Response:
        form = await request.form()
        session = await desk.require(request, ANY, form)
        await run_in_threadpool(desk.sessions.end, session.sid)
        response = RedirectResponse("/login", 303)
        response.delete_cookie(COOKIE, path="/")
        return response

    @app.get("/queue", include_in_schema=False)
    @page
    async def queue(request: Request, status: str = "", verdict: str = "", q: str = "") -> Response:
        session = await desk.require(request, ANY)
        rows = await run_in_threadpool(desk.queue_rows)
        counts: dict[str, int] = {}
        for r in rows:
            key = "stale" if r["stale"] else r["status"]
            counts[key] = counts.get(key, 0) + 1
        needle = q.strip().lower()
        shown = [r for r in rows
                 if (not status or (status == "stale" and r["stale"]) or r["status"] == status)
                 and (not verdict or r["verdict"] == verdict)
                 and (not needle or any(needle in str(r[k] or "").lower()
                                        for k in ("title", "path", "submitter", "sha256")))]
        return desk.render("queue.html", session=session, rows=shown, total=len(rows), counts=counts,
                           status=status, verdict=verdict, q=q)

    @app.get("/items/{ref}", include_in_schema=False)
    @page
    async def item_page(request: Request, ref: str, receipt: int | None = None, dropped: bool = False) -> Response:
        session = await desk.require(request, ANY)
        context = await run_in_threadpool(desk.item_context, ref, receipt, dropped)
        return desk.render("item.html", session=session, error="", **context)

    @app.get("/items/{ref}/receipts/{seq}", include_in_schema=False)
    @page
    async def receipt_file(request: Request, ref: str, seq: int) -> Response:
        """The receipt of one decision or approval, as a file for `preclear audit verify --against`."""
        await desk.require(request, ANY)
        item, shown = await run_in_threadpool(desk.recorded, ref, seq)
        if shown is None:
            raise PageError(404, "not-found")
        body = json.dumps({**receipt(store.key, *shown), "sha256": item.sha256}, ensure_ascii=False, indent=1)
        return Response(body + "\n", media_type="application/json", headers={
            "Content-Disposition": f"attachment; filename=receipt-{item.item_id}-{seq}.json", **_headers(PAGE_CSP)})

    @app.get("/items/{ref}/original", include_in_schema=False)
    @page
    async def original(request: Request, ref: str) -> Response:
        await desk.require(request, ANY)
        item = store.find_item(ref)
        data = store.blob(item.sha256)
        if data is None:
            raise PageError(404, "no-content")
        name = item.path.rsplit("/", 1)[-1] or "item"
        return Response(data, media_type="application/octet-stream", headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
            **_headers(PAGE_CSP)})

    async def act(request: Request, ref: str, roles: frozenset[str],
                  step: Callable[[str, Any, Actor], object]) -> Response:
        form = await request.form()
        session = await desk.require(request, roles, form)
        item = store.find_item(ref)
        if str(form.get("sha256") or "") != item.sha256:
            raise PageError(409, "sha-mismatch")
        actor = Actor(name=session.token.name, via=f"token:{session.token.token_id}")
        try:
            done = await run_in_threadpool(step, item.sha256, form, actor)
        except WorkflowError as exc:
            message = dv.REFUSALS.get(exc.code, exc.message)
            context = await run_in_threadpool(desk.item_context, item.sha256)
            return desk.render("item.html", 409, session=session, error=message, **context)
        if isinstance(done, Status) and done.receipt:  # a decision or approval: show its receipt
            return RedirectResponse(f"/items/{item.item_id}?receipt={done.receipt['record']['seq']}#receipt", 303)
        return RedirectResponse(f"/items/{item.item_id}", 303)

    @app.post("/items/{ref}/decision", include_in_schema=False)
    @page
    async def decide(request: Request, ref: str) -> Response:
        return await act(request, ref, REVIEW, lambda sha, form, actor: workflow.decide(
            sha, str(form.get("decision") or ""), str(form.get("opinion") or ""), actor))

    @app.post("/items/{ref}/suppressions", include_in_schema=False)
    @page
    async def suppress_finding(request: Request, ref: str) -> Response:
        def step(sha: str, form: Any, actor: Actor) -> None:
            result, finding = suppress.locate(store, sha, str(form.get("fingerprint") or ""))
            suppress.record(store, result, finding, str(form.get("scope") or "item"), str(form.get("reason") or ""),
                            str(form.get("expires") or ""), actor.name, actor.via, pattern=str(form.get("path") or ""))
        return await act(request, ref, REVIEW, step)

    @app.post("/items/{ref}/approval", include_in_schema=False)
    @page
    async def approve(request: Request, ref: str) -> Response:
        return await act(request, ref, APPROVE, lambda sha, form, actor: workflow.approve(
            sha, actor, str(form.get("opinion") or "")))

    @app.get("/submit", include_in_schema=False)
    @page
    async def submit_form(request: Request) -> Response:
        session = await desk.require(request, SUBMIT)
        return desk.render("submit.html", session=session, error="")

    @app.post("/submit", include_in_schema=False)
    @page
    async def submit(request: Request) -> Response:
        form = await request.form()
        session = await desk.require(request, SUBMIT, form)
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return desk.render("submit.html", 422, session=session, error="请选择要报审的文件。")
        data = await upload.read()
        name = upload.filename
        title = str(form.get("title") or "").strip() or name
        actor = Actor(name=session.token.name, via=f"token:{session.token.token_id}")
        submitted = await run_in_threadpool(workflow.submit, data, name, title, actor)
        return RedirectResponse(f"/items/{submitted.item.item_id}", 303)

    @app.get("/tokens", include_in_schema=False)
    @page
    async def tokens_page(request: Request, revoked: str = "") -> Response:
        session = await desk.require(request, ADMIN)
        return desk.render("tokens.html", session=session, tokens=await run_in_threadpool(desk.tokens),
                           roles=ROLES, created=None, error="", revoked=revoked)

    @app.post("/tokens", include_in_schema=False)
    @page
    async def create_token(request: Request) -> Response:
        form = await request.form()
        session = await desk.require(request, ADMIN, form)
        try:
            token, secret = await run_in_threadpool(
                store.create_token, str(form.get("name") or ""), str(form.get("role") or ""),
                f"token:{session.token.token_id}")
        except WorkflowError as exc:
            return desk.render("tokens.html", 422, session=session, tokens=desk.tokens(), roles=ROLES,
                               created=None, error=exc.message)
        return desk.render("tokens.html", session=session, tokens=await run_in_threadpool(desk.tokens),
                           roles=ROLES, created={"token": token, "secret": secret}, error="")

    @app.post("/tokens/{token_id}/revoke", include_in_schema=False)
    @page
    async def revoke_token(request: Request, token_id: str) -> Response:
        form = await request.form()
        session = await desk.require(request, ADMIN, form)
        try:
            await run_in_threadpool(store.revoke_token, token_id, f"token:{session.token.token_id}")
        except WorkflowError as exc:
            status = 404 if exc.code == "not-found" else 409
            return desk.render("tokens.html", status, session=session, tokens=await run_in_threadpool(desk.tokens),
                               roles=ROLES, created=None, error=dv.REFUSALS.get(exc.code, exc.message))
        if token_id == session.token.token_id:  # one's own token: this session has ended with it
            response = RedirectResponse("/login", 303)
            response.delete_cookie(COOKIE, path="/")
            return response
        return RedirectResponse(f"/tokens?revoked={quote(token_id)}", 303)

    @app.get("/docs", include_in_schema=False)
    async def docs() -> Response:
        html = desk.env.get_template("docs.html").render()
        return HTMLResponse(html, headers=_headers(DOCS_CSP))

    return desk


def _local(target: str) -> str:
    """Only a path on this server is a place to go after sign-in."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/queue"
