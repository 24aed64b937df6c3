"""Each document property is its own part holding only its value, so a field
that is nothing but a marker reads as a label, as it stands in the file's
properties dialog; the same words inside a longer value stay a mention."""
from __future__ import annotations

import io

import docx
import openpyxl
import pytest
from pptx import Presentation

from scanner import scan_bytes


def _save(obj) -> bytes:
    buf = io.BytesIO()
    obj.save(buf)
    return buf.getvalue()


def _docx(subject: str) -> bytes:
    d = docx.Document()
    d.add_paragraph("关于做好年度工作的通知")
    d.core_properties.title = "年度通知"
    d.core_properties.subject = subject
    return _save(d)


def _xlsx(subject: str) -> bytes:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "年度统计"
    wb.properties.title = "年度统计"
    wb.properties.subject = subject
    return _save(wb)


def _pptx(subject: str) -> bytes:
    prs = Presentation()
    prs.slides.add_slide(prs.slide_layouts[1]).shapes.title.text = "年度工作回顾"
    prs.core_properties.title = "年度工作回顾"
    prs.core_properties.subject = subject
    return _save(prs)


BUILDERS = {"notice.docx": _docx, "table.xlsx": _xlsx, "talk.pptx": _pptx}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_a_property_holding_only_a_marker_is_a_label(name: str) -> None:
    [result] = scan_bytes(BUILDERS[name]("内部资料 注意保存"), name)
    assert result.verdict.value == "review", result.findings
    labels = {(f.part, f.text) for f in result.findings if f.rule == "marker.work-secret"}
    assert labels == {("properties:subject", "内部资料"), ("properties:subject", "注意保存")}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_a_marker_mentioned_in_a_longer_property_is_a_mention(name: str) -> None:
    [result] = scan_bytes(BUILDERS[name]("本文介绍如何管理内部资料注意保存的有关要求和做法"), name)
    assert result.verdict.value == "clear", result.findings
