"""What a user installs is what the suite tests.  ``make test`` runs the suite
against the wheel installed (not editable) in a venv outside the checkout and
sets PRECLEAR_INSTALLED=1; these tests check that this is so, that the built
wheel and sdist carry every shipped lexicon, and that the installed console
script gives samples/ its golden verdicts from an unrelated folder."""
import json
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import scanner
from scanner.match.sources import manifest

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
PRECLEAR = Path(sys.executable).with_name("preclear")


@pytest.mark.skipif(not os.environ.get("PRECLEAR_INSTALLED"), reason="the suite runs on a checkout (not make test)")
def test_the_imported_scanner_is_the_installed_wheel():
    package = Path(scanner.__file__).resolve().parent
    assert REPO not in package.parents, f"scanner imported from the checkout: {package}"
    assert str(REPO) not in sys.path and "" not in sys.path
    site = Path(sys.prefix).resolve()
    assert site in package.parents, f"scanner is not from this venv: {package}"
    [dist_info] = package.parent.glob("preclear-*.dist-info")
    direct = dist_info / "direct_url.json"
    if direct.exists():  # installed from a file: not an editable install of a folder
        assert not json.loads(direct.read_text()).get("dir_info", {}).get("editable")
    assert (package / "lexicons" / "MANIFEST.json").is_file()


def test_the_wheel_and_sdist_carry_every_shipped_lexicon(tmp_path):
    """Builds the sdist, then the wheel from it (as ``python -m build`` does)."""
    subprocess.run([sys.executable, "-m", "build", "-q", "--outdir", str(tmp_path), str(REPO)],
                   check=True, capture_output=True, cwd=tmp_path)
    [wheel] = tmp_path.glob("preclear-*.whl")
    [sdist] = tmp_path.glob("preclear-*.tar.gz")
    shipped = {f"scanner/lexicons/{name}" for name in (*manifest(), "MANIFEST.json")}
    assert len(shipped) == 4
    with zipfile.ZipFile(wheel) as z:
        in_wheel = set(z.namelist())
        assert json.loads(z.read("scanner/lexicons/MANIFEST.json"))["shipped"] == manifest()
    assert shipped <= in_wheel
    with tarfile.open(sdist) as t:
        in_sdist = {n.split("/", 1)[1] for n in t.getnames() if "/" in n}
    assert shipped <= in_sdist
    assert {"samples/expected/text.json", "tests/install/test_installed.py", "docs/contracts.md"} <= in_sdist


def test_the_console_script_gives_samples_their_golden_verdicts_from_another_folder(tmp_path):
    expected = {}
    for f in sorted((SAMPLES / "expected").glob("*.json")):
        expected.update(json.loads(f.read_text(encoding="utf-8")))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run([str(PRECLEAR), "scan", str(SAMPLES), "--run-record"], capture_output=True, text=True,
                          cwd=tmp_path, env=env, check=False)
    assert proc.returncode == 2, proc.stderr
    run, *records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert {lex["name"] for lex in run["run"]["lexicons"]} == {"draft", "example-unit", "work-secret"}
    got = {r["item"]: {"verdict": r["verdict"], "rules": sorted({f["rule"] for f in r["findings"]})}
           for r in records}
    assert got == expected
