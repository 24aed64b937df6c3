"""The demo set in samples/ against its golden verdicts and rules (as bandit
does with its examples): every item is pinned, none is left out.  samples/.preclearignore keeps the
expectations and the generator out of the demo scan."""
import json
from pathlib import Path

from scanner import scan_paths

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def test_samples_match_their_golden_expectations(engine):
    expected = {}
    for f in sorted((SAMPLES / "expected").glob("*.json")):
        expected.update(json.loads(f.read_text(encoding="utf-8")))
    got = {r.item: {"verdict": r.verdict.value, "rules": sorted({f.rule for f in r.findings})}
           for r in scan_paths([str(SAMPLES)], engine=engine)}
    assert got == expected
    assert {v["verdict"] for v in got.values()} == {"block", "review", "clear"}


def test_the_readme_counts_the_verdicts_the_samples_have():
    """The quick start's promise (`make scan` gives N block, N review, N
    clear) is the golden verdicts' count: it said 10 review and 7 clear for
    rounds after a sample's verdict had changed."""
    import collections
    import re

    expected = {}
    for f in sorted((SAMPLES / "expected").glob("*.json")):
        expected.update(json.loads(f.read_text(encoding="utf-8")))
    counts = collections.Counter(v["verdict"] for v in expected.values())
    readme = (SAMPLES.parent / "README.md").read_text(encoding="utf-8")
    said = re.search(r"`make scan` on `samples/` gives (\d+) `block`, (\d+) `review`, (\d+) `clear`", readme)
    assert said is not None
    assert tuple(map(int, said.groups())) == (counts["block"], counts["review"], counts["clear"])
