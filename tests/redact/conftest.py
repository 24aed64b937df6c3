"""A real DOCX with state-secret marks in every place Word keeps text: body
(split over runs of different formatting), table, header, first-page header,
footer and document properties."""
from __future__ import annotations

import io

import docx
import pytest
from docx.shared import Pt

from scanner.engine import Engine


def make_docx() -> bytes:
    doc = docx.Document()
    doc.core_properties.title = "机密★5年 关于天枢-7工程的通知"
    doc.core_properties.subject = "秘密★1年"
    doc.core_properties.author = "办公室"
    doc.add_paragraph("000123")
    head = doc.add_paragraph()
    bold = head.add_run("机密")
    bold.bold, bold.font.size = True, Pt(16)
    head.add_run("★5年")
    doc.add_paragraph("特急")
    doc.add_paragraph("关于天枢-7工程进度的通知。联系电话：13812345678。")
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "密级"
    table.cell(0, 1).text = "绝密★长期"
    table.cell(1, 0).text = "保密期限"
    table.cell(1, 1).text = "本表随文件管理"
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    section.header.paragraphs[0].text = "秘密★10年 内部文件"
    section.first_page_header.paragraphs[0].text = "机密★二十年"
    section.footer.paragraphs[0].text = "机密★5年 第 1 页"
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine()


@pytest.fixture(scope="session")
def marked_docx() -> bytes:
    return make_docx()
