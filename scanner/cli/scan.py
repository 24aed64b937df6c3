"""``preclear scan PATH...``: every item's verdict as a report; the exit
status is the worst verdict's (exits.py)."""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, BinaryIO

from ..errors import ConfigError
from ..lang import DEFAULT_LANG, LANGS
from .exits import verdict_status
from .parsing import Subparsers

if TYPE_CHECKING:
    from ..config import ScanConfig
    from ..types import Finding, ItemResult, ReviewRecord

LIMIT_FLAGS: dict[str, tuple[type, str]] = {
    "max_item_bytes": (int, "largest item in bytes"),
    "max_total_uncompressed": (int, "largest total decompressed size of an item in bytes"),
    "max_expansion_ratio": (float, "largest decompression ratio of an item"),
    "max_depth": (int, "deepest archive nesting"),
    "max_members": (int, "most members in an archive"),
    "max_pdf_pages": (int, "most pages read from a PDF"),
    "item_timeout": (float, "seconds of work allowed per item"),
    "max_item_memory": (int, "bytes of memory one item may add to its worker (0: no cap)"),
}


def add_parsers(sub: Subparsers) -> None:
    p = sub.add_parser("scan", help="scan files and folders and give each item a verdict")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--format", choices=_report_formats(), help="jsonl (default when stdout is not a terminal), json, csv, html, docx, sarif")
    p.add_argument("--output", "-o", metavar="FILE", type=_output_path,
                   help="write the report here instead of stdout (- is stdout)")
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
    for name, (kind, text) in LIMIT_FLAGS.items():
        p.add_argument("--" + name.replace("_", "-"), type=kind, metavar="N", help=text)
    p.add_argument("--soffice", metavar="PATH", help="LibreOffice's soffice, to read .doc/.xls/.ppt/WPS bodies (default: soffice on PATH)")
    p.add_argument("--no-convert", action="store_true", help="do not read legacy Office bodies through LibreOffice")
    from ..run.select import add_arguments

    add_arguments(p)  # --jobs --engine --scheduler --send-bytes --no-cache --progress
    p.set_defaults(func=cmd_scan)


def _report_formats() -> list[str]:
    from ..report import formats

    return formats()


def config_from_args(args: argparse.Namespace) -> ScanConfig:
    """preclear.toml (or --config) with the command line's additions and limits."""
    from ..config import Limits, load_config

    config = load_config(args.config)
    limits = {n: getattr(args, n) for n in LIMIT_FLAGS if getattr(args, n, None) is not None}
    if any(v < 0 for v in limits.values()):
        raise ConfigError("limits must not be negative")
    changes: dict[str, Any] = {
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


def _output_path(value: str) -> str | None:
    """``-`` is stdout, as for most tools that write a file: ``-o -`` wrote
    a report into a file named ``-`` in the working folder, which a scan of
    that folder then read as an item."""
    return None if value == "-" else value


@contextlib.contextmanager
def _output(path: str | None, resume_at: int | None = None) -> Iterator[BinaryIO]:
    """stdout, or FILE written whole-or-not-at-all (a ``.part`` file renamed
    at the end, continued after ``resume_at`` bytes with --resume); devices
    and pipes (``/dev/null``, a FIFO) are written in place."""
    if path is None:
        yield sys.stdout.buffer
        return
    if os.path.exists(path) and not os.path.isfile(path):
        with open(path, "wb") as device:
            yield device
        return
    tmp = f"{path}.part"
    fh: BinaryIO
    if resume_at is not None:
        from ..report.resume import reopen

        fh = reopen(tmp, resume_at)
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


def _review_lookup(database: str) -> Callable[[str], ReviewRecord | None] | None:
    if not database:
        return None
    from ..review import open_store

    return open_store(database).review_record


def _suppressed(database: str) -> Callable[[ItemResult, Finding], Any] | None:
    if not database:
        return None
    from ..review import open_store
    from ..review.suppress import finder, load

    return finder(load(open_store(database)))


def cmd_scan(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    _check_scan_args(args)
    with _quiet_dask(args.engine == "dask" and not args.verbose):
        return _scan(args, config)


@contextlib.contextmanager
def _quiet_dask(quiet: bool) -> Iterator[None]:
    """Without -v, the Dask cluster's INFO logging (scheduler, nannies,
    workers; each process reads the setting at import) and its notices (that
    the unused dashboard port is taken by another cluster) are not shown.
    Both settings last as long as the scan: ``main`` called in a process
    that goes on (a test, a script) left them behind, and a later verbose
    Dask run there, or any process it started, was silent."""
    if not quiet:
        yield
        return
    name = "DASK_LOGGING__DISTRIBUTED"
    before = os.environ.get(name)
    os.environ.setdefault(name, "warning")
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=UserWarning, module=r"distributed\.")
            yield
    finally:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before


def _scan(args: argparse.Namespace, config: ScanConfig) -> int:
    from ..report import ReportOptions, Summary, lexicon_line, make_reporter
    from ..report.summary import item_line, print_summary
    from ..run.select import results_for, with_progress
    from ..walk import WalkStats, walk

    to_terminal = args.output is None and sys.stdout.isatty()
    fmt = args.format or ("summary" if to_terminal else "jsonl")
    stats = WalkStats()
    summary = Summary()
    started = time.perf_counter()
    items = walk(args.paths, config.excludes, stats)
    resumed = None
    if args.resume:
        from ..report import resume

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
    return verdict_status(summary.worst, fail_on_review=args.fail_on == "review")
