"""Log records of pool workers, handled by the driver's own handlers.

A forked worker inherits the driver's handlers but not their effect: a
record it hands to an in-memory handler (a library caller's, a test's) stays
in the worker, and lines two processes write to one stream can interleave.
So each worker sends its records down a pipe of its own, and a thread in the
driver hands them to the root logger's handlers as they arrive.  The
driver's own records go to its handlers directly.

One pipe per worker, not one queue for all: a worker killed half-way
through a record (an item past its time limit) tears only its own pipe,
which the driver then drops.  A shared ``multiprocessing.Queue`` (what
multiprocessing-logging used) is left with its lock held and half a record
in it: every later record of every worker was lost and each worker hung at
exit on the queue.  Sending is direct, so a worker that logs faster than
the driver writes waits instead of buffering without bound.

This replaces multiprocessing-logging also because its receiving thread
polled every 0.2 s and was joined when logging shut down: every pool scan
waited up to 0.2 s at exit (a fifth of a 1 s scan of a 28 MB folder with
``--jobs 2``).
"""
from __future__ import annotations

import logging
import multiprocessing.context
import threading
from logging.handlers import QueueHandler
from multiprocessing.connection import Connection, wait
from typing import Any

log = logging.getLogger(__name__)

# how long the driver waits, at the end of a pool, for what its workers sent
STOP_SECONDS = 2.0


class WorkerLogs:
    """The driver's side: a pipe per worker, read by one thread."""

    def __init__(self, ctx: multiprocessing.context.BaseContext) -> None:
        self.ctx = ctx
        self.handlers = logging.getLogger().handlers[:]
        self._lock = threading.Lock()
        self._pipes: list[Connection] = []
        self._closing = False
        self._wake_reader, self._wake_writer = ctx.Pipe(duplex=False)
        self._thread = threading.Thread(target=self._handle, name="preclear-worker-logs", daemon=True)
        if self.handlers:  # nothing configured: a worker's records go to logging's last resort, stderr
            self._thread.start()

    def for_worker(self) -> Connection | None:
        """The end a worker about to be forked sends its records to (the
        driver closes its copy once the worker has started); None when
        there is nothing to send them to."""
        if not self.handlers:
            return None
        reader, writer = self.ctx.Pipe(duplex=False)
        with self._lock:
            self._pipes.append(reader)
        self._wake_writer.send_bytes(b"")  # the thread waits on the new pipe too
        return writer

    def _handle(self) -> None:
        while True:
            with self._lock:
                pipes = list(self._pipes)
                if self._closing and not pipes:
                    return
            for ready in wait([*pipes, self._wake_reader]):
                assert isinstance(ready, Connection)
                if ready is self._wake_reader:
                    ready.recv_bytes()
                    continue
                try:
                    record = ready.recv()
                except (EOFError, OSError):  # the worker is gone (or was killed mid-record)
                    self._drop(ready)
                    continue
                except Exception as exc:  # noqa: BLE001 - a record that does not unpickle: the pipe is torn
                    log.warning("a worker's log record could not be read (%s)", type(exc).__name__)
                    self._drop(ready)
                    continue
                self._emit(record)

    def _drop(self, pipe: Connection) -> None:
        with self._lock:
            self._pipes.remove(pipe)
        pipe.close()

    def _emit(self, record: logging.LogRecord) -> None:
        for handler in self.handlers:
            if record.levelno >= handler.level:
                try:
                    handler.handle(record)
                except Exception:  # noqa: BLE001 - one failing handler must not silence the others
                    handler.handleError(record)

    def close(self) -> None:
        """Handle what the (exited) workers sent, then stop the thread."""
        if not self.handlers:
            return
        with self._lock:
            self._closing = True
        self._wake_writer.send_bytes(b"")
        self._thread.join(STOP_SECONDS)  # a worker not yet gone keeps its pipe open: wait no longer
        if not self._thread.is_alive():
            for pipe in (self._wake_reader, self._wake_writer):
                pipe.close()


class _PipeSender:
    """What QueueHandler puts records into: one worker's pipe, one record
    at a time (a worker's threads share it)."""

    def __init__(self, pipe: Connection) -> None:
        self.pipe = pipe
        self.lock = threading.Lock()

    def put_nowait(self, record: Any) -> None:
        with self.lock:
            self.pipe.send(record)


def send_records(pipe: Connection | None, handlers: list[logging.Handler]) -> None:
    """In a forked worker: the root logger's records go down ``pipe``.  The
    handler's level is the lowest of the driver's handlers, so what none of
    them would write is not sent."""
    if pipe is None:
        return
    sender = QueueHandler(_PipeSender(pipe))  # type: ignore[arg-type]
    sender.setLevel(min(h.level for h in handlers))
    logging.getLogger().handlers = [sender]
