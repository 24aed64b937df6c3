"""JSON errors with stable codes: ``{"error": {"code": ..., "message": ...}}``.

Codes: unauthorized (401), forbidden (403), not-found (404), too-large (413),
invalid-request (400/422), store-unavailable (503), internal (500), and the
workflow codes of scanner.review (409: blocked, same-person, not-reviewed,
already-approved, rescan-changed, ambiguous, no-content, ...).
"""
from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from ..review.errors import NotFound, StoreError, WorkflowError

log = logging.getLogger("preclear.service")

_HTTP_CODES = {400: "invalid-request", 401: "unauthorized", 403: "forbidden", 404: "not-found",
               405: "method-not-allowed", 413: "too-large", 422: "invalid-request"}


class ApiError(HTTPException):
    """An HTTP error with a stable code, raised by routes and dependencies."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(status_code=status, detail=message, headers=headers)
        self.code = code


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def install(app: FastAPI) -> None:
    @app.exception_handler(HTTPException)
    async def _http(_req: Request, exc: HTTPException) -> JSONResponse:
        code = getattr(exc, "code", None) or _HTTP_CODES.get(exc.status_code, "http-error")
        return JSONResponse(error_body(code, str(exc.detail)), exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_req: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return JSONResponse(error_body("invalid-request", f"{where}: {first.get('msg', 'invalid request')}"), 422)

    @app.exception_handler(WorkflowError)
    async def _workflow(_req: Request, exc: WorkflowError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.message), 404 if isinstance(exc, NotFound) else 409)

    @app.exception_handler(StoreError)
    async def _store(_req: Request, exc: StoreError) -> JSONResponse:
        log.error("review store failed: %s", exc)
        return JSONResponse(error_body("store-unavailable", "the review database is unavailable"), 503)
