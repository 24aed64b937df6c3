"""A pool worker's log records reach the driver's own handlers (a caller's
in-memory handler included), and the driver's logging is as it was after."""
from __future__ import annotations

import io
import logging
import multiprocessing as mp
import os
import threading
import time

from PIL import Image

from scanner.run.pool import run_pool
from scanner.run.workerlogs import WorkerLogs, send_records
from scanner.types import Item


class Kept(logging.Handler):
    """Records handled in this process."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def blank_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 200), "white").save(out, "PNG")
    return out.getvalue()


def test_a_workers_records_reach_the_drivers_handler(config):
    root = logging.getLogger()
    kept = Kept()
    saved_handlers, saved_level = root.handlers[:], root.level
    root.handlers, root.level = [kept], logging.DEBUG
    threads = threading.active_count()
    try:
        items = [Item(path=f"blank{i}.png", data=blank_png()) for i in range(4)]
        results = list(run_pool(config, items, jobs=2))
        assert root.handlers == [kept]  # put back when the pool is done
    finally:
        root.handlers, root.level = saved_handlers, saved_level
    assert [r.item for r in results] == [i.path for i in items]
    skipped = [r for r in kept.records if r.name == "scanner.extract.ocr" and "skipped" in r.getMessage()]
    assert len(skipped) == 4  # the OCR's cheap test, logged in the workers
    assert {r.process for r in skipped} - {os.getpid()}, "logged by the workers, not by this process"
    assert threading.active_count() == threads  # the listener and the queue's feeder ended


def _chatter(end, handlers) -> None:
    send_records(end, handlers)
    while True:
        logging.getLogger("chatty").debug("x" * 5000)


def _healthy(end, handlers) -> None:
    send_records(end, handlers)
    for i in range(10):
        logging.getLogger("healthy").warning("record %d", i)


def _fork(ctx, logs: WorkerLogs, target):
    end = logs.for_worker()
    worker = ctx.Process(target=target, args=(end, logs.handlers), daemon=True)
    worker.start()
    end.close()
    return worker


def test_workers_killed_while_they_log_cost_only_their_own_records():
    """A worker killed half-way through a record tears its own pipe only:
    a worker started afterwards is still heard, the driver's close returns,
    and the driver's own logging goes on."""
    root = logging.getLogger()
    kept = Kept()
    saved_handlers, saved_level = root.handlers[:], root.level
    root.handlers, root.level = [kept], logging.DEBUG
    try:
        ctx = mp.get_context("fork")
        logs = WorkerLogs(ctx)
        for i in range(20):
            worker = _fork(ctx, logs, _chatter)
            time.sleep(0.005 * (i % 5))  # killed at different points of its records
            worker.kill()
            worker.join()
        late = _fork(ctx, logs, _healthy)
        late.join()
        logs.close()
        logging.getLogger("driver").warning("after the pool")
    finally:
        root.handlers, root.level = saved_handlers, saved_level
    assert [r.getMessage() for r in kept.records if r.name == "healthy"] == [f"record {i}" for i in range(10)]
    assert [r.getMessage() for r in kept.records if r.name == "driver"] == ["after the pool"]
