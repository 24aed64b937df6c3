"""The ``preclear`` command: the parser of every command module, and the one
place a failure becomes exit 3 with one line (exits.py).

A command module is imported only for its own commands or for the full
--help, so a scan never loads the review store's SQLAlchemy, the service's
FastAPI or Dask.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from .. import __version__
from ..budget import steady_heap
from ..errors import PreclearError
from . import hook, lexicons, scan
from .exits import EXIT_TOOL
from .parsing import Parser

# modules that add commands only on request: the commands each adds and the
# extra its import needs beyond the core install (in --help order)
_COMMAND_MODULES: dict[str, tuple[tuple[str, ...], str | None]] = {
    "scanner.cli.redact": (("redact",), None),
    "scanner.cli.review": (("submit", "decide", "approve", "status", "gate", "history"), "review"),
    "scanner.cli.suppress": (("suppress", "suppressions"), "review"),
    "scanner.cli.audit": (("audit", "key", "token"), "review"),
    "scanner.cli.serve": (("serve",), "review"),
}
_CORE_COMMANDS = ("scan", "lexicons", "hook")
_ALL_COMMANDS = frozenset(c for commands, _ in _COMMAND_MODULES.values() for c in commands)
# top-level module a missing import names -> the extra that installs it
_EXTRAS = {"sqlalchemy": "review", "fastapi": "service", "starlette": "service", "uvicorn": "service",
           "multipart": "service", "python_multipart": "service", "jinja2": "service", "fastapi_offline": "service",
           "psycopg": "postgres", "psycopg_binary": "postgres", "dask": "dask", "distributed": "dask",
           "rapidocr": "ocr", "onnxruntime": "ocr"}


class MissingExtra(PreclearError):
    """A command needs an optional dependency group that is not installed."""

    def __init__(self, module: str, extra: str) -> None:
        super().__init__(f"this needs {module}, which comes with preclear[{extra}]: "
                         f"pip install 'preclear[{extra}]'")


class _Version(argparse.Action):
    """``--version``: the program's version, then exit."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS,
                 default: str = argparse.SUPPRESS, help: str = "show program's version number and exit") -> None:
        super().__init__(option_strings=option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                 option_string: str | None = None) -> None:
        print(f"preclear {__version__}")
        parser.exit()


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; for a ``command``, only the command modules it needs: the
    review commands' modules import the review store (SQLAlchemy, ~0.2 s),
    which scan, lexicons and hook do not use.  ``None``: every command (--help)."""
    parser = Parser(prog="preclear", description="Confidentiality review (保密审查) scanner.")
    parser.add_argument("--version", action=_Version)
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (repeatable)")
    parser.add_argument("--log-file", metavar="FILE", help="write the log to FILE")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    scan.add_parsers(sub)
    lexicons.add_parsers(sub)
    hook.add_parsers(sub)
    if command in _CORE_COMMANDS:
        return parser
    for module, (commands, extra) in _COMMAND_MODULES.items():
        if command is not None and command not in commands and command in _ALL_COMMANDS:
            continue
        try:
            importlib.import_module(module).add_parsers(sub)
        except ModuleNotFoundError as exc:
            if command in commands or extra is None or (exc.name or "").partition(".")[0] not in _EXTRAS:
                raise
            for name in commands:  # --help lists them with what to install
                sub.add_parser(name, help=f"(needs preclear[{extra}])")
    return parser


def _command_of(argv: Sequence[str]) -> str | None:
    """The subcommand word of ``argv`` (past -v and --log-file FILE)."""
    words = iter(argv)
    for word in words:
        if word == "--log-file":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def _setup_logging(verbose: int, log_file: str | None) -> None:
    level = logging.WARNING - 10 * min(verbose, 2)
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file:
        handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
    logging.basicConfig(level=level, handlers=handlers, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        try:
            args = build_parser(_command_of(argv)).parse_args(argv)
            _setup_logging(args.verbose, args.log_file)
            steady_heap()  # pool workers fork with it
            return int(args.func(args))
        except ModuleNotFoundError as exc:
            top = (exc.name or "").partition(".")[0]
            if top not in _EXTRAS:
                raise
            raise MissingExtra(top, _EXTRAS[top]) from exc
    except PreclearError as exc:  # ToolError, and anything of ours that escaped an item
        print(f"preclear: error: {exc}", file=sys.stderr)
        return EXIT_TOOL
    except KeyboardInterrupt:
        print("preclear: interrupted", file=sys.stderr)
        return EXIT_TOOL
    except BrokenPipeError:
        return EXIT_TOOL
    except Exception as exc:  # noqa: BLE001 - the one place an unexpected error is reported: exit 3, one line
        where = ""
        tb = exc.__traceback__
        while tb and tb.tb_next:
            tb = tb.tb_next
        if tb:
            where = f" at {os.path.basename(tb.tb_frame.f_code.co_filename)}:{tb.tb_lineno}"
        print(f"preclear: internal error: {type(exc).__name__}: {exc}{where}", file=sys.stderr)
        return EXIT_TOOL
