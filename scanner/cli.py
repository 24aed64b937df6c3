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
import warnings
from typing import BinaryIO, Iterator, Sequence

from .errors import ConfigError, PreclearError
from .lang import DEFAULT_LANG, LANGS

EXIT_CLEAR, EXIT_REVIEW, EXIT_BLOCK, EXIT_TOOL = 0, 1, 2, 3

# modules that add their own subcommands with add_parsers(subparsers): the
# commands each adds and the extra it needs beyond the core install.  A module
# is imported only for its own commands or for the full --help, so a scan
# never loads the review store's SQLAlchemy.
_COMMAND_MODULES: dict[str, tuple[tuple[str, ...], str | None]] = {
    "scanner.redact.commands": (("redact",), None),
    "scanner.review.commands": (("submit", "decide", "approve", "status", "gate", "history", "audit", "token",
                                 "serve"), "review"),
}
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
    p.add_argument("--resume", action="store_true",
                   help="continue an interrupted JSONL scan from FILE.part (items already written are not scanned again)")
    p.add_argument("--lexicon", action="append", default=[], metavar="FILE", help="an extra lexicon (repeatable)")
    p.add_argument("--no-default-lexicons", action="store_true", help="do not load the lexicons shipped with preclear")
    p.add_argument("--config", metavar="FILE", help="preclear.toml to use (default: ./preclear.toml if present)")
    p.add_argument("--exclude", action="append", default=[], metavar="GLOB", help="skip paths matching GLOB (gitignore syntax)")
    p.add_argument("--explain", action="store_true", help="add how each score was reached and why hits were dropped")
    p.add_argument("--lang", choices=LANGS, default=DEFAULT_LANG,
                   help="language of reasons and legal bases in reports (default zh; rule ids are stable)")
    p.add_argument("--mask", action="store_true", help="mask excerpts in the report (for reports that leave the review office)")
    p.add_argument("--summary", action="store_true", help="print a readable summary on stderr")
    p.add_argument("--run-record", action="store_true",
                   help="jsonl/json: a first record {\"run\": ...} naming the tool version and the lexicons in effect")
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


def _add_lexicons(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("lexicons", help="list the lexicons a scan would use (name, version, entries, sha256, file)")
    p.add_argument("--lexicon", action="append", default=[], metavar="FILE", help="an extra lexicon (repeatable)")
    p.add_argument("--no-default-lexicons", action="store_true", help="leave out the lexicons shipped with preclear")
    p.add_argument("--config", metavar="FILE", help="preclear.toml to use (default: ./preclear.toml if present)")
    p.add_argument("--json", action="store_true", help="one JSON object per lexicon instead of a table")
    p.set_defaults(func=cmd_lexicons)


def cmd_lexicons(args: argparse.Namespace) -> int:
    """The lexicons in effect, loaded and checked exactly as a scan loads them."""
    import json

    from .config import load_config
    from .match.lexicon import lexicon_files, load_lexicon
    from .match.shipped import load_shipped

    config = load_config(args.config)
    shipped = load_shipped() if config.default_lexicons and not args.no_default_lexicons else ()
    lexicons = shipped + tuple(load_lexicon(f) for f in lexicon_files(config.lexicons + tuple(args.lexicon)))
    for lex in lexicons:
        info = lex.info()
        if args.json:
            print(json.dumps({**info, "file": lex.path}, ensure_ascii=False))
        else:
            origin = "shipped" if lex.shipped else "added"
            print(f"{info['name']}\t{info['version'] or '-'}\t{info['entries']}\t{info['sha256']}\t{origin}\t{lex.path}")
    return EXIT_CLEAR


def _report_formats() -> list[str]:
    from .report import formats

    return formats()


def _add_hook(sub: argparse._SubParsersAction) -> None:
    hook = sub.add_parser("hook", help="entry points for the pre-commit hooks")
    hook_sub = hook.add_subparsers(dest="hook_command", required=True, parser_class=_Parser)
    p = hook_sub.add_parser("scan", help="scan files; fail on block (and on review with --fail-on-review)")
    p.add_argument("files", nargs="*", metavar="FILE")
    p.add_argument("--config", metavar="FILE", help="preclear.toml (scoring.fail_on_review applies)")
    p.add_argument("--fail-on-review", action="store_true", help="fail on review verdicts too")
    p.set_defaults(func=cmd_hook_scan)


def cmd_hook_scan(args: argparse.Namespace) -> int:
    """The pre-commit hook: one line per failing file, exit 1 if any."""
    from . import scan_paths
    from .config import load_config
    from .report.summary import item_line

    config = load_config(args.config)
    fail_on_review = args.fail_on_review or config.scoring.fail_on_review
    failed = 0
    for result in scan_paths(args.files, config):
        if result.verdict.value == "block" or (fail_on_review and result.verdict.value == "review"):
            failed += 1
            print(item_line(result))
    return EXIT_REVIEW if failed else EXIT_CLEAR


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("preclear")
    except PackageNotFoundError:  # a checkout on sys.path, not installed
        return "(not installed)"


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; for a ``command``, only the command modules it needs: the
    review commands' module imports the review store (SQLAlchemy, ~0.2 s),
    which scan, lexicons and hook do not use.  ``None``: every command (--help)."""
    parser = _Parser(prog="preclear", description="Confidentiality review (保密审查) scanner.")
    parser.add_argument("--version", action="version", version=f"preclear {_version()}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (repeatable)")
    parser.add_argument("--log-file", metavar="FILE", help="write the log to FILE")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    _add_scan(sub)
    _add_lexicons(sub)
    _add_hook(sub)
    if command in ("scan", "lexicons", "hook"):
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


_ALL_COMMANDS = frozenset(c for commands, _ in _COMMAND_MODULES.values() for c in commands)


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
def _output(path: str | None, resume_at: int | None = None) -> Iterator[BinaryIO]:
    """stdout, or FILE written whole-or-not-at-all (a ``.part`` file renamed
    at the end, continued after ``resume_at`` bytes with --resume); devices
    and pipes (``/dev/null``, a FIFO) are written in place."""
    if path is None:
        yield sys.stdout.buffer
        return
    if os.path.exists(path) and not os.path.isfile(path):
        with open(path, "wb") as fh:
            yield fh
        return
    tmp = f"{path}.part"
    if resume_at is not None:
        from .report.resume import reopen

        with reopen(tmp, resume_at) as fh:
            yield fh
    else:
        try:
            fh = open(tmp, "wb")  # noqa: SIM115 - closed by the with below; only opening is a usage error
        except OSError as exc:
            raise ConfigError(f"--output {path}: cannot write there ({exc.strerror or exc})") from exc
        with fh:
            yield fh
    os.replace(tmp, path)


def _check_scan_args(args: argparse.Namespace) -> None:
    """Mistakes in the command line are usage errors (exit 3, one line), found
    before any work: a PATH that does not exist, an --output folder that does not."""
    for path in args.paths:
        if not os.path.lexists(path):
            raise ConfigError(f"{path}: no such file or folder")
    if args.output is not None:
        folder = os.path.dirname(os.path.abspath(args.output))
        if not os.path.isdir(folder):
            raise ConfigError(f"--output {args.output}: the folder {folder} does not exist")


@contextlib.contextmanager
def _above_the_bar() -> Iterator[None]:
    """Item output on a terminal goes above the progress bar (stderr), never
    glued to the end of its line: the bar is cleared, the output written, the
    bar redrawn."""
    tqdm = sys.modules.get("tqdm")  # imported only when a bar is shown
    if tqdm is None or not sys.stdout.isatty():
        yield
        return
    with tqdm.tqdm.external_write_mode(file=sys.stdout):
        yield
        sys.stdout.flush()  # also flushes sys.stdout.buffer, where reporters write


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
    from .report import ReportOptions, Summary, lexicon_line, make_reporter
    from .report.summary import item_line, print_summary
    from .run.select import results_for, with_progress
    from .walk import WalkStats, walk

    config = _config_from_args(args)
    _check_scan_args(args)
    if args.engine == "dask" and not args.verbose:
        # the cluster's INFO logging (scheduler, nannies, workers; read at import by every process) only with -v
        os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")
        # and its notices, e.g. that the (unused) dashboard port is taken by another cluster
        warnings.filterwarnings("ignore", category=UserWarning, module=r"distributed\.")
    to_terminal = args.output is None and sys.stdout.isatty()
    fmt = args.format or ("summary" if to_terminal else "jsonl")
    stats = WalkStats()
    summary = Summary()
    started = time.perf_counter()
    items = walk(args.paths, config.excludes, stats)
    resumed = None
    if args.resume:
        from .report import resume

        resume.check(fmt, args.output, args.run_record)
        resumed = resume.read_part(f"{args.output}.part")
        items = resumed.skip(items)
        for result in resumed.results:
            summary.add(result)
    engine, results = results_for(args, config, items)
    lexicons = tuple(lex.info() for lex in engine.lexicons)
    results = with_progress(results, args, config)
    if fmt == "summary":
        for result in results:
            summary.add(result)
            with _above_the_bar():
                print(item_line(result), flush=True)
    else:
        options = ReportOptions(mask=args.mask, explain=args.explain, lang=args.lang,
                                review_lookup=_review_lookup(config.database),
                                suppressed=_suppressed(config.database),
                                lexicons=lexicons, run_record=args.run_record)
        with _output(args.output, resumed.keep if resumed else None) as out:
            reporter = make_reporter(fmt, out, options)
            reporter.begin()
            for result in results:
                summary.add(result)
                with _above_the_bar():
                    reporter.item(result)
            summary.seconds = time.perf_counter() - started
            reporter.finish(summary)
    summary.seconds = time.perf_counter() - started
    if not summary.items:
        skipped = f" ({stats.excluded} skipped by --exclude or .preclearignore)" if stats.excluded else ""
        print(f"preclear: nothing to scan: no files in {', '.join(args.paths)}{skipped}", file=sys.stderr)
    if fmt == "summary" or args.summary:
        # on a terminal the item lines were printed as they came; a --summary lists them
        stream = sys.stdout if fmt == "summary" else sys.stderr
        print_summary(summary, stats, stream, list_items=fmt != "summary")
        print("lexicons: " + ("; ".join(lexicon_line(info) for info in lexicons) or "none"), file=stream)
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
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        try:
            args = build_parser(_command_of(argv)).parse_args(argv)
            _setup_logging(args.verbose, args.log_file)
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
    except Exception as exc:  # the one place an unexpected error is reported: exit 3, one line
        where = ""
        tb = exc.__traceback__
        while tb and tb.tb_next:
            tb = tb.tb_next
        if tb:
            where = f" at {os.path.basename(tb.tb_frame.f_code.co_filename)}:{tb.tb_lineno}"
        print(f"preclear: internal error: {type(exc).__name__}: {exc}{where}", file=sys.stderr)
        return EXIT_TOOL
