"""Fixtures for every test suite."""
from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def review_key_file(tmp_path, monkeypatch) -> Path:
    """Each test's review key lives in its own folder, never in the user's
    ~/.config (a review store opened by any test would create one there);
    subprocesses (``preclear serve``, the CLI) inherit the variable."""
    path = tmp_path / "keys" / "review.key"
    monkeypatch.setenv("PRECLEAR_KEY_FILE", str(path))
    monkeypatch.delenv("PRECLEAR_REVIEW_KEY", raising=False)
    return path
