"""Fixtures shared by the test folders: an isolated review key for every
test, Debian's Chromium driven by Playwright, one browser for the whole
session (Playwright's sync API allows one instance at a time), and a Word
form whose 密级 | 机密 row is one finding over two lines."""
from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(autouse=True)
def review_key_file(tmp_path, monkeypatch) -> Path:
    """Each test's review key lives in its own folder, never in the user's
    ~/.config (a review store opened by any test would create one there);
    subprocesses (``preclear serve``, the CLI) inherit the variable."""
    path = tmp_path / "keys" / "review.key"
    monkeypatch.setenv("PRECLEAR_KEY_FILE", str(path))
    monkeypatch.delenv("PRECLEAR_REVIEW_KEY", raising=False)
    return path


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


@pytest.fixture
def form_docx() -> bytes:
    """A Word form (python-docx) whose table row 密级 | 机密 is read a cell a
    line: one finding over two lines, 密级\\n机密."""
    import docx

    document = docx.Document()
    document.add_paragraph("关于某工程设计方案的请示")
    table = document.add_table(rows=2, cols=2)
    for row, cells in enumerate((["文件标题", "某工程设计方案"], ["密级", "机密"])):
        for column, text in enumerate(cells):
            table.cell(row, column).text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
