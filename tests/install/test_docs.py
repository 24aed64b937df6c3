"""The README stands alone: every link it and docs/ make points at a file in
this repository (a source distribution carries them all), and the scan
synopsis names every option ``preclear scan`` has."""
import re
from pathlib import Path

import pytest

from scanner.cli import build_parser

REPO = Path(__file__).resolve().parents[2]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("doc", ["README.md", *sorted(str(p.relative_to(REPO)) for p in (REPO / "docs").glob("*.md"))])
def test_links_stay_inside_the_repository(doc):
    page = REPO / doc
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        path = (page.parent / target).resolve()
        assert REPO in path.parents, f"{doc} links outside the repository: {target}"
        assert path.exists(), f"{doc} links to a missing file: {target}"


def test_the_readme_synopsis_names_every_scan_option():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    synopsis = readme[readme.index("## Scanning"):readme.index("### What it finds")]
    scan = build_parser("scan")._subparsers._group_actions[0].choices["scan"]
    options = {o for action in scan._actions for o in action.option_strings if o.startswith("--") and o != "--help"}
    assert options and {o for o in options if o not in synopsis} == set()
