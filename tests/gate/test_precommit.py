"""The shipped pre-commit hooks, run by the real ``pre-commit`` tool as the
git hook of a real repository.

The hooks come from this project's .pre-commit-hooks.yaml; they run as
``repo: local`` hooks with ``language: system`` pointing at this checkout's
``preclear`` so the test needs no network (a site would use ``language:
python`` through ``repo:``/``rev:``, which installs the same entry points).
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

PROJECT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CLEAN = "# 关于开展档案整理工作的通知\n\n各单位：请于月底前报送材料。\n"
MARKED = "机密★5年\n\n# 关于某项工作的通知\n"
INTERNAL = "内部资料 注意保存\n\n# 关于工作的通知\n"


def hooks_from_manifest() -> list[dict]:
    manifest = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hooks = []
    for hook in manifest:
        command, *rest = hook["entry"].split()
        hooks.append({**hook, "entry": " ".join([str(BIN / command), *rest]), "language": "system"})
    return hooks


class Site:
    """A git repository with pre-commit installed as its commit hook."""

    def __init__(self, root: Path) -> None:
        self.repo = root / "site"
        self.repo.mkdir()
        self.env = {**os.environ, "PRE_COMMIT_HOME": str(root / "pre-commit-home"),
                    "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                    "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
        assert self.run("git", "init", "-q", "-b", "main").returncode == 0
        installed = self.run(str(BIN / "pre-commit"), "install")
        assert installed.returncode == 0, installed.stdout

    def run(self, *cmd: str) -> subprocess.CompletedProcess:
        # git shows the hook's output on stderr; keep both in .stdout
        return subprocess.run(cmd, cwd=self.repo, env=self.env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=240)

    def configure(self, hook_id: str, args: list[str] = (), files: str = "^content/") -> None:
        [hook] = [h for h in hooks_from_manifest() if h["id"] == hook_id]
        hook.update(args=list(args), files=files)
        (self.repo / ".pre-commit-config.yaml").write_text(
            yaml.safe_dump({"repos": [{"repo": "local", "hooks": [hook]}]}, allow_unicode=True), encoding="utf-8")
        assert self.run("git", "add", ".pre-commit-config.yaml").returncode == 0

    def commit(self, name: str, text: str) -> subprocess.CompletedProcess:
        (self.repo / "content").mkdir(exist_ok=True)
        (self.repo / "content" / name).write_text(text, encoding="utf-8")
        self.run("git", "add", f"content/{name}")
        return self.run("git", "commit", "-q", "-m", f"add {name}")

    def commits(self) -> int:
        out = self.run("git", "rev-list", "--count", "HEAD")
        return int(out.stdout) if out.returncode == 0 else 0


@pytest.fixture
def site(tmp_path) -> Site:
    return Site(tmp_path)


def test_manifest_is_valid():
    result = subprocess.run([str(BIN / "pre-commit"), "validate-manifest", ".pre-commit-hooks.yaml"],
                            cwd=PROJECT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert [h["id"] for h in hooks_from_manifest()] == ["preclear-scan", "preclear-gate"]


def test_scan_hook_fails_a_commit_with_a_state_secret_mark(site):
    site.configure("preclear-scan")
    assert site.commit("notice.md", CLEAN).returncode == 0
    assert site.commit("internal.md", INTERNAL).returncode == 0        # review passes by default
    before = site.commits()
    refused = site.commit("secret.md", MARKED)
    assert refused.returncode != 0
    assert "preclear scan" in refused.stdout and "Failed" in refused.stdout
    assert "BLOCK" in refused.stdout and "content/secret.md" in refused.stdout
    assert site.commits() == before


def test_scan_hook_fails_on_review_when_asked(site):
    site.configure("preclear-scan", ["--fail-on-review"])
    refused = site.commit("internal.md", INTERNAL)
    assert refused.returncode != 0 and "REVIEW" in refused.stdout


def test_gate_hook_lets_only_approved_bytes_through(site, tmp_path):
    db = tmp_path / "review.db"
    (site.repo / "preclear.toml").write_text(f'[review]\ndatabase = "{db}"\n', encoding="utf-8")
    site.run("git", "add", "preclear.toml")
    site.configure("preclear-gate")
    approved = tmp_path / "notice.md"
    approved.write_text(CLEAN, encoding="utf-8")
    preclear = str(BIN / "preclear")
    for cmd in (["submit", str(approved), "--by", "张三"],
                ["decide", "1", "--decision", "approve", "--opinion", "不涉密", "--by", "李四"],
                ["approve", "1", "--by", "王五"]):
        assert subprocess.run([preclear, *cmd, "--db", str(db)], capture_output=True).returncode == 0

    refused = site.commit("notice.md", CLEAN + "\n")                  # one byte more: not the approved bytes
    assert refused.returncode != 0
    assert "refused: content/notice.md: not submitted for review" in refused.stdout
    assert site.commit("notice.md", CLEAN).returncode == 0            # the approved bytes
