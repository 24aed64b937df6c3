"""Serial, pool and Dask drivers give the same output, in the same order."""
from __future__ import annotations

import json

import pytest

from scanner.engine import Engine
from scanner.run.pool import run_pool
from scanner.run.serial import run_serial
from scanner.walk import walk


def _jsonl(results) -> list[str]:
    return [json.dumps(r.to_dict(), ensure_ascii=False, sort_keys=True) for r in results]


def test_pool_output_equals_serial(mixed_folder, config):
    serial = _jsonl(run_serial(Engine(config), walk([str(mixed_folder)])))
    pooled = _jsonl(run_pool(config, walk([str(mixed_folder)]), jobs=2, window=3))
    assert pooled == serial
    verdicts = {json.loads(line)["item"]: json.loads(line)["verdict"] for line in serial}
    assert verdicts["a/notice.txt"] == "block"
    assert verdicts["c.zip!inner/secret.txt"] == "block"
    assert verdicts["broken.docx"] == "review"


@pytest.mark.slow
def test_dask_output_equals_serial(mixed_folder, config):
    from distributed import Client, LocalCluster

    from scanner.run.dask import run_dask

    serial = _jsonl(run_serial(Engine(config), walk([str(mixed_folder)])))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        shared = _jsonl(run_dask(config, walk([str(mixed_folder)]), client=client, batch=4))
        sent = _jsonl(run_dask(config, walk([str(mixed_folder)]), client=client, batch=3, send_bytes=True))
    assert shared == serial
    assert sent == serial


def test_cli_jobs_and_dask_write_identical_jsonl(mixed_folder, tmp_path):
    from scanner.cli import main

    outputs = {}
    for name, extra in (("serial", ["--jobs", "1"]), ("pool", ["--jobs", "2"]), ("dask", ["--engine", "dask", "--jobs", "2"])):
        out = tmp_path / f"{name}.jsonl"
        code = main(["scan", str(mixed_folder), "--format", "jsonl", "--output", str(out), "--no-cache", *extra])
        assert code == 2
        outputs[name] = out.read_bytes()
    assert outputs["pool"] == outputs["serial"]
    assert outputs["dask"] == outputs["serial"]
