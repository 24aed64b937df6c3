"""The serial driver's clock: nobody else can stop a hung item there.

``deadline``: in the serial driver there is no parent to kill a hung item,
so ``SIGALRM`` interrupts it after ``item_timeout`` seconds.  It can only
act in the main thread, and between Python steps (C code that runs long
is bounded by the budgets and the memory cap of scanner.budget instead); it
waits for an import in progress to finish, since a module interrupted while
loading stays broken.  An ``ItemTimeout`` that code on the way swallows
(a ctypes callback ignores every exception: numba's object cache is one)
is raised again when the block ends: an item that ran out of time is never
taken as read in full.
"""
from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

_RETRY_SECONDS = 0.05


def _importing(frame: FrameType | None) -> bool:
    """Is the interrupted code inside an import (importlib's frames on the stack)?"""
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


class ItemTimeout(BaseException):
    """Raised in the scanning thread when the item's time is up (a BaseException,
    so no extractor's ``except Exception`` swallows it)."""


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise ``ItemTimeout`` in this thread after ``seconds`` (main thread only; 0: none)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return
    rang = False

    def expire(signum: int, frame: FrameType | None) -> None:
        nonlocal rang
        if _importing(frame):  # a module half-imported stays broken for every later item: ring again soon
            signal.setitimer(signal.ITIMER_REAL, _RETRY_SECONDS)
            return
        rang = True
        raise ItemTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if rang:  # the block ended normally though its time was up: the exception was swallowed on its way
        raise ItemTimeout()
