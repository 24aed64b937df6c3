"""A hung item is cut off and the batch completes; results stream in order
with a bounded number of items in flight."""
from __future__ import annotations

import multiprocessing as mp
import os
import signal
import threading
import time

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
    most_ahead = 0

    def items():
        nonlocal produced
        for i in range(600):
            produced += 1
            yield Item(path=f"{i:04d}.txt", data=("秘密★1年\n" if i % 7 == 0 else f"文件{i}").encode())

    names = []
    for consumed, result in enumerate(run_pool(config, items(), jobs=2, window=6), start=1):
        most_ahead = max(most_ahead, produced - consumed)
        names.append(result.item)
    assert names == [f"{i:04d}.txt" for i in range(600)]
    # never more than the window (plus the one item being pulled) ahead of the writer
    assert most_ahead <= 7


def _kill_worker_blocked_on_fifo(stop: threading.Event) -> None:
    """SIGKILL the pool worker that is blocked opening a FIFO, as the kernel's
    OOM killer or a crashing library would end it."""
    while not stop.is_set():
        for child in mp.active_children():
            try:
                with open(f"/proc/{child.pid}/wchan") as fh:
                    if fh.read().strip() == "wait_for_partner":
                        os.kill(child.pid, signal.SIGKILL)
                        return
            except OSError:
                pass
        time.sleep(0.05)


def test_crashed_worker_costs_only_its_item_and_its_batch_is_scanned_again(tmp_path, config):
    fifo = tmp_path / "crashes.txt"
    os.mkfifo(fifo)
    items = [Item(path="before.txt", data="秘密★1年\n".encode()),
             Item(path="crashes.txt", source=str(fifo)),
             Item(path="after-mark.txt", data="机密★5年\n".encode()),
             *(Item(path=f"after{i}.txt", data=f"第{i}号".encode()) for i in range(3))]
    stop = threading.Event()
    killer = threading.Thread(target=_kill_worker_blocked_on_fifo, args=(stop,), daemon=True)
    killer.start()
    try:
        # one worker: every item is in the same batch as the one that crashes it
        results = list(run_pool(config.replace(limits=Limits(item_timeout=60.0)), items, jobs=1))
    finally:
        stop.set()
    assert [r.item for r in results] == [i.path for i in items]
    (finding,) = results[1].findings
    assert results[1].verdict is Verdict.REVIEW
    assert finding.rule == "unreadable.crash"
    assert "exit code -9" in finding.reason
    assert [r.verdict for r in results[:1] + results[2:]] == [Verdict.BLOCK, Verdict.BLOCK] + [Verdict.CLEAR] * 3
