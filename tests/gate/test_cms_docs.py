"""The examples of docs/cms.md run as written (Python, curl, Java) against a
real ``preclear serve``: refused before approval, published after."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

DOC = Path(__file__).parents[2] / "docs" / "cms.md"


def blocks(lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```", DOC.read_text(encoding="utf-8"), re.DOTALL | re.MULTILINE)


@pytest.fixture
def env(tmp_path, serve, tokens):
    db = str(tmp_path / "review.db")
    who = tokens(db)
    service = serve(db)
    secret = who["submitter"]["Authorization"].removeprefix("Bearer ")
    environ = {**os.environ, "PRECLEAR_URL": service.url, "PRECLEAR_TOKEN": secret}
    return service, who, environ


def approve_all(service, who) -> None:
    r = httpx.get(service.url + "/v1/items/1", headers=who["admin"])
    n = 1
    while r.status_code == 200:
        if r.json()["status"] == "submitted":
            for path, headers, body in ((f"/v1/items/{n}/decisions", who["reviewer"],
                                         {"decision": "approve", "opinion": "经审查，不涉及国家秘密"}),
                                        (f"/v1/items/{n}/approval", who["approver"], None)):
                assert httpx.post(service.url + path, headers=headers, json=body).status_code == 200
        n += 1
        r = httpx.get(f"{service.url}/v1/items/{n}", headers=who["admin"])


def run(cmd: list[str], environ: dict[str, str], cwd: Path) -> list[str]:
    done = subprocess.run(cmd, env=environ, cwd=cwd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_python_example(env, tmp_path):
    service, who, environ = env
    [code] = [b for b in blocks("python") if "from scanner.client import" in b]   # not the settings snippet
    script = tmp_path / "example.py"
    script.write_text(code, encoding="utf-8")
    out = run([sys.executable, str(script)], environ, tmp_path)
    assert out[:2] == ["article 1 clear submitted", "attachment 2 clear submitted"]
    assert out[2].startswith("refused 不能发布：2/2项未通过。") and out[3].startswith("refused 不能发布：1/1项未通过。")
    approve_all(service, who)
    out = run([sys.executable, str(script)], environ, tmp_path)
    assert out[2:] == ["publish 全部2项均已批准，可以发布。",
                       ("refused 不能发布：1/1项未通过。"
                        "文章《关于开展档案整理工作的通知》（/news/2026/notice-12/）的这一版尚未提交保密审查："
                        "请保存并提交审查，经审查和批准后才能发布（标题、正文、链接、网址或附件的任何改动都是新的一版，"
                        "需重新提交审查）。")]


def test_curl_example(env, tmp_path):
    service, who, environ = env
    [code] = blocks("sh")
    assert run(["bash", "-c", code], environ, tmp_path) == ["409", "409"]
    approve_all(service, who)
    assert run(["bash", "-c", code], environ, tmp_path) == ["200", "409"]   # the attachment is not submitted


@pytest.mark.skipif(shutil.which("java") is None, reason="no JDK: apt-get install default-jdk-headless")
def test_java_example(env, tmp_path):
    service, who, environ = env
    [code] = blocks("java")
    (tmp_path / "Gate.java").write_text(code, encoding="utf-8")
    out = run(["java", "Gate.java"], environ, tmp_path)
    assert out[-1] == "do not publish" and out[0].startswith('refused: {"version":2,"allow":false')
    httpx.post(service.url + "/v1/articles", headers=who["submitter"],
               json={"path": "/news/2026/notice-14/", "title": "通知", "text": "请于月底前报送。",
                     "html": "<p>请于月底前报送。</p>", "links": []})
    approve_all(service, who)
    assert run(["java", "Gate.java"], environ, tmp_path) == ["publish"]


def test_review_md_v1_example_with_and_without_attachments(env, tmp_path):
    """The issue's case: the docs/review.md example with no attachments sends an
    urlencoded form (httpx, files=[]); it must be answered, not refused with 415."""
    service, who, environ = env
    text = (DOC.parent / "review.md").read_text(encoding="utf-8")
    [code] = [b for b in re.findall(r"^```python\n(.*?)^```", text, re.DOTALL | re.MULTILINE) if "def may_publish" in b]
    script = tmp_path / "v1.py"
    script.write_text(code + '''
items = submit("通知", "见附件。", {"附件1.txt": "档案整理工作安排\\n".encode()}) + submit("通知", "无附件。", {})
print(len(items))
print(may_publish("通知", "见附件。", {"附件1.txt": "档案整理工作安排\\n".encode()})[0], may_publish("通知", "无附件。", {})[0])
''', encoding="utf-8")
    assert run([sys.executable, str(script)], environ, tmp_path) == ["3", "False False"]
    approve_all(service, who)
    assert run([sys.executable, str(script)], environ, tmp_path)[1] == "True True"
