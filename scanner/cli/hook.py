"""``preclear hook scan FILE...``: the pre-commit hook (.pre-commit-hooks.yaml).
One line per failing item; the exit status is ``preclear scan``'s
(exits.py), so a hook and a CI job read a block the same way."""
from __future__ import annotations

import argparse

from .exits import verdict_status
from .parsing import Parser, Subparsers


def add_parsers(sub: Subparsers) -> None:
    hook = sub.add_parser("hook", help="entry points for the pre-commit hooks")
    hook_sub = hook.add_subparsers(dest="hook_command", required=True, parser_class=Parser)
    p = hook_sub.add_parser("scan", help="scan files; fail on block (and on review with --fail-on-review)")
    p.add_argument("files", nargs="*", metavar="FILE")
    p.add_argument("--config", metavar="FILE", help="preclear.toml (scoring.fail_on_review applies)")
    p.add_argument("--fail-on-review", action="store_true", help="fail on review verdicts too")
    p.set_defaults(func=cmd_hook_scan)


def cmd_hook_scan(args: argparse.Namespace) -> int:
    from .. import scan_paths
    from ..config import load_config
    from ..report import Summary
    from ..report.summary import item_line

    config = load_config(args.config)
    fail_on_review = args.fail_on_review or config.scoring.fail_on_review
    summary = Summary()
    # the files are paths from the repository's top: their folders are published with them
    for result in scan_paths(args.files, config, repo_paths=True):
        summary.add(result)
        if result.verdict.value == "block" or (fail_on_review and result.verdict.value == "review"):
            print(item_line(result))
    return verdict_status(summary.worst, fail_on_review)
