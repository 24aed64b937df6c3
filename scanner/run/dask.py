"""The Dask driver: the same scan on many machines.

Items go out in batches of ``batch`` items, at most ``2 x workers`` batches
in flight, and come back in walk order, so output is identical to a local
run and memory stays bounded.  A Dask worker builds the Engine once per
configuration (scanner.run.worker.engine_for, kept per process for the
configuration it was built for) and reads items from shared storage, or, with
``send_bytes``, receives their bytes from the driver.  A batch that fails
(a worker died) is retried item by item; an item that still fails becomes
``review`` with an ``unreadable`` finding.
"""
from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

from ..cache import ExtractCache
from ..config import ScanConfig
from ..extract import unreadable
from ..pipeline import problem_result, read_item_bytes, scan_item
from ..types import Item, ItemResult
from .worker import engine_for

log = logging.getLogger(__name__)


def scan_batch(config: ScanConfig, items: list[Item], use_cache: bool = False) -> list[list[ItemResult]]:
    """Runs on a Dask worker: one result list per item."""
    engine = engine_for(config)
    cache = ExtractCache(config.cache) if use_cache else None
    return [scan_item(engine, item, cache) for item in items]


def _with_bytes(item: Item, config: ScanConfig) -> Item:
    if item.source is None or item.problem is not None:
        return item
    try:
        return replace(item, source=None, data=read_item_bytes(item, config.limits.max_item_bytes))
    except Exception:  # noqa: BLE001 - let the worker report the read problem the same way a local run does
        return item


def _batches(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    batch: list[Item] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _client(scheduler: str | None, workers: int) -> tuple[Any, Any]:
    from distributed import Client, LocalCluster  # untyped: the calls below are Any

    if scheduler:
        return Client(scheduler), None  # type: ignore[no-untyped-call]
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,  # type: ignore[no-untyped-call]
                           dashboard_address=None)
    return Client(cluster), cluster  # type: ignore[no-untyped-call]


def run_dask(config: ScanConfig, items: Iterable[Item], *, scheduler: str | None = None, client: Any = None,
             workers: int = 2, batch: int = 16, send_bytes: bool = False,
             use_cache: bool = False) -> Iterator[ItemResult]:
    """Scan ``items`` on a Dask cluster (``scheduler`` address, a ``client``,
    or a local cluster of ``workers`` processes); yield results in walk order."""
    own_cluster = None
    if client is None:
        client, own_cluster = _client(scheduler, workers)
    timeout = config.limits.item_timeout or None
    try:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})))
        in_flight: deque[tuple[list[Item], Any]] = deque()
        source = _batches((_with_bytes(i, config) if send_bytes else i for i in items), batch)
        for chunk in source:
            in_flight.append((chunk, client.submit(scan_batch, config, chunk, use_cache, pure=False)))
            while len(in_flight) >= 2 * n_workers:
                chunk_done, future = in_flight.popleft()
                yield from _collect(client, config, chunk_done, future, timeout, use_cache)
        while in_flight:
            chunk_done, future = in_flight.popleft()
            yield from _collect(client, config, chunk_done, future, timeout, use_cache)
    finally:
        if own_cluster is not None:
            client.close()
            own_cluster.close()


def _collect(client: Any, config: ScanConfig, chunk: list[Item], future: Any, timeout: float | None,
             use_cache: bool) -> Iterator[ItemResult]:
    try:
        for results in future.result(timeout=timeout * len(chunk) if timeout else None):
            yield from results
        return
    except Exception as exc:  # noqa: BLE001 - any failure of a batch: retry its items one by one
        log.warning("batch of %d items failed (%s): retrying item by item", len(chunk), exc)
        future.cancel()
    for item in chunk:
        single = client.submit(scan_batch, config, [item], use_cache, pure=False)
        try:
            yield from single.result(timeout=timeout)[0]
        except Exception as exc:  # noqa: BLE001 - one item's failure becomes its review result
            single.cancel()
            if isinstance(exc, TimeoutError):
                notice = unreadable(f"limit item_timeout exceeded: no result after {timeout:g} s",
                                    rule="unreadable.limit", limit="item_timeout")
            else:
                notice = unreadable(f"the Dask worker failed on the item: {type(exc).__name__}: {exc}",
                                    rule="unreadable.crash")
            yield problem_result(item, notice)
