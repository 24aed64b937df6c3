"""A form's 密级 field in a table is read as 密级：机密 is (``mark.form-field``):
the level in the cell after a 密级 cell (a Word table, a printed form's
layout, read a cell a line).  Read as a value, a level was a mark only as a
bare line at the head of its part, so a Word form's 密级 | 机密 row was
cleared.  The list of the levels under a heading 密级 is no field.  Each file
is written by its library."""
from __future__ import annotations

import io

import docx
import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from scanner import scan_bytes
from scanner.engine import Engine
from scanner.redact import redact_bytes

from .marked import saved


def _marks(data: bytes, name: str) -> list[tuple[str, str, str, str | None]]:
    """(rule, part, text, how the label was found) of each mark a scan finds."""
    result = scan_bytes(data, name)[0]
    assert result.extraction.value == "full"
    return [(f.rule, f.part, f.text, dict(f.details).get("label")) for f in result.findings if f.category == "mark"]


def _form(rows: list[list[str]]) -> bytes:
    """A Word document whose form is a table (a 发文稿纸, an approval form)."""
    document = docx.Document()
    document.add_paragraph("关于某工程设计方案的请示")
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for row, cells in enumerate(rows):
        for column, text in enumerate(cells):
            table.cell(row, column).text = text
    document.add_paragraph("正文。")
    return saved(document)


@pytest.mark.parametrize(("rows", "field"), [
    ([["文件标题", "某工程设计方案"], ["密级", "机密"], ["发文单位", "某局"]], "密级\n机密"),
    ([["文件标题", "某工程设计方案"], ["拟稿单位", "某处"], ["密级：", "机密"]], "密级：\n机密"),
    ([["文件标题", "某工程设计方案", "拟稿单位", "某处"], ["密级", "机密", "紧急程度", "特急"]], "密级\n机密"),
])
def test_the_level_in_the_cell_after_a_word_forms_classification_cell_is_a_form_field(
        rows: list[list[str]], field: str) -> None:
    """Word's table is read a cell a line: 密级 and then 机密, its value,
    found as 密级：机密 is, label and level; redacting covers both."""
    data = _form(rows)
    assert _marks(data, "form.docx") == [("mark.form-field", "table", field, "line-before")]
    redacted = redact_bytes(Engine(), data, "form.docx")
    assert [(f.rule, f.text) for f in redacted.covered] == [("mark.form-field", field)]
    assert _marks(redacted.data, "form.docx") == []


def _pdf_form(cells: list[tuple[int, int, str]]) -> bytes:
    """A printed form: each cell's text drawn where it stands, in ``cells``' order."""
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.setFont("STSong-Light", 12)
    for x, y, text in cells:
        page.drawString(x, y, text)
    page.save()
    return out.getvalue()


_PDF_CELLS = [(72, 760, "关于某工程设计方案的请示"), (72, 700, "文件标题"), (200, 700, "某工程设计方案"),
              (72, 680, "拟稿单位"), (200, 680, "某处"), (72, 660, "密级"), (200, 660, "机密")]


def test_a_printed_forms_classification_cells_are_one_form_field() -> None:
    """Drawn row by row, the stream reads 密级 机密 on one line, its layout a
    cell a line (密级, then 机密): one field, not one in each; drawn column
    by column, only the layout has the two together, and it was cleared."""
    assert _marks(_pdf_form(_PDF_CELLS), "form.pdf") == [("mark.form-field", "page:1", "密级 机密", None)]
    by_columns = sorted(_PDF_CELLS, key=lambda cell: (cell[0], -cell[1]))
    assert _marks(_pdf_form(by_columns), "form.pdf") == [("mark.form-field", "page:1:layout", "密级\n机密",
                                                          "line-before")]


def test_the_levels_listed_under_a_heading_are_no_field() -> None:
    document = docx.Document()
    for text in ("关于定密工作的说明", "一、概述", "国家秘密分为三级。", "二、分级", "密级", "绝密", "机密", "秘密"):
        document.add_paragraph(text)
    assert _marks(saved(document), "notes.docx") == []
