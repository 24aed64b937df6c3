"""``preclear lexicons``: the lexicons a scan would use, loaded and checked
exactly as a scan loads them."""
from __future__ import annotations

import argparse

from .exits import EXIT_OK
from .parsing import Subparsers


def add_parsers(sub: Subparsers) -> None:
    p = sub.add_parser("lexicons", help="list the lexicons a scan would use (name, version, entries, sha256, file)")
    p.add_argument("--lexicon", action="append", default=[], metavar="FILE", help="an extra lexicon (repeatable)")
    p.add_argument("--no-default-lexicons", action="store_true", help="leave out the lexicons shipped with preclear")
    p.add_argument("--config", metavar="FILE", help="preclear.toml to use (default: ./preclear.toml if present)")
    p.add_argument("--json", action="store_true", help="one JSON object per lexicon instead of a table")
    p.set_defaults(func=cmd_lexicons)


def cmd_lexicons(args: argparse.Namespace) -> int:
    import json

    from ..config import load_config
    from ..match.lexicon import load_lexicon
    from ..match.shipped import load_shipped
    from ..match.sources import lexicon_files

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
    return EXIT_OK
