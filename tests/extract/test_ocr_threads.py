"""A pool worker's OCR uses its share of the cores (ocr.share_cores), not a
thread per core in every worker: counted as the threads a process holds
after reading a picture, each way in a fresh interpreter."""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.skipif(importlib.util.find_spec("rapidocr") is None,
                                                   reason="the ocr extra is not installed")]

PROBE = """
import os, sys
from PIL import Image, ImageDraw, ImageFont
from scanner.extract import ocr
if sys.argv[1] != "default":
    ocr.share_cores(int(sys.argv[1]))
img = Image.new("RGB", (600, 120), "white")
ImageDraw.Draw(img).text((20, 30), "关于做好年度档案整理工作的通知", fill="black",
                         font=ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 36))
lines = ocr.default_recogniser().recognise(img)
assert "档案" in "".join(line.text for line in lines), lines
print(len(os.listdir("/proc/self/task")))
"""


def _threads(workers: str) -> int:
    done = subprocess.run([sys.executable, "-c", PROBE, workers], capture_output=True, text=True, timeout=300,
                          check=True)
    return int(done.stdout.split()[-1])


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="one core: the default is one thread already")
def test_a_worker_of_a_full_pool_runs_fewer_threads_than_the_default() -> None:
    cores = len(os.sched_getaffinity(0))
    shared, default = _threads(str(cores)), _threads("default")
    # ONNX Runtime starts (intra-op threads - 1) pool threads per session (detection,
    # orientation, recognition): one thread each leaves none of them
    assert shared < default
    assert default - shared >= 3 * (cores - 1) - 1
