"""The review gate's commands: submit, decide, approve, status, gate,
history, audit verify, token create, serve (``hook scan`` is in cli.py: it
needs no review store).

Exit status: 0 done / allowed; 1 the gate or the workflow refused (one line
per file or one line saying why); 3 the tool failed (cli.py prints it).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator

from ..config import MB, ScanConfig, load_config
from ..names import escape_name
from .checkpoint import Anchor, read_anchor, write_anchor
from .errors import Refused, WorkflowError
from .keys import create_key, key_path
from .store import DECISIONS, ROLES, ReviewStore, open_store
from .suppress import SCOPES
from .workflow import Actor, Workflow

EXIT_OK, EXIT_REFUSED = 0, 1


def add_parsers(sub: argparse._SubParsersAction) -> None:
    def command(name: str, func, help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.add_argument("--db", metavar="FILE|URL", help="review database (default: [review] database in preclear.toml)")
        p.add_argument("--config", metavar="FILE", help="preclear.toml to use (default: ./preclear.toml if present)")
        p.set_defaults(func=_refusals_exit_1(func))
        return p

    p = command("submit", cmd_submit, "submit files for review (each file's exact bytes are one item)")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--by", required=True, metavar="NAME", help="the organiser submitting")
    p.add_argument("--title", default="", help="title shown to reviewers (default: the file name)")

    p = command("decide", cmd_decide, "record a reviewer's decision with a written opinion")
    p.add_argument("ref", metavar="ID|SHA")
    p.add_argument("--decision", required=True, choices=DECISIONS)
    p.add_argument("--opinion", required=True, metavar="TEXT")
    p.add_argument("--by", required=True, metavar="NAME", help="the reviewer")
    p.add_argument("--allow-same-person", action="store_true",
                   help="let the submitter of the item review it too (off by default)")

    p = command("approve", cmd_approve, "approve a reviewed item for publication")
    p.add_argument("ref", metavar="ID|SHA")
    p.add_argument("--by", required=True, metavar="NAME", help="the responsible leader")
    p.add_argument("--opinion", default="", metavar="TEXT", help="the leader's written opinion (分管领导审批意见)")
    p.add_argument("--allow-same-person", action="store_true",
                   help="let the submitter or reviewer of the item approve it too (off by default)")

    p = command("status", cmd_status, "show the review status of a file, an item, or of every item")
    p.add_argument("ref", nargs="?", metavar="FILE|ID|SHA")
    p.add_argument("--json", action="store_true", help="one JSON object per item")

    p = command("gate", cmd_gate, "exit 0 only if every file's exact bytes are approved and not stale")
    p.add_argument("files", nargs="+", metavar="FILE")

    p = command("history", cmd_history, "every record about an item, oldest first")
    p.add_argument("ref", metavar="ID|SHA")

    p = command("suppress", cmd_suppress, "mark a finding as not a secret in its context (kept in the record)")
    p.add_argument("ref", metavar="ID|SHA", help="the item the finding was found in")
    p.add_argument("fingerprint", help="the finding's fingerprint (from the reports or the item page)")
    p.add_argument("--scope", choices=SCOPES, default="item",
                   help="item: this finding in these bytes; path: the same text in items matching --path; "
                        "unit: the same text anywhere")
    p.add_argument("--path", default="", metavar="GLOB", help="path pattern for --scope path")
    p.add_argument("--reason", required=True, metavar="TEXT")
    p.add_argument("--expires", required=True, metavar="YYYY-MM-DD", help="last day the suppression applies")
    p.add_argument("--by", required=True, metavar="NAME", help="the reviewer")

    p = command("suppressions", cmd_suppressions, "list the recorded suppressions, newest first")
    p.add_argument("--json", action="store_true", help="one JSON object per suppression")
    p.add_argument("--all", action="store_true", help="include expired ones")

    audit = sub.add_parser("audit", help="check the review records")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True, parser_class=type(audit))
    store_flags = (("--db", "FILE|URL", "review database"), ("--config", "FILE", "preclear.toml"))
    p = audit_sub.add_parser("verify", help="check the hash chain and the seals; names every changed or deleted record")
    for flag, meta, text in store_flags:
        p.add_argument(flag, metavar=meta, help=text)
    p.add_argument("--against", metavar="CHECKPOINT",
                   help="also detect records deleted or rewritten since this checkpoint (or saved receipt)")
    p.set_defaults(func=_refusals_exit_1(cmd_audit_verify))
    p = audit_sub.add_parser("checkpoint", help="write the chain head, sealed with the review key, to a file "
                                                "kept outside the database")
    for flag, meta, text in store_flags:
        p.add_argument(flag, metavar=meta, help=text)
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=_refusals_exit_1(cmd_audit_checkpoint))
    p = audit_sub.add_parser("seal", help="seal the records of a store made before review keys (once, after "
                                          "`audit verify` and a comparison with a head kept elsewhere)")
    for flag, meta, text in store_flags:
        p.add_argument(flag, metavar=meta, help=text)
    p.set_defaults(func=_refusals_exit_1(cmd_audit_seal))

    key = sub.add_parser("key", help="the review key that seals the records")
    key_sub = key.add_subparsers(dest="key_command", required=True, parser_class=type(key))
    p = key_sub.add_parser("create", help="create the review key file (mode 0600); never replaces one")
    p.add_argument("--key-file", metavar="FILE",
                   help="where (default: $PRECLEAR_KEY_FILE, [review] key_file, ~/.config/preclear/review.key)")
    p.add_argument("--config", metavar="FILE", help="preclear.toml")
    p.set_defaults(func=cmd_key_create)

    token = sub.add_parser("token", help="manage HTTP bearer tokens")
    token_sub = token.add_subparsers(dest="token_command", required=True, parser_class=type(token))
    p = token_sub.add_parser("create", help="create a token; the secret is printed once, on stdout")
    for flag, meta, text in (("--db", "FILE|URL", "review database"), ("--config", "FILE", "preclear.toml")):
        p.add_argument(flag, metavar=meta, help=text)
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--name", required=True, help="the person or system that will use it")
    p.set_defaults(func=_refusals_exit_1(cmd_token_create))
    p = token_sub.add_parser("revoke", help="revoke a token for good (a record); its sessions end")
    for flag, meta, text in (("--db", "FILE|URL", "review database"), ("--config", "FILE", "preclear.toml")):
        p.add_argument(flag, metavar=meta, help=text)
    p.add_argument("token_id", metavar="ID", help="the token's number (the pages' 令牌 list)")
    p.set_defaults(func=_refusals_exit_1(cmd_token_revoke))

    p = command("serve", cmd_serve, "run the HTTP review service")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--max-body-mb", type=float, default=64.0, help="largest request body (default 64)")
    p.add_argument("--allow-same-person", action="store_true",
                   help="let one person submit, review and approve the same item (off by default)")
    p.add_argument("--no-access-log", action="store_true", help="do not log every request")
    p.add_argument("--lexicon", action="append", default=[], metavar="FILE", help="an extra lexicon (repeatable)")
    p.add_argument("--no-default-lexicons", action="store_true", help="do not load the shipped lexicons")
    p.add_argument("--mask", action="store_true", help="mask the marked text in the gate's reasons")
    p.add_argument("--workers", type=int, default=1, metavar="N", help="worker processes behind the one store (default 1)")
    p.add_argument("--header-timeout", type=float, default=10.0, metavar="S",
                   help="seconds a client has to send a request's headers (default 10)")
    p.add_argument("--body-timeout", type=float, default=60.0, metavar="S",
                   help="seconds a client has to send a request's body once the headers are in (default 60)")
    p.add_argument("--max-conns-per-client", type=int, default=64, metavar="N",
                   help="open connections per client address and worker; 0: no cap, behind a proxy (default 64)")
    p.add_argument("--limit-concurrency", type=int, default=1000, metavar="N",
                   help="connections and requests per worker before answering 503 (default 1000)")


def _refusals_exit_1(func):
    """A refused workflow request is an answer, not a tool failure: exit 1."""
    def run(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except WorkflowError as exc:
            print(f"preclear: refused: {exc}", file=sys.stderr)
            return EXIT_REFUSED
    return run


# -- plumbing ------------------------------------------------------------
def _config(args: argparse.Namespace) -> ScanConfig:
    return load_config(getattr(args, "config", None))


def _store(args: argparse.Namespace, config: ScanConfig | None = None) -> ReviewStore:
    config = config or _config(args)
    return open_store(args.db or config.database, config.key_file)


def _workflow(args: argparse.Namespace, separate_duties: bool = True) -> Workflow:
    from ..engine import Engine

    config = _config(args)
    # explain: the scan record keeps the dropped hits, which the desk's item page shows on request
    return Workflow(_store(args, config), Engine(config.replace(explain=True)),
                    separate_duties=separate_duties and config.separate_duties)


def local_time(iso: str | None) -> str:
    """A stored UTC time shown in local time with its offset."""
    return datetime.fromisoformat(iso).astimezone().isoformat(timespec="seconds") if iso else "-"


def _files(paths: list[str]) -> Iterator[str]:
    for path in paths:
        if os.path.isdir(path):
            for folder, dirs, names in os.walk(path):
                dirs.sort()
                yield from (os.path.join(folder, n) for n in sorted(names))
        else:
            yield path


def _read(path: str) -> bytes:
    from ..errors import ToolError

    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise ToolError(f"cannot read {escape_name(path)}: {exc.strerror or exc}") from exc


# -- commands ------------------------------------------------------------
def cmd_submit(args: argparse.Namespace) -> int:
    workflow = _workflow(args)
    for path in _files(args.files):
        s = workflow.submit(_read(path), path, args.title or path, Actor(args.by))
        state = "submitted" if s.created else "already submitted"
        print(f"{state}: item {s.item.item_id} {s.item.sha256[:12]} {s.item.path} — scan: {s.scan.verdict}")
    return EXIT_OK


def cmd_decide(args: argparse.Namespace) -> int:
    status = _workflow(args, separate_duties=not args.allow_same_person).decide(
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
    status = _workflow(args, separate_duties=not args.allow_same_person).approve(args.ref, Actor(args.by),
                                                                               args.opinion)
    print(f"item {status.item.item_id} {status.item.path}: approved by {args.by} at "
          f"{local_time(status.record.approved_at)}")
    _print_receipt(status.receipt)
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    workflow = _workflow(args)
    if args.ref and os.path.isfile(args.ref):
        refs = [hashlib.sha256(_read(args.ref)).hexdigest()]
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
    workflow = _workflow(args)
    refused = 0
    for path in _files(args.files):
        data = _read(path)
        answer = workflow.gate(hashlib.sha256(data).hexdigest(), data)
        if answer.allow:
            print(f"allowed: {escape_name(path)}")
        else:
            refused += 1
            print(f"refused: {escape_name(path)}: {'; '.join(answer.reasons)}")
    return EXIT_REFUSED if refused else EXIT_OK


def cmd_history(args: argparse.Namespace) -> int:
    store = _store(args)
    item = store.find_item(args.ref)
    with store.read() as conn:
        events = store.events(conn, item.sha256)
    print(f"item {item.item_id} {item.sha256} {item.path}")
    for e in events:
        detail = ", ".join(f"{k}={v}" for k, v in e.fields.items()
                           if k not in ("item_id", "size") and v is not None)
        print(f"  #{e.seq} {local_time(e.at)} {e.kind}: {detail} (hash {e.hash})")
    return EXIT_OK


def cmd_suppress(args: argparse.Namespace) -> int:
    from . import suppress

    store = _store(args)
    result, finding = suppress.locate(store, args.ref, args.fingerprint)
    s = suppress.record(store, result, finding, args.scope, args.reason, args.expires, args.by, "cli",
                        pattern=args.path)
    print(f"suppression {s.suppression_id}: {finding.rule} ({s.scope}{' ' + s.target if s.target else ''}) "
          f"until {s.expires}")
    return EXIT_OK


def cmd_suppressions(args: argparse.Namespace) -> int:
    from datetime import date

    from . import suppress

    today = date.today()
    for s in reversed(suppress.load(_store(args))):
        if not args.all and not s.active(today):
            continue
        if args.json:
            print(json.dumps(s.to_dict(), ensure_ascii=False))
        else:
            state = "" if s.active(today) else " (expired)"
            where = {"item": f"item {s.target[:12]}", "path": f"paths {s.target}", "unit": "the whole unit"}[s.scope]
            print(f"#{s.suppression_id} {s.rule} {s.fingerprint[:12]} in {where} until {s.expires}{state}: "
                  f"{s.reason} — {s.author}, {local_time(s.at)}")
    return EXIT_OK


def cmd_audit_verify(args: argparse.Namespace) -> int:
    report = _store(args).verify(read_anchor(args.against) if args.against else None)
    for problem in report.problems:
        print(f"TAMPERED: {problem}")
    state = "ok" if report.ok else f"{len(report.problems)} problem(s)"
    print(f"{state}: {report.records} records, head seq {report.head_seq} hash {report.head_hash}")
    return EXIT_OK if report.ok else EXIT_REFUSED


def cmd_audit_checkpoint(args: argparse.Namespace) -> int:
    store = _store(args)
    report = store.verify()
    if not report.ok:
        raise Refused("tampered", f"the chain does not verify ({report.problems[0]}); no checkpoint written")
    write_anchor(args.file, Anchor.make(store.key, report.head_seq, report.head_hash), store.where)
    print(f"checkpoint: head seq {report.head_seq} hash {report.head_hash} -> {args.file}")
    return EXIT_OK


def cmd_audit_seal(args: argparse.Namespace) -> int:
    store = _store(args)
    sealed = store.seal()
    print(f"sealed {sealed} record(s) with review key {store.key.key_id}")
    return EXIT_OK


def cmd_key_create(args: argparse.Namespace) -> int:
    path = Path(args.key_file) if args.key_file else key_path(_config(args).key_file)
    key = create_key(path)
    print(f"created review key {key.key_id} in {path} (mode 0600); keep a copy away from the database")
    return EXIT_OK


def cmd_token_create(args: argparse.Namespace) -> int:
    token, secret = _store(args).create_token(args.name, args.role, created_by=f"cli:{_login()}")
    print(f"token {token.token_id} for {token.name} ({token.role}); keep the secret, it is not shown again:",
          file=sys.stderr)
    print(secret)
    return EXIT_OK


def cmd_token_revoke(args: argparse.Namespace) -> int:
    row = _store(args).revoke_token(args.token_id, f"cli:{_login()}")
    print(f"token {args.token_id} revoked (record seq {row['seq']} hash {row['row_hash']})")
    return EXIT_OK


def _login() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def cmd_serve(args: argparse.Namespace) -> int:
    from ..errors import ConfigError
    from ..service import ServiceSettings
    from ..service.guard import ReadLimits
    from ..service.server import ServerOptions, serve

    if args.workers < 1 or args.max_conns_per_client < 0 or args.limit_concurrency < 1:
        raise ConfigError("--workers and --limit-concurrency must be at least 1, --max-conns-per-client at least 0")
    config = _config(args)
    config = config.replace(lexicons=config.lexicons + tuple(args.lexicon),
                            default_lexicons=config.default_lexicons and not args.no_default_lexicons)
    settings = ServiceSettings(database=args.db or config.database, config=config,
                               max_body_bytes=int(args.max_body_mb * MB),
                               separate_duties=config.separate_duties and not args.allow_same_person,
                               mask=args.mask)
    logging.getLogger("preclear.service").setLevel(logging.INFO)  # the start-up lines: lexicons, ruleset
    limits = ReadLimits(header_timeout=args.header_timeout, body_timeout=args.body_timeout,
                        max_per_client=args.max_conns_per_client)
    serve(settings, args.config, ServerOptions(host=args.host, port=args.port, workers=args.workers,
                                               access_log=not args.no_access_log, limits=limits,
                                               limit_concurrency=args.limit_concurrency))
    return EXIT_OK
