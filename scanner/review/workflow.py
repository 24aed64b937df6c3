"""The rules of "review first, then disclose, one item at a time".

submit -> scan -> decide (approve / reject / needs-changes, with an opinion)
-> approve for publication -> gate.  An item is its exact bytes (sha256):
an approval never carries over to edited content.  A scan made with another
lexicon/rules version (``ruleset_hash``) is stale and is redone before any
step that relies on it; if the new scan finds something the reviewer or
approver did not see, the earlier sign-off no longer counts.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..config import ScanConfig
from ..names import escape_name
from ..ruleset import current_ruleset_hash
from ..types import Item, ItemResult, ReviewRecord, Verdict
from .checkpoint import Anchor, read_anchor, receipt
from .errors import Refused
from .identity import display_name, identity
from .ledger import DECISIONS, Event, ItemRow, ScanRow, record_from_events
from .reader import LedgerReader

if TYPE_CHECKING:
    from .store import ReviewStore


@dataclass(frozen=True)
class Actor:
    """Who makes a write: a person's name and the channel (``cli`` or
    ``token:<id>``).  The name is kept in its readable form (identity.py);
    an empty one is refused."""

    name: str
    via: str = "cli"

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", display_name(self.name))
        if not self.name:
            raise Refused("no-name", "the person acting needs a name")

    @property
    def identity(self) -> str:
        return identity(self.name)


@dataclass(frozen=True)
class Submitted:
    item: ItemRow
    created: bool
    scan: ScanRow


@dataclass(frozen=True)
class Status:
    item: ItemRow
    record: ReviewRecord
    scan: ScanRow | None
    stale: bool
    receipt: dict[str, Any] | None = None  # of the decision or approval just recorded (checkpoint.py)

    def to_dict(self) -> dict[str, Any]:
        r = self.record
        return {
            "id": self.item.item_id, "sha256": self.item.sha256, "path": self.item.path,
            "title": self.item.title, "size": self.item.size, "status": r.status,
            "submitter": r.submitter, "submitted_at": r.submitted_at,
            "decisions": [{"decision": d, "opinion": o, "reviewer": who, "at": at}
                          for d, o, who, at in r.decisions],
            "approved_by": r.approved_by, "approved_at": r.approved_at, "approval_opinion": r.approval_opinion,
            "verdict": self.scan.verdict if self.scan else None,
            "ruleset_hash": self.scan.ruleset_hash if self.scan else None,
            "scanned_at": self.scan.at if self.scan else None,
            "stale": self.stale,
            **({"receipt": self.receipt} if self.receipt else {}),
        }


@dataclass(frozen=True)
class GateAnswer:
    sha256: str
    allow: bool
    reasons: tuple[str, ...] = ()
    item: ItemRow | None = None
    rescanned: bool = False
    verdict: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "allow": self.allow, "reasons": list(self.reasons),
                "id": self.item.item_id if self.item else None,
                "path": self.item.path if self.item else None,
                "verdict": self.verdict, "rescanned": self.rescanned}


class Workflow:
    """The workflow over one store and one scan Engine (built once per process).

    Give the ``engine``, or only the ``config`` to build it from: then the
    Engine is built on the first scan, and until then whether a stored scan
    is current is decided by ``current_ruleset_hash(config)``, the hash that
    Engine will have (scanner.ruleset).  A command that finds every scan it
    relies on current (``preclear gate``, ``status``) builds no Engine."""

    def __init__(self, store: ReviewStore, engine: Any = None, separate_duties: bool = True, *,
                 config: ScanConfig | None = None) -> None:
        if (engine is None) == (config is None):
            raise TypeError("Workflow needs an engine or a config, not both")
        self.store, self.separate_duties = store, separate_duties
        self._engine, self._config = engine, config
        self._ruleset_hash: str | None = None
        # one scan at a time per engine: the engine's matchers are not shared across threads
        self._scan_lock = threading.Lock()
        self.isolated: Any = None  # scanner.run.isolated.IsolatedScanner, set by the service

    @property
    def engine(self) -> Any:
        """The scan Engine (built now when only a config was given)."""
        if self._engine is None:
            from ..engine import Engine
            self._engine = Engine(self._config)
        return self._engine

    @property
    def ruleset_hash(self) -> str:
        """The ruleset hash of the Engine, without building it."""
        if self._engine is not None:
            return str(self._engine.ruleset_hash)
        if self._ruleset_hash is None:
            assert self._config is not None
            self._ruleset_hash = current_ruleset_hash(self._config)
        return self._ruleset_hash

    # -- scanning ------------------------------------------------------
    def preview(self, data: bytes, name: str) -> list[ItemResult]:
        """Scan without recording anything (CMS preview)."""
        return self._scan(data, escape_name(name))

    def _scan(self, data: bytes, shown: str) -> list[ItemResult]:
        """Scan under a name already in display form (scanner.names)."""
        from ..pipeline import scan_item
        item = Item(path=shown, data=data)
        if self.isolated is not None:  # the service: a worker process that item_timeout can kill
            scanned: list[ItemResult] = self.isolated.scan(item)
            return scanned
        with self._scan_lock:
            results: list[ItemResult] = scan_item(self.engine, item)
            return results

    def _scan_values(self, data: bytes, name: str) -> dict[str, Any]:
        results = self._scan(data, name)
        verdict = Verdict.worst([r.verdict for r in results])
        return {"ruleset_hash": self.engine.ruleset_hash, "verdict": verdict.value,
                "result_json": json.dumps([_stored(r) for r in results], ensure_ascii=False)}

    def _is_current(self, scan: ScanRow | None) -> bool:
        return scan is not None and scan.ruleset_hash == self.ruleset_hash

    def current_scan(self, item: ItemRow, actor: Actor, data: bytes | None = None) -> tuple[ScanRow, bool]:
        """The item's scan under the current ruleset, re-scanning if the stored
        one is stale; returns the scan and whether a re-scan happened."""
        scan = _current_stored_scan(self.store, item, self.ruleset_hash)
        if scan is not None:
            return scan, False
        if data is None:
            data = self.store.blob(item.sha256)
        if data is None or hashlib.sha256(data).hexdigest() != item.sha256:
            raise Refused("no-content", f"item {item.item_id}: the stored bytes are missing; submit it again")
        values = self._scan_values(data, item.path)
        with self.store.write() as conn:
            latest = self.store.latest_scan(conn, item.sha256)
            if latest is not None and self._is_current(latest):
                return latest, True  # another request re-scanned it meanwhile
            row = self.store.append(conn, "scans", sha256=item.sha256, actor=actor.name,
                                    via=actor.via, **values)
            return self.store.scan(conn, row["seq"]), True

    # -- the steps -----------------------------------------------------
    def submit(self, data: bytes, path: str, title: str, actor: Actor) -> Submitted:
        """Record an item (insert-or-get by sha256), its bytes, a current scan
        and, for a new item, the submission.  Submitting the same bytes again
        changes nothing but a stale scan.  Names are stored in display form
        (scanner.names), so a name that is not UTF-8 cannot break the store."""
        path, title = escape_name(path), escape_name(title)
        sha = hashlib.sha256(data).hexdigest()
        existing = self.store.item_by_sha(sha)
        if existing is not None:
            scan, _ = self.current_scan(existing, actor, data)
            return Submitted(existing, False, scan)
        values = self._scan_values(data, path)
        with self.store.write() as conn:
            item, created = self.store.add_item(conn, sha, path, title or path, len(data))
            if created:
                self.store.put_blob(conn, sha, data)
                self.store.append(conn, "submissions", sha256=sha, submitter=actor.name, via=actor.via)
                self.store.append(conn, "scans", sha256=sha, actor=actor.name, via=actor.via, **values)
        scan, _ = self.current_scan(item, actor, data)
        return Submitted(item, created, scan)

    def decide(self, ref: str, decision: str, opinion: str, actor: Actor) -> Status:
        """A reviewer's decision with a written opinion, bound to the current scan."""
        if decision not in DECISIONS:
            raise Refused("bad-decision", f"decision must be one of {', '.join(DECISIONS)}")
        if not opinion.strip():
            raise Refused("no-opinion", "a decision needs a written opinion")
        item = self.store.find_item(ref)
        if self.separate_duties:
            with self.store.read() as conn:
                events = self.store.events(conn, item.sha256)
            if actor.identity in _people(events, "submission", "submitter"):
                raise Refused("same-person", f"item {item.item_id}: {actor.name} submitted it and cannot "
                                             "also review it")
        scan, _ = self.current_scan(item, actor)
        if decision == "approve" and scan.verdict == Verdict.BLOCK.value:
            raise Refused("blocked", f"item {item.item_id}: the scan says block; it can only be "
                                     "rejected or changed (submit the changed file as a new item)")
        with self.store.write() as conn:
            row = self.store.append(conn, "decisions", sha256=item.sha256, decision=decision,
                                    opinion=opinion.strip(), reviewer=actor.name, scan_seq=scan.seq,
                                    via=actor.via)
        return dataclasses.replace(self.status(item.sha256), receipt=receipt(self.store.key, "decisions", row))

    def approve(self, ref: str, actor: Actor, opinion: str = "") -> Status:
        """The responsible leader's approval for publication, with the
        written opinion (分管领导审批意见) when one is given."""
        item = self.store.find_item(ref)
        scan, _ = self.current_scan(item, actor)
        with self.store.write() as conn:
            events, distrust = self.store.verified_events(conn, item.sha256)
            if distrust:
                raise Refused("tampered", f"item {item.item_id}: {'; '.join(distrust)}")
            record = record_from_events(item.sha256, events)
            if scan.verdict == Verdict.BLOCK.value:
                raise Refused("blocked", f"item {item.item_id}: the scan says block; it cannot be approved")
            if record.status == "approved":
                raise Refused("already-approved", f"item {item.item_id} is already approved by {record.approved_by}")
            if record.status != "reviewed":
                raise Refused("not-reviewed", f"item {item.item_id} has status {record.status}: a reviewer "
                                              "must record an approve decision first")
            reviewed = [e for e in events if e.kind == "decision"][-1]
            if not _covers(self.store.scan(conn, reviewed.fields["scan_seq"]), scan):
                raise Refused("rescan-changed", f"item {item.item_id}: a re-scan with the current lexicon found "
                                                "findings the reviewer did not see; it must be reviewed again")
            if self.separate_duties and actor.identity in _people(events, "decision", "reviewer"):
                raise Refused("same-person", f"item {item.item_id}: {actor.name} reviewed it and cannot "
                                             "also approve it")
            if self.separate_duties and actor.identity in _people(events, "submission", "submitter"):
                raise Refused("same-person", f"item {item.item_id}: {actor.name} submitted it and cannot "
                                             "also approve it")
            row = self.store.append(conn, "approvals", sha256=item.sha256, approver=actor.name,
                                    scan_seq=scan.seq, via=actor.via, opinion=opinion.strip() or None)
        return dataclasses.replace(self.status(item.sha256), receipt=receipt(self.store.key, "approvals", row))

    def status(self, ref: str) -> Status:
        with self.store.read() as conn:
            item = self.store.find_item(ref, conn)
            events = self.store.events(conn, item.sha256)
            scan = self.store.latest_scan(conn, item.sha256)
        return Status(item, record_from_events(item.sha256, events), scan, not self._is_current(scan))

    def gate(self, sha256: str, data: bytes | None = None, actor: Actor = Actor("gate")) -> GateAnswer:
        """May these exact bytes be published now?  Re-scans a stale scan
        first; answers only from records that verify (trust.py)."""
        sha256 = sha256.lower()
        item = self.store.item_by_sha(sha256)
        if item is None:
            return _not_submitted(sha256)
        scan, rescanned = self.current_scan(item, actor, data)
        return _answer(self.store, item, scan, rescanned, self.checkpoint())

    def checkpoint(self) -> Anchor | None:
        """The configured checkpoint (``[review] checkpoint``), read now: the
        gate compares the chain with it, so records deleted since it was
        written (a rejection, a revocation) refuse instead of vanishing."""
        config = self._engine.config if self._engine is not None else self._config
        path = config.checkpoint if config is not None else ""
        return read_anchor(path) if path else None


def gate_read_only(reader: LedgerReader, ruleset_hash: str, sha256: str,
                   anchor: Anchor | None = None) -> GateAnswer | None:
    """``Workflow.gate`` over a store opened read only (sqlite_read.py) with
    the ruleset hash of the Engine the Workflow would use: the same answer
    from the same reads and checks, or None when the stored scan is stale or
    missing (re-scanning records a scan: only the Workflow can)."""
    sha256 = sha256.lower()
    item = reader.item_by_sha(sha256)
    if item is None:
        return _not_submitted(sha256)
    scan = _current_stored_scan(reader, item, ruleset_hash)
    return _answer(reader, item, scan, False, anchor) if scan is not None else None


def _not_submitted(sha256: str) -> GateAnswer:
    return GateAnswer(sha256, False, ("not submitted for review: no record of these exact bytes",))


def _current_stored_scan(reader: LedgerReader, item: ItemRow, ruleset_hash: str) -> ScanRow | None:
    """The item's latest stored scan if it was made under ``ruleset_hash``."""
    with reader.read() as conn:
        scan = reader.latest_scan(conn, item.sha256)
    return scan if scan is not None and scan.ruleset_hash == ruleset_hash else None


def _answer(reader: LedgerReader, item: ItemRow, scan: ScanRow, rescanned: bool,
            anchor: Anchor | None) -> GateAnswer:
    """The gate's answer for an item whose scan under the current ruleset is
    ``scan``, from its records, only if they verify (trust.py) and the chain
    holds every record the checkpoint ``anchor`` saw, if one is configured."""
    sha256 = item.sha256
    with reader.read() as conn:
        events, distrust = reader.verified_events(conn, sha256)
        if not distrust and anchor is not None:
            distrust = reader.against_checkpoint(conn, anchor)
        if distrust:
            return GateAnswer(sha256, False, tuple(distrust), item, rescanned, scan.verdict)
        scan = reader.latest_scan(conn, sha256) or scan
        record = record_from_events(sha256, events)
        approval = next((e for e in reversed(events) if e.kind == "approval"), None)
        approved_scan = reader.scan(conn, approval.fields["scan_seq"]) if approval else None
    reasons = []
    if scan.verdict == Verdict.BLOCK.value:
        reasons.append(f"the scan says block ({_first_blocking(scan)})")
    if record.status != "approved":
        reasons.append(f"not approved: status is {record.status}")
    elif approved_scan is not None and not _covers(approved_scan, scan):
        reasons.append("a re-scan with the current lexicon found findings not seen at approval; "
                       "it must be reviewed and approved again")
    return GateAnswer(sha256, not reasons, tuple(reasons), item, rescanned, scan.verdict)


def _stored(result: ItemResult) -> dict[str, Any]:
    """A result as the scan record keeps it: its JSONL form with the OCR crops, plus the hits the
    scanner dropped when the engine keeps them (the desk shows them on request)."""
    data = result.to_dict(crops=True)
    if result.dropped:
        data["dropped"] = list(result.dropped)
    return data


def _people(events: list[Event], kind: str, field: str) -> set[str]:
    """The identities (identity.py) recorded in ``field`` of events of ``kind``."""
    return {identity(e.fields[field]) for e in events if e.kind == kind}


def _fingerprints(scan: ScanRow) -> set[str]:
    return {f.get("fingerprint") or f"{f['rule']}:{f.get('text', '')}"
            for result in json.loads(scan.result_json) for f in result.get("findings", ())}


def _covers(seen: ScanRow, now: ScanRow) -> bool:
    """True when the newer scan has no finding the earlier one lacked and is not worse."""
    worse = Verdict(now.verdict).rank > Verdict(seen.verdict).rank
    return not worse and _fingerprints(now) <= _fingerprints(seen)


def _first_blocking(scan: ScanRow) -> str:
    for result in json.loads(scan.result_json):
        for f in result.get("findings", ()):
            if f.get("severity") == "block":
                return f"{f.get('rule')} in {result.get('item')} {f.get('part')}"
    return "see the scan report"
