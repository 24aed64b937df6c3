"""A hung item is cut off and the batch completes; results stream in order
with a bounded number of items in flight."""
from __future__ import annotations

import os

from scanner.config import Limits
from scanner.run.pool import run_pool
from scanner.types import Item, Verdict


def test_hung_item_becomes_review_and_batch_completes(tmp_path, config):
    fifo = tmp_path / "hangs.txt"
    os.mkfifo(fifo)  # opening a FIFO with no writer blocks for ever: a real hang
    items = [Item(path="before.txt", data="秘密★1年\n".encode()),
             Item(path="hangs.txt", source=str(fifo)),
             *(Item(path=f"after{i}.txt", data=f"第{i}号".encode()) for i in range(5))]
    config = config.replace(limits=Limits(item_timeout=1.0))
    results = list(run_pool(config, items, jobs=2))
    assert [r.item for r in results] == [i.path for i in items]
    hung = results[1]
    assert hung.verdict is Verdict.REVIEW
    (finding,) = hung.findings
    assert finding.category == "unreadable"
    assert finding.rule == "unreadable.limit"
    assert dict(finding.details)["limit"] == "item_timeout"
    assert "item_timeout" in finding.reason
    assert results[0].verdict is Verdict.BLOCK
    assert all(r.verdict is Verdict.CLEAR for r in results[2:])


def test_results_stream_with_bounded_items_in_flight(config):
    produced = 0
    consumed = 0
    most_ahead = 0

    def items():
        nonlocal produced
        for i in range(600):
            produced += 1
            yield Item(path=f"{i:04d}.txt", data=("秘密★1年\n" if i % 7 == 0 else f"文件{i}").encode())

    names = []
    for result in run_pool(config, items(), jobs=2, window=6):
        consumed += 1
        most_ahead = max(most_ahead, produced - consumed)
        names.append(result.item)
    assert names == [f"{i:04d}.txt" for i in range(600)]
    # never more than the window (plus the one item being pulled) ahead of the writer
    assert most_ahead <= 7
