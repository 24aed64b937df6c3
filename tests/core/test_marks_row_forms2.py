"""A 密级 field laid out more loosely than 密级,机密 or a comma table is still
a form's field, ``mark.form-field``: empty cells between label and value (an
export's merged cells), Markdown's bold, a list item's marker before the
label, = and / between label and value, and the tables a plain text types
with full-width commas, ends its lines with \\r alone, quotes a cell's line
break in, or starts with a header shorter or longer than its first row.
Each was clear.  Their near-misses (a URL's query, a comparison in code, a
path, a sentence, a list of the levels, a definition's clauses, a register
of several values) stay as they were.  Files are written to a folder and
scanned by the command."""
from __future__ import annotations

import time

import pytest
from hypothesis import given, settings, strategies as st

from scanner import Engine, scan_bytes

from .conftest import scan_folder

# name -> (text, the form fields found: (level, finding's text)); each was clear before (checked with the
# released wheel)
FOUND = {
    # empty cells between label and value: Excel exporting merged cells
    "empty-cell.csv": ("序号,密级,,机密,备注\n", [("机密", "机密")]),
    "empty-cell-row.csv": ("密级,,机密\n", [("机密", "机密")]),
    "empty-cell.txt": ("密级,,机密\n", [("机密", "机密")]),
    "empty-pipe.txt": ("| 密级 | | 机密 |\n", [("机密", "机密")]),
    "empty-pipe.md": ("| 项目 | | 内容 |\n|---|---|---|\n| 密级 | | 机密 |\n", [("机密", "机密")]),
    # Markdown's bold
    "bold-row.md": ("| 序号 | **密级** | **机密** |\n", [("机密", "机密")]),
    "bold-both.md": ("**密级**：**机密**\n", [("机密", "密级**：**机密")]),
    "bold-label.md": ("**密级：** 机密\n", [("机密", "密级：** 机密")]),
    "bold-column.md": ("| 序号 | **密级** |\n|---|---|\n| 1 | **机密** |\n", [("机密", "机密")]),
    # a list item's marker before the label
    "list-dash.md": ("- 密级，机密\n", [("机密", "机密")]),
    "list-dash.txt": ("- 密级，机密\n", [("机密", "机密")]),
    "list-plus.md": ("+ 密级，秘密\n", [("秘密", "秘密")]),
    "list-number.md": ("1. 密级，机密\n", [("机密", "机密")]),
    # = and /: a key=value file, a header line
    "equals.txt": ("密级=机密\n", [("机密", "机密")]),
    "equals-spaced.ini": ("[文件]\n密级 = 绝密\n", [("绝密", "绝密")]),
    "slash.txt": ("密级/机密\n", [("机密", "机密")]),
    "slash-spaced.txt": ("密级 / 机密\n", [("机密", "机密")]),
    "slash-header.txt": ("XX研究院 / 密级 / 机密 / 2026年\n正文\n", [("机密", "机密")]),
    # a plain text's tables: full-width delimiters, \r alone, a quoted line break, a first row of another width
    "full-width-table.txt": ("标题，密级\n关于某事，机密\n", [("机密", "机密")]),
    "full-width-crlf.txt": ("序号，标题，密级\r\n1，关于某事，机密\r\n", [("机密", "机密")]),
    "full-width-semicolon.txt": ("标题；密级\n关于某事；机密\n", [("机密", "机密")]),
    "cr-only.txt": ("名称,密级,日期\r报告,机密,2024-01-01\r", [("机密", "机密")]),
    "cr-only-semicolon.txt": ("名称;密级;日期\r报告;机密;2024-01-01\r", [("机密", "机密")]),
    "cr-only-pipe.txt": ("| 名称 | 密级 |\r|---|---|\r| 报告 | 机密 |\r", [("机密", "机密")]),
    "quoted-line-break.txt": ('名称,密级,日期\n"报告\n第二行",机密,2024-01-01\n', [("机密", "机密")]),
    "shorter-header.txt": ("名称,密级\n报告,机密,2024-01-01\n", [("机密", "机密")]),
    "shorter-row.txt": ("名称,密级,日期\n报告,机密\n", [("机密", "机密")]),
    # a Chinese document's numbering before the label (a second reader: each was clear)
    "list-paren-number.md": ("项目信息\n（1）密级，机密\n", [("机密", "机密")]),
    "list-chinese-number.md": ("项目信息\n一、密级，机密\n", [("机密", "机密")]),
    "list-circled-number.md": ("项目信息\n①密级，机密\n", [("机密", "机密")]),
    # a key=value pair ended by a semicolon or a comma, not the line (a second reader: each was clear)
    "equals-semicolon.ini": ("[文件]\n密级=机密;\n", [("机密", "机密")]),
    "equals-pairs.txt": ("密级=机密；份号=000123\n", [("机密", "机密")]),
    "equals-spaced-semicolon.txt": ("密级 = 机密 ；\n", [("机密", "机密")]),
}
# name -> text: already a form field before, kept (the colon's spellings after a list's marker, a \r\n table)
KEPT = {
    "list-star-colon.md": "* 密级：机密\n",
    "list-number-colon.md": "1. 密级：机密\n",
    "crlf.txt": "名称,密级,日期\r\n报告,机密,2024-01-01\r\n",
}
# name -> text: no form field, before and after
NO_FIELD = {
    "url-query.txt": "参见 https://example.gov.cn/list?密级=机密&page=2\n",
    "url-query-alone.txt": "https://example.gov.cn/list?密级=机密\n",
    "code-compare.txt": 'if 密级 == "机密":\n    pass\n',
    "code-string.txt": 'query = "密级=机密"\n',
    "code-at-least.txt": "密级>=机密\n",
    "code-not.txt": "密级!=机密\n",
    "equals-more.txt": "密级=机密文件\n",
    "equals-then-more.txt": "密级=机密&编号=1\n",
    "applied-equals.txt": "适用密级=机密\n",
    "list-sentence.md": "- 密级，机密和秘密的区别\n",
    "list-levels.md": "1. 密级，分为绝密、机密、秘密\n",
    "list-keywords.md": "- 关键词：保密；密级；机密\n",
    "list-chinese-sentence.md": "一、密级，机密和秘密的区别\n",
    "equals-code-line.txt": "if 密级=机密;then\n",
    "equals-levels.txt": "密级=机密,秘密,绝密\n",
    "list-paren-definition.md": "（1）密级，是指国家秘密的等级\n",
    "slash-sentence.txt": "本文讨论密级/机密的划分问题。\n",
    "slash-in-sentence.txt": "讨论 密级/机密 的划分问题\n",
    "slash-path.txt": "D:/项目/密级/机密/清单.xlsx\n",
    "slash-path-start.txt": "密级/机密/清单.xlsx\n",
    "slash-url.txt": "https://example.com/密级/机密\n",
    "slash-levels.txt": "密级/机密/秘密\n",
    "slash-levels-spaced.txt": "密级 / 机密 / 秘密\n",
    "double-slash.txt": "密级//机密\n",
    "empty-then-levels.csv": "密级,,绝密,机密,秘密\n",
    "empty-then-public.csv": "密级,,公开\n",
    "too-many-empty.csv": "密级,,,,,,,,,,,,机密\n",
    "bold-sentence.md": "**密级**分为**机密**等\n",
    "bold-register.md": "| 序号 | 密级 |\n|---|---|\n| 1 | **机密** |\n| 2 | **秘密** |\n",
    "bold-rating.md": "| 序号 | 评级 |\n|---|---|\n| 1 | **机密** |\n",
    # a column of several values is a register's, whatever its delimiter (as the same .csv is)
    "full-width-register.txt": "序号，标题，密级\r\n1，关于某事，机密\r\n2，关于他事，公开\r\n",
    "full-width-register-levels.txt": "序号，标题，密级\r\n1，关于某事，机密\r\n2，关于他事，秘密\r\n",
    # a sentence's clauses are no table
    "definition.txt": "密级，是指国家秘密的等级\n绝密，是最重要的国家秘密\n",
    "full-width-prose.txt": "密级，分三级\n绝密，机密，秘密\n",
    "ascii-prose.txt": "密级,分三级\n绝密,机密,秘密\n",
    "full-width-sentence-row.txt": "标题，密级\n关于某事，机密。\n",
    "clauses.txt": "根据规定，文件应当标注密级，并且\n按照要求，妥善保管，机密\n",
    # bold passed over to read beside it, as the plain forms are read (a second reader: each blocked)
    "bold-rated.md": "适用**密级**：**机密**\n",
    "bold-noun.md": "标注**密级**：**机密**的文件\n",
    "bold-ji.md": "**密级**：**机密**级以上的文件须登记。\n",
    "bold-de.md": "**密级**：**机密**的文件应当存放在保密柜中。\n",
    # a breadcrumb: more than one slash before the label (one, 文件管理 / 密级 / 机密, reads as a header's
    # XX研究院 / 密级 / 机密 does)
    "breadcrumb.txt": "首页 / 保密知识 / 密级 / 机密\n",
}


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, list[dict[str, object]]]]:
    """Every case written to one folder and scanned once by ``preclear scan``: name -> (verdict, findings)."""
    texts = {**{name: text for name, (text, _) in FOUND.items()}, **KEPT, **NO_FIELD}
    return scan_folder(tmp_path_factory.mktemp("row_forms2"), {name: text.encode() for name, text in texts.items()})


@pytest.mark.parametrize("name", FOUND)
def test_a_loosely_laid_out_field_is_a_form_field(scanned, name: str) -> None:
    verdict, findings = scanned[name]
    assert verdict == "block"
    assert [(f["level"], f["text"]) for f in findings if f["rule"] == "mark.form-field"] == FOUND[name][1]
    assert [f["rule"] for f in findings] == ["mark.form-field"]


@pytest.mark.parametrize("name", KEPT)
def test_the_fields_found_before_are_kept(scanned, name: str) -> None:
    verdict, findings = scanned[name]
    assert verdict == "block"
    assert [f["rule"] for f in findings] == ["mark.form-field"]


@pytest.mark.parametrize("name", NO_FIELD)
def test_what_is_no_field_stays_clear(scanned, name: str) -> None:
    verdict, findings = scanned[name]
    assert (verdict, findings) == ("clear", [])


@pytest.mark.parametrize(("text", "name"), [
    (",".join(["密级,,机密"] * 40_000) + "\n", "cells.txt"),  # 40,000 fields, each read
    ("- 密级，\n" * 110_000, "list.md"),  # 1 MB of list items holding the label
    ("| 密级 " + "| " * 40_000 + "| 机密 |\n", "pipes.txt"),  # a label, 40,000 empty cells, a level
    ("名称,密级,日期\n" + '"报告,机密,1\n' * 100_000, "quotes.txt"),  # rows opening quotes they leave open
])
def test_long_texts_are_read_in_linear_time(text: str, name: str) -> None:
    started = time.process_time()
    scan_bytes(text.encode(), name)
    assert time.process_time() - started < 20


_ENGINE = Engine()


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["https://a.gov.cn/list?", "a=", "x&", "D:/文件/", "路径/", 'q = "', "if ", "讨论"]),
       st.sampled_from(["=", "/", " = ", " / ", "==", "//"]), st.sampled_from(["绝密", "机密", "秘密"]),
       st.sampled_from(["", "&p=1", "/清单.xlsx", '";', "的区别", "/秘密"]), st.booleans())
def test_no_field_after_a_url_a_path_or_code(before: str, sep: str, level: str, after: str, at_start: bool) -> None:
    """= and / read as a row's separators only on a line laid out as a row: after a URL's query, a path, an
    assignment's string or a word, or before more of them, the level is no field."""
    line = ("" if at_start else before) + "密级" + sep + level + ("" if at_start and sep.strip() in "=/" else after)
    fields = [f for f in scan_bytes((line + "\n").encode(), "line.txt", engine=_ENGINE)[0].findings
              if f.rule == "mark.form-field"]
    assert bool(fields) == (at_start and sep.strip() in ("=", "/"))
