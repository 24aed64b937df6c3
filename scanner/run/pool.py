"""The process-pool driver: every core busy, results in walk order, memory
bounded, and a hung or crashing item costs only itself.

Each worker is a forked process with its own pipe, so the driver always
knows which item a worker holds: when an item runs past
``Limits.item_timeout`` (or its worker dies), that worker is killed and
replaced and the item becomes ``review`` with an ``unreadable`` finding
naming the limit; the batch goes on.  At most ``window`` items are in
flight or waiting to be written, however many the walk yields.
"""
from __future__ import annotations

import logging
import multiprocessing as mp
import os
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Iterable, Iterator

from ..config import ScanConfig
from ..extract import unreadable
from ..pipeline import _problem_result, scan_item
from ..types import Item, ItemResult
from .worker import engine_for

log = logging.getLogger(__name__)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _worker_main(config: ScanConfig, use_cache: bool, conn: Connection) -> None:
    engine = engine_for(config, use_cache)
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        seq, item = task
        try:
            conn.send((seq, scan_item(engine, item), None))
        except Exception as exc:  # a bug in a stage: the item fails closed, the worker goes on
            log.exception("internal error on %s", item.path)
            conn.send((seq, None, f"internal error: {type(exc).__name__}: {exc}"))


@dataclass
class _Worker:
    process: mp.process.BaseProcess
    conn: Connection
    task: tuple[int, Item, float] | None = None  # seq, item, deadline


class _Pool:
    def __init__(self, config: ScanConfig, jobs: int, use_cache: bool) -> None:
        self.config, self.use_cache = config, use_cache
        self.ctx = mp.get_context("fork")
        engine_for(config, use_cache)  # built once here; forked workers inherit it
        self.workers = [self._start() for _ in range(jobs)]

    def _start(self) -> _Worker:
        parent, child = self.ctx.Pipe()
        process = self.ctx.Process(target=_worker_main, args=(self.config, self.use_cache, child), daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent)

    def replace(self, worker: _Worker) -> None:
        worker.process.kill()
        worker.process.join()
        worker.conn.close()
        self.workers[self.workers.index(worker)] = self._start()

    def close(self) -> None:
        for w in self.workers:
            try:
                if w.task is None:
                    w.conn.send(None)
            except OSError:
                pass
        for w in self.workers:
            w.process.join(timeout=1)
            if w.process.is_alive():
                w.process.kill()
                w.process.join()
            w.conn.close()


def _failed(item: Item, reason: str, rule: str, **details: object) -> list[ItemResult]:
    return [_problem_result(item, unreadable(reason, rule=rule, **details))]


def run_pool(config: ScanConfig, items: Iterable[Item], jobs: int | None = None, *,
             use_cache: bool = False, window: int | None = None) -> Iterator[ItemResult]:
    """Scan ``items`` on ``jobs`` processes; yield results in walk order."""
    jobs = jobs or default_jobs()
    window = window or 4 * jobs
    timeout = config.limits.item_timeout
    source = iter(items)
    exhausted = False
    done: dict[int, list[ItemResult]] = {}
    next_seq = next_out = 0
    pool = _Pool(config, jobs, use_cache)

    def feed() -> None:
        """Give every idle worker its next item (within the window)."""
        nonlocal next_seq, exhausted
        for w in pool.workers:
            if w.task is None and not exhausted and next_seq - next_out < window:
                item = next(source, None)
                if item is None:
                    exhausted = True
                    return
                w.task = (next_seq, item, time.monotonic() + timeout if timeout else float("inf"))
                w.conn.send((next_seq, item))
                next_seq += 1

    try:
        while True:
            feed()
            busy = [w for w in pool.workers if w.task is not None]
            if not busy:
                break
            wait_for = max(0.0, min(w.task[2] for w in busy) - time.monotonic())  # type: ignore[index]
            ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy],
                             timeout=min(wait_for, 3600.0)))
            now = time.monotonic()
            for w in busy:
                assert w.task is not None
                seq, item, deadline = w.task
                if w.conn in ready:
                    try:
                        _, results, error = w.conn.recv()
                        crashed = False
                    except (EOFError, OSError):
                        results, error, crashed = None, None, True
                    if crashed:
                        done[seq] = _failed(item, f"the worker process died while scanning the item "
                                                  f"(exit code {w.process.exitcode})", "unreadable.crash")
                        pool.replace(w)
                    else:
                        done[seq] = results if results is not None else _failed(item, str(error), "unreadable.internal")
                        w.task = None
                elif w.process.sentinel in ready:
                    w.process.join()
                    done[seq] = _failed(item, f"the worker process died while scanning the item "
                                              f"(exit code {w.process.exitcode})", "unreadable.crash")
                    pool.replace(w)
                elif now >= deadline:
                    log.warning("%s: no result after %s s, worker replaced", item.path, timeout)
                    done[seq] = _failed(item, f"limit item_timeout exceeded: no result after {timeout:g} s",
                                        "unreadable.limit", limit="item_timeout")
                    pool.replace(w)
            feed()  # workers start their next item before the consumer writes these results
            while next_out in done:
                yield from done.pop(next_out)
                next_out += 1
    finally:
        pool.close()
