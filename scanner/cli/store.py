"""What the review-store commands share: the store, the workflow and the
config named by ``--db``/``--config``, refusals as exit 1, local times."""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from ..config import ScanConfig, load_config
from ..names import escape_name
from ..review.errors import WorkflowError
from ..review.workflow import Workflow
from .exits import EXIT_REFUSED
from .parsing import Command, Subparsers

if TYPE_CHECKING:
    from ..review.store import ReviewStore


def store_command(sub: Subparsers, name: str, func: Command, help: str) -> argparse.ArgumentParser:
    """A command on the review store: ``--db`` and ``--config``, refusals exit 1."""
    p = sub.add_parser(name, help=help, description=help)
    p.add_argument("--db", metavar="FILE|URL", help="review database (default: [review] database in preclear.toml)")
    p.add_argument("--config", metavar="FILE", help="preclear.toml to use (default: ./preclear.toml if present)")
    p.set_defaults(func=refusals_exit_1(func))
    return p


def refusals_exit_1(func: Command) -> Command:
    """A refused workflow request is an answer, not a tool failure: exit 1."""
    def run(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except WorkflowError as exc:
            print(f"preclear: refused: {exc}", file=sys.stderr)
            return EXIT_REFUSED
    return run


def config_of(args: argparse.Namespace) -> ScanConfig:
    return load_config(getattr(args, "config", None))


def store_of(args: argparse.Namespace, config: ScanConfig | None = None) -> ReviewStore:
    from ..review.store import open_store  # SQLAlchemy: only for a command that opens the store

    config = config or config_of(args)
    return open_store(args.db or config.database, config.key_file)


def workflow_of(args: argparse.Namespace, separate_duties: bool = True) -> Workflow:
    """The workflow; its Engine is built only if a scan is needed (a new or
    stale one), so a gate on current records loads no matcher."""
    config = config_of(args)
    # explain: the scan record keeps the dropped hits, which the desk's item page shows on request
    return Workflow(store_of(args, config), config=config.replace(explain=True),
                    separate_duties=separate_duties and config.separate_duties)


def local_time(iso: str | None) -> str:
    """A stored UTC time shown in local time with its offset."""
    return datetime.fromisoformat(iso).astimezone().isoformat(timespec="seconds") if iso else "-"


def files_of(paths: list[str]) -> Iterator[str]:
    """The files given, folders walked in sorted order."""
    for path in paths:
        if os.path.isdir(path):
            for folder, dirs, names in os.walk(path):
                dirs.sort()
                yield from (os.path.join(folder, n) for n in sorted(names))
        else:
            yield path


def read_file(path: str) -> bytes:
    from ..errors import ToolError

    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise ToolError(f"cannot read {escape_name(path)}: {exc.strerror or exc}") from exc
