"""``preclear suppress`` and ``preclear suppressions``: findings marked as
not a secret in their context, kept in the review record."""
from __future__ import annotations

import argparse
import json
from datetime import date

from ..review import suppress
from .exits import EXIT_OK
from .parsing import Subparsers
from .store import local_time, store_command, store_of


def add_parsers(sub: Subparsers) -> None:
    p = store_command(sub, "suppress", cmd_suppress,
                      "mark a finding as not a secret in its context (kept in the record)")
    p.add_argument("ref", metavar="ID|SHA", help="the item the finding was found in")
    p.add_argument("fingerprint", help="the finding's fingerprint (from the reports or the item page)")
    p.add_argument("--scope", choices=suppress.SCOPES, default="item",
                   help="item: this finding in these bytes; path: the same text in items matching --path; "
                        "unit: the same text anywhere")
    p.add_argument("--path", default="", metavar="GLOB", help="path pattern for --scope path")
    p.add_argument("--reason", required=True, metavar="TEXT")
    p.add_argument("--expires", required=True, metavar="YYYY-MM-DD", help="last day the suppression applies")
    p.add_argument("--by", required=True, metavar="NAME", help="the reviewer")

    p = store_command(sub, "suppressions", cmd_suppressions, "list the recorded suppressions, newest first")
    p.add_argument("--json", action="store_true", help="one JSON object per suppression")
    p.add_argument("--all", action="store_true", help="include expired ones")


def cmd_suppress(args: argparse.Namespace) -> int:
    store = store_of(args)
    result, finding = suppress.locate(store, args.ref, args.fingerprint)
    s = suppress.record(store, result, finding, args.scope, args.reason, args.expires, args.by, "cli",
                        pattern=args.path)
    print(f"suppression {s.suppression_id}: {finding.rule} ({s.scope}{' ' + s.target if s.target else ''}) "
          f"until {s.expires}")
    return EXIT_OK


def cmd_suppressions(args: argparse.Namespace) -> int:
    today = date.today()
    for s in reversed(suppress.load(store_of(args))):
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
