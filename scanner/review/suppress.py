"""Suppressions: a reviewer's record that a finding is not a secret in its
context, with a reason and an expiry, scoped to

- ``item``: this finding (its fingerprint) in these exact bytes (sha256);
- ``path``: the same rule and matched text in items whose path matches a
  glob (``通知/*.docx``);
- ``unit``: the same rule and matched text anywhere in the unit.

A suppression never hides a finding and never changes a verdict: reports
and pages show the finding, marked with who suppressed it, why and until
when, and the reviewer still decides on the item.  Suppressions are ledger
rows in the hash chain, like decisions.
"""
from __future__ import annotations

import fnmatch
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from ..types import Finding, ItemResult
from . import schema
from .errors import Refused
from .store import ReviewStore

SCOPES = ("item", "path", "unit")


@dataclass(frozen=True)
class Suppression:
    suppression_id: int
    fingerprint: str
    rule: str
    text: str
    scope: str
    target: str
    reason: str
    expires: str
    author: str
    at: str

    def active(self, today: date) -> bool:
        return today.isoformat() <= self.expires

    def covers(self, item: str, sha256: str | None, finding: Finding) -> bool:
        if self.scope == "item":
            return sha256 == self.target and finding.fingerprint == self.fingerprint
        same = finding.rule == self.rule and finding.text == self.text
        if self.scope == "path":
            return same and fnmatch.fnmatchcase(item, self.target)
        return same

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def record(store: ReviewStore, result: ItemResult, finding: Finding, scope: str, reason: str, expires: str,
           author: str, via: str, pattern: str = "") -> Suppression:
    """Append a suppression of ``finding`` (found in ``result``)."""
    if scope not in SCOPES:
        raise Refused("bad-scope", f"scope must be one of {', '.join(SCOPES)}")
    if not reason.strip():
        raise Refused("no-reason", "a suppression needs a reason")
    try:
        until = date.fromisoformat(expires)
    except ValueError:
        raise Refused("bad-expiry", f"expiry must be a date (YYYY-MM-DD), not {expires!r}") from None
    if until < date.today():
        raise Refused("bad-expiry", f"expiry {expires} is in the past")
    if scope == "path" and not pattern.strip():
        raise Refused("no-pattern", "a path suppression needs a path pattern")
    if scope != "item" and finding.start is None:
        raise Refused("bad-scope", "only a finding with matched text can be suppressed beyond its item")
    target = {"item": result.sha256 or "", "path": pattern.strip(), "unit": ""}[scope]
    s = schema.suppressions
    with store.write() as conn:
        number = (conn.execute(select(func.max(s.c.suppression_id))).scalar() or 0) + 1
        row = store.append(conn, "suppressions", suppression_id=number, fingerprint=finding.fingerprint, rule=finding.rule,
                           text=finding.text, scope=scope, target=target, reason=reason.strip(),
                           expires=until.isoformat(), author=author, via=via)
    return _from_row(row)


def locate(store: ReviewStore, ref: str, fingerprint: str) -> tuple[ItemResult, Finding]:
    """The finding with ``fingerprint`` (or a unique prefix of 8+ characters)
    in the latest scan of item ``ref``."""
    item = store.find_item(ref)
    with store.read() as conn:
        scan = store.latest_scan(conn, item.sha256)
    results = [ItemResult.from_dict(d) for d in json.loads(scan.result_json)] if scan else []
    fingerprint = fingerprint.strip().lower()
    hits = [(r, f) for r in results for f in r.findings
            if f.fingerprint == fingerprint or (len(fingerprint) >= 8 and f.fingerprint.startswith(fingerprint))]
    if len(hits) != 1:
        raise Refused("no-finding" if not hits else "ambiguous",
                      f"item {item.item_id}: {'no' if not hits else 'more than one'} finding with fingerprint "
                      f"{fingerprint}")
    return hits[0]


def load(store: ReviewStore) -> list[Suppression]:
    """Every suppression, oldest first."""
    s = schema.suppressions
    with store.read() as conn:
        return [_from_row(dict(r)) for r in conn.execute(select(s).order_by(s.c.seq)).mappings()]


def _from_row(row: dict[str, Any]) -> Suppression:
    return Suppression(row["suppression_id"], row["fingerprint"], row["rule"], row["text"], row["scope"],
                       row["target"], row["reason"], row["expires"], row["author"], row["at"])


def finder(suppressions: list[Suppression], today: date | None = None
           ) -> Callable[[ItemResult, Finding], Suppression | None]:
    """``(result, finding) -> the newest active suppression covering it``."""
    day = today or date.today()
    active = [s for s in reversed(suppressions) if s.active(day)]

    def find(result: ItemResult, finding: Finding) -> Suppression | None:
        return next((s for s in active if s.covers(result.item, result.sha256, finding)), None)
    return find
