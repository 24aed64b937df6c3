"""The long fuzz run (``make fuzz``): mutate the real seeds until the time or
the execution count is reached, on one worker process per core, and report
executions, crashes, wrongly-full items and peak RSS.

A worker that dies (a C library crashing on an input) is a crash: its
input is kept in the output folder and a new worker takes its place.  Every
failing input is written there too, named by what broke.  The slowest input
of the run is kept as well (``slowest-SEED.bin``, what it was made from
beside it in ``.name``).  A worker that
has kept so much memory that the next input would get less than a pool
worker gives it is replaced, as the pool replaces one.  Exit status 1
when anything broke.
"""
from __future__ import annotations

import argparse
import hashlib
import logging
import multiprocessing as mp
import os
import random
import resource
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import fuzzlib

REPORT_EVERY = 25


def _worker(index: int, seed: int, stop_at: float, budget: int, out: str, queue: mp.Queue) -> None:
    from scanner import Engine, ScanConfig
    from scanner.budget import cap_memory, headroom
    from scanner.run.pool import WORN_BELOW

    logging.disable(logging.CRITICAL)  # pdfminer warns on every damaged file; the report is what counts
    warnings.simplefilter("ignore")

    engine = Engine(ScanConfig())
    seeds = fuzzlib.seeds()
    names = sorted(seeds)
    for name in names:  # warm every extractor before the memory cap is set
        fuzzlib.check(engine, seeds[name], name)
    cap_memory(engine.config.limits)
    room = headroom()
    rnd = random.Random(seed)
    current = Path(out) / f"current-{index}.bin"
    done = failures = 0
    slowest = 0.0
    worn = False
    while time.time() < stop_at and done < budget and not worn:
        name = rnd.choice(names)
        try:
            data, applied = fuzzlib.mutate(seeds[name], rnd, rnd.randint(1, 3))
        except MemoryError:  # the harness's own copies of an 11 MB mutation under the cap: not a finding
            queue.put(("harness", index))
            continue
        current.write_bytes(data)
        (Path(out) / f"current-{index}.name").write_text(f"{name} {' '.join(applied)}")
        problems, seconds = fuzzlib.check(engine, data, name)
        if seconds > slowest:  # kept, so that the slowest item of a run can be scanned again
            slowest = seconds
            (Path(out) / f"slowest-{seed}.bin").write_bytes(data)
            (Path(out) / f"slowest-{seed}.name").write_text(f"{seconds:.2f} s: {name} {' '.join(applied)}")
        done += 1
        if problems:
            failures += 1
            kind = problems[0].split(":")[0].replace(" ", "-")
            digest = hashlib.sha256(data).hexdigest()[:12]
            (Path(out) / f"{kind}-{digest}-{name}").write_bytes(data)
            queue.put(("problem", index, name, applied, problems))
        if done % REPORT_EVERY == 0:
            queue.put(("progress", index, REPORT_EVERY, slowest, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                       seed))
        # as a pool worker does: a process that kept what its items allocated is replaced, so
        # the next mutation is not read short of the memory a real worker would give it
        left = headroom()
        worn = room is not None and left is not None and left < room * WORN_BELOW
    queue.put(("progress", index, done % REPORT_EVERY, slowest, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               seed))
    queue.put(("worn" if worn else "finished", index))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--executions", type=int, default=1_000_000)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default="build/fuzz")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    ctx = mp.get_context("fork")
    queue: mp.Queue = ctx.Queue()
    stop_at = time.time() + args.seconds
    per_worker = max(1, args.executions // args.jobs)
    started = time.time()
    workers: dict[int, mp.Process] = {}
    spawned = 0

    def spawn(index: int) -> None:
        nonlocal spawned
        spawned += 1
        p = ctx.Process(target=_worker, args=(index, args.seed * 1000 + spawned, stop_at, per_worker, args.out,
                                              queue), daemon=True)
        p.start()
        workers[index] = p

    for i in range(args.jobs):
        spawn(i)
    executions = crashes = wrongly_full = slow = other = harness = replaced = 0
    slowest = 0.0
    slowest_at = -1  # the seed of the worker whose slowest-SEED.bin holds the run's slowest input
    peak_kb = 0
    finished: set[int] = set()
    while len(finished) < len(workers):
        try:
            msg = queue.get(timeout=1.0)
        except Exception:  # noqa: BLE001 - queue.Empty: look for dead workers
            msg = None
        if msg is not None:
            if msg[0] == "progress":
                executions += msg[2]
                if msg[3] > slowest:
                    slowest, slowest_at = msg[3], msg[5]
                peak_kb = max(peak_kb, msg[4])
            elif msg[0] == "problem":
                _, index, name, applied, problems = msg
                print(f"[{index}] {name} {'+'.join(applied)}: {'; '.join(problems)}", flush=True)
                for p in problems:
                    if p.startswith("crash"):
                        crashes += 1
                    elif p.startswith("wrongly-full"):
                        wrongly_full += 1
                    elif p.startswith("slow"):
                        slow += 1
                    else:
                        other += 1
            elif msg[0] == "harness":
                harness += 1
            elif msg[0] == "finished":
                finished.add(msg[1])
            elif msg[0] == "worn":
                replaced += 1
                workers[msg[1]].join()
                if time.time() < stop_at:
                    spawn(msg[1])
                else:
                    finished.add(msg[1])
        for index, p in list(workers.items()):
            if index not in finished and not p.is_alive() and p.exitcode not in (0, None):
                crashes += 1
                executions += 1
                kept = Path(args.out) / f"worker-died-{index}-{int(time.time())}.bin"
                current = Path(args.out) / f"current-{index}.bin"
                if current.exists():
                    current.rename(kept)
                print(f"[{index}] worker died (exit code {p.exitcode}); input kept in {kept}", flush=True)
                if time.time() < stop_at:
                    spawn(index)
                else:
                    finished.add(index)
    elapsed = time.time() - started
    if slowest_at >= 0:
        kept = Path(args.out) / f"slowest-{slowest_at}"
        print(f"slowest item: {kept.with_suffix('.name').read_text()} (input in {kept.with_suffix('.bin')})")
    print(f"fuzz: {executions} executions in {elapsed:.0f} s on {args.jobs} workers "
          f"({executions / max(elapsed, 1e-9):.1f}/s); crashes {crashes}, wrongly full {wrongly_full}, "
          f"over time {slow}, other {other}; mutations the harness could not hold in memory {harness}; workers replaced as worn {replaced}; slowest item {slowest:.2f} s; "
          f"peak RSS per worker {peak_kb / 1024:.0f} MB; failing inputs in {args.out}")
    return 1 if crashes or wrongly_full or slow or other else 0


if __name__ == "__main__":
    sys.exit(main())
