"""A 密级 field filled in as forms and records fill it in is a form field, ``mark.form-field`` (found by the
red-team run: each was clear): a Word 发文稿纸's 密级 cell holding the level with its period and no ★
(密级及保密期限 | 机密 10年, 机密（10年）, 机密/十年: the same form as a .doc, a page or a PDF blocked), the field
labelled 保密级别, 保密等级, 涉密等级 or 涉密级别, its value written 秘密级 or ★机密, and a record's key or element
naming it (JSON ``"密级": "机密"``, ``"secretLevel": "机密"``; XML ``<密级>机密</密级>``, ``<secretLevel>``).
What is no field stays clear, and what blocked as one does not: a product's rating written inline (适用密级：机密,
最高密级：机密; the table form was clear already) and a field inside a question (问：标注密级：机密的文件能否…？).
Each file is written by its library (one form re-saved by LibreOffice) into a folder scanned by the command."""
from __future__ import annotations

import io
import json
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest

from scanner import Engine, scan_bytes
from scanner.config import Limits
from scanner.extract.xmldoc import extract_xml

from .conftest import scan_folder


def _saved(document: Any) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _draft_form(label: str, value: str) -> bytes:
    """A 发文稿纸 as a Word table, its 密级 cell in the second row (the red-team run's)."""
    document = docx.Document()
    document.add_paragraph("XX市发展和改革委员会发文稿纸")
    rows = [["签发", "张三 2026.1.3", "会签", ""], [label, value, "紧急程度", "特急"],
            ["主办单位", "规划处", "拟稿人", "李四"], ["标题", "关于某工程实施方案的请示", "", ""]]
    table = document.add_table(rows=len(rows), cols=4)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    return _saved(document)


def _paragraphs(*texts: str) -> bytes:
    document = docx.Document()
    for text in texts:
        document.add_paragraph(text)
    return _saved(document)


def _word_table(rows: list[list[str]]) -> bytes:
    document = docx.Document()
    document.add_paragraph("文件报送单")
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    return _saved(document)


def _book(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    return _saved(book)


def _json(record: dict[str, str]) -> bytes:
    return json.dumps(record, ensure_ascii=False, indent=2).encode()


_HEAD = "XX研究院科研项目立项申请书\n\n项目名称：某型装置研制\n"
_GONGWEN = ('<?xml version="1.0" encoding="UTF-8"?>\n<公文>\n <发文机关>XX市人民政府</发文机关>\n'
            ' <发文字号>X政发〔2026〕1号</发文字号>\n <标题>关于某工程的实施方案</标题>\n <份号>000123</份号>\n'
            ' <密级>机密</密级>\n <保密期限>10年</保密期限>\n <正文>各区县人民政府：现将方案印发给你们。</正文>\n</公文>\n')

# name -> (the file, the form fields found: (level, finding's text, details it holds)); each was clear before, or
# found another way (密级：机密 10年 without its period, {"mj": "秘密★5年"} as a mark, not the record's field)
FOUND: dict[str, tuple[bytes, list[tuple[str, str, dict[str, object]]]]] = {
    "period-blank.docx": (_draft_form("密级及保密期限", "机密 10年"),
                          [("机密", "密级及保密期限\n机密 10年", {"period_years": 10, "label": "line-before"})]),
    "period-brackets.docx": (_draft_form("密级", "机密（10年）"),
                             [("机密", "密级\n机密（10年）", {"period_years": 10, "label": "line-before"})]),
    "period-slash.docx": (_draft_form("密级及保密期限", "机密/十年"),
                          [("机密", "密级及保密期限\n机密/十年", {"period_years": 10, "label": "line-before"})]),
    "baomidengji.docx": (_draft_form("保密等级", "机密"), [("机密", "保密等级\n机密", {"label": "line-before"})]),
    "baomijibie.docx": (_draft_form("保密级别", "机密"), [("机密", "保密级别\n机密", {"label": "line-before"})]),
    "shemidengji.docx": (_draft_form("涉密等级", "秘密"), [("秘密", "涉密等级\n秘密", {"label": "line-before"})]),
    "shemijibie.docx": (_draft_form("涉密级别", "绝密"), [("绝密", "涉密级别\n绝密", {"label": "line-before"})]),
    "level-ji.docx": (_draft_form("密级", "秘密级"), [("秘密", "密级\n秘密级", {"label": "line-before"})]),
    # a header row over a value row: the level with its period under a 密级及保密期限 column
    "column-period.docx": (_word_table([["文件名称", "密级及保密期限", "份数"], ["某工程设计方案", "机密 10年", "2"]]),
                           [("机密", "机密 10年", {"period_years": 10, "label": "column-header"})]),
    "column-label.xlsx": (_book([["项目名称", "保密等级", "负责人"], ["某型号研制", "机密", "张三"]]),
                          [("机密", "机密", {"label": "column-header"})]),
    "column-ji.xlsx": (_book([["文件名称", "密级", "份数"], ["某工程设计方案", "秘密级", "2"]]),
                       [("秘密", "秘密级", {"label": "column-header"})]),
    "baomijibie.txt": ((_HEAD + "保密级别：机密\n申请单位：XX研究所\n").encode(), [("机密", "保密级别：机密", {})]),
    "baomidengji.txt": ((_HEAD + "保密等级：机密\n申请单位：XX研究所\n").encode(), [("机密", "保密等级：机密", {})]),
    "shemidengji-note.txt": ((_HEAD + "涉密等级（必填）：秘密★5年\n").encode(),
                             [("秘密", "涉密等级（必填）：秘密★5年", {"period_years": 5, "field": True})]),
    "level-ji.txt": ((_HEAD + "密级：秘密级\n申请单位：XX研究所\n").encode(), [("秘密", "密级：秘密级", {})]),
    "star-before.txt": ((_HEAD + "密级：★机密\n申请单位：XX研究所\n").encode(), [("机密", "密级：★机密", {})]),
    "period-inline.txt": ((_HEAD + "密级：机密 10年\n").encode(), [("机密", "密级：机密 10年", {"period_years": 10})]),
    "row-label.csv": ("项目名称,某型号研制\n保密级别,机密\n".encode(), [("机密", "机密", {"label": "cell-before"})]),
    "row-period.txt": ("| 文件名称 | 某工程设计方案 |\n| 密级及保密期限 | 机密 10年 |\n".encode(),
                       [("机密", "机密 10年", {"period_years": 10, "label": "cell-before"})]),
    "column-period.csv": ("文件名称,密级及保密期限,份数\n某工程设计方案,机密（10年）,2\n".encode(),
                          [("机密", "机密（10年）", {"period_years": 10, "label": "column-header"})]),
    "record.json": (_json({"文号": "X政发〔2026〕1号", "标题": "关于某工程的实施方案", "密级": "机密", "紧急程度": "特急"}),
                    [("机密", '密级": "机密', {"label": "key"})]),
    "record-en.json": (_json({"docNo": "X政发〔2026〕1号", "title": "关于某工程的实施方案", "secretLevel": "机密"}),
                       [("机密", 'secretLevel": "机密', {"label": "key"})]),
    "record-mj.json": (_json({"title": "关于某工程的实施方案", "mj": "秘密★5年"}),
                       [("秘密", 'mj": "秘密★5年', {"label": "key", "period_years": 5})]),
    "front-matter.yaml": ("title: 关于某工程的实施方案\nsecurity_level: 机密\nissuer: XX市人民政府\n".encode(),
                          [("机密", "security_level: 机密", {"label": "key"})]),
    "gongwen.xml": (_GONGWEN.encode(), [("机密", "密级: 机密", {})]),
    "oa-record.xml": (('<?xml version="1.0" encoding="UTF-8"?>\n<document xmlns="urn:example:oa">\n <docNo>X政发〔2026〕1号</docNo>\n'
                       ' <title>关于某工程的实施方案</title>\n <issuer>XX市人民政府</issuer>\n <SecretLevel>秘密</SecretLevel>\n'
                       ' <urgency>特急</urgency>\n</document>\n').encode(), [("秘密", "SecretLevel: 秘密", {})]),
}

# name -> the file: no form field, and the item clear
CLEAR: dict[str, bytes] = {
    # what a product is rated for, written inline (each blocked)
    "procurement-spec.txt": "XX市政府采购项目需求书\n\n采购内容：碎纸机 2 台\n技术参数：\n适用密级：机密\n碎纸规格：1×2mm\n".encode(),
    "procurement-spec.docx": _paragraphs("XX市政府采购项目需求书", "采购内容：保密柜 5 台", "最高密级：机密", "防护等级：B级"),
    # a field inside a question: a mention (it blocked)
    "faq.txt": "保密工作问答\n\n问：标注密级：机密的文件能否通过互联网邮箱传递？\n答：不能。\n".encode(),
    # a verb's object in a procedure, as a table's 确定密级 column is no field (it blocked)
    "procedure.txt": "定密工作程序\n\n一、承办人提出定密意见。\n二、确定密级：机密，报定密责任人审核。\n".encode(),
    "levels-sentence.txt": "保密知识\n\n密级分为绝密、机密、秘密三级。\n".encode(),
    "glossary.txt": ("保密工作术语\n\n密级：国家秘密的等级，分为绝密、机密、秘密三级。\n保密等级：见“密级”。\n"
                     "涉密等级：涉密人员按涉密程度分为核心、重要、一般。\n").encode(),
    "ji-mention.txt": "保密知识\n\n密级：机密级以上的文件，应当由专人管理。\n".encode(),
    "field-of-a-noun.txt": "保密知识\n\n保密级别：机密的载体应当存放在保密柜中。\n".encode(),
    # a table of the levels and their periods, each written with its 级
    "levels-periods.docx": _word_table([["密级", "保密期限"], ["绝密级", "30年"], ["机密级", "20年"], ["秘密级", "10年"]]),
    # keys whose value is no level alone, or no state secret
    "keys.json": _json({"secretLevel": "机密文件管理办法", "mj": "公开", "level": "机密"}),
    "public-record.xml": ('<?xml version="1.0" encoding="UTF-8"?>\n<公文>\n <密级>公开</密级>\n'
                          ' <正文>密级分为绝密、机密、秘密三级。</正文>\n</公文>\n').encode(),
}


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, list[dict[str, Any]]]]:
    """Every case written to one folder and scanned once by ``preclear scan``: name -> (verdict, findings)."""
    return scan_folder(tmp_path_factory.mktemp("field_forms"), {**{name: data for name, (data, _) in FOUND.items()}, **CLEAR})


@pytest.mark.parametrize("name", FOUND)
def test_a_filled_in_field_is_a_form_field(scanned, name: str) -> None:
    verdict, findings = scanned[name]
    assert verdict == "block"
    fields = [f for f in findings if f["rule"] == "mark.form-field"]
    assert [(f["level"], f["text"]) for f in fields] == [(level, text) for level, text, _ in FOUND[name][1]]
    for finding, (_, _, details) in zip(fields, FOUND[name][1]):
        assert details.items() <= finding["details"].items()
    # found once: not again as a mark of its own (an XML record's body may hold its level alone on a line)
    assert [f["rule"] for f in findings if f["part"] == fields[0]["part"]] == ["mark.form-field"] * len(fields)


@pytest.mark.parametrize("name", CLEAR)
def test_what_is_no_field_stays_clear(scanned, name: str) -> None:
    assert scanned[name] == ("clear", [])


def test_a_draft_form_re_saved_by_libreoffice(tmp_path: Path) -> None:
    """The 发文稿纸 as LibreOffice writes it (its own table markup, cell by cell), not only as python-docx does."""
    assert shutil.which("soffice"), "LibreOffice not found: apt-get install libreoffice-writer-nogui (see .ci/run)"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "form.docx").write_bytes(_draft_form("密级及保密期限", "机密 10年"))
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "docx", "--outdir", str(tmp_path / "out"), str(tmp_path / "in" / "form.docx")],
                   check=True, capture_output=True, timeout=120)
    result = scan_bytes((tmp_path / "out" / "form.docx").read_bytes(), "form.docx")[0]
    assert result.verdict.value == "block"
    assert [(f.rule, f.level, f.text, dict(f.details)["period_years"]) for f in result.findings] == [
        ("mark.form-field", "机密", "密级及保密期限\n机密 10年", 10)]


def test_an_xml_records_fields_are_read_beside_its_text() -> None:
    """The elements naming the 密级 field are read again as ``name: text`` lines; the other parts are as before."""
    doc = extract_xml(_GONGWEN.encode(), "gongwen.xml", Limits())
    assert [(part.name, part.text) for part in doc.parts] == [
        ("body", "XX市人民政府\n X政发〔2026〕1号\n 关于某工程的实施方案\n 000123\n 机密\n 10年\n 各区县人民政府：现将方案印发给你们。"),
        ("fields", "密级: 机密")]
    assert [part.name for part in extract_xml(b"<doc><title>\xe9\x80\x9a\xe7\x9f\xa5</title></doc>", "a.xml",
                                              Limits()).parts] == ["body"]


_ENGINE = Engine()


@pytest.mark.parametrize("make", [
    lambda n: '"secretLevel": "机密文件", ' * n,  # a key's value more than a level
    lambda n: "保密等级：机密的" * n,  # a label's field modifying a noun
    lambda n: "机密 10年 " * n,  # levels and periods, no label
    lambda n: "保密级别：机密，" * 100 + "机密" * n,  # labelled fields, then levels alone on a long line
], ids=["keys", "labels", "periods", "levels"])
def test_a_long_line_of_levels_is_read_in_linear_time(make: Callable[[int], str]) -> None:
    """Each level looks back over a few characters of its line for a key or a label, whatever the line's length."""
    started = time.process_time()
    scan_bytes(make(100_000).encode(), "long.txt", engine=_ENGINE)
    assert time.process_time() - started < 10


@pytest.mark.parametrize("name, text", [
    ("codes.xml", ("<?xml version='1.0' encoding='utf-8'?><代码表><项><dm>1</dm><mj>绝密</mj></项>"
                   "<项><dm>2</dm><mj>机密</mj></项><项><dm>3</dm><mj>秘密</mj></项></代码表>")),
    ("options.json", '[{"value": "1", "classification": "秘密"}, {"value": "2", "classification": "机密"}]'),
    ("cases.py", 'CASES = [{"mj": "机密", "title": "甲"}, {"mj": "秘密", "title": "乙"}]\n'),
], ids=["code-list-xml", "options-json", "test-data"])
def test_a_key_naming_several_levels_is_a_list_not_a_record(name: str, text: str) -> None:
    """A code list of every level, a form's options in a config, test data:
    the key names several levels in one part, values of a list as a
    register's column is (each blocked: found by a second reader)."""
    [result] = scan_bytes(text.encode(), name)
    assert (result.verdict.value, [f.rule for f in result.findings if f.category == "mark"]) == ("clear", [])
