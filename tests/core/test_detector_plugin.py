"""A new kind of signal is one detector class registered under the entry-point
group ``preclear.detectors``: here a toy detector of project codenames,
installed as a real distribution (a dist-info folder with entry_points.txt on
the path, found by importlib.metadata), and run by a real ``preclear scan``."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

TOY = '''
import re

from scanner.detectors import PartText, Signal
from scanner.lang import Text
from scanner.rulebook import rule

BASIS = Text("the unit's codename rules", "本单位工程代号管理规定")


class CodenameDetector:
    """Project codenames (青鸟-7): secret at the 秘密 level in this unit."""

    id = "toy.codename"
    rules = (rule("toy.codename", "ProjectCodename", "工程代号", "A project codename (青鸟-7).",
                  "工程代号（如 青鸟-7）。", BASIS),)

    def find(self, text: PartText) -> list[Signal]:
        return [text.signal("toy.codename", "secret-point", "秘密", m.start(), m.end(),
                            Text(f"project codename {m.group()}", f"工程代号“{m.group()}”"), BASIS)
                for m in re.finditer(r"青鸟-[0-9]+", text.text)]
'''


def install(root: Path, module: str, source: str, target: str) -> Path:
    """A distribution the way pip leaves one: the module and its dist-info."""
    root.mkdir(parents=True)
    (root / f"{module}.py").write_text(source, encoding="utf-8")
    info = root / f"{module.replace('_', '-')}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module}\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[preclear.detectors]\ncodename = {target}\n", encoding="utf-8")
    return root


def preclear(args: list[str], plugins: Path | None, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(cwd), "LANG": "C.UTF-8"}
    if plugins is not None:
        env["PYTHONPATH"] = str(plugins)
    return subprocess.run([sys.executable, "-m", "scanner", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, check=False)


@pytest.fixture(scope="module")
def memo(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("memo")
    # full-width digits and a zero-width space: found in normalised text, reported in the original's
    (folder / "memo.txt").write_text("关于青鸟-\u200b７工程的会议安排\n", encoding="utf-8")
    return folder


def test_a_registered_detector_reports_in_a_scan(tmp_path, memo) -> None:
    plugins = install(tmp_path / "site", "toy_detector", TOY, "toy_detector:CodenameDetector")
    base = ["scan", str(memo), "--format", "jsonl", "--no-cache", "--progress", "never"]
    without = preclear(base, None, tmp_path)
    assert without.returncode == 0, without.stderr
    assert json.loads(without.stdout)["findings"] == []

    done = preclear([*base, "--jobs", "2"], plugins, tmp_path)  # pool workers find it too
    assert done.returncode == 2, done.stderr
    [finding] = json.loads(done.stdout)["findings"]
    assert finding["rule"] == "toy.codename" and finding["level"] == "秘密" and finding["severity"] == "block"
    assert finding["text"] == "青鸟-\u200b７" and (finding["start"], finding["end"]) == (2, 7)
    assert finding["reason"] == "工程代号“青鸟-7”" and finding["basis"] == "本单位工程代号管理规定"

    sarif = json.loads(preclear([*base[:3], "sarif", *base[4:], "--lang", "en"], plugins, tmp_path).stdout)
    run = sarif["runs"][0]
    [result] = run["results"]
    descriptor = run["tool"]["driver"]["rules"][result["ruleIndex"]]
    assert descriptor["id"] == "toy.codename" and descriptor["name"] == "ProjectCodename"
    assert descriptor["shortDescription"]["text"] == "A project codename (青鸟-7)."


def test_a_detector_that_cannot_load_stops_the_tool(tmp_path, memo) -> None:
    """Scanning without a detector someone installed would pass what it was installed to catch."""
    plugins = install(tmp_path / "site", "toy_detector", TOY, "toy_detector:NoSuchDetector")
    done = preclear(["scan", str(memo), "--no-cache", "--progress", "never"], plugins, tmp_path)
    assert done.returncode == 3
    line = ("preclear: error: detector codename (toy_detector:NoSuchDetector) cannot be loaded: "
            "AttributeError: module 'toy_detector' has no attribute 'NoSuchDetector'")
    assert done.stderr.strip().splitlines() == [line]


def test_a_detector_reusing_a_rule_id_stops_the_tool(tmp_path, memo) -> None:
    clash = TOY.replace('rule("toy.codename"', 'rule("pii.mobile"')
    plugins = install(tmp_path / "site", "toy_detector", clash, "toy_detector:CodenameDetector")
    done = preclear(["scan", str(memo), "--no-cache", "--progress", "never"], plugins, tmp_path)
    assert done.returncode == 3
    assert "rule 'pii.mobile' is declared twice" in done.stderr


def test_detectors_are_found_as_importlib_metadata_finds_entry_points(tmp_path) -> None:
    """The first distribution of a name on the path wins, as with entry_points()."""
    first = install(tmp_path / "a", "toy_detector", TOY, "toy_detector:CodenameDetector")
    second = install(tmp_path / "b", "toy_detector", TOY, "toy_detector:Shadowed")
    probe = ("from importlib.metadata import entry_points\n"
             "from scanner.detectors import GROUP, registered\n"
             "print([p.value for p in registered()], [p.value for p in entry_points(group=GROUP)])")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{first}:{second}"}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.strip() == "['toy_detector:CodenameDetector'] ['toy_detector:CodenameDetector']"


FAULTY = '''
from scanner.detectors import PartText, Signal


class FaultyDetector:
    """A plug-in with a bug: it fails on any text holding 故障."""

    id = "toy.faulty"
    rules = ()

    def find(self, text: PartText) -> list[Signal]:
        if "故障" in text.text:
            raise ValueError("the toy's own bug")
        return []
'''


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_stage_failing_on_one_item_fails_that_item_not_the_run(tmp_path, jobs) -> None:
    # with --jobs 1 the exception ended the whole run (exit 3, no report); the pool made the item review
    plugins = install(tmp_path / "site", "toy_faulty", FAULTY, "toy_faulty:FaultyDetector")
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "a.txt").write_text("设备故障报告\n", encoding="utf-8")
    (folder / "b.txt").write_text("机密★5年\n", encoding="utf-8")
    done = preclear(["scan", str(folder), "--format", "jsonl", "--no-cache", "--progress", "never", "--jobs", jobs],
                    plugins, tmp_path)
    assert done.returncode == 2, done.stderr
    results = {Path(r["item"]).name: r for r in map(json.loads, done.stdout.splitlines())}
    assert results["b.txt"]["verdict"] == "block"
    assert results["a.txt"]["verdict"] == "review"
    [finding] = results["a.txt"]["findings"]
    assert finding["rule"] == "unreadable.internal" and "ValueError: the toy's own bug" in finding["reason"]
