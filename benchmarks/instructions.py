"""Instructions of a whole preclear command, two installations side by side.

Wall and CPU seconds on a shared 2-core machine wander by 20-30 % from run to
run, more than most single changes save; the count of instructions a
command executes (valgrind's callgrind, no cache simulation) is the same
from run to run whatever else the machine does, so it shows a 2 % change
that timings cannot.  It is not time: C code that runs many instructions
fast (hashing, memcpy) and memory stalls weigh differently.  Use it beside
the timed table (run.py, farm-bench), not instead of it.

    python benchmarks/instructions.py --a NEW/bin/preclear --b OLD/bin/preclear \\
        -- scan FOLDER --no-cache -o /dev/null --jobs 1

Both commands run at once (one core each), about 60x slower than normally,
with PYTHONHASHSEED=0 so that set and dict order cannot change the count.
Each side has a cache folder of its own (``XDG_CACHE_HOME``), filled by one
run outside valgrind first: the count is a second run's, as a user's is, and
neither side reads or rebuilds what the other wrote.  Only the first process
is counted: measure ``--jobs 1``.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NoReturn

_COLLECTED = re.compile(r"Collected\s*:\s*([0-9]+)")


def fail(message: str) -> NoReturn:
    """A tool failure: one line, exit status 3."""
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(3)


_VALGRIND = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]


def command(preclear: str, args: list[str]) -> list[str]:
    """The installation's Python running ``preclear`` (its console script is
    a wrapper Python would start anyway)."""
    python = Path(preclear).resolve().parent / "python"
    if not python.exists():
        fail(f"no python beside {preclear} (give the bin/preclear of a venv)")
    return [str(python), "-m", "scanner", *args]


def instructions(runs: dict[str, list[str]], caches: Path) -> dict[str, int]:
    """Run the commands at once, each with its own warm cache folder under
    ``caches``; the instructions each executed."""
    envs = {name: {**os.environ, "PYTHONHASHSEED": "0", "XDG_CACHE_HOME": str(caches / name)} for name in runs}
    for name, cmd in runs.items():  # the warm-up, outside valgrind
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=envs[name], check=False)
    started = {name: subprocess.Popen([*_VALGRIND, *cmd], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                      env=envs[name], text=True)
               for name, cmd in runs.items()}
    counts: dict[str, int] = {}
    for name, process in started.items():
        _, err = process.communicate()
        found = _COLLECTED.search(err)
        if process.returncode not in (0, 1, 2) or found is None:
            last = err.strip().splitlines()[-1:] or [""]
            fail(f"{name} exited {process.returncode}: {last[0]}")
        counts[name] = int(found.group(1))
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--a", required=True, help="bin/preclear of the installation measured")
    parser.add_argument("--b", required=True, help="bin/preclear of the one it is compared with")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="-- then preclear's arguments")
    options = parser.parse_args()
    args = options.args[1:] if options.args[:1] == ["--"] else options.args
    if not args:
        parser.error("give preclear's arguments after --")
    if shutil.which("valgrind") is None:
        fail("valgrind is not installed (Debian: apt-get install valgrind)")
    with tempfile.TemporaryDirectory(prefix="preclear-instructions-") as caches:
        counts = instructions({"A": command(options.a, args), "B": command(options.b, args)}, Path(caches))
    print(f"A {counts['A']:,} instructions\nB {counts['B']:,} instructions\nA/B {counts['A'] / counts['B']:.4f}")


if __name__ == "__main__":
    main()
