"""The HTTP API of the review gate (``preclear serve``).

The store and the scan Engine are built once, when the app is created.
Route functions are plain ``def`` so FastAPI runs the blocking work (scans,
database writes) in its thread pool; the store's write lock orders
concurrent writes from every worker and process.
"""
from __future__ import annotations

import hashlib
from typing import Any

from fastapi import Depends, FastAPI, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from ..engine import Engine
from ..review import Workflow, open_store
from ..review.workflow import Actor, GateAnswer, Submitted
from ..run.isolated import IsolatedScanner
from ..types import Verdict
from . import errors
from .auth import ANY, APPROVE, REVIEW, SUBMIT, TokenCheck
from .content import Content, known_form_fields, read_content
from .gate_v2 import gate_item, gate_response
from .headers import SecurityHeaders
from .health import health as service_health, log_start_up
from .limits import BodyLimit
from .pages import install_pages
from .settings import ServiceSettings

_MULTI_BODY = {"requestBody": {"content": {
    "application/json": {"schema": {"type": "object", "required": ["title", "body"], "properties": {
        "title": {"type": "string"}, "body": {"type": "string"}, "path": {"type": "string"}}}},
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        "file": {"type": "string", "format": "binary"},
        "article": {"type": "string", "description": 'JSON {"title", "body", "path"?}'},
        "attachments": {"type": "array", "items": {"type": "string", "format": "binary"}}}}},
}}}


class DecisionIn(BaseModel):
    """Who decides is the token's person: a body naming anyone (``reviewer``,
    ``by``) is refused with the other unknown keys (422)."""

    model_config = ConfigDict(extra="forbid")
    decision: str = Field(pattern="^(approve|reject|needs-changes)$")
    opinion: str = Field(min_length=1)


class ApprovalIn(BaseModel):
    """An approval's only field is the leader's written opinion (optional):
    the approver is the token's person, and a body naming anyone
    (``approver``) is refused (422)."""

    model_config = ConfigDict(extra="forbid")
    opinion: str = ""


def _submitted(s: Submitted, workflow: Workflow, kind: str = "file") -> dict[str, Any]:
    return {"kind": kind, "created": s.created, **workflow.status(s.item.sha256).to_dict()}


def _gate_response(answers: list[GateAnswer]) -> JSONResponse:
    allow = all(a.allow for a in answers)
    body: dict[str, Any] = answers[0].to_dict() if len(answers) == 1 else {
        "allow": allow, "items": [a.to_dict() for a in answers]}
    if not allow:
        first = next(r for a in answers for r in a.reasons)
        body["error"] = errors.error_body("gate-refused", first)["error"]
    return JSONResponse(body, 200 if allow else 409)


def _deprecated(response: JSONResponse) -> JSONResponse:
    """/v1/gate answers in the old shape for one more release (RFC 8594 headers)."""
    response.headers["Deprecation"] = "true"
    response.headers["Link"] = '</v2/gate>; rel="successor-version"'
    return response


def _v2(items: list[dict[str, Any]], workflow: Workflow) -> JSONResponse:
    body = gate_response(items, workflow.engine.ruleset_hash)
    return JSONResponse(body, 200 if body["allow"] else 409)


def create_app(settings: ServiceSettings) -> FastAPI:
    """Build the service: opens (and migrates) the store, builds the Engine."""
    store = open_store(settings.database, settings.config.key_file)
    config = settings.config.replace(explain=True)  # the dropped hits are kept, for the item page
    workflow = Workflow(store, Engine(config), separate_duties=settings.separate_duties)
    # scans run in a worker process: item_timeout and the memory cap hold, and a bomb costs only that worker
    workflow.isolated = IsolatedScanner(config, workflow.engine)
    auth = TokenCheck(store)
    app = FastAPI(title="preclear review gate", version="1",
                  description="Review first, then disclose: submit, review, approve, and the gate a CMS "
                              "calls before it publishes. Errors: {\"error\": {\"code\", \"message\"}}.",
                  docs_url=None, redoc_url=None)
    errors.install(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    app.state.workflow = workflow
    app.state.desk = install_pages(app, workflow)

    log_start_up(workflow.engine, store.where)

    @app.get("/v1/health", tags=["service"], summary="The lexicons and ruleset in effect")
    def health() -> dict[str, Any]:
        return service_health(workflow.engine, settings.mask)

    @app.post("/v1/scan", tags=["scan"], summary="Scan a file without storing anything (CMS preview)")
    def scan(file: UploadFile = File(...), _: Actor = Depends(auth.require(ANY)),
             _fields: None = Depends(known_form_fields("file"))) -> dict[str, Any]:
        results = workflow.preview(file.file.read(), file.filename or "upload")
        return {"verdict": Verdict.worst([r.verdict for r in results]).value,
                "results": [r.to_dict() for r in results]}

    @app.post("/v1/items", tags=["workflow"], status_code=201, summary="Submit a file for review")
    def submit(file: UploadFile = File(...), path: str = Form(""), title: str = Form(""),
               actor: Actor = Depends(auth.require(SUBMIT)),
               _fields: None = Depends(known_form_fields("file", "path", "title"))) -> JSONResponse:
        name = path or file.filename or "upload"
        s = workflow.submit(file.file.read(), name, title or name, actor)
        return JSONResponse(_submitted(s, workflow), 201 if s.created else 200)

    @app.post("/v1/articles", tags=["workflow"], status_code=201, openapi_extra=_MULTI_BODY,
              summary="Submit an article (title + body, canonical UTF-8) and its attachments")
    async def submit_article(request: Request, actor: Actor = Depends(auth.require(SUBMIT))) -> JSONResponse:
        contents = await read_content(request)

        def work() -> list[dict[str, Any]]:
            return [_submitted(workflow.submit(c.data, c.name, c.title, actor), workflow, c.kind)
                    for c in contents]
        items = await run_in_threadpool(work)
        created = any(i["created"] for i in items)
        return JSONResponse({"items": items}, 201 if created else 200)

    @app.post("/v1/items/{ref}/decisions", tags=["workflow"], summary="Record a reviewer's decision")
    def decide(ref: str, body: DecisionIn, actor: Actor = Depends(auth.require(REVIEW))) -> dict[str, Any]:
        return workflow.decide(ref, body.decision, body.opinion, actor).to_dict()

    @app.post("/v1/items/{ref}/approval", tags=["workflow"], summary="Approve for publication")
    def approve(ref: str, body: ApprovalIn | None = None,
                actor: Actor = Depends(auth.require(APPROVE))) -> dict[str, Any]:
        return workflow.approve(ref, actor, body.opinion if body else "").to_dict()

    @app.get("/v1/items/{ref}", tags=["workflow"], summary="Status of an item (number or sha256)")
    def status(ref: str, _: Actor = Depends(auth.require(ANY))) -> dict[str, Any]:
        return workflow.status(ref).to_dict()

    @app.get("/v1/items/{ref}/history", tags=["workflow"], summary="Every record about an item, oldest first")
    def history(ref: str, _: Actor = Depends(auth.require(ANY))) -> dict[str, Any]:
        item = store.find_item(ref)
        with store.read() as conn:
            events = store.events(conn, item.sha256)
        return {"sha256": item.sha256, "events": [
            {"seq": e.seq, "hash": e.hash, "kind": e.kind, "at": e.at, **e.fields} for e in events]}

    @app.get("/v1/gate/{sha256}", tags=["gate"], summary="Deprecated: use /v2/gate/{sha256}", deprecated=True,
             responses={409: {"description": "refused, with the reasons"}})
    def gate(sha256: str, actor: Actor = Depends(auth.require(ANY))) -> JSONResponse:
        return _deprecated(_gate_response([workflow.gate(sha256, actor=actor)]))

    @app.post("/v1/gate", tags=["gate"], openapi_extra=_MULTI_BODY, deprecated=True,
              summary="Deprecated: use /v2/gate",
              responses={409: {"description": "refused, with the reasons"}})
    async def gate_content(request: Request, actor: Actor = Depends(auth.require(ANY))) -> JSONResponse:
        contents = await read_content(request)

        def work() -> list[GateAnswer]:
            return [workflow.gate(_sha(c), c.data, actor) for c in contents]
        return _deprecated(_gate_response(await run_in_threadpool(work)))

    @app.get("/v2/gate/{sha256}", tags=["gate"], summary="May these exact bytes be published now?",
             responses={409: {"description": "refused: the same shape, allow false"}})
    def gate_v2(sha256: str, actor: Actor = Depends(auth.require(ANY))) -> JSONResponse:
        return _v2([gate_item(workflow, sha256, None, actor, settings.mask)], workflow)

    @app.post("/v2/gate", tags=["gate"], openapi_extra=_MULTI_BODY,
              summary="The gate for content in hand: a file, or an article and its attachments",
              responses={409: {"description": "refused: the same shape, allow false"}})
    async def gate_content_v2(request: Request, actor: Actor = Depends(auth.require(ANY))) -> JSONResponse:
        contents = await read_content(request)

        def work() -> list[dict[str, Any]]:
            return [gate_item(workflow, _sha(c), c, actor, settings.mask) for c in contents]
        return _v2(await run_in_threadpool(work), workflow)

    return app


def _sha(content: Content) -> str:
    return hashlib.sha256(content.data).hexdigest()
