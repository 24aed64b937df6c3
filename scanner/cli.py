"""Command line: arguments and exit codes only.

Exit status of ``preclear scan``: 0 every item clear; 1 at least one
``review`` and none ``block``; 2 at least one ``block``; 3 the tool itself
failed, with one line on stderr saying what and where.
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import importlib
import logging
import os
import sys
import time
from typing import BinaryIO, Iterator, Sequence

from .errors import ConfigError, PreclearError
from .lang import DEFAULT_LANG, LANGS

EXIT_CLEAR, EXIT_REVIEW, EXIT_BLOCK, EXIT_TOOL = 0, 1, 2, 3

# modules that add their own subcommands with add_parsers(subparsers)
_COMMAND_MODULES: tuple[str, ...] = ("scanner.review.commands", "scanner.redact.commands")

_LIMIT_FLAGS = {
    "max_item_bytes": (int, "largest item in bytes"),
    "max_total_uncompressed": (int, "largest total decompressed size of an item in bytes"),
    "max_expansion_ratio": (float, "largest decompression ratio of an item"),
    "max_depth": (int, "deepest archive nesting"),
    "max_members": (int, "most members in an archive"),
    "max_pdf_pages": (int, "most pages read from a PDF"),
    "item_timeout": (float, "seconds of work allowed per item"),
    "max_item_memory": (int, "bytes of memory one item may add to its worker (0: no cap)"),
}


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on bad arguments; our contract says 3 with one line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise ConfigError(f"{self.prog}: {message}")


def _add_scan(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scan", help="scan files and folders and give each item a verdict")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--format", choices=_report_formats(), help="jsonl (default when stdout is not a terminal), json, csv, html, docx, sarif")
    p.add_argument("--output", "-o", metavar="FILE", help="write the report here instead of stdout")
    p.add_argument("--lexicon", action="append", default=[], metavar="FILE", help="an extra lexicon (repeatable)")
    p.add_argument("--no-default-lexicons", action="store_true", help="do not load the shipped lexicons/")
    p.add_argument("--config", metavar="FILE", help="preclear.toml to use (default: ./preclear.toml if present)")
    p.add_argument("--exclude", action="append", default=[], metavar="GLOB", help="skip paths matching GLOB (gitignore syntax)")
    p.add_argument("--explain", action="store_true", help="add how each score was reached and why hits were dropped")
    p.add_argument("--lang", choices=LANGS, default=DEFAULT_LANG,
                   help="language of reasons and legal bases in reports (default zh; rule ids are stable)")
    p.add_argument("--mask", action="store_true", help="mask excerpts in the report (for reports that leave the review office)")
    p.add_argument("--summary", action="store_true", help="print a readable summary on stderr")
    p.add_argument("--fail-on", choices=("review", "block"), default="review",
                   help="lowest verdict that makes the exit status non-zero (default: review)")
    p.add_argument("--db", metavar="URL", help="review store for the report's review fields")
    for name, (kind, text) in _LIMIT_FLAGS.items():
        p.add_argument("--" + name.replace("_", "-"), type=kind, metavar="N", help=text)
    p.add_argument("--soffice", metavar="PATH", help="LibreOffice's soffice, to read .doc/.xls/.ppt/WPS bodies (default: soffice on PATH)")
    p.add_argument("--no-convert", action="store_true", help="do not read legacy Office bodies through LibreOffice")
    from .run.select import add_arguments

    add_arguments(p)  # --jobs --engine --scheduler --send-bytes --no-cache --progress
    p.set_defaults(func=cmd_scan)


def _report_formats() -> list[str]:
    from .report import formats

    return formats()


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; for ``command="scan"`` only the scan subcommand: the other
    commands' modules import the review store (SQLAlchemy, ~0.2 s), which a
    scan does not use."""
    parser = _Parser(prog="preclear", description="Confidentiality review (保密审查) scanner.")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (repeatable)")
    parser.add_argument("--log-file", metavar="FILE", help="write the log to FILE")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    _add_scan(sub)
    if command != "scan":
        for module in _COMMAND_MODULES:
            importlib.import_module(module).add_parsers(sub)
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


def _config_from_args(args: argparse.Namespace):
    from .config import Limits, load_config

    config = load_config(args.config)
    limits = {n: getattr(args, n) for n in _LIMIT_FLAGS if getattr(args, n, None) is not None}
    if any(v < 0 for v in limits.values()):
        raise ConfigError("limits must not be negative")
    changes = {
        "lexicons": config.lexicons + tuple(args.lexicon),
        "excludes": config.excludes + tuple(args.exclude),
        "explain": args.explain,
    }
    if args.no_default_lexicons:
        changes["default_lexicons"] = False
    if limits:
        changes["limits"] = Limits(**{**config.limits.__dict__, **limits})
    if args.db:
        changes["database"] = args.db
    if args.soffice or args.no_convert:
        changes["convert"] = dataclasses.replace(config.convert, soffice=args.soffice or config.convert.soffice,
                                                 enabled=config.convert.enabled and not args.no_convert)
    return config.replace(**changes)


@contextlib.contextmanager
def _output(path: str | None) -> Iterator[BinaryIO]:
    """stdout, or FILE written whole-or-not-at-all (a ``.part`` file renamed
    at the end); devices and pipes (``/dev/null``, a FIFO) are written in place."""
    if path is None:
        yield sys.stdout.buffer
        return
    if os.path.exists(path) and not os.path.isfile(path):
        with open(path, "wb") as fh:
            yield fh
        return
    tmp = f"{path}.part"
    with open(tmp, "wb") as fh:
        yield fh
    os.replace(tmp, path)


def _review_lookup(database: str):
    if not database:
        return None
    from .review import open_store

    return open_store(database).review_record


def _suppressed(database: str):
    if not database:
        return None
    from .review import open_store
    from .review.suppress import finder, load

    return finder(load(open_store(database)))


def cmd_scan(args: argparse.Namespace) -> int:
    from .report import ReportOptions, Summary, make_reporter
    from .report.summary import item_line, print_summary
    from .run.select import results_for, with_progress
    from .walk import WalkStats, walk

    config = _config_from_args(args)
    to_terminal = args.output is None and sys.stdout.isatty()
    fmt = args.format or ("summary" if to_terminal else "jsonl")
    stats = WalkStats()
    summary = Summary()
    started = time.perf_counter()
    results = with_progress(results_for(args, config, walk(args.paths, config.excludes, stats)), args, config)
    if fmt == "summary":
        for result in results:
            summary.add(result)
            print(item_line(result), flush=True)
    else:
        options = ReportOptions(mask=args.mask, explain=args.explain, lang=args.lang,
                                review_lookup=_review_lookup(config.database),
                                suppressed=_suppressed(config.database))
        with _output(args.output) as out:
            reporter = make_reporter(fmt, out, options)
            reporter.begin()
            for result in results:
                summary.add(result)
                reporter.item(result)
            summary.seconds = time.perf_counter() - started
            reporter.finish(summary)
    summary.seconds = time.perf_counter() - started
    if fmt == "summary" or args.summary:
        # on a terminal the item lines were printed as they came; a --summary lists them
        print_summary(summary, stats, sys.stdout if fmt == "summary" else sys.stderr, list_items=fmt != "summary")
    worst = summary.worst.value
    if worst == "block":
        return EXIT_BLOCK
    if worst == "review" and args.fail_on == "review":
        return EXIT_REVIEW
    return EXIT_CLEAR


def _setup_logging(verbose: int, log_file: str | None) -> None:
    level = logging.WARNING - 10 * min(verbose, 2)
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file:
        handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
    logging.basicConfig(level=level, handlers=handlers, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def main(argv: Sequence[str] | None = None) -> int:
    try:
        argv = sys.argv[1:] if argv is None else argv
        args = build_parser(_command_of(argv)).parse_args(argv)
        _setup_logging(args.verbose, args.log_file)
        return int(args.func(args))
    except PreclearError as exc:  # ToolError, and anything of ours that escaped an item
        print(f"preclear: error: {exc}", file=sys.stderr)
        return EXIT_TOOL
    except KeyboardInterrupt:
        print("preclear: interrupted", file=sys.stderr)
        return EXIT_TOOL
    except BrokenPipeError:
        return EXIT_TOOL
    except Exception as exc:  # the one place an unexpected error is reported: exit 3, one line
        where = ""
        tb = exc.__traceback__
        while tb and tb.tb_next:
            tb = tb.tb_next
        if tb:
            where = f" at {os.path.basename(tb.tb_frame.f_code.co_filename)}:{tb.tb_lineno}"
        print(f"preclear: internal error: {type(exc).__name__}: {exc}{where}", file=sys.stderr)
        return EXIT_TOOL
