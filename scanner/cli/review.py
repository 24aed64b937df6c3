"""The review workflow's commands: submit, decide, approve, status, gate,
history.  Exit status (exits.py): 0 done or allowed, 1 refused (one line per
file or one line saying why), 3 the tool failed."""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sqlite3
from typing import TYPE_CHECKING, Any

from ..errors import PreclearError
from ..names import escape_name
from ..review.checkpoint import Anchor, read_anchor
from ..review.ledger import DECISIONS
from ..review.workflow import Actor, GateAnswer, Workflow, gate_read_only
from .exits import EXIT_OK, EXIT_REFUSED
from .parsing import Subparsers
from .store import config_of, files_of, local_time, read_file, store_command, store_of, workflow_of

if TYPE_CHECKING:
    from ..review.sqlite_read import SqliteReader


def add_parsers(sub: Subparsers) -> None:
    p = store_command(sub, "submit", cmd_submit, "submit files for review (each file's exact bytes are one item)")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--by", required=True, metavar="NAME", help="the organiser submitting")
    p.add_argument("--title", default="", help="title shown to reviewers (default: the file name)")

    p = store_command(sub, "decide", cmd_decide, "record a reviewer's decision with a written opinion")
    p.add_argument("ref", metavar="ID|SHA")
    p.add_argument("--decision", required=True, choices=DECISIONS)
    p.add_argument("--opinion", required=True, metavar="TEXT")
    p.add_argument("--by", required=True, metavar="NAME", help="the reviewer")
    p.add_argument("--allow-same-person", action="store_true",
                   help="let the submitter of the item review it too (off by default)")

    p = store_command(sub, "approve", cmd_approve, "approve a reviewed item for publication")
    p.add_argument("ref", metavar="ID|SHA")
    p.add_argument("--by", required=True, metavar="NAME", help="the responsible leader")
    p.add_argument("--opinion", default="", metavar="TEXT", help="the leader's written opinion (分管领导审批意见)")
    p.add_argument("--allow-same-person", action="store_true",
                   help="let the submitter or reviewer of the item approve it too (off by default)")

    p = store_command(sub, "status", cmd_status, "show the review status of a file, an item, or of every item")
    p.add_argument("ref", nargs="?", metavar="FILE|ID|SHA")
    p.add_argument("--json", action="store_true", help="one JSON object per item")

    p = store_command(sub, "gate", cmd_gate, "exit 0 only if every file's exact bytes are approved and not stale")
    p.add_argument("files", nargs="+", metavar="FILE")

    p = store_command(sub, "history", cmd_history, "every record about an item, oldest first")
    p.add_argument("ref", metavar="ID|SHA")


def cmd_submit(args: argparse.Namespace) -> int:
    workflow = workflow_of(args)
    for path in files_of(args.files):
        s = workflow.submit(read_file(path), path, args.title or path, Actor(args.by))
        state = "submitted" if s.created else "already submitted"
        print(f"{state}: item {s.item.item_id} {s.item.sha256[:12]} {s.item.path} — scan: {s.scan.verdict}")
    return EXIT_OK


def cmd_decide(args: argparse.Namespace) -> int:
    status = workflow_of(args, separate_duties=not args.allow_same_person).decide(
        args.ref, args.decision, args.opinion, Actor(args.by))
    print(f"item {status.item.item_id} {status.item.path}: {args.decision} by {args.by}; status {status.record.status}")
    _print_receipt(status.receipt)
    return EXIT_OK


def _print_receipt(receipt: dict[str, Any] | None) -> None:
    if receipt:
        record, head = receipt["record"], receipt["head"]
        print(f"receipt: record seq {record['seq']} hash {record['hash']}; chain head seq {head['seq']} "
              f"hash {head['hash']}")
        print("receipt-json: " + json.dumps(receipt, ensure_ascii=False))


def cmd_approve(args: argparse.Namespace) -> int:
    status = workflow_of(args, separate_duties=not args.allow_same_person).approve(args.ref, Actor(args.by),
                                                                                 args.opinion)
    print(f"item {status.item.item_id} {status.item.path}: approved by {args.by} at "
          f"{local_time(status.record.approved_at)}")
    _print_receipt(status.receipt)
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    workflow = workflow_of(args)
    if args.ref and os.path.isfile(args.ref):
        refs = [hashlib.sha256(read_file(args.ref)).hexdigest()]
    elif args.ref:
        refs = [args.ref]
    else:
        refs = [str(i) for i in workflow.store.item_numbers()]
    for ref in refs:
        status = workflow.status(ref)
        if args.json:
            print(json.dumps(status.to_dict(), ensure_ascii=False))
        else:
            print(_status_line(status.to_dict()))
    return EXIT_OK


def _status_line(s: dict[str, Any]) -> str:
    who = f" by {s['approved_by']} at {local_time(s['approved_at'])}" if s["status"] == "approved" else ""
    stale = " (scan stale: lexicon or rules changed)" if s["stale"] else ""
    return (f"item {s['id']} {s['sha256'][:12]} {s['path']}: {s['status']}{who}; "
            f"scan {s['verdict']}{stale}; submitted by {s['submitter']} at {local_time(s['submitted_at'])}")


def cmd_gate(args: argparse.Namespace) -> int:
    """A SQLite store that needs nothing written is read without importing
    SQLAlchemy (review/sqlite_read.py): an item whose stored scan is current
    is answered from it by the Workflow's own reads and checks
    (workflow.gate_read_only); the Workflow (the SQLAlchemy store, the
    Engine) answers the rest.  The gate needs preclear[review] either way."""
    from importlib.util import find_spec

    from ..review.sqlite_read import open_reader
    from ..ruleset import current_ruleset_hash

    config = config_of(args)
    # without SQLAlchemy the Workflow's store says which extra is missing
    reader = open_reader(args.db or config.database, config.key_file) if find_spec("sqlalchemy") else None
    workflow: Workflow | None = None if reader else workflow_of(args)
    # the lexicons are read (an unreadable one refused) before any file, as by the Engine before
    ruleset = workflow.ruleset_hash if workflow else current_ruleset_hash(config)
    anchor = read_anchor(config.checkpoint) if reader and config.checkpoint else None  # the Workflow reads its own
    refused = 0
    for path in files_of(args.files):
        data = read_file(path)
        sha = hashlib.sha256(data).hexdigest()
        answer = _read_only_gate(reader, ruleset, sha, anchor) if reader else None
        if answer is None:
            workflow = workflow or workflow_of(args)
            answer = workflow.gate(sha, data)
        if answer.allow:
            print(f"allowed: {escape_name(path)}")
        else:
            refused += 1
            print(f"refused: {escape_name(path)}: {'; '.join(answer.reasons)}")
    if reader:
        reader.close()
    return EXIT_REFUSED if refused else EXIT_OK


def _read_only_gate(reader: SqliteReader, ruleset: str, sha256: str, anchor: Anchor | None) -> GateAnswer | None:
    """The read-only path's answer; None, to ask the Workflow, for a stale
    scan or any failure (the Workflow's store then answers or reports it)."""
    try:
        return gate_read_only(reader, ruleset, sha256, anchor)
    except (sqlite3.Error, PreclearError):
        return None


def cmd_history(args: argparse.Namespace) -> int:
    store = store_of(args)
    item = store.find_item(args.ref)
    with store.read() as conn:
        events = store.events(conn, item.sha256)
    print(f"item {item.item_id} {item.sha256} {item.path}")
    for e in events:
        detail = ", ".join(f"{k}={v}" for k, v in e.fields.items()
                           if k not in ("item_id", "size") and v is not None)
        print(f"  #{e.seq} {local_time(e.at)} {e.kind}: {detail} (hash {e.hash})")
    return EXIT_OK
