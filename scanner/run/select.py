"""Which driver a ``preclear scan`` runs on, from --jobs / --engine /
--scheduler / --no-cache, and the progress bar on a terminal.

One small file or ``--jobs 1`` runs serially in this process (no pool to
start, no numba to load: the one-file scan stays under a second); folders
run on a process pool sized to the cores, or on Dask.  The extraction cache
is on for folder scans unless ``--no-cache``.
"""
from __future__ import annotations

import argparse
import os
import sys
import threading
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from ..cache import ExtractCache
from ..config import ScanConfig
from ..errors import ConfigError
from ..types import Item, ItemResult

if TYPE_CHECKING:
    from ..engine import Engine


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--jobs", "-j", type=int, metavar="N", help="worker processes (default: every core)")
    p.add_argument("--engine", choices=("local", "dask"), default="local",
                   help="local processes (default) or a Dask cluster")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask scheduler, e.g. tcp://host:8786 (default with --engine dask: a local cluster)")
    p.add_argument("--send-bytes", action="store_true",
                   help="with --engine dask: send the items' bytes to the workers instead of letting them read shared storage")
    p.add_argument("--no-cache", action="store_true", help="do not use the extraction cache")
    p.add_argument("--progress", choices=("auto", "always", "never"), default="auto",
                   help="progress bar on stderr (auto: when stderr is a terminal)")


def _folder_scan(paths: list[str]) -> bool:
    return any(os.path.isdir(p) for p in paths)


def results_for(args: argparse.Namespace, config: ScanConfig,
                items: Iterable[Item]) -> tuple[Engine, Iterator[ItemResult]]:
    """The engine (its lexicons go into the report) and the results of the
    driver the arguments ask for, in walk order."""
    from ..extract.registry import extractors
    from .worker import engine_for

    if args.jobs is not None and args.jobs < 1:
        raise ConfigError("--jobs must be at least 1")
    if args.scheduler and args.engine != "dask":
        raise ConfigError("--scheduler needs --engine dask")
    folders = _folder_scan(args.paths)
    use_cache = folders and config.cache.enabled and not args.no_cache
    serial = args.engine == "local" and (args.jobs == 1 or not folders)
    # built here so a bad lexicon fails before any output; the pool readies the
    # kernel before it forks (scanner.run.pool), and one process or a pool
    # worker loads jieba only if a part needs it
    engine = engine_for(config, warm=folders and args.engine == "dask")
    extractors()  # the extractors too: a broken plug-in fails before any output, and workers inherit them loaded
    if not use_cache:
        return engine, _drive(args, config, items, engine, None, serial)
    cache = ExtractCache(config.cache)
    return engine, _then_prune(_drive(args, config, items, engine, cache, serial), cache)


def _then_prune(results: Iterator[ItemResult], cache: ExtractCache) -> Iterator[ItemResult]:
    yield from results
    cache.prune()


def _drive(args: argparse.Namespace, config: ScanConfig, items: Iterable[Item], engine: Engine,
           cache: ExtractCache | None, serial: bool) -> Iterator[ItemResult]:
    """The results of the driver the arguments ask for; ``cache`` is used by the
    serial driver as it is, by pool and Dask workers through their own (same folder)."""
    use_cache = cache is not None
    if args.engine == "dask":
        from .dask import run_dask

        return run_dask(config, items, scheduler=args.scheduler, workers=args.jobs or 2,
                        send_bytes=args.send_bytes, use_cache=use_cache)
    if serial:
        from .serial import run_serial

        return run_serial(engine, items, cap=True, cache=cache)
    from .pool import run_pool

    return run_pool(config, items, args.jobs, use_cache=use_cache)


def with_progress(results: Iterator[ItemResult], args: argparse.Namespace, config: ScanConfig) -> Iterator[ItemResult]:
    """Wrap ``results`` in a tqdm bar (items, MB, items/s, ETA) on a terminal;
    the total comes from a walk counted in a background thread."""
    show = args.progress == "always" or (args.progress == "auto" and sys.stderr.isatty())
    if not show:
        yield from results
        return
    from tqdm import tqdm

    from ..walk import walk

    bar = tqdm(unit=" items", file=sys.stderr, dynamic_ncols=True, smoothing=0.1)

    def count() -> None:
        bar.total = sum(1 for _ in walk(list(args.paths), config.excludes))
        bar.refresh()

    threading.Thread(target=count, daemon=True).start()
    mb = 0.0
    try:
        for result in results:
            if result.parent is None:
                mb += (result.size or 0) / 1e6
                bar.update(1)
                bar.set_postfix_str(f"{mb:.1f} MB", refresh=False)
            yield result
    finally:
        bar.close()
