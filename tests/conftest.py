"""Fixtures shared by the test folders: Debian's Chromium driven by
Playwright, one browser for the whole session (Playwright's sync API allows
one instance at a time)."""
from __future__ import annotations

import os

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright. Missing Chromium is a failure,
    not a skip, unless PRECLEAR_NO_BROWSER=1 says so explicitly."""
    if os.environ.get("PRECLEAR_NO_BROWSER") == "1":
        pytest.skip("PRECLEAR_NO_BROWSER=1")
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (or set PRECLEAR_NO_BROWSER=1)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
