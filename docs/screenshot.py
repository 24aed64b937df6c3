"""Photograph an HTML report in Debian's Chromium (``make screenshot``): the
README's picture is made from samples/ by a command, so it never goes stale."""
from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"


def main(page_path: str, png_path: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(Path(page_path).resolve().as_uri())
        page.screenshot(path=png_path)
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:3])
