"""The short fuzz run of the normal suite: every seed format, a bounded
number of Hypothesis-chosen mutations each (``make fuzz`` runs the long one).
See fuzzlib.py for the seeds, the mutations and the invariants."""
from __future__ import annotations

import random
import resource
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

sys.path.insert(0, str(Path(__file__).parent))
import fuzzlib

from scanner import Engine, ScanConfig

SEEDS = fuzzlib.seeds()
MEMORY_HEADROOM = 512 * 1024 * 1024  # what one item may add (Limits.max_item_memory)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(ScanConfig())


def test_every_seed_is_read_and_found(engine) -> None:
    """The invariant is only worth checking on seeds whose mark is found."""
    for name, data in SEEDS.items():
        problems, _ = fuzzlib.check(engine, data, name)
        assert not problems, (name, problems)
        assert fuzzlib.oracle_sees_mark(data, name), name
        from scanner import scan_bytes
        assert scan_bytes(data, name, engine=engine)[0].verdict.value == "block", name


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_mutated_seeds_keep_the_invariants(engine, name) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    @settings(max_examples=12, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(seed=st.integers(0, 2**32 - 1), rounds=st.integers(1, 3))
    def run(seed: int, rounds: int) -> None:
        data, applied = fuzzlib.mutate(SEEDS[name], random.Random(seed), rounds)
        problems, _ = fuzzlib.check(engine, data, name)
        assert not problems, (name, applied, problems)

    run()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    assert peak - before < MEMORY_HEADROOM
