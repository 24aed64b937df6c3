"""The review record's keepers' commands: ``audit verify|checkpoint|seal``,
``key create`` and ``token create``.  ``audit verify`` exits 1 when the
record was tampered with (exits.py)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..review import Refused
from ..review.checkpoint import Anchor, read_anchor, write_anchor
from ..review.keys import create_key, key_path
from ..review.ledger import ROLES
from .exits import EXIT_OK, EXIT_REFUSED
from .parsing import Parser, Subparsers
from .store import config_of, refusals_exit_1, store_of

_STORE_FLAGS = (("--db", "FILE|URL", "review database"), ("--config", "FILE", "preclear.toml"))


def _store_flags(p: argparse.ArgumentParser) -> None:
    for flag, meta, text in _STORE_FLAGS:
        p.add_argument(flag, metavar=meta, help=text)


def add_parsers(sub: Subparsers) -> None:
    audit = sub.add_parser("audit", help="check the review records")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True, parser_class=Parser)
    p = audit_sub.add_parser("verify", help="check the hash chain and the seals; names every changed or deleted record")
    _store_flags(p)
    p.add_argument("--against", metavar="CHECKPOINT",
                   help="also detect records deleted or rewritten since this checkpoint (or saved receipt)")
    p.set_defaults(func=refusals_exit_1(cmd_audit_verify))
    p = audit_sub.add_parser("checkpoint", help="write the chain head, sealed with the review key, to a file "
                                                "kept outside the database")
    _store_flags(p)
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=refusals_exit_1(cmd_audit_checkpoint))
    p = audit_sub.add_parser("seal", help="seal the records of a store made before review keys (once, after "
                                          "`audit verify` and a comparison with a head kept elsewhere)")
    _store_flags(p)
    p.set_defaults(func=refusals_exit_1(cmd_audit_seal))

    key = sub.add_parser("key", help="the review key that seals the records")
    key_sub = key.add_subparsers(dest="key_command", required=True, parser_class=Parser)
    p = key_sub.add_parser("create", help="create the review key file (mode 0600); never replaces one")
    p.add_argument("--key-file", metavar="FILE",
                   help="where (default: $PRECLEAR_KEY_FILE, [review] key_file, ~/.config/preclear/review.key)")
    p.add_argument("--config", metavar="FILE", help="preclear.toml")
    p.set_defaults(func=cmd_key_create)

    token = sub.add_parser("token", help="manage HTTP bearer tokens")
    token_sub = token.add_subparsers(dest="token_command", required=True, parser_class=Parser)
    p = token_sub.add_parser("create", help="create a token; the secret is printed once, on stdout")
    _store_flags(p)
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--name", required=True, help="the person or system that will use it")
    p.set_defaults(func=refusals_exit_1(cmd_token_create))
    p = token_sub.add_parser("revoke", help="revoke a token for good (a record); its sessions end")
    _store_flags(p)
    p.add_argument("token_id", metavar="ID", help="the token's number (the pages' 令牌 list)")
    p.set_defaults(func=refusals_exit_1(cmd_token_revoke))


def cmd_audit_verify(args: argparse.Namespace) -> int:
    report = store_of(args).verify(read_anchor(args.against) if args.against else None)
    for problem in report.problems:
        print(f"TAMPERED: {problem}")
    state = "ok" if report.ok else f"{len(report.problems)} problem(s)"
    print(f"{state}: {report.records} records, head seq {report.head_seq} hash {report.head_hash}")
    return EXIT_OK if report.ok else EXIT_REFUSED


def cmd_audit_checkpoint(args: argparse.Namespace) -> int:
    store = store_of(args)
    report = store.verify()
    if not report.ok:
        raise Refused("tampered", f"the chain does not verify ({report.problems[0]}); no checkpoint written")
    write_anchor(args.file, Anchor.make(store.key, report.head_seq, report.head_hash), store.where)
    print(f"checkpoint: head seq {report.head_seq} hash {report.head_hash} -> {args.file}")
    return EXIT_OK


def cmd_audit_seal(args: argparse.Namespace) -> int:
    store = store_of(args)
    sealed = store.seal()
    print(f"sealed {sealed} record(s) with review key {store.key.key_id}")
    return EXIT_OK


def cmd_key_create(args: argparse.Namespace) -> int:
    path = Path(args.key_file) if args.key_file else key_path(config_of(args).key_file)
    key = create_key(path)
    print(f"created review key {key.key_id} in {path} (mode 0600); keep a copy away from the database")
    return EXIT_OK


def cmd_token_create(args: argparse.Namespace) -> int:
    token, secret = store_of(args).create_token(args.name, args.role, created_by=f"cli:{_login()}")
    print(f"token {token.token_id} for {token.name} ({token.role}); keep the secret, it is not shown again:",
          file=sys.stderr)
    print(secret)
    return EXIT_OK


def cmd_token_revoke(args: argparse.Namespace) -> int:
    row = store_of(args).revoke_token(args.token_id, f"cli:{_login()}")
    print(f"token {args.token_id} revoked (record seq {row['seq']} hash {row['row_hash']})")
    return EXIT_OK


def _login() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
