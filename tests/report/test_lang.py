"""Reasons and legal bases in both report languages, built where they are
found (a mark's period, an unreadable part), not translated afterwards."""
import io
import json
import pickle
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest

from scanner import Engine, ScanConfig, scan_bytes
from scanner.lang import Text, in_lang
from scanner.report import ReportOptions, Summary, make_reporter
from scanner.rules import catalogue, reason_in_lang
from scanner.score import from_notice
from scanner.types import Notice, Severity

REPO = Path(__file__).resolve().parents[2]


def _cjk(value: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in value)


@pytest.fixture(scope="module")
def engine():
    return Engine(ScanConfig())


def test_every_rule_has_a_chinese_name_description_and_basis():
    for rule in catalogue().values():
        assert _cjk(rule.name_zh), rule.id
        assert _cjk(rule.description.zh), rule.id
        assert _cjk(rule.basis.zh), rule.id
        assert not _cjk(str(rule.basis)), rule.id   # the English form stays English


def test_a_mark_period_is_stated_in_each_language(engine):
    [result] = scan_bytes("机密★5年\n关于会议的通知".encode(), "n.txt", engine=engine)
    [mark] = [f for f in result.findings if f.rule == "mark.state-secret"]
    zh, en = mark.to_dict(lang="zh"), mark.to_dict(lang="en")
    assert zh["reason"] == "国家秘密标志，保密期限 5 年"
    assert en["reason"] == "state-secret mark, period 5 years"
    assert zh["basis"] == "《国家秘密定密管理暂行规定》第二十四条；《中华人民共和国保守国家秘密法实施条例》第二十一条"
    assert en["basis"].startswith("Provisional Rules on Classification Management, Art. 24")
    assert zh["rule"] == en["rule"] == "mark.state-secret" and zh["fingerprint"] == en["fingerprint"]


def test_an_unreadable_part_is_explained_in_chinese(engine):
    buf = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("关于会议的通知")
    document.save(buf)
    result = scan_bytes(buf.getvalue()[:len(buf.getvalue()) // 2], "broken.docx", engine=engine)[0]
    data = result.to_dict(lang="zh")
    assert result.verdict.value == "review"
    assert all(_cjk(f["reason"]) and _cjk(f["basis"]) for f in data["findings"]), data["findings"]
    assert data["errors"] and all(_cjk(e) for e in data["errors"])
    assert not any(_cjk(f["reason"]) for f in result.to_dict(lang="en")["findings"])


def test_text_survives_pickling_between_processes():
    value = Text("hidden text", "隐藏文字")
    back = pickle.loads(pickle.dumps(value))
    assert back == "hidden text" and back.zh == "隐藏文字"


def test_a_plain_technical_reason_is_named_by_its_rule():
    assert reason_in_lang("PdfiumError: bad xref", "zh", "unreadable.extract") == "内容提取失败（原文：PdfiumError: bad xref）"
    assert reason_in_lang("PdfiumError: bad xref", "en", "unreadable.extract") == "PdfiumError: bad xref"
    assert in_lang("PdfiumError: bad xref", "zh") == "PdfiumError: bad xref"


def test_a_finding_with_a_plain_reason_carries_its_chinese_form():
    notice = Notice(rule="unreadable.extract", category="unreadable", part="item", reason="PdfiumError: bad xref",
                    severity=Severity.REVIEW)
    finding = from_notice("a.pdf", notice)
    assert finding.to_dict(lang="zh")["reason"] == "内容提取失败（原文：PdfiumError: bad xref）"
    assert finding.to_dict(lang="en")["reason"] == "PdfiumError: bad xref"


@pytest.mark.parametrize("lang, reason", [("zh", "工作秘密或内部标识"), ("en", "work-secret/internal marker")])
def test_cli_lang_switches_jsonl_csv_and_sarif(tmp_path, lang, reason):
    (tmp_path / "memo.md").write_text("内部资料 注意保存\n\n正文", encoding="utf-8")
    def run(fmt):
        proc = subprocess.run([sys.executable, "-m", "scanner", "scan", str(tmp_path / "memo.md"), "--format", fmt,
                               "--lang", lang], capture_output=True, cwd=REPO)
        assert proc.returncode == 1, proc.stderr
        return proc.stdout.decode("utf-8")
    [record] = [json.loads(line) for line in run("jsonl").splitlines()]
    assert record["findings"][0]["rule"] == "marker.work-secret"
    assert record["findings"][0]["reason"].startswith(reason)
    assert reason in run("csv")
    assert reason in json.loads(run("sarif"))["runs"][0]["results"][0]["message"]["text"]


def test_default_report_language_is_chinese(engine):
    results = scan_bytes("内部资料 注意保存\n\n正文".encode(), "memo.md", engine=engine)
    out = io.BytesIO()
    reporter = make_reporter("jsonl", out, ReportOptions())
    reporter.begin()
    for r in results:
        reporter.item(r)
    reporter.finish(Summary())
    assert json.loads(out.getvalue())["findings"][0]["reason"].startswith("工作秘密或内部标识")


def test_html_report_names_the_member_an_archive_verdict_comes_from(engine, tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("docs/memo.md", "内部资料 注意保存\n\n正文")
        z.writestr("docs/public.txt", "关于开展全民健身活动的通知")
    results = scan_bytes(buf.getvalue(), "bundle.zip", engine=engine)
    assert results[0].item == "bundle.zip" and results[0].verdict.value == "review" and not results[0].findings
    out = io.BytesIO()
    reporter = make_reporter("html", out, ReportOptions())
    reporter.begin()
    for r in results:
        reporter.item(r)
    reporter.finish(Summary())
    page = out.getvalue().decode("utf-8")
    assert "结论“需人工审查”来自压缩包成员：bundle.zip!docs/memo.md。" in page
    assert "work-secret/internal marker" not in page and "工作秘密或内部标识" in page
    assert "Implementing Regulations" not in page


@pytest.mark.parametrize("part, label", [
    ("header", "页眉"), ("page:3", "第 3 页"), ("page:3:layout", "第 3 页（按阅读顺序）"),
    ("sheet:工资表", "工作表“工资表”"), ("slide:2", "第 2 张幻灯片"), ("properties:title", "文档属性“title”"),
    ("properties", "文档属性"), ("unknown-part", "unknown-part"),
    # a PDF page's other readings (they read 第 3:ocr 页, 第 1:picture:2 页)
    ("page:3:ocr", "第 3 页（文字识别）"), ("page:1:picture:2", "第 1 页的第 2 张图片"),
    ("page:2:glyphs", "第 2 页（按字形读出）"), ("page:4:pattern", "第 4 页（底纹图案中的文字）"),
    ("bidi-reading", "按从右向左显示顺序读出的文字"), ("folder-name", "所在文件夹名"), ("xfa:fields", "XFA 表单"),
])
def test_parts_are_named_in_chinese(part, label):
    from scanner.lang import part_label

    assert part_label(part) == label
