"""A Python client for ``preclear serve``: submit when saved, gate before publishing.

The gate fails closed: a server that is down, slow, answers 5xx, answers
something that is not a version-2 gate answer, or answers about other items
than were asked, gives ``allow=False`` with a reason saying so; only a 200
with ``"allow": true`` for every item asked lets a page go live.  Requests
without attachments are sent as JSON and requests with attachments as
multipart, so no HTTP library ever sends an empty form as urlencoded.
Imports nothing of the scanner: a CMS installs ``httpx`` and this file.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Self

import httpx

DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=3.0)


@dataclass(frozen=True)
class Page:
    """A page as it will go live (article contract version 2, docs/cms.md)."""

    path: str                       # the page's URL path: two pages with the same text are two items
    title: str
    text: str                       # the rendered body as plain text
    html: str = ""                  # the rendered body as HTML
    links: tuple[str, ...] = ()     # every link target in the body, in order

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "title": self.title, "text": self.text, "html": self.html,
                "links": list(self.links)}


@dataclass(frozen=True)
class Attachment:
    name: str
    data: bytes


@dataclass(frozen=True)
class GateResult:
    """The gate's answer, or the refusal the client made up when there was none."""

    allow: bool
    items: tuple[dict[str, Any], ...] = ()
    summary: dict[str, Any] = field(default_factory=dict)
    status_code: int | None = None

    @property
    def reasons(self) -> list[dict[str, Any]]:
        """Every reason, the one that matters first."""
        first = self.summary.get("first_reason")
        rest = [r for item in self.items for r in item.get("reasons", ()) if r != first]
        return [first, *rest] if first else rest

    @property
    def message_zh(self) -> str:
        return str(self.summary.get("message_zh", ""))

    @property
    def message_en(self) -> str:
        return str(self.summary.get("message_en", ""))


class PreclearError(Exception):
    """A submit, status or health call that did not succeed (code and message from the service)."""

    def __init__(self, code: str, message: str, status_code: int | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.status_code = code, message, status_code


def unavailable(why_zh: str, why_en: str, status_code: int | None = None) -> GateResult:
    """A refusal for when the gate gave no usable answer (fail closed)."""
    reason = {"code": "gate-unavailable", "item": "", "part": None, "rule": None, "level": None, "excerpt": None,
              "message_zh": f"保密审查服务没有给出可用的答复（{why_zh}），为安全起见暂不发布：请稍后重试或联系管理员。",
              "message_en": f"the review gate gave no usable answer ({why_en}); not publishing: retry later "
                            "or call the administrator."}
    return GateResult(False, (), {"first_reason": reason, "message_zh": reason["message_zh"],
                                  "message_en": reason["message_en"]}, status_code)


class PreclearClient:
    def __init__(self, base_url: str, token: str, timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.http = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout, transport=transport,
                                 headers={"Authorization": f"Bearer {token}"})

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- submit (when an editor saves) ----------------------------------
    def submit_page(self, page: Page, attachments: Sequence[Attachment] = ()) -> list[dict[str, Any]]:
        """Submit the page and its attachments; one status per item, the page first."""
        return list(self._call("POST", "/v1/articles", **_page_body(page, attachments))["items"])

    def submit_file(self, data: bytes, name: str, title: str = "") -> dict[str, Any]:
        return dict(self._call("POST", "/v1/items", files={"file": (name, data)}, data={"title": title or name}))

    def status(self, ref: str) -> dict[str, Any]:
        """An item's status by number or sha256."""
        return dict(self._call("GET", f"/v1/items/{ref}"))

    def health(self) -> dict[str, Any]:
        return dict(self._call("GET", "/v1/health"))

    # -- the gate (right before publishing): never raises ---------------
    def gate_page(self, page: Page, attachments: Sequence[Attachment] = ()) -> GateResult:
        return self._gate("POST", "/v2/gate", 1 + len(attachments), **_page_body(page, attachments))

    def gate_file(self, data: bytes, name: str) -> GateResult:
        return self._gate("POST", "/v2/gate", 1, files={"file": (name, data)})

    def gate_sha256(self, sha256: str) -> GateResult:
        return self._gate("GET", f"/v2/gate/{sha256}", 1)

    def _gate(self, method: str, url: str, expected: int, **kwargs: Any) -> GateResult:
        try:
            r = self.http.request(method, url, **kwargs)
        except httpx.TimeoutException:
            return unavailable("超时", "timed out")
        except httpx.HTTPError as exc:
            return unavailable(f"无法连接：{type(exc).__name__}", f"cannot connect: {type(exc).__name__}")
        if r.status_code not in (200, 409):
            return unavailable(f"HTTP {r.status_code} {_error_code(r)}", f"HTTP {r.status_code} {_error_code(r)}",
                               r.status_code)
        try:
            body = r.json()
        except ValueError:
            return unavailable("答复不是 JSON", "the answer is not JSON", r.status_code)
        if not isinstance(body, dict):
            return unavailable("答复格式不对", "the answer is not a version-2 gate answer", r.status_code)
        items = body.get("items")
        if (body.get("version") != 2 or not isinstance(body.get("allow"), bool) or not isinstance(items, list)
                or len(items) != expected or not all(isinstance(i, dict) for i in items)):
            return unavailable("答复格式不对", "the answer is not a version-2 gate answer", r.status_code)
        allow = body["allow"] is True and r.status_code == 200 and all(i.get("allow") is True for i in items)
        return GateResult(allow, tuple(items), body.get("summary") or {}, r.status_code)

    def _call(self, method: str, url: str, **kwargs: Any) -> Any:
        try:
            r = self.http.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            raise PreclearError("unavailable", f"{type(exc).__name__}: {exc}") from exc
        try:
            body = r.json()
        except ValueError:
            raise PreclearError("bad-answer", f"HTTP {r.status_code}, not JSON", r.status_code) from None
        if r.status_code >= 400:
            error = body.get("error", {}) if isinstance(body, dict) else {}
            raise PreclearError(str(error.get("code", "http-error")), str(error.get("message", r.text)), r.status_code)
        return body


def _page_body(page: Page, attachments: Sequence[Attachment]) -> dict[str, Any]:
    """JSON without attachments; multipart with them (never an empty form)."""
    if not attachments:
        return {"json": page.to_json()}
    return {"data": {"article": json.dumps(page.to_json(), ensure_ascii=False)},
            "files": [("attachments", (a.name, a.data)) for a in attachments]}


def _error_code(r: httpx.Response) -> str:
    try:
        return str(r.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return ""
