"""``budget.steady_heap``: the freed top of the heap stays with the process,
so the next item's buffers do not fault the same pages in again (page
faults counted by the kernel, not time).  By default glibc gives the heap's
top back once more than twice its mapping threshold is free there: an
item's buffers freed together at its end were all faulted in again."""
import subprocess
import sys

import pytest

# 100 items of ten 150 KB buffers each (below glibc's threshold, raised to 200 KB by a first
# mapped buffer: heap memory), freed together at each item's end; prints the page faults
CHURN = """
import resource, sys
from scanner.budget import steady_heap
if sys.argv[1] == "steady":
    steady_heap()
first = bytearray(200 << 10)
del first
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(100):
    buffers = [bytearray(150 << 10) for _ in range(10)]
    for buffer in buffers:
        buffer[::4096] = b"x" * len(buffer[::4096])
    del buffers, buffer
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""
PAGES_PER_ITEM = 10 * (150 << 10) // 4096


def faults(mode: str, **env: str) -> int:
    proc = subprocess.run([sys.executable, "-c", CHURN, mode], capture_output=True, text=True, check=True,
                          env={"PATH": "/usr/bin:/bin", **env})
    return int(proc.stdout)


pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")


def test_a_steady_heap_keeps_its_top():
    assert faults("default") > 50 * PAGES_PER_ITEM  # glibc's own: most items fault their buffers in again
    assert faults("steady") < 3 * PAGES_PER_ITEM  # the first item's, then the same pages


def test_the_users_own_setting_wins():
    assert faults("steady", MALLOC_TOP_PAD_="0") > 50 * PAGES_PER_ITEM
