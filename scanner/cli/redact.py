"""``preclear redact FILE... --out DIR [--all]``: verified redacted copies.

Exit status (exits.py): 0 every copy written; 1 at least one file refused
(one line on stderr each: unsupported format, something would remain,
unreadable); 3 the tool itself failed (bad arguments, unusable output
folder, bad lexicon).
"""
from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

from ..errors import ConfigError, ItemError
from .exits import EXIT_OK, EXIT_REFUSED
from .parsing import Subparsers


def add_parsers(sub: Subparsers) -> None:
    p = sub.add_parser("redact", help="write copies with state-secret marks covered, verified by a re-scan")
    p.add_argument("files", nargs="+", metavar="FILE", help="TXT, Markdown, CSV, HTML or DOCX files")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the copies (created if missing)")
    p.add_argument("--all", dest="everything", action="store_true",
                   help="cover every finding with a span, not only marks")
    p.add_argument("--cover", metavar="CHAR", help="character that covers each redacted character "
                   "(default ■; an empty string removes the text instead)")
    p.add_argument("--lexicon", action="append", default=[], metavar="FILE", help="an extra lexicon (repeatable)")
    p.add_argument("--config", metavar="FILE", help="preclear.toml to use (default: ./preclear.toml if present)")
    p.set_defaults(func=cmd_redact)


def _targets(files: list[str], out: Path) -> list[tuple[Path, Path]]:
    """(input, copy) pairs; refuses clashing names and overwriting an input."""
    pairs = [(Path(f), out / Path(f).name) for f in files]
    names = Counter(target.name for _, target in pairs)
    clash = sorted(n for n, c in names.items() if c > 1)
    if clash:
        raise ConfigError(f"redact: several inputs would be written to the same copy: {', '.join(clash)}")
    for source, target in pairs:
        if target.exists() and source.exists() and os.path.samefile(source, target):
            raise ConfigError(f"redact: --out would overwrite the input {source}")
    return pairs


def cmd_redact(args: argparse.Namespace) -> int:
    from ..config import load_config
    from ..engine import Engine
    from ..redact import DEFAULT_COVER, redact_bytes

    cover_char = DEFAULT_COVER if args.cover is None else args.cover
    if len(cover_char) > 1:
        raise ConfigError("redact: --cover must be one character or empty")
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"redact: cannot create --out {out}: {exc.strerror or exc}") from exc
    pairs = _targets(args.files, out)
    config = load_config(args.config)
    engine = Engine(config.replace(lexicons=config.lexicons + tuple(args.lexicon)))
    status = EXIT_OK
    for source, target in pairs:
        try:
            data = source.read_bytes()
        except OSError as exc:
            print(f"preclear redact: refused {source}: cannot read: {exc.strerror or exc}", file=sys.stderr)
            status = EXIT_REFUSED
            continue
        try:
            result = redact_bytes(engine, data, source.name, everything=args.everything, cover_char=cover_char)
        except ItemError as exc:
            print(f"preclear redact: refused {source}: {exc.reason}", file=sys.stderr)
            status = EXIT_REFUSED
            continue
        tmp = target.with_name(target.name + ".part")
        try:
            tmp.write_bytes(result.data)
            os.replace(tmp, target)
        except OSError as exc:
            raise ConfigError(f"redact: cannot write {target}: {exc.strerror or exc}") from exc
        rules = Counter(f.rule for f in result.covered)
        detail = ", ".join(f"{rule} ×{n}" for rule, n in sorted(rules.items())) or "nothing to cover"
        print(f"{target}: {len(result.covered)} covered ({detail}); re-scan clean")
    return status
