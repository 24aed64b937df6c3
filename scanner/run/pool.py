"""The process-pool driver: every core busy, results in walk order, memory
bounded, and a hung or crashing item costs only itself.

Items go to a worker in small batches (up to ``BATCH_ITEMS`` items or
``BATCH_BYTES`` of input): a 10 KB text is scanned in a third of a
millisecond, about what one round trip through the driver costs, so one
message per item left both cores waiting on pipes.  A worker writes the
number and start time of the item it is scanning into memory it shares with
the driver, so the driver still knows which item is running: when one runs
past ``Limits.item_timeout`` (or its worker dies), that worker is killed and
replaced, that item becomes ``review`` with an ``unreadable`` finding naming
the limit, and the rest of its batch is scanned again elsewhere.  At most
``window`` items are in flight or waiting to be written, however many the
walk yields.  A worker whose address space has grown so far that the next
item would get less than three quarters of the memory its first item had
(what its items left behind) stops after its item and is replaced by a
fresh fork.

Workers die with the driver: a ``kill -9`` of ``preclear scan`` gives the
driver no chance to stop them, so each worker asks the kernel for SIGKILL
when its parent goes (``prctl(PR_SET_PDEATHSIG)``) and, where that is not
available, a watchdog thread exits once the parent process is gone.
"""
from __future__ import annotations

import ctypes
import gc
import logging
import multiprocessing as mp
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from ..budget import cap_memory, headroom
from ..cache import ExtractCache
from ..config import ScanConfig
from ..engine import Engine
from ..extract import unreadable
from ..extract.ocr import share_cores
from ..lang import Text
from ..pipeline import internal_error, problem_result, scan_item
from ..types import Item, ItemResult
from .worker import engine_for
from .workerlogs import WorkerLogs, send_records

log = logging.getLogger(__name__)

BATCH_ITEMS = 16
BATCH_BYTES = 1 << 20
PR_SET_PDEATHSIG = 1  # linux/prctl.h
WATCHDOG_SECONDS = 1.0
RETIRE_SECONDS = 5.0
WORN_BELOW = 0.75  # a worker left with less than this share of an item's memory is replaced

Task = tuple[int, Item]


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _die_with_parent(parent: int) -> None:
    """Make this worker end when the driver process ``parent`` does."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the watchdog alone
        pass
    if os.getppid() != parent:  # the driver died before prctl took effect
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="parent-watchdog", daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCHDOG_SECONDS)
    os._exit(1)


def _prepared(config: ScanConfig) -> Engine:
    """The Engine, ready before the workers fork (they inherit it).  jieba
    and numba are not: as in one process, a worker loads jieba when a short
    hit first needs confirming and numba once its kernels pay for the load
    (scanner.native).  Loading them in the driver cost every pool scan
    ~0.7 s and ~0.3 s on one core before any worker started, though most
    folders need neither."""
    engine = engine_for(config, warm=False)
    gc.freeze()
    return engine


def _worker_main(config: ScanConfig, use_cache: bool, conn: Connection, running: Any, parent: int,
                 jobs: int, logs: tuple[Connection | None, list[logging.Handler]]) -> None:
    """Scan batches until told to stop; ``running`` = [seq, monotonic start] of the current item."""
    _die_with_parent(parent)
    send_records(*logs)
    share_cores(jobs)  # OCR's threads: this worker's share of the cores, not all of them
    engine = _prepared(config)
    cache = ExtractCache(config.cache) if use_cache else None
    cap_memory(config.limits)  # after the engine is warm: the cap is what one item may add
    room = headroom()  # what the first item gets (less than max_item_memory under a lower hard limit)
    while True:
        try:
            batch = conn.recv()
        except EOFError:
            return
        if batch is None:
            return
        answers: list[tuple[int, list[ItemResult] | None, str | None]] = []
        worn = False
        for seq, item in batch:
            running[1] = time.monotonic()  # the start first: a read between the two writes
            running[0] = seq  # then sees the old item with a later start, never an early deadline
            try:
                answers.append((seq, scan_item(engine, item, cache), None))
            except Exception as exc:  # a bug in a stage: the item fails closed, the worker goes on
                log.exception("internal error on %s", item.path)
                answers.append((seq, None, internal_error(exc)))
            worn = _worn(room)
            if worn:
                log.debug("pool worker %d: less than %d%% of its first item's memory left; replaced",
                          os.getpid(), WORN_BELOW * 100)
                break
        conn.send((answers, worn))
        if worn:
            return


def _worn(room: int | None) -> bool:
    """Whether this worker has kept so much of what its items allocated (a
    fragmented heap after a huge page, a library's caches) that the next
    item would get much less memory than the first one (``room``): then it
    stops and a fresh fork takes its place.  A fuzz run's long-lived
    process, capped once, grew to 1.2 GB; the items after that failed in
    lxml and pdfium for want of memory they would have had in a new worker."""
    left = headroom()
    return room is not None and left is not None and left < room * WORN_BELOW


@dataclass
class _Worker:
    process: mp.process.BaseProcess
    conn: Connection
    running: Any  # shared [seq, start] written by the worker
    tasks: deque[Task] = field(default_factory=deque)  # the batch sent and not yet answered
    sent_at: float = 0.0

    def current(self) -> tuple[int, float]:
        """Position in ``tasks`` of the item being scanned, and when it started."""
        seq, started = int(self.running[0]), self.running[1]
        for i, (s, _) in enumerate(self.tasks):
            if s == seq:
                return i, started
        return 0, self.sent_at  # the batch is not started yet


class _Pool:
    def __init__(self, config: ScanConfig, jobs: int, use_cache: bool) -> None:
        self.config, self.use_cache = config, use_cache
        self.ctx = mp.get_context("fork")
        _prepared(config)  # built once here; forked workers inherit it
        self.logs = WorkerLogs(self.ctx)  # the workers' records reach this process's handlers
        self.jobs = jobs
        self.workers: list[_Worker] = []
        try:
            for _ in range(jobs):
                self.workers.append(self._start())
        except BaseException:  # a fork that fails (out of memory, process limit): stop what started
            self.close()
            raise

    def _start(self) -> _Worker:
        parent, child = self.ctx.Pipe()
        running = self.ctx.RawArray("d", [-1.0, 0.0])
        log_end = self.logs.for_worker()
        process = self.ctx.Process(target=_worker_main,
                                   args=(self.config, self.use_cache, child, running, os.getpid(), self.jobs,
                                         (log_end, self.logs.handlers)),
                                   daemon=True)
        process.start()
        child.close()
        if log_end is not None:
            log_end.close()  # the worker's now: its pipe ends when the worker does
        return _Worker(process, parent, running)

    def replace(self, worker: _Worker) -> None:
        worker.process.kill()
        worker.process.join()
        worker.conn.close()
        self.workers[self.workers.index(worker)] = self._start()

    def retire(self, worker: _Worker) -> None:
        """A worker that stopped of itself (worn): let it exit, so its last
        log records get out, then start another."""
        worker.process.join(timeout=RETIRE_SECONDS)
        self.replace(worker)

    def close(self) -> None:
        for w in self.workers:
            try:
                if not w.tasks:
                    w.conn.send(None)
            except OSError:
                pass
        for w in self.workers:
            w.process.join(timeout=1)
            if w.process.is_alive():
                w.process.kill()
                w.process.join()
            w.conn.close()
        self.logs.close()


def _failed(item: Item, reason: str, rule: str, **details: str) -> list[ItemResult]:
    return [problem_result(item, unreadable(reason, rule=rule, **details))]


def _input_size(item: Item) -> int:
    if item.data is not None:
        return len(item.data)
    try:
        return os.stat(item.source).st_size if item.source else 0
    except OSError:
        return 0


def run_pool(config: ScanConfig, items: Iterable[Item], jobs: int | None = None, *,
             use_cache: bool = False, window: int | None = None) -> Iterator[ItemResult]:
    """Scan ``items`` on ``jobs`` processes; yield results in walk order."""
    jobs = jobs or default_jobs()
    window = window or 2 * jobs * BATCH_ITEMS
    batch_items = max(1, min(BATCH_ITEMS, window // (2 * jobs)))
    timeout = config.limits.item_timeout or float("inf")
    source = iter(items)
    retry: deque[Task] = deque()  # items of a replaced worker's batch, to be scanned again
    done: dict[int, list[ItemResult]] = {}
    next_seq = next_out = 0
    pool = _Pool(config, jobs, use_cache)

    def take() -> Task | None:
        nonlocal next_seq
        if retry:
            return retry.popleft()
        if next_seq - next_out >= window:
            return None
        item = next(source, None)
        if item is None:
            return None
        next_seq += 1
        return next_seq - 1, item

    def feed() -> None:
        """Give every idle worker a batch."""
        for w in pool.workers:
            if w.tasks:
                continue
            size = 0
            while len(w.tasks) < batch_items and size < BATCH_BYTES:
                task = take()
                if task is None:
                    break
                w.tasks.append(task)
                size += _input_size(task[1])
            if not w.tasks:
                return
            w.sent_at = time.monotonic()
            w.conn.send(list(w.tasks))

    def lose(w: _Worker, reason: str, rule: str, **details: str) -> None:
        """The item being scanned fails; the worker is replaced and the
        rest of its batch, before and after that item, is scanned again."""
        position, _ = w.current()
        seq, item = w.tasks[position]
        log.warning("%s: %s", item.path, reason)
        done[seq] = _failed(item, reason, rule, **details)
        retry.extendleft(reversed([t for i, t in enumerate(w.tasks) if i != position]))
        w.tasks.clear()
        pool.replace(w)

    def died(w: _Worker) -> None:
        w.process.join()
        lose(w, Text(f"the worker process died while scanning the item (exit code {w.process.exitcode})",
                     f"扫描该项目时工作进程意外退出（退出码 {w.process.exitcode}）"),
             "unreadable.crash")

    try:
        while True:
            feed()
            busy = [w for w in pool.workers if w.tasks]
            if not busy:
                break
            wait_for = max(0.0, min(w.current()[1] for w in busy) + timeout - time.monotonic())
            ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy],
                             timeout=min(wait_for, 3600.0)))
            for w in busy:
                if w.conn in ready:
                    try:
                        answers, worn = w.conn.recv()
                    except (EOFError, OSError):
                        died(w)
                        continue
                    for (seq, results, error), (_, item) in zip(answers, w.tasks):
                        done[seq] = results if results is not None else _failed(
                            item, str(error), "unreadable.internal")
                    if worn:  # it stopped early: the rest of its batch goes to the next idle worker
                        retry.extendleft(reversed(list(w.tasks)[len(answers):]))
                    w.tasks.clear()
                    if worn:
                        pool.retire(w)
                elif w.process.sentinel in ready:
                    died(w)
                elif time.monotonic() >= w.current()[1] + timeout:
                    lose(w, Text(f"limit item_timeout exceeded: no result after {timeout:g} s",
                                 f"超出限制 item_timeout：{timeout:g} 秒内没有结果"),
                         "unreadable.limit", limit="item_timeout")
            feed()  # workers start their next batch before the consumer writes these results
            while next_out in done:
                yield from done.pop(next_out)
                next_out += 1
    finally:
        pool.close()
