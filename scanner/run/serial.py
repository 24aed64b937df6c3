"""The serial driver: one process, items in order."""
from __future__ import annotations

from typing import Iterable, Iterator

from ..engine import Engine
from ..pipeline import scan_item
from ..types import Item, ItemResult


def run_serial(engine: Engine, items: Iterable[Item]) -> Iterator[ItemResult]:
    for item in items:
        yield from scan_item(engine, item)
