"""The serial driver: one process, items in order, each within its time and
memory (scanner.run.guard's clock and scanner.budget's cap: nobody else can
stop a hung item here), an item a stage fails on with a bug ``review``
(``unreadable.internal``) as in the pool, not the end of the run."""
from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Iterator

from ..budget import memory_capped
from ..cache import ExtractCache
from ..engine import Engine
from ..extract import unreadable
from ..pipeline import internal_error, problem_result, scan_item
from ..types import Item, ItemResult
from .guard import ItemTimeout, deadline

# the alarm rings a little after item_timeout, so that a stage with its own clock
# (LibreOffice conversion) stops first, cleans up and names the part it lost
GRACE_SECONDS = 1.0

log = logging.getLogger(__name__)


def run_serial(engine: Engine, items: Iterable[Item], cap: bool = False,
               cache: ExtractCache | None = None) -> Iterator[ItemResult]:
    """``cap``: also cap this process's memory while each item is scanned
    (the command line; the limit is restored between items and after).
    ``cache``: the extraction cache, for a folder scan run in one process."""
    limits = engine.config.limits
    for item in items:
        try:
            with memory_capped(limits) if cap else contextlib.nullcontext(), \
                    deadline(limits.item_timeout and limits.item_timeout * 1.1 + GRACE_SECONDS):
                results = scan_item(engine, item, cache)
        except ItemTimeout:
            results = [problem_result(item, unreadable(
                f"limit item_timeout exceeded: no result after {limits.item_timeout:g} s",
                rule="unreadable.limit", limit="item_timeout"))]
        except Exception as exc:  # a bug in a stage: the item fails closed, the run goes on
            log.exception("internal error on %s", item.path)
            results = [problem_result(item, unreadable(internal_error(exc), rule="unreadable.internal"))]
        yield from results
