"""Every report names the lexicons in effect (name, version, entry count,
sha256): JSONL/JSON in an optional first ``run`` record, SARIF in the run's
properties, HTML and DOCX in their text, the summary on stderr; and
``preclear lexicons`` lists the same set."""
import hashlib
import io
import json
import subprocess
import sys
import zipfile

import pytest
from docx import Document

from scanner.match.shipped import load_shipped

SHIPPED = [lex.info() for lex in load_shipped()]


def preclear(*args, cwd):
    return subprocess.run([sys.executable, "-m", "scanner", *map(str, args)], capture_output=True, cwd=cwd, check=False)


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "out"
    root.mkdir()
    (root / "memo.txt").write_text("内部资料 注意保存\n\n会议纪要", encoding="utf-8")
    (tmp_path / "unit.csv").write_text("term,level\n天枢-7工程,机密\n", encoding="utf-8")
    return root


def test_jsonl_run_record_comes_first_only_when_asked(folder, tmp_path):
    plain = preclear("scan", folder, cwd=tmp_path)
    assert [json.loads(line)["item"] for line in plain.stdout.splitlines()] == ["memo.txt"]
    proc = preclear("scan", folder, "--run-record", "--lexicon", tmp_path / "unit.csv", cwd=tmp_path)
    first, *items = [json.loads(line) for line in proc.stdout.splitlines()]
    assert set(first) == {"run"} and first["run"]["tool"] == "preclear"
    lexicons = first["run"]["lexicons"]
    assert lexicons[:3] == SHIPPED
    unit = lexicons[3]
    assert unit["name"] == "unit" and unit["entries"] == 1 and not unit["shipped"]
    assert unit["sha256"] == hashlib.sha256((tmp_path / "unit.csv").read_bytes()).hexdigest()
    assert [i["item"] for i in items] == ["memo.txt"]


def test_json_array_starts_with_the_run_record_when_asked(folder, tmp_path):
    proc = preclear("scan", folder, "--format", "json", "--run-record", cwd=tmp_path)
    data = json.loads(proc.stdout)
    assert data[0]["run"]["lexicons"] == SHIPPED and data[1]["item"] == "memo.txt"


def test_sarif_html_docx_and_summary_name_the_lexicons(folder, tmp_path):
    sarif = json.loads(preclear("scan", folder, "--format", "sarif", cwd=tmp_path).stdout)
    assert sarif["runs"][0]["properties"]["lexicons"] == SHIPPED
    html = preclear("scan", folder, "--format", "html", cwd=tmp_path).stdout.decode()
    docx = preclear("scan", folder, "--format", "docx", cwd=tmp_path).stdout
    assert zipfile.is_zipfile(io.BytesIO(docx))
    text = "\n".join(p.text for p in Document(io.BytesIO(docx)).paragraphs)
    summary = preclear("scan", folder, "--summary", cwd=tmp_path).stderr.decode()
    for info in SHIPPED:
        assert f"{info['name']}，版本 {info['version']}，{info['entries']} 条，sha256 {info['sha256']}" in html
        assert f"{info['name']}，版本 {info['version']}，{info['entries']} 条，sha256 {info['sha256']}" in text
        assert f"{info['name']} {info['version']} ({info['entries']} entries, sha256 {info['sha256']})" in summary


def test_lexicons_command_lists_the_set_a_scan_uses(folder, tmp_path):
    proc = preclear("lexicons", "--json", "--lexicon", tmp_path / "unit.csv", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [{k: r[k] for k in SHIPPED[0]} for r in rows[:3]] == SHIPPED
    assert rows[3]["name"] == "unit" and rows[3]["file"] == str(tmp_path / "unit.csv")
    table = preclear("lexicons", "--no-default-lexicons", "--lexicon", tmp_path / "unit.csv", cwd=tmp_path)
    assert table.stdout.decode().split("\t")[:3] == ["unit", "-", "1"]
