"""Bearer tokens per role.  Tokens are created with ``preclear token create``
and stored only as sha256; every write records ``token:<id>`` and the token's
name as the person acting."""
from __future__ import annotations

from collections.abc import Callable

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..review.store import ReviewStore, Token, hash_secret
from ..review.workflow import Actor
from .errors import ApiError

ANY = frozenset({"submitter", "reviewer", "approver", "admin"})
SUBMIT = frozenset({"submitter", "admin"})
REVIEW = frozenset({"reviewer", "admin"})
APPROVE = frozenset({"approver", "admin"})

_bearer = HTTPBearer(auto_error=False, description="a token from `preclear token create`")


class TokenCheck:
    """Looks tokens up in the store; known tokens are cached (tokens are
    append-only), and each call asks the store whether it was revoked since."""

    def __init__(self, store: ReviewStore) -> None:
        self.store = store
        self._known: dict[str, Token] = {}

    def token(self, creds: HTTPAuthorizationCredentials | None) -> Token:
        if creds is None or creds.scheme.lower() != "bearer" or not creds.credentials.strip():
            raise ApiError(401, "unauthorized", "send Authorization: Bearer <token>",
                           headers={"WWW-Authenticate": "Bearer"})
        secret = creds.credentials.strip()
        key = hash_secret(secret)
        token = self._known.get(key)
        if token is not None and self.store.revoked(token.token_id):  # revoked since, maybe by another worker
            del self._known[key]
            token = None
        elif token is None:
            token = self.store.token_for(secret)
        if token is None:
            raise ApiError(401, "unauthorized", "unknown token", headers={"WWW-Authenticate": "Bearer"})
        self._known[key] = token
        return token

    def require(self, roles: frozenset[str]) -> Callable[..., Actor]:
        """A FastAPI dependency giving the acting person, or 401/403."""
        def dependency(creds: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> Actor:
            token = self.token(creds)
            if token.role not in roles:
                raise ApiError(403, "forbidden",
                               f"role {token.role} may not do this (needs {' or '.join(sorted(roles))})")
            return Actor(name=token.name, via=f"token:{token.token_id}")
        return dependency
