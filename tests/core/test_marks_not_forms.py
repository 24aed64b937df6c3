"""Form fields that are no record's (scanner.match.not_forms): a glossary's
rows explaining the levels (| 密级 | 机密 | 泄露会使… |) and a developer's
page's example ("secretLevel": "秘密" in a code block, an API schema's
``example``) each blocked as ``mark.form-field``.  With both signs of their
kind they are clear; with one, ``mark.level-line`` (review); a record in a
Markdown code block is for review whatever its caption says (anyone types
示例 above a real record).  Beside each, the nearest real form or record,
which still blocks, and the real forms a second reader found cleared or
downgraded by the first version.  Files are written to a folder and scanned
by the command."""
from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import Workbook

from .conftest import scan_folder

GLOSSARY_ROWS = [("字段", "取值", "说明"), ("密级", "机密", "泄露会使国家安全和利益遭受严重的损害"),
                 ("密级", "秘密", "泄露会使国家安全和利益遭受损害")]
FORM_ROWS = [("项目", "内容"), ("文件名称", "某工程设计方案"), ("密级", "机密"), ("保密期限", "10年")]


def _docx(rows: list[tuple[str, ...]]) -> bytes:
    doc = Document()
    doc.add_paragraph("说明")
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _xlsx(rows: list[tuple[str, ...]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "字段"
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _md(rows: list[tuple[str, ...]]) -> str:
    lines = [f"| {' | '.join(row)} |" for row in rows]
    return "# 字段说明\n\n" + "\n".join([lines[0], "|" + "---|" * len(rows[0]), *lines[1:]]) + "\n"


API_MD = '# 接口说明\n\n请求示例：\n\n```json\n{"title": "通知", "secretLevel": "秘密"}\n```\n'
OPENAPI = ("openapi: 3.0.0\ninfo:\n  title: 公文接口\n  version: '1'\ncomponents:\n  schemas:\n    Doc:\n"
           "      type: object\n      properties:\n        secretLevel:\n          type: string\n"
           "          enum: [绝密, 机密, 秘密]\n      example: {secretLevel: 秘密}\n")

# name -> (bytes, the verdict now, the mark rules found now); each blocked before (mark.form-field)
CHANGED: dict[str, tuple[bytes, str, list[str]]] = {
    # a glossary listing the levels, each explained: clear in every format
    "glossary.md": (_md(GLOSSARY_ROWS).encode(), "clear", []),
    "glossary.csv": ("\n".join(",".join(row) for row in GLOSSARY_ROWS).encode() + b"\n", "clear", []),
    "glossary.docx": (_docx(GLOSSARY_ROWS), "clear", []),
    "glossary.xlsx": (_xlsx(GLOSSARY_ROWS), "clear", []),
    # one row explained: a person checks it
    "glossary-one.md": (_md(GLOSSARY_ROWS[:2]).encode(), "review", ["mark.level-line"]),
    "term.csv": ("术语,取值,释义\n密级,机密,国家秘密的等级之一\n".encode(), "review", ["mark.level-line"]),
    # the levels listed under the same label, nothing explained: a person checks them
    "code-list.md": (_md([("字段", "取值"), ("密级", "机密"), ("密级", "秘密")]).encode(), "review",
                     ["mark.level-line", "mark.level-line"]),
    # a request's example in a Markdown code block under 请求示例： (a person checks it), and an API schema's example
    "api.md": (API_MD.encode(), "review", ["mark.level-line"]),
    "openapi.yaml": (OPENAPI.encode(), "clear", []),
    "example-at-margin.yaml": ("example: {secretLevel: 秘密}\n".encode(), "clear", []),
    "nested-example.yaml": ("components:\n  examples:\n    notice:\n      value:\n        title: 通知\n"
                            "        secretLevel: 秘密\n".encode(), "clear", []),
    # in a code block without a caption saying it is an example, or a page's <pre> (no code markup left in its
    # text) after one: a person checks it
    "export.md": ('# 导出记录\n\n```json\n{"title": "通知", "secretLevel": "秘密"}\n```\n'.encode(), "review",
                  ["mark.level-line"]),
    "api.html": ('<html><body><h1>接口说明</h1><p>请求示例：</p><pre><code>{"title": "通知", "secretLevel": "秘密"}'
                 '</code></pre></body></html>'.encode(), "review", ["mark.level-line"]),
    # two levels under one label in rows side by side, nothing explained (a record-per-row export, a change of
    # level): a code list's rows or two records, a person checks them (a second reader's cases, which the first
    # version cleared)
    "record-rows.csv": ("1001,密级,机密,经定密责任人张某审定，保密期限十年\n1002,密级,秘密,经定密责任人李某审定，保密期限五年\n"
                       .encode(), "review", ["mark.level-line", "mark.level-line"]),
    "change.md": (_md([("字段", "取值", "说明"), ("密级", "秘密", "变更前的密级，原定密时间2019年"),
                      ("密级", "机密", "变更后的密级，经定密责任人审定提升")]).encode(), "review", ["mark.level-line", "mark.level-line"]),
}

# name -> bytes: the nearest real forms and records, which still block (mark.form-field)
STILL_BLOCK: dict[str, bytes] = {
    "form.md": _md(FORM_ROWS).encode(),
    "form-row.md": "| 密级 | 机密 | 保密期限 | 保密期限及解密条件 |\n".encode(),
    "form.csv": "\n".join(",".join(row) for row in FORM_ROWS).encode() + b"\n",
    "form-next-label.csv": "密级,机密,保密期限,10年\n".encode(),
    "form.docx": _docx(FORM_ROWS),
    "form-three.docx": _docx([("密级", "机密", "编号 0001"), ("文件名称", "某工程设计方案", "")]),
    "form.xlsx": _xlsx(FORM_ROWS),
    "label-in-cell.docx": _docx([("文件名称", "密级：机密", "关于某工程设计方案的报告的说明材料")]),
    "record.json": '{"title": "通知", "密级": "机密"}\n'.encode(),
    "records.json": '[\n  {\n    "title": "请求示例",\n    "secretLevel": "秘密"\n  }\n]\n'.encode(),
    "records.yaml": "records:\n  - title: 通知\n    secretLevel: 秘密\n".encode(),
    # a record's own default beside its level, and a list item's default key, a sibling of its level's
    "default-beside.json": '[{"default": false, "密级": "机密"}]\n'.encode(),
    "default-sibling.yaml": "- default:\n    a: 1\n  secretLevel: 秘密\n".encode(),
    "record.html": '<html><body><h1>记录</h1><p>导出：</p><pre>{"title": "通知", "secretLevel": "秘密"}</pre>'
                   '</body></html>'.encode(),
    "record.md": '# 某工程\n\n{"title": "通知", "secretLevel": "秘密"}\n'.encode(),
    # found by a second reader: real forms and records the first version cleared or sent to review
    "subprojects.md": _md([("子课题", "字段", "取值", "研究内容"),
                           ("子课题一", "密级", "机密", "研究某型装备的关键技术，完成原理样机研制"),
                           ("子课题二", "密级", "秘密", "研究某系统的配套软件，完成联调测试")]).encode(),
    "two-forms.md": (_md([("项目", "内容"), ("密级", "机密")]) + "\n" + _md([("项目", "内容"), ("密级", "秘密")])).encode(),
    "form-remarks.md": _md([("项目", "内容", "备注"), ("密级", "机密", "经本单位定密责任人审定，保密期限十年")]).encode(),
    "form-next-label.md": _md([("密级", "机密", "知悉范围（单位、人员）", "本单位")]).encode(),
    "specimen.json": '{"sample": {"编号": "S-2024-017", "名称": "某型复合材料试样", "密级": "机密"}}\n'.encode(),
    "specimens.yaml": "samples:\n  - 编号: S-2024-017\n    secretLevel: 机密\n".encode(),
    "default-profile.yaml": "default:\n  owner: 科研处\n  secretLevel: 机密\n".encode(),
}


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, list[dict]]]:
    folder = tmp_path_factory.mktemp("not-forms")
    return scan_folder(folder, {**{name: data for name, (data, _, _) in CHANGED.items()}, **STILL_BLOCK,
                                "pivot.csv": "密级,机密,秘密,总计\n2024,3,5,8\n".encode()})


@pytest.mark.parametrize("name", sorted(CHANGED))
def test_no_record_field(results: dict[str, tuple[str, list[dict]]], name: str) -> None:
    _, verdict, rules = CHANGED[name]
    got, findings = results[name]
    assert (got, [f["rule"] for f in findings if f["category"] == "mark"]) == (verdict, rules)


@pytest.mark.parametrize("name", sorted(STILL_BLOCK))
def test_real_form_blocks(results: dict[str, tuple[str, list[dict]]], name: str) -> None:
    got, findings = results[name]
    assert got == "block" and "mark.form-field" in {f["rule"] for f in findings}


def test_pivot_of_levels_is_clear(results: dict[str, tuple[str, list[dict]]]) -> None:
    """Levels as a pivot export's column headers over counts: no field (clear before too)."""
    assert results["pivot.csv"] == ("clear", [])


def test_long_line_of_fields_stays_fast() -> None:
    """The signs are read within a bounded reach of each field: a line of
    20,000 密级,机密 cells is no slower for them."""
    import time

    from scanner import scan_bytes

    text = "密级,机密,国家秘密的等级之一," * 20_000
    began = time.perf_counter()
    [result] = scan_bytes(text.encode(), "row.txt")
    assert time.perf_counter() - began < 30 and result.verdict == "block"


def test_many_records_in_a_code_block_stay_fast() -> None:
    """Each record's caption is looked for within a bounded reach and the
    page's code read once: 20,000 keyed records in one block, as a page
    pasting an export shows them (no caption: each for a person to check)."""
    import time

    from scanner import scan_bytes

    text = "# 导出\n\n```json\n" + '{"title": "通知", "secretLevel": "秘密"}\n' * 20_000 + "```\n"
    began = time.perf_counter()
    [result] = scan_bytes(text.encode(), "page.md")
    assert time.perf_counter() - began < 30 and result.verdict == "review"
