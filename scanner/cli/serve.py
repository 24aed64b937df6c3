"""``preclear serve``: the HTTP review service (scanner.service) on one
review store."""
from __future__ import annotations

import argparse
import logging

from ..config import MB
from ..errors import ConfigError
from .exits import EXIT_OK
from .parsing import Subparsers
from .store import config_of, store_command


def add_parsers(sub: Subparsers) -> None:
    p = store_command(sub, "serve", cmd_serve, "run the HTTP review service")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--max-body-mb", type=float, default=64.0, help="largest request body (default 64)")
    p.add_argument("--allow-same-person", action="store_true",
                   help="let one person submit, review and approve the same item (off by default)")
    p.add_argument("--no-access-log", action="store_true", help="do not log every request")
    p.add_argument("--lexicon", action="append", default=[], metavar="FILE", help="an extra lexicon (repeatable)")
    p.add_argument("--no-default-lexicons", action="store_true", help="do not load the shipped lexicons")
    p.add_argument("--mask", action="store_true", help="mask the marked text in the gate's reasons")
    p.add_argument("--workers", type=int, default=1, metavar="N", help="worker processes behind the one store (default 1)")
    p.add_argument("--header-timeout", type=float, default=10.0, metavar="S",
                   help="seconds a client has to send a request's headers (default 10)")
    p.add_argument("--body-timeout", type=float, default=60.0, metavar="S",
                   help="seconds a client has to send a request's body once the headers are in (default 60)")
    p.add_argument("--max-conns-per-client", type=int, default=64, metavar="N",
                   help="open connections per client address and worker; 0: no cap, behind a proxy (default 64)")
    p.add_argument("--limit-concurrency", type=int, default=1000, metavar="N",
                   help="connections and requests per worker before answering 503 (default 1000)")


def cmd_serve(args: argparse.Namespace) -> int:
    from ..service import ServiceSettings
    from ..service.guard import ReadLimits
    from ..service.server import ServerOptions, serve

    if args.workers < 1 or args.max_conns_per_client < 0 or args.limit_concurrency < 1:
        raise ConfigError("--workers and --limit-concurrency must be at least 1, --max-conns-per-client at least 0")
    config = config_of(args)
    config = config.replace(lexicons=config.lexicons + tuple(args.lexicon),
                            default_lexicons=config.default_lexicons and not args.no_default_lexicons)
    settings = ServiceSettings(database=args.db or config.database, config=config,
                               max_body_bytes=int(args.max_body_mb * MB),
                               separate_duties=config.separate_duties and not args.allow_same_person,
                               mask=args.mask)
    logging.getLogger("preclear.service").setLevel(logging.INFO)  # the start-up lines: lexicons, ruleset
    limits = ReadLimits(header_timeout=args.header_timeout, body_timeout=args.body_timeout,
                        max_per_client=args.max_conns_per_client)
    serve(settings, args.config, ServerOptions(host=args.host, port=args.port, workers=args.workers,
                                               access_log=not args.no_access_log, limits=limits,
                                               limit_concurrency=args.limit_concurrency))
    return EXIT_OK
