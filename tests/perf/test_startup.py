"""A scan imports only what it uses: no review store (SQLAlchemy), service
(FastAPI) or cluster (Dask) modules, no XML parser (lxml) for text files
(the flat OpenDocument sniff loaded it for every file: +10 ms of a one-file
scan), and in one process jieba's dictionary
only when a short hit needs confirming, pathspec only for a folder with
exclusion rules."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

HEAVY = ("sqlalchemy", "fastapi", "uvicorn", "dask", "distributed", "jieba", "pathspec", "lxml")
PROBE = f"""
import json, sys
from scanner import cli
status = cli.main(sys.argv[1:])
print(json.dumps([status, sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))]))
"""


def loaded_by(*argv: str, cwd) -> tuple[int, list[str]]:
    out = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, check=True, cwd=cwd)
    status, modules = json.loads(out.stdout.strip().splitlines()[-1])
    return status, modules


def test_one_file_scan_loads_no_store_service_cluster_or_jieba(tmp_path):
    one = tmp_path / "one.txt"
    one.write_text("机密★5年\n关于开展工作的通知\n", encoding="utf-8")
    status, modules = loaded_by("scan", str(one), "-o", str(tmp_path / "r.jsonl"), cwd=tmp_path)
    assert status == 2  # the mark was found: the scan did run
    assert modules == []


def test_folder_scan_in_one_process_loads_jieba_only_for_a_short_hit(tmp_path):
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "a.txt").write_text("关于开展工作的通知，联系电话：13800138000\n", encoding="utf-8")
    lexicon = tmp_path / "short.csv"
    lexicon.write_text("term,level\n天枢,内部\n", encoding="utf-8")
    args = ("scan", str(folder), "--jobs", "1", "--no-cache", "--lexicon", str(lexicon), "-o", str(tmp_path / "r"))
    assert loaded_by(*args, cwd=tmp_path) == (1, [])  # the mobile number: review, no short hit
    (folder / "b.txt").write_text("天枢的通知\n", encoding="utf-8")
    assert loaded_by(*args, cwd=tmp_path)[1] == ["jieba"]


def test_pathspec_is_imported_only_for_a_folder_with_exclusion_rules(tmp_path):
    folder = tmp_path / "f"
    folder.mkdir()
    for name in ("a.txt", "b.txt"):
        (folder / name).write_text("机密★5年\n", encoding="utf-8")
    report = tmp_path / "r.jsonl"
    args = ("scan", str(folder), "--jobs", "1", "--no-cache", "--format", "jsonl", "-o", str(report))

    def scanned() -> list[str]:
        return sorted(json.loads(line)["item"] for line in report.read_text(encoding="utf-8").splitlines()
                      if '"item"' in line and '"findings"' in line)

    assert loaded_by(*args, cwd=tmp_path) == (2, [])
    assert scanned() == ["a.txt", "b.txt"]
    assert loaded_by(*args, "--exclude", "b.txt", cwd=tmp_path) == (2, ["pathspec"])
    assert scanned() == ["a.txt"]
    (folder / ".preclearignore").write_text("a.txt\n", encoding="utf-8")
    assert loaded_by(*args, cwd=tmp_path) == (2, ["pathspec"])
    assert scanned() == [".preclearignore", "b.txt"]


def test_numba_is_loaded_once_the_kernel_pays_for_it():
    # until the numba kernel would have saved its own load, text goes through
    # the numpy pass; the item after that loads numba, with the same result
    code = """
import sys

import pytest
from scanner import native
from scanner.normalize import KERNEL_SAVES_PER_CHAR, kernel, normalize, normalize_reference
text = "機 密 ★ 5 年\u200b，关于开展工作的通知。" * 50_000
expected = normalize_reference(text)
needed = int(native.LOAD_SECONDS / KERNEL_SAVES_PER_CHAR / len(text)) + 1
seen = []
for _ in range(needed):
    got = normalize(text)
    assert got.text == expected.text and (got.index == expected.index).all()
    seen.append(("numba" in sys.modules, kernel.is_warm()))
print(*seen[0], *seen[-2], *seen[-1])
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "False", "False", "True", "True"]


def test_one_very_long_text_goes_through_the_kernel():
    # the kernel's map needs a third less memory than the numpy pass's peak
    code = """
import sys

import pytest
from scanner.normalize import KERNEL_LONG_TEXT, kernel, normalize
text = "機 密 ★ 5 年，关于开展工作的通知。" * (KERNEL_LONG_TEXT // 20 + 1)
normalize(text[:KERNEL_LONG_TEXT // 2])  # half as long: the numpy pass
print("numba" in sys.modules, end=" ")
normalize(text)
print(kernel.is_warm())
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


def test_pool_scan_loads_jieba_in_a_worker_only_for_a_short_hit(tmp_path):
    # the driver builds the engine and the kernel before forking, not jieba: a
    # worker loads it when a short hit needs confirming, and confirms it
    folder = tmp_path / "f"
    folder.mkdir()
    for i in range(4):
        (folder / f"{i}.txt").write_text("关于开展工作的通知，联系电话：13800138000\n", encoding="utf-8")
    lexicon = tmp_path / "short.csv"
    lexicon.write_text("term,level\n方面,内部\n", encoding="utf-8")
    out = tmp_path / "r.jsonl"
    args = ("scan", str(folder), "--jobs", "2", "--no-cache", "--lexicon", str(lexicon), "-o", str(out))
    assert loaded_by(*args, cwd=tmp_path) == (1, [])  # the driver never loaded it
    (folder / "b.txt").write_text("关于这个方面的工作\n", encoding="utf-8")
    (folder / "c.txt").write_text("另一方面的通知\n", encoding="utf-8")
    assert loaded_by(*args, cwd=tmp_path) == (1, [])
    results = {r["item"].rsplit("/", 1)[-1]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert [f["rule"] for f in results["b.txt"]["findings"]] == ["lexicon.short"]
    assert results["c.txt"]["findings"] == []  # 一方面: jieba found the term inside another word


BLAS_PROBE = """
import os, sys
if sys.argv[1] == "cli":
    import scanner.cli  # noqa: F401
import numpy  # noqa: F401
print(len(os.listdir("/proc/self/task")))
"""


# OpenBLAS reads the first of these that is set (some libraries set OMP_NUM_THREADS as they load)
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")


def threads_after_numpy(how: str, **env: str) -> int:
    out = subprocess.run([sys.executable, "-c", BLAS_PROBE, how], capture_output=True, text=True, check=True,
                         env={k: v for k, v in os.environ.items() if k not in BLAS_THREADS} | env)
    return int(out.stdout)


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="OpenBLAS starts no threads on one core")
def test_the_command_keeps_openblas_to_its_own_thread():
    """numpy imported alone starts OpenBLAS's threads (one per core); under
    the preclear command it starts none, unless the user asked for them."""
    assert threads_after_numpy("plain") > 1
    assert threads_after_numpy("cli") == 1
    assert threads_after_numpy("cli", OPENBLAS_NUM_THREADS="2") == 2
