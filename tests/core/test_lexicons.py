"""Lexicons load from YAML and CSV; a malformed one is refused as a whole,
naming file, line and reason, and the CLI exits 3."""
import subprocess
import sys

import pytest

from scanner import Engine, LexiconError, ScanConfig, scan_bytes
from scanner.match.lexicon import load_lexicon

YAML = """name: unit
version: "1"
entries:
  - term: 银河-9工程
    level: secret
    category: 国防
    aliases: [银河九号工程]
  - {term: 蓝鲸, level: 秘密, category: 科技}
"""
CSV = "term,level,category,aliases,note\n银河-9工程,机密,国防,银河九号工程|YH9工程,第1项\n"


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_yaml_and_csv_mean_the_same(tmp_path):
    y = load_lexicon(write(tmp_path, "unit.yaml", YAML))
    c = load_lexicon(write(tmp_path, "unit.csv", CSV))
    assert y.entries[0].level == "机密"  # English alias
    assert y.entries[0].aliases == ("银河九号工程",)
    assert c.entries[0].aliases == ("银河九号工程", "YH9工程")
    assert (y.entries[0].term, y.entries[0].level) == (c.entries[0].term, c.entries[0].level)


def test_alias_and_evasion_hit_through_the_engine(tmp_path):
    engine = Engine(ScanConfig(lexicons=(str(write(tmp_path, "unit.csv", CSV)),), default_lexicons=False))
    text = "关于銀河九號 工程的进展"
    result = scan_bytes(text.encode(), "a.txt", engine=engine)[0]
    f = result.findings[0]
    assert result.verdict.value == "block"
    assert (f.rule, f.level, text[f.start:f.end]) == ("lexicon.unit", "机密", "銀河九號 工程")


def test_short_term_confirmed_by_jieba(tmp_path):
    engine = Engine(ScanConfig(lexicons=(str(write(tmp_path, "unit.yaml", YAML)),), default_lexicons=False,
                               explain=True))
    hit = scan_bytes("蓝鲸项目今天启动。".encode(), "a.txt", engine=engine)[0]
    assert [f.text for f in hit.findings] == ["蓝鲸"]
    miss = scan_bytes("我们去看蔚蓝鲸鱼馆。".encode(), "b.txt", engine=engine)[0]
    assert miss.findings == () or all(f.text != "蓝鲸" for f in miss.findings)


@pytest.mark.parametrize("name, text, line, reason", [
    ("bad.yaml", "name: x\nentries:\n  - term: a\n    level: 机密\n  - term: b\n    level: 超级机密\n", 5, "unknown level"),
    ("bad.yaml", "name: x\nentries:\n  - level: 机密\n", 3, "no term"),
    ("bad.yaml", "name: x\nentries:\n  - term: a\n    level: 机密\n    colour: red\n", 3, "unknown field"),
    ("bad.yaml", "name: x\nentries: [\n", 3, "invalid YAML"),
    ("bad.csv", "term,level\n甲工程,机密\n乙工程,\n", 3, "no level"),
    ("bad.csv", "term,grade\n甲,机密\n", 1, "header"),
    ("bad.csv", "term,level\n甲工程,机密\n甲工程,秘密\n", 3, "duplicate term"),
])
def test_malformed_lexicon_names_file_line_reason(tmp_path, name, text, line, reason):
    path = write(tmp_path, name, text)
    with pytest.raises(LexiconError) as info:
        load_lexicon(path)
    assert info.value.line == line and reason in info.value.reason


def test_malformed_lexicon_exits_3_with_one_line(tmp_path):
    bad = write(tmp_path, "bad.csv", "term,level\n甲工程,机密\n乙工程,绝绝密\n")
    target = write(tmp_path, "doc.txt", "正文")
    proc = subprocess.run([sys.executable, "-m", "scanner", "scan", str(target), "--lexicon", str(bad)],
                          capture_output=True, text=True)
    assert proc.returncode == 3
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{bad}:3" in lines[0] and "unknown level" in lines[0]
    assert proc.stdout == ""
