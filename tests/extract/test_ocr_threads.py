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


FORK_AFTER_OCR = """
import io, sys
from PIL import Image, ImageDraw, ImageFont
from scanner.config import ScanConfig
from scanner.extract import ocr
from scanner.run.pool import run_pool
from scanner.walk import walk

def picture(text):
    img = Image.new("RGB", (900, 160), "white")
    font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 48)
    ImageDraw.Draw(img).text((20, 40), text, fill="black", font=font)
    return img

# the driver reads a picture first, as a test process or a service that scanned in-process does
assert "档案" in "".join(line.text for line in ocr.default_recogniser().recognise(picture("关于做好年度档案整理工作的通知")))
folder = sys.argv[1]
for i in range(3):
    picture("机密★5年 关于做好年度档案整理工作的通知").save(f"{folder}/page{i}.png")
print(" ".join(r.verdict.value for r in run_pool(ScanConfig(), walk([folder]), jobs=2, window=2)))
"""


def test_a_pool_forked_after_an_ocr_reads_pictures(tmp_path) -> None:
    """Workers forked from a process that already ran OCR build their own
    recogniser: the inherited one's threads stayed in the parent, and using
    or dropping it hung every worker until the item time limit."""
    done = subprocess.run([sys.executable, "-c", FORK_AFTER_OCR, str(tmp_path)], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.split() == ["block", "block", "block"]
