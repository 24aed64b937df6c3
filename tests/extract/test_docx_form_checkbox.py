"""A legacy check-box form field (Word's FORMCHECKBOX, Developer > Legacy
Tools) is read as the box it draws: Word writes no result for it, so a
form's 密级：[x]机密 among unticked 绝密 and 秘密 read 密级：绝密 机密 秘密 and
blocked on 绝密, ticked or blank (red-team run)."""
from __future__ import annotations

import io

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from scanner import scan_bytes


def _check_box(state: str) -> list[str]:
    """The runs of one FORMCHECKBOX field: ``default`` or ``checked`` ("1"/"0") as Word writes it."""
    w = nsdecls("w")
    begin = (f'<w:r {w}><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Check"/><w:enabled/>'
             f'<w:calcOnExit w:val="0"/><w:checkBox><w:sizeAuto/>{state}</w:checkBox></w:ffData></w:fldChar></w:r>')
    return [begin,
            f'<w:r {w}><w:instrText xml:space="preserve"> FORMCHECKBOX </w:instrText></w:r>',
            f'<w:r {w}><w:fldChar w:fldCharType="end"/></w:r>']


def _form(ticked: str | None, how: str = "default") -> bytes:
    document = docx.Document()
    document.add_paragraph("科研项目信息表")
    paragraph = document.add_paragraph()
    paragraph.add_run("密级：")
    for level in ("绝密", "机密", "秘密"):
        value = "1" if level == ticked else "0"
        state = f'<w:default w:val="{value}"/>' if how == "default" else f'<w:default w:val="0"/><w:checked w:val="{value}"/>'
        for run in _check_box(state):
            paragraph._p.append(parse_xml(run))
        paragraph.add_run(f"{level}  ")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _found(data: bytes) -> tuple[str, list[tuple[str, str]]]:
    result = scan_bytes(data, "form.docx")[0]
    return result.verdict.value, [(f.rule, f.text) for f in result.findings if f.category == "mark"]


@pytest.mark.parametrize("how", ["default", "checked"])
def test_the_ticked_box_is_the_fields_value(how):
    assert _found(_form("机密", how)) == ("block", [("mark.form-field", "☑机密")])


def test_a_blank_form_is_clear():
    assert _found(_form(None)) == ("clear", [])
