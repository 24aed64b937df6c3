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

from scanner.run.logqueue import WorkerLogs
from scanner.run.pool import run_pool
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


def _chatter(logs: WorkerLogs) -> None:
    logs.in_worker()
    while True:
        logging.getLogger("chatty").debug("x" * 5000)


def test_workers_killed_while_they_log_do_not_hang_the_driver():
    """A worker killed half-way through a record leaves the queue torn (its
    lock held, half a record in the pipe): the driver's close must still
    return, and its own logging go on."""
    root = logging.getLogger()
    kept = Kept()
    saved_handlers, saved_level = root.handlers[:], root.level
    root.handlers, root.level = [kept], logging.DEBUG
    try:
        ctx = mp.get_context("fork")
        logs = WorkerLogs(ctx)
        for i in range(20):
            worker = ctx.Process(target=_chatter, args=(logs,), daemon=True)
            worker.start()
            time.sleep(0.005 * (i % 5))  # killed at different points of its records
            worker.kill()
            worker.join()
        logs.close()
        logging.getLogger("driver").warning("after the pool")
    finally:
        root.handlers, root.level = saved_handlers, saved_level
    assert [r.getMessage() for r in kept.records if r.name == "driver"] == ["after the pool"]
