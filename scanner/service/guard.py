"""Slow and greedy clients: deadlines for reading a request and a cap on
connections per client address, at the HTTP protocol level.

uvicorn closes idle keep-alive connections but waits for ever on a request
whose headers or body stop half-way, so a few hundred half-sent requests
(with or without a token: the token is only read once the headers are
complete) hold the server.  ``GuardedH11`` is uvicorn's h11 protocol with

- a header deadline: the request line and headers must be complete within
  ``header_timeout`` seconds of the connection (or of the previous response);
- a body deadline: once the headers are in, the body must be complete within
  ``body_timeout`` seconds;
- a cap of ``max_per_client`` open connections per client address (per
  worker process): the connections beyond it are closed at once.

A request past a deadline gets ``408`` and its connection is closed; the
route waiting for the body sees the client gone.
"""
from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from typing import ClassVar

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

_BODY_408 = b'{"error": {"code": "timeout", "message": "the request was not sent in time"}}'
_TIMEOUT_408 = (b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\nconnection: close\r\n"
                b"content-length: " + str(len(_BODY_408)).encode() + b"\r\n\r\n" + _BODY_408)


@dataclass(frozen=True)
class ReadLimits:
    header_timeout: float = 10.0
    body_timeout: float = 60.0
    max_per_client: int = 64   # 0: no cap (behind a proxy that limits clients itself)


class GuardedH11(H11Protocol):
    """uvicorn's h11 protocol with read deadlines and a per-client cap."""

    limits = ReadLimits()
    _open: ClassVar[Counter[str]] = Counter()  # open connections per client address, in this process

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._deadline: asyncio.TimerHandle | None = None
        self._host: str | None = self.client[0] if self.client else ""
        cap = self.limits.max_per_client
        if cap and self._open[self._host] >= cap:
            self._host = None  # not counted
            transport.abort()
            return
        self._open[self._host or ""] += 1
        self._arm(self.limits.header_timeout)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        host = getattr(self, "_host", None)
        if host is not None:
            self._open[host] -= 1
            if self._open[host] <= 0:
                del self._open[host]
            self._host = None
        super().connection_lost(exc)

    def handle_events(self) -> None:
        waiting_headers = self.conn.their_state is h11.IDLE
        super().handle_events()
        state = self.conn.their_state
        if waiting_headers and state is h11.SEND_BODY:
            self._arm(self.limits.body_timeout)          # headers in: now the body's deadline
        elif state is h11.DONE or (waiting_headers and state is not h11.IDLE):
            self._disarm()                               # the whole request is in

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._arm(self.limits.header_timeout)        # the next request's headers

    def _arm(self, seconds: float) -> None:
        self._disarm()
        if seconds > 0:
            self._deadline = self.loop.call_later(seconds, self._too_slow)

    def _disarm(self) -> None:
        if getattr(self, "_deadline", None) is not None:
            self._deadline.cancel()  # type: ignore[union-attr]
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        if self.cycle is None or not self.cycle.response_started:
            self.transport.write(_TIMEOUT_408)
        if self.cycle is not None:  # the route waiting for the body sees the client gone
            self.cycle.disconnected = True
            self.cycle.message_event.set()
        self.transport.close()


def configure(limits: ReadLimits) -> None:
    """Set the limits for every connection of this process."""
    GuardedH11.limits = limits
