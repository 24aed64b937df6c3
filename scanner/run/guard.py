"""The serial driver's clock: nobody else can stop a hung item there.

``deadline``: in the serial driver there is no parent to kill a hung item,
so ``SIGALRM`` interrupts it after ``item_timeout`` seconds.  It can only
act in the main thread, and between Python steps (C code that runs long
is bounded by the budgets and the memory cap of scanner.budget instead). It
waits for code whose state outlives the item to finish: an import (a module
interrupted while loading stays broken) and numba compiling or loading a
kernel (an interrupted first load leaves numba's registries half installed,
and every later kernel of the process fails to type).  An ``ItemTimeout`` that code on the way swallows
(a ctypes callback ignores every exception: numba's object cache is one)
is raised again when the block ends: an item that ran out of time is never
taken as read in full.
"""
from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType

_RETRY_SECONDS = 0.05
# numba and llvmlite only have Python frames on the stack while they compile
# or load a kernel (a compiled kernel runs without any)
_FRAGILE_PACKAGES = ("numba", "llvmlite")


def _fragile(frame: FrameType | None) -> bool:
    """Is the interrupted code an import, or numba compiling or loading a
    kernel (frames of their installed packages on the stack)?"""
    files = (getattr(sys.modules.get(name), "__file__", None) for name in _FRAGILE_PACKAGES)
    packages = tuple(os.path.dirname(file) + os.sep for file in files if isinstance(file, str))
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith("<frozen importlib") or (packages and filename.startswith(packages)):
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
        if _fragile(frame):  # left half done it stays broken for every later item: ring again soon
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
