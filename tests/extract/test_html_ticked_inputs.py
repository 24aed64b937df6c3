"""A web form's check boxes and radio buttons are read as the page draws
them (☑ ticked, ☐ not), so a 密级 field's ticked choice is its value and a
blank form's printed choices are no value: a blank 申报表 page (密级：
□绝密 □机密 □秘密) blocked on 绝密, and a ticked one laid out in a table
cell was clear."""
from __future__ import annotations

import pytest

from scanner import scan_bytes


def _page(choices: str, in_table: bool = False) -> bytes:
    field = (f"<table><tr><td>项目名称</td><td>某型号预研</td></tr><tr><td>密级</td><td>{choices}</td></tr></table>"
             if in_table else f"<p>项目名称：某型号预研</p><p>密级：{choices}</p>")
    return (f'<!doctype html><html><head><meta charset="utf-8"><title>项目信息表</title></head>'
            f"<body><form>{field}<p>负责人：李四</p></form></body></html>").encode()


def _choices(kind: str, ticked: str | None) -> str:
    return " ".join(f'<input type="{kind}" name="mj"{" checked" if level == ticked else ""}>{level}'
                    for level in ("绝密", "机密", "秘密", "公开"))


def _found(data: bytes) -> tuple[str, list[tuple[str, str]]]:
    result = scan_bytes(data, "form.html")[0]
    return result.verdict.value, [(f.rule, f.text) for f in result.findings]


@pytest.mark.parametrize("kind", ["checkbox", "radio"])
@pytest.mark.parametrize("in_table", [False, True])
def test_the_ticked_level_is_the_fields_value(kind, in_table):
    verdict, found = _found(_page(_choices(kind, "机密"), in_table))
    assert verdict == "block"
    assert found == [("mark.form-field", "☑机密")]


@pytest.mark.parametrize("kind", ["checkbox", "radio"])
@pytest.mark.parametrize("in_table", [False, True])
def test_a_blank_form_or_a_public_tick_is_clear(kind, in_table):
    assert _found(_page(_choices(kind, None), in_table)) == ("clear", [])
    assert _found(_page(_choices(kind, "公开"), in_table)) == ("clear", [])


def test_only_check_boxes_and_radio_buttons_are_drawn():
    from scanner.config import ScanConfig
    from scanner.extract import extract

    def body(choices: str) -> str:
        document = extract(_page(choices), "form.html", ScanConfig().limits)
        return next(part.text for part in document.parts if part.name == "body")

    assert "☐绝密 ☑机密 ☐秘密 ☐公开" in body(_choices("checkbox", "机密"))
    drawn = body('<input type="text" value="机密"> <input type="submit" value="提交"> <input type="hidden">')
    assert "☐" not in drawn and "☑" not in drawn
