"""Browser sessions for the reviewer's pages: a bearer token is exchanged once
for a random session id in an HttpOnly, SameSite=Strict cookie, and every
form carries the session's CSRF token.

Sessions live in the server process's memory: a restart signs everyone out,
and the token itself is never stored in the browser.  The acting person and
role come from the token, so a page can do exactly what the API allows that
token to do.
"""
from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass

from ..review.store import Token

COOKIE = "preclear_session"
LOGIN_COOKIE = "preclear_login"        # double-submit CSRF token of the sign-in form
LIFETIME_S = 8 * 3600


@dataclass(frozen=True)
class Session:
    sid: str
    csrf: str
    token: Token
    expires: float


class Sessions:
    def __init__(self, lifetime_s: float = LIFETIME_S) -> None:
        self.lifetime_s = lifetime_s
        self._by_id: dict[str, Session] = {}
        self._lock = threading.Lock()

    def start(self, token: Token) -> Session:
        session = Session(secrets.token_urlsafe(32), secrets.token_urlsafe(32), token,
                          time.monotonic() + self.lifetime_s)
        with self._lock:
            now = time.monotonic()
            self._by_id = {k: s for k, s in self._by_id.items() if s.expires > now}
            self._by_id[session.sid] = session
        return session

    def get(self, sid: str | None) -> Session | None:
        if not sid:
            return None
        with self._lock:
            session = self._by_id.get(sid)
            if session is not None and session.expires <= time.monotonic():
                del self._by_id[sid]
                return None
        return session

    def end(self, sid: str | None) -> None:
        with self._lock:
            self._by_id.pop(sid or "", None)


def same_token(expected: str, given: object) -> bool:
    """Constant-time comparison of a CSRF token from a form."""
    return isinstance(given, str) and bool(given) and hmac.compare_digest(expected.encode(), given.encode())
