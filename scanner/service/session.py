"""Browser sessions for the reviewer's pages: a bearer token is exchanged once
for a random session id in an HttpOnly, SameSite=Strict cookie, and every
form carries the session's CSRF token.

Sessions live in the review database (``sessions``, schema v4), so every
worker of ``preclear serve --workers N`` honours a session another worker
started, and a restart signs no one out.  Only the sha256 of the session id
is stored, so reading the database does not give a cookie, and each row is
sealed with the review key, so writing to it does not make one either.  The acting
person and role come from the token, checked on every request: a revoked
token's sessions end (store.py deletes them, and a session of a revoked
token is refused anyway), and the token itself is never stored in the browser.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from sqlalchemy import delete, insert, select

from ..review import schema
from ..review.chain import row_problem
from ..review.store import ReviewStore, Token

COOKIE = "preclear_session"
LOGIN_COOKIE = "preclear_login"        # double-submit CSRF token of the sign-in form
LIFETIME_S = 8 * 3600
SESSION = "preclear-session-v1"        # the MAC purpose of a session row


@dataclass(frozen=True)
class Session:
    sid: str
    csrf: str
    token: Token
    expires: float     # Unix time


class Sessions:
    """The sessions of one store, shared by every process that opens it."""

    def __init__(self, store: ReviewStore, lifetime_s: float = LIFETIME_S) -> None:
        self.store, self.lifetime_s = store, lifetime_s

    def start(self, token: Token) -> Session:
        """A new session for a token just checked; expired sessions are dropped."""
        now = time.time()
        session = Session(secrets.token_urlsafe(32), secrets.token_urlsafe(32), token, now + self.lifetime_s)
        s = schema.sessions
        with self.store.write() as conn:
            conn.execute(delete(s).where(s.c.expires <= now))
            conn.execute(insert(s).values(sid_hash=_hash(session.sid), csrf=session.csrf,
                                          token_id=token.token_id, expires=session.expires,
                                          mac=self.store.key.mac(SESSION, _message(session))))
        return session

    def get(self, sid: str | None) -> Session | None:
        """The live session with this id, its token still valid; else None."""
        if not sid:
            return None
        s, t = schema.sessions, schema.tokens
        with self.store.read() as conn:
            found = conn.execute(select(s).where(s.c.sid_hash == _hash(sid), s.c.expires > time.time())).first()
            token = conn.execute(select(t).where(t.c.token_id == found.token_id)).mappings().first() if found else None
        if found is None or token is None:
            return None
        session = Session(sid, found.csrf, Token(token["token_id"], token["name"], token["role"]), found.expires)
        key = self.store.key
        if (key.check(SESSION, _message(session), found.mac) or row_problem("tokens", token, key)
                or self.store.revoked(session.token.token_id)):
            return None
        return session

    def end(self, sid: str | None) -> None:
        s = schema.sessions
        with self.store.write() as conn:
            conn.execute(delete(s).where(s.c.sid_hash == _hash(sid or "")))


def _message(session: Session) -> str:
    return f"{_hash(session.sid)}:{session.csrf}:{session.token.token_id}:{session.expires!r}"


def _hash(sid: str) -> str:
    return hashlib.sha256(sid.encode("utf-8")).hexdigest()


def same_token(expected: str, given: object) -> bool:
    """Constant-time comparison of a CSRF token from a form."""
    return isinstance(given, str) and bool(given) and hmac.compare_digest(expected.encode(), given.encode())
