"""One item at a time in a worker process that can be killed: the service's scans.

The HTTP service scans uploads in its threads, where no signal can stop a
hung item and one item's memory is the whole server's.  This keeps one
pool worker (scanner.run.pool: the engine inherited by fork, the memory
cap of scanner.budget) and gives it the items one by one; an item past
``item_timeout``, or one whose worker dies, becomes ``review`` with
``unreadable.limit`` / ``unreadable.crash`` and the worker is replaced; so
is a worker that has kept so much memory that the next item would run short
(scanner.run.pool).
"""
from __future__ import annotations

import logging
import threading
import time
from multiprocessing.connection import wait

from ..config import ScanConfig
from ..engine import Engine
from ..extract import unreadable
from ..pipeline import problem_result
from ..types import Item, ItemResult
from . import worker
from .pool import _Pool

log = logging.getLogger(__name__)


class IsolatedScanner:
    """Scans items in a child process, one at a time (calls are serialised)."""

    def __init__(self, config: ScanConfig, engine: Engine) -> None:
        # the child inherits this engine by fork instead of building a second one
        worker.adopt(engine)
        self.timeout = config.limits.item_timeout or float("inf")
        self._lock = threading.Lock()
        self._pool = _Pool(config, 1, use_cache=False)
        self._seq = 0

    def scan(self, item: Item) -> list[ItemResult]:
        with self._lock:
            self._seq += 1
            w = self._pool.workers[0]
            w.tasks.append((self._seq, item))
            w.sent_at = time.monotonic()
            try:
                w.conn.send([(self._seq, item)])
                ready = wait([w.conn, w.process.sentinel], timeout=min(self.timeout, 3600.0))
                if w.conn in ready:
                    [(_, results, error)], worn = w.conn.recv()
                    w.tasks.clear()
                    if worn:  # it kept too much of what its items allocated: a fresh fork for the next one
                        self._pool.retire(w)
                    if results is not None:
                        scanned: list[ItemResult] = results
                        return scanned
                    return [problem_result(item, unreadable(str(error), rule="unreadable.internal"))]
            except (EOFError, OSError):
                ready = [w.process.sentinel]
            w.tasks.clear()
            if w.process.sentinel in ready or not w.process.is_alive():
                reason, rule, details = ("the worker process died while scanning the item", "unreadable.crash", {})
            else:
                reason = f"limit item_timeout exceeded: no result after {self.timeout:g} s"
                rule, details = "unreadable.limit", {"limit": "item_timeout"}
            log.warning("%s: %s", item.path, reason)
            self._pool.replace(w)
            return [problem_result(item, unreadable(reason, rule=rule, **details))]

    def close(self) -> None:
        self._pool.close()
