"""Backstops for one item's memory and time where no driver can kill it.

The decompression budgets stop the bombs we know; these stop the rest.

- ``cap_memory``: the process's address space may grow by at most
  ``Limits.max_item_memory`` over what it holds when the cap is set (the
  warm engine).  An item that asks for more gets ``MemoryError`` (scan_item
  turns it into ``unreadable.limit``) or, inside a C library, dies with its
  worker (the pool reports ``unreadable.crash``): never the machine's OOM
  killer taking the batch, or the service, with it.  Set in pool workers
  and the serial driver.
- ``allowance``: a stage whose own runtime needs room the item's budget
  does not measure (OCR's model runtime: ~0.7 GB of address space when it
  loads) gets that much more while it runs; what it keeps afterwards (the
  loaded models) is not counted against the item either.
- ``deadline``: in the serial driver there is no parent to kill a hung item,
  so ``SIGALRM`` interrupts it after ``item_timeout`` seconds.  It can only
  act in the main thread, and between Python steps (C code that runs long
  is bounded by the budgets instead); it waits for an import in progress to
  finish, since a module interrupted while loading stays broken.
"""
from __future__ import annotations

import contextlib
import os
import resource
import signal
import threading
from types import FrameType
from typing import Iterator

from ..config import Limits


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


def _address_space() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def cap_memory(limits: Limits) -> None:
    """Let the address space grow by ``max_item_memory`` from here (0: no cap)."""
    if not limits.max_item_memory:
        return
    try:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        want = _address_space() + limits.max_item_memory
        if hard != resource.RLIM_INFINITY:
            want = min(want, hard)
        resource.setrlimit(resource.RLIMIT_AS, (want, hard))
    except (OSError, ValueError):  # no /proc, or a platform without RLIMIT_AS: the budgets still hold
        return


@contextlib.contextmanager
def memory_capped(limits: Limits) -> Iterator[None]:
    """``cap_memory`` for a while, then the previous limit again (a process that
    goes on after the scan, e.g. a caller running the command in-process)."""
    try:
        previous = resource.getrlimit(resource.RLIMIT_AS)
    except (OSError, ValueError):
        previous = None
    cap_memory(limits)
    try:
        yield
    finally:
        if previous is not None:
            resource.setrlimit(resource.RLIMIT_AS, previous)


@contextlib.contextmanager
def allowance(extra: int) -> Iterator[None]:
    """Raise the address-space cap by ``extra`` while the block runs, then
    put it back with the headroom the item had before (not below what the
    block left loaded).  Nothing to do where no cap is set."""
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        before = _address_space()
    except (OSError, ValueError):
        soft = resource.RLIM_INFINITY
    if soft == resource.RLIM_INFINITY:
        yield
        return

    def within_hard(limit: int) -> int:
        return limit if hard == resource.RLIM_INFINITY else min(limit, hard)

    resource.setrlimit(resource.RLIMIT_AS, (within_hard(soft + extra), hard))
    try:
        yield
    finally:
        headroom = max(soft - before, 0)
        resource.setrlimit(resource.RLIMIT_AS, (within_hard(max(soft, _address_space() + headroom)), hard))


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise ``ItemTimeout`` in this thread after ``seconds`` (main thread only; 0: none)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        if _importing(frame):  # a module half-imported stays broken for every later item: ring again soon
            signal.setitimer(signal.ITIMER_REAL, _RETRY_SECONDS)
            return
        raise ItemTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
