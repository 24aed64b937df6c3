"""The memory budget of one item: how far a process's address space may grow
while it scans, where no driver can kill it in time.

The decompression budgets stop the bombs we know; this stops the rest.  It
sits low (it needs only the limits) because stages below the drivers ask it
for room too: OCR's model runtime and the normalisation kernel load libraries
that are not the item's memory (``allowance``).

- ``cap_memory``: the process's address space may grow by at most
  ``Limits.max_item_memory`` over what it holds when the cap is set (the
  warm engine).  An item that asks for more gets ``MemoryError`` (scan_item
  turns it into ``unreadable.limit``) or, inside a C library, dies with its
  worker (the pool reports ``unreadable.crash``): never the machine's OOM
  killer taking the batch, or the service, with it.  Set in pool workers
  and the serial driver.
- ``headroom``: how much the address space may still grow under the cap.
  A pool worker left with much less than its first item had is replaced
  (scanner.run.pool), so items late in a long batch get the same budget.
- ``steady_heap``: freed memory at the top of the heap is kept up to
  ``HEAP_TOP_PAD`` instead of going back to the kernel at once.
- ``allowance``: a stage whose own runtime needs room the item's budget
  does not measure (OCR's model runtime: ~0.7 GB of address space when it
  loads) gets that much more while it runs; what it keeps afterwards (the
  loaded models) is not counted against the item either.
"""
from __future__ import annotations

import contextlib
import ctypes
import os
import resource
from collections.abc import Iterator

from .config import Limits

_PAGE = os.sysconf("SC_PAGE_SIZE")
# glibc's M_TOP_PAD and M_MMAP_THRESHOLD (malloc.h); the room kept at the heap's top, and the
# size from which a buffer is mapped on its own (glibc's own ceiling for the threshold it adjusts)
_M_TOP_PAD, _M_MMAP_THRESHOLD = -2, -3
HEAP_TOP_PAD = 8 << 20
MMAP_THRESHOLD = 32 << 20
_statm: tuple[int, int] | None = None  # (pid, descriptor of its /proc/self/statm)


def address_space() -> int:
    """The process's address space now, in bytes.  The file is opened once
    per process (a pool worker asks after every item: 1.5 instead of 13 us);
    a forked child opens its own, since /proc/self is the opener's."""
    global _statm
    pid = os.getpid()
    if _statm is None or _statm[0] != pid:
        _statm = (pid, os.open("/proc/self/statm", os.O_RDONLY | os.O_CLOEXEC))
    return int(os.pread(_statm[1], 64, 0).split()[0]) * _PAGE


def headroom() -> int | None:
    """How far the address space may still grow under the cap (None: no cap)."""
    try:
        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        if soft == resource.RLIM_INFINITY:
            return None
        return soft - address_space()
    except (OSError, ValueError):
        return None


def steady_heap() -> None:
    """Keep ``HEAP_TOP_PAD`` of freed memory at the top of the heap.  By
    default glibc gives the heap's top back to the kernel once more than
    twice its mapping threshold is free there, and the next item's buffers
    fault the same pages in again: a scan of the 30 MB benchmark folder took
    71,000 page faults and 0.16-0.22 s of system time, 9,300 and 0.03-0.05 s
    with this (peak memory 58 -> 60 MB); how many depended on the order of
    allocations, so unrelated changes moved it.  Nothing is done where the
    C library has no ``mallopt`` (not glibc) or the user set
    ``MALLOC_TOP_PAD_`` or ``MALLOC_MMAP_THRESHOLD_``."""
    if "MALLOC_TOP_PAD_" in os.environ or "MALLOC_MMAP_THRESHOLD_" in os.environ:
        return
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    # setting the pad stops glibc raising the mapping threshold as buffers are freed, so it is set
    # where that raising ends: a buffer of a few MB is heap memory, not mapped and unmapped each time
    mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    mallopt(_M_TOP_PAD, HEAP_TOP_PAD)


def cap_memory(limits: Limits) -> None:
    """Let the address space grow by ``max_item_memory`` from here (0: no cap)."""
    if not limits.max_item_memory:
        return
    try:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        want = address_space() + limits.max_item_memory
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
        before = address_space()
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
        resource.setrlimit(resource.RLIMIT_AS, (within_hard(max(soft, address_space() + headroom)), hard))
