"""A table's 密级 field is read as a form's 密级：机密 is (``mark.form-field``):
the level in a 密级 column under its header, the column's only one (a
sheet's rows, a slide's table), and the level in the cell after a 密级 cell
(a Word table, a printed form's layout, read a cell a line).  Read as a
value, a level was a mark only as a bare line at the head of its part, so a
register's one picked 机密 or a Word form's 密级 | 机密 row was cleared.  A
blank register, a register's levels (several rows, each another file's),
the list of the levels under a heading 密级 and a table of the levels
themselves (密级 / 件数) are no field.  Each file is written by its library
(one register re-saved by LibreOffice)."""
from __future__ import annotations

import csv
import io

import docx
import openpyxl
import pptx
import pytest
from openpyxl.worksheet.datavalidation import DataValidation
from pptx.util import Cm
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


def _register(rows: list[list[object]]) -> bytes:
    """A register as units keep them: a 密级 column whose cells offer the levels, some picked."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["序号", "文件名称", "密级", "份数"])
    for row in rows:
        sheet.append(row)
    choice = DataValidation(type="list", formula1='"绝密,机密,秘密,公开"')
    sheet.add_data_validation(choice)
    choice.add("C2:C200")
    return saved(book)


@pytest.mark.parametrize("resaved", [False, True])
def test_the_level_picked_under_a_classification_columns_header_is_a_form_field(soffice, resaved: bool) -> None:
    """The one value picked in a 密级 column that offers the levels: that field's value."""
    data = _register([[1, "关于某项目的报告", None, 2], [2, "某工程设计方案", "机密", 1], [3, "会议纪要", None, 1]])
    if resaved:
        data = soffice(data, "xlsx", "xlsx")
    assert _marks(data, "register.xlsx") == [("mark.form-field", "sheet:Sheet", "机密", "column-header")]


def test_a_one_row_forms_classification_column_is_a_form_field() -> None:
    book = openpyxl.Workbook()
    book.active.append(["文件名称", "密级", "保密期限"])
    book.active.append(["某工程设计方案", "機密", "10年"])  # as typed in traditional characters
    assert _marks(saved(book), "form.xlsx") == [("mark.form-field", "sheet:Sheet", "機密", "column-header")]


def test_a_registers_levels_and_a_table_of_the_levels_are_no_field() -> None:
    """No level picked, a level in several rows (a register: each row's is
    another file's, and a register with a 秘密 row is not blocked for it),
    a level in another column, and the levels as a table's row names (定密
    counts, the levels' periods): no field; a mark in such a table is still read."""
    assert _marks(_register([]), "register.xlsx") == []
    assert _marks(_register([[1, "关于某项目的报告", "公开", 2], [2, "某工程设计方案", "机密", 1],
                             [3, "会议纪要", "秘密", 1]]), "register.xlsx") == []
    book = openpyxl.Workbook()
    for row in (["序号", "密级", "备注"], [1, "公开", "机密"], [2, "公开", "附件为机密"]):
        book.active.append(row)
    assert _marks(saved(book), "register.xlsx") == []
    book = openpyxl.Workbook()
    for row in (["密级", "件数", "保密期限"], ["绝密", 3, "30年"], ["机密", 12, "20年"], ["秘密", 40, "10年"],
                ["合计", 55, "本表定为机密★5年"]):
        book.active.append(row)
    assert _marks(saved(book), "counts.xlsx") == [("mark.state-secret", "sheet:Sheet", "机密★5年", None)]


def test_a_slide_tables_classification_column_is_a_form_field() -> None:
    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    table = slide.shapes.add_table(2, 3, Cm(1), Cm(1), Cm(15), Cm(3)).table
    for row, cells in enumerate((["文件名称", "密级", "份数"], ["某工程设计方案", "秘密", "2"])):
        for column, text in enumerate(cells):
            table.cell(row, column).text = text
    assert _marks(saved(deck), "a.pptx") == [("mark.form-field", "slide:1", "秘密", "column-header")]


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


def _merged_title_form() -> bytes:
    """A title row merged across the table (w:gridSpan), then the header row over the value row."""
    data = _form([["文件报批单", "", ""], ["文件名称", "密级", "份数"], ["某工程设计方案", "机密", "2"]])
    document = docx.Document(io.BytesIO(data))
    table = document.tables[0]
    table.cell(0, 0).merge(table.cell(0, 2))
    return saved(document)


def _merged_side_form() -> bytes:
    """A side heading merged down two rows (w:vMerge) beside the header row and the value row."""
    data = _form([["基本信息", "文件名称", "密级"], ["", "某工程设计方案", "机密"]])
    document = docx.Document(io.BytesIO(data))
    table = document.tables[0]
    table.cell(0, 0).merge(table.cell(1, 0))
    return saved(document)


_OVER_VALUE_ROW = {
    "level-in-the-middle": lambda: _form([["文件名称", "密级", "份数"], ["某工程设计方案", "机密", "2"]]),
    "level-last": lambda: _form([["序号", "文件名称", "密级"], ["1", "某工程设计方案", "机密"]]),
    "merged-title-row": _merged_title_form,
    "merged-side-heading": _merged_side_form,
}


@pytest.mark.parametrize("how", ["python-docx", "re-saved", "as-doc"])
@pytest.mark.parametrize("layout", _OVER_VALUE_ROW)
def test_a_word_forms_classification_column_over_its_value_row_is_a_form_field(soffice, layout: str, how: str) -> None:
    """A Word form laid out as a header row over a value row (文件名称 | 密级 |
    份数, then 某工程设计方案 | 机密 | 2) is read a cell a line, so 机密 followed
    the file's name, not its label, and the form was cleared; the table's
    grid, which the extractor now gives with the text, puts it under its
    header, as a sheet's columns are read.  The same from LibreOffice: the
    form re-saved, and saved as a .doc (read through its conversion)."""
    data = _OVER_VALUE_ROW[layout]()
    name = "form.docx"
    if how == "re-saved":
        data = soffice(data, "docx", "docx")
    elif how == "as-doc":
        data, name = soffice(data, "docx", "doc"), "form.doc"
    assert _marks(data, name) == [("mark.form-field", "table", "机密", "column-header")]
    if how == "python-docx":
        redacted = redact_bytes(Engine(), data, name)
        assert [(f.rule, f.text) for f in redacted.covered] == [("mark.form-field", "机密")]
        assert _marks(redacted.data, name) == []


def _merged(rows: list[list[str]], merges: list[tuple[int, int, int, int]], extra: tuple[int, int, str] | None = None
            ) -> bytes:
    """A Word form with cells merged (row, column to row, column) and, in
    ``extra``, a paragraph added to a cell (as merging and editing leave them)."""
    document = docx.Document(io.BytesIO(_form(rows)))
    table = document.tables[0]
    for r0, c0, r1, c1 in merges:
        table.cell(r0, c0).merge(table.cell(r1, c1))
    if extra is not None:
        table.cell(extra[0], extra[1]).add_paragraph(extra[2])
    return saved(document)


_FORM = [["文件名称", "密级", "份数"], ["某工程设计方案", "机密", "2"]]


@pytest.mark.parametrize("data", [
    pytest.param(lambda: _merged(_FORM, [], (0, 1, "")), id="empty-paragraph-in-header"),
    pytest.param(lambda: _merged(_FORM, [], (1, 1, "")), id="empty-paragraph-in-value"),
    pytest.param(lambda: _merged(_FORM, [], (1, 1, "\u3000")), id="blank-paragraph-in-value"),
    pytest.param(lambda: _merged([["文件名称", "密级", "", "份数"], ["某工程设计方案", "", "机密", "2"]], [(0, 1, 0, 2)]),
                 id="header-over-two-columns-value-under-the-second"),
    pytest.param(lambda: _merged([["文件名称", "编号", "密级", "份数"], ["某工程设计方案", "机密", "", "2"]], [(1, 1, 1, 2)]),
                 id="value-merged-from-the-column-before"),
])
def test_a_word_forms_field_is_found_whatever_its_cells_merging_and_paragraphs(data) -> None:
    """What merging cells and editing them leave in a Word form: an empty or
    blank paragraph in the header or the value cell (read 密级\\n, not the
    label; the redactor, which keeps empty paragraphs, refused the copy), a
    header merged over two columns with the value under its second, a value
    merged from the column before the header's.  Each is the field, found
    and covered (found by a second reader: cleared or refused)."""
    form = data()
    assert _marks(form, "form.docx") == [("mark.form-field", "table", "机密", "column-header")]
    redacted = redact_bytes(Engine(), form, "form.docx")
    assert [(f.rule, f.text) for f in redacted.covered] == [("mark.form-field", "机密")]


def test_a_word_form_nested_in_a_layout_table_is_read_by_its_own_grid() -> None:
    """A page laid out as a table, the form a table in one of its cells (as
    approval forms' templates are): the nested table is a grid of its own;
    its rows were read as lines of the outer cell, and the form was cleared."""
    document = docx.Document()
    document.add_paragraph("关于某工程设计方案的请示")
    layout = document.add_table(rows=1, cols=2)
    layout.cell(0, 0).text = "审批表"
    form = layout.cell(0, 1).add_table(rows=2, cols=3)
    for row, cells in enumerate(_FORM):
        for column, text in enumerate(cells):
            form.cell(row, column).text = text
    data = saved(document)
    assert _marks(data, "form.docx") == [("mark.form-field", "table", "机密", "column-header")]
    assert [(f.rule, f.text) for f in redact_bytes(Engine(), data, "form.docx").covered] == [("mark.form-field", "机密")]


def _text_box_form() -> bytes:
    """The form as a table in a VML text box (a w:pict shape), as forms pasted into a layout are."""
    from lxml import etree

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    rows = "".join("<w:tr>" + "".join(f"<w:tc><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>" for text in cells)
                   + "</w:tr>" for cells in _FORM)
    grid = '<w:tblGrid><w:gridCol w:w="2000"/><w:gridCol w:w="2000"/><w:gridCol w:w="2000"/></w:tblGrid>'
    document = docx.Document()
    document.add_paragraph("关于某工程设计方案的请示")
    shape = (f'<w:r xmlns:w="{w}" xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape style="width:300pt;'
             f'height:100pt"><v:textbox><w:txbxContent><w:tbl>{grid}{rows}</w:tbl><w:p/></w:txbxContent>'
             "</v:textbox></v:shape></w:pict></w:r>")
    document.add_paragraph()._p.append(etree.fromstring(shape))
    document.add_paragraph("正文。")
    return saved(document)


@pytest.mark.parametrize("resaved", [False, True])
def test_a_word_form_in_a_text_box_is_read_by_its_grid(soffice, resaved: bool) -> None:
    """A text box's table is read into ``textbox``, a cell a line, by the
    grid of its own (cleared before; the redactor, reading the story in
    order, covered it), and so is LibreOffice's re-save, a DrawingML box."""
    data = _text_box_form()
    if resaved:
        data = soffice(data, "docx", "docx")
    assert _marks(data, "form.docx") == [("mark.form-field", "textbox", "机密", "column-header")]


@pytest.mark.parametrize("values", [["秘密", "/", "—"], ["秘密", "同上", "同上"], ["/", "机密", "无"]])
def test_a_registers_ditto_and_dash_are_its_rows_values(values: list[str]) -> None:
    """同上 (the level above again) and a dash or 无 (none) in a register's
    密级 column are its rows' values, as 公开 is: read as other cells, they
    ended the column after its first row, whose one level was then taken for
    a form's field (found by a third reader: a Word register blocked, and a
    sheet's had for rounds)."""
    rows = [["序号", "文件名称", "密级"], *([str(n), f"第{n}号文件", value] for n, value in enumerate(values, 1))]
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    assert _marks(saved(book), "register.xlsx") == []
    assert _marks(_form(rows), "register.docx") == []


def test_the_redactor_lays_out_no_table_whose_cells_hold_text_the_scan_reads_elsewhere() -> None:
    """A register whose empty 密级 cell holds a hidden run (待定): the scan
    reads the cell blank (the run goes to ``hidden``) and the column as a
    register's, the redactor read 待定 in it, ended the column at it and
    covered the register's 秘密 as a form's field, which the scan never
    found (found by a third reader).  Such a table has no grid in the
    redactor: only the scan's findings are covered."""
    from docx.oxml import parse_xml

    rows = [["序号", "文件名称", "密级"], ["1", "甲", "秘密"], ["2", "乙", ""], ["3", "丙", "公开"]]
    document = docx.Document(io.BytesIO(_form(rows)))
    document.add_paragraph("机密★10年")
    hidden = ('<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:rPr><w:vanish/>'
              "</w:rPr><w:t>待定</w:t></w:r>")
    document.tables[0].cell(2, 2).paragraphs[0]._p.append(parse_xml(hidden))
    data = saved(document)
    assert _marks(data, "register.docx") == [("mark.state-secret", "body", "机密★10年", None)]
    redacted = redact_bytes(Engine(), data, "register.docx")
    assert [(f.rule, f.text) for f in redacted.covered] == [("mark.state-secret", "机密★10年")]
    copy = docx.Document(io.BytesIO(redacted.data))
    assert [[cell.text for cell in row.cells] for row in copy.tables[0].rows] == [
        ["序号", "文件名称", "密级"], ["1", "甲", "秘密"], ["2", "乙", "待定"], ["3", "丙", "公开"]]


def test_a_word_registers_level_merged_down_its_rows_is_each_rows_value() -> None:
    """Three files of one level, its cell merged down their rows (w:vMerge):
    three values of a register, not one form's field, as unmerged."""
    rows = [["序号", "文件名称", "密级"], ["1", "第一号文件", "机密"], ["2", "第二号文件", ""], ["3", "第三号文件", ""]]
    assert _marks(_form(rows), "register.docx") == [("mark.form-field", "table", "机密", "column-header")]
    assert _marks(_merged(rows, [(1, 2, 3, 2)]), "register.docx") == []


def test_a_damaged_grid_number_does_not_cost_the_documents_marks() -> None:
    """A w:gridSpan of 4,301 digits, more than ``int`` reads: the table's
    grid is read without it, and the mark in the body is still found."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    document.add_paragraph("机密★10年")
    table = document.add_table(1, 1)
    table.cell(0, 0).text = "附表"
    span = OxmlElement("w:gridSpan")
    span.set(qn("w:val"), "1" * 4301)
    table.cell(0, 0)._tc.get_or_add_tcPr().append(span)
    data = saved(document)
    assert _marks(data, "damaged.docx") == [("mark.state-secret", "body", "机密★10年", None)]
    assert [f.rule for f in redact_bytes(Engine(), data, "damaged.docx").covered] == ["mark.state-secret"]


def test_a_word_registers_levels_are_no_field() -> None:
    """A Word table listing files, a level in several rows, each another
    file's: values, as a sheet's register is (one with a 公开 row too)."""
    for levels in (["机密", "秘密"], ["公开", "机密"]):
        rows = [["序号", "文件名称", "密级"], *([str(n), f"第{n}号文件", level] for n, level in enumerate(levels, 1))]
        assert _marks(_form(rows), "register.docx") == []


_GUIDANCE = ["（绝密/机密/秘密）", "□绝密 □机密 □秘密", "（请选择：绝密、机密、秘密或公开）"]


@pytest.mark.parametrize("guidance", _GUIDANCE)
def test_a_guidance_row_under_the_classification_header_is_passed_over(guidance: str) -> None:
    """A form whose row under the header says what each column takes (the
    levels to choose from) before the value row: read as two levels, or as
    a cell that ended the column, the guidance hid the 机密 filled in below
    it (the form was cleared, in a sheet and in a Word table alike).  The
    same form left blank, and a register under such a row, are no field."""
    rows = [["文件名称", "密级", "份数"], ["（填写文件全称）", guidance, "（阿拉伯数字）"]]
    book = openpyxl.Workbook()
    for row in (*rows, ["某工程设计方案", "机密", "2"]):
        book.active.append(row)
    assert _marks(saved(book), "form.xlsx") == [("mark.form-field", "sheet:Sheet", "机密", "column-header")]
    assert _marks(_form([*rows, ["某工程设计方案", "机密", "2"]]), "form.docx") == [
        ("mark.form-field", "table", "机密", "column-header")]
    assert _marks(_form([*rows, ["", "", ""]]), "blank.docx") == []
    assert _marks(_form([*rows, ["第一号文件", "机密", "1"], ["第二号文件", "秘密", "2"]]), "register.docx") == []


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


@pytest.mark.parametrize("values", [["秘密", "内部", "公开"], ["秘密", "非密"]])
def test_the_values_a_filter_lists_under_its_classification_heading_are_no_field(values: list[str]) -> None:
    """A search page's filter, 密级 and its values a block each: read a line
    each, 秘密 under 密级 was taken for that field's value, as only a
    state-secret level after it made a list; 内部, 公开 and 非密 do too (found
    by a second reader: the page was blocked).  The same filled in is a field."""
    options = "".join(f"<li>{value}</li>" for value in values)
    page = ("<html><body><h1>档案检索</h1><p>请选择检索条件。</p><p>本页面为公开检索页面。</p><p>更新于2024年。</p>"
            f"<div><h4>密级</h4><ul>{options}</ul></div><div><h4>年度</h4><ul><li>2023</li><li>2024</li></ul></div>"
            "</body></html>")
    assert _marks(page.encode(), "search.html") == []
    filled = page.replace(f"<ul>{options}</ul>", "<p>秘密</p><h4>份数</h4><p>2</p>", 1)
    assert _marks(filled.encode(), "record.html") == [("mark.form-field", "body", "密级\n秘密", "line-before")]


def test_a_word_tables_row_of_the_classification_values_is_no_field() -> None:
    """A table counting files by level, its levels a row after the 密级 cell
    (密级 | 秘密 | 内部 | 公开), is read a cell a line as a list of the levels."""
    rows = [["单位", "某局", "年度", "2023"], ["密级", "秘密", "内部", "公开"], ["件数", "3", "12", "40"]]
    document = docx.Document()
    for text in ("关于档案整理情况的报告", "一、基本情况", "二、整理结果", "三、下一步工作", "附表："):
        document.add_paragraph(text)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for row, cells in enumerate(rows):
        for column, text in enumerate(cells):
            table.cell(row, column).text = text
    data = saved(document)
    assert _marks(data, "report.docx") == []


def test_a_registers_levels_are_values_whatever_line_breaks_its_cells_hold() -> None:
    """A cell's own line break (Alt+Enter in a long file name) starts a line
    in the sheet's text, and the rest of its row follows shifted a cell or
    more: the register's 密级 column then met its row's 份数 (1) and ended,
    its one level so far, 机密, read as a form's field (found by a second
    reader: the register was blocked, cleared without the line break).  The
    one level picked in a blank register with such names was lost the same
    way, its column ended at the shifted 份数 (2) before it: it is a field."""
    rows = [["序号", "文件名称", "文号", "密级", "份数"],
            [1, "关于某工程设计方案的请示", "某发〔2019〕3号", "机密", 2],
            [2, "关于某项目验收的报告\n（附件一）", "某发〔2019〕5号", "公开", 1],
            [3, "会议纪要", "某纪〔2019〕1号", "公开", 1]]
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    assert _marks(saved(book), "register.xlsx") == []
    data = _register([[1, "关于某项目的报告\n（附件一）", None, 2], [2, "某工程设计方案", "机密", 1],
                      [3, "会议纪要\n（第二次）", None, 1]])
    assert _marks(data, "register.xlsx") == [("mark.form-field", "sheet:Sheet", "机密", "column-header")]


def test_a_sheets_first_row_of_copy_number_and_level(soffice) -> None:
    """GB/T 9704's head typed into a sheet's first row (份号 | 密级): the level
    beside the copy number's cell was clear; re-saved by LibreOffice too."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "通知"
    for row in (["000123", "机密"], ["关于开展年度检查工作的通知"], ["各单位：现将有关事项通知如下。"]):
        sheet.append(row)
    data = saved(book)
    for name, workbook in (("notice.xlsx", data), ("resaved.xlsx", soffice(data, "xlsx", "xlsx"))):
        assert [(rule, part, text) for rule, part, text, _ in _marks(workbook, name)] == [
            ("mark.bare-level", "sheet:通知", "机密")]


def _split_form(between: str | None) -> bytes:
    """A Word form whose header row and value row are two tables, one under
    the other: adjacent, or with a paragraph (``between``, "" for an empty
    one, as Word's Split Table leaves) between them."""
    document = docx.Document()
    document.add_paragraph("文件报送单")
    for n, values in enumerate((("文件名称", "密级", "份数"), ("某工程设计方案", "机密", "2"))):
        if n and between is not None:
            document.add_paragraph(between)
        table = document.add_table(rows=1, cols=3)
        for column, value in enumerate(values):
            table.cell(0, column).text = value
    return saved(document)


@pytest.mark.parametrize("between", [None, ""])
def test_a_form_split_into_two_tables(between: str | None) -> None:
    """Word shows the two tables as one form (and LibreOffice, re-saving it, joins them into one): 机密 under
    its 密级 was clear."""
    data = _split_form(between)
    assert _marks(data, "form.docx") == [("mark.form-field", "table", "机密", "column-header")]
    redacted = redact_bytes(Engine(), data, "form.docx")  # the redactor reads the same grid
    assert [(f.rule, f.text) for f in redacted.covered] == [("mark.form-field", "机密")]
    assert _marks(redacted.data, "form.docx") == []


def test_two_tables_with_text_between_are_two_tables() -> None:
    assert _marks(_split_form("二、报送要求如下。"), "form.docx") == []


def test_a_level_alone_in_a_sheets_header(soffice) -> None:
    """The sheet's name stood before the header's text on its line (数据: 机密), so the level alone in the
    header's centre was not alone on its line, in an .xlsx and in the .ods LibreOffice makes of it (found by
    the OpenDocument reader's second reader)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "数据"
    sheet.append(["项目", "金额"])
    sheet.oddHeader.center.text = "机密"
    data = saved(book)
    for name, workbook in (("table.xlsx", data), ("table.ods", soffice(data, "xlsx", "ods"))):
        assert [(rule, part, text) for rule, part, text, _ in _marks(workbook, name)] == [
            ("mark.bare-level", "header", "机密")]


LONG_NAME = "关于某某重大工程项目初步设计方案的专家评审意见汇总报告"


def _bordered_form(rows: list[list[str]], after: str = "以上内容请核实。", centred: bool = False,
                   repeated_header: bool = False) -> bytes:
    """A Word table with borders (Table Grid), as a form or a register is
    printed: its cells set in their middle (``centred``), its header row
    repeated on each page (``repeated_header``)."""
    from docx.enum.table import WD_ALIGN_VERTICAL
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    document.add_paragraph("文件报送单")
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
            if centred:
                table.cell(r, c).vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    if repeated_header:
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        table.rows[0]._tr.get_or_add_trPr().append(repeat)
    document.add_paragraph(after)
    return saved(document)


@pytest.mark.parametrize("rows, found", [
    ([["文件名称", "密级", "份数"], ["某工程设计方案", "机密", "2"]], ["机密"]),
    # a long name wraps in its cell and runs up to the 密级 cell
    ([["文件名称", "密级", "份数"], [LONG_NAME, "机密", "2"]], ["机密"]),
    ([["项目编号", "项目名称", "负责人", "密级", "备注"], ["2024-001", "某型号研制", "张三", "秘密", "无"]], ["秘密"]),
    # a register: each row another file's level, no field
    ([["序号", "文件名称", "密级"], ["1", "年度工作总结", "公开"], ["2", "某工程设计方案", "机密"],
      ["3", "会议纪要", "秘密"]], []),
    ([["文件名称", "密级", "份数"], ["年度工作总结", "", "2"]], []),
    # a register whose names wrap: its rows go on past a line of one cell (found by a second reader)
    ([["序号", "文件名称", "密级", "份数"], ["1", LONG_NAME, "机密", "2"], ["2", LONG_NAME + "附件", "秘密", "3"],
      ["3", "年度工作总结", "公开", "1"]], []),
], ids=["form", "wrapped-name", "five-columns", "register", "blank", "register-wrapped"])
def test_a_form_printed_to_pdf(rows: list[list[str]], found: list[str], soffice) -> None:
    """A Word form printed by LibreOffice: the page's text reads 文件名称 密级 份数 over 某工程设计方案 机密, so
    机密 followed the file's name, and the PDF was clear where the DOCX blocked. The page's layout gives its
    tables' grid from the characters' boxes, and the 密级 column is read down it."""
    data = _bordered_form(rows)
    expected = [("mark.form-field", "table", level, "column-header") for level in found]
    assert _marks(data, "form.docx") == expected
    assert _marks(soffice(data, "docx", "pdf"), "form.pdf") == [
        ("mark.form-field", "page:1:layout", level, "column-header") for level in found]


def test_a_printed_form_set_in_the_middle_of_its_cells(soffice) -> None:
    """The name wraps and 机密 stands on its second line, between lines of one cell (found by a second reader)."""
    data = _bordered_form([["文件名称", "密级", "份数"], [LONG_NAME + "及其附件材料", "机密", "2"]], centred=True)
    assert _marks(soffice(data, "docx", "pdf"), "form.pdf") == [
        ("mark.form-field", "page:1:layout", "机密", "column-header")]


def test_a_printed_form_on_a_page_with_a_character_outside_the_bmp(soffice) -> None:
    """pdfium gives such a character as two halves; the grid's offsets follow their joining (found by a second
    reader: every grid of the page was dropped)."""
    data = _bordered_form([["文件名称", "密级", "份数"], ["某方案\U00020BB7", "机密", "2"]], after="附注：\U00020BB7")
    assert _marks(soffice(data, "docx", "pdf"), "form.pdf") == [
        ("mark.form-field", "page:1:layout", "机密", "column-header")]


def test_a_printed_register_whose_header_row_repeats_on_its_last_page(soffice) -> None:
    """Its last page holds the header and one row: read alone, that row's level was a form's field (found by a
    second reader). The page's table goes on with the page before's."""
    rows = [["序号", "文件名称", "密级", "份数"]] + [[str(i), f"第{i}号文件", ("公开", "秘密", "机密")[i % 3], "1"]
                                             for i in range(1, 47)]
    pdf = soffice(_bordered_form(rows, repeated_header=True), "docx", "pdf")
    assert b"/Count 2" in pdf  # the last page holds the repeated header and one row
    assert _marks(pdf, "register.pdf") == []


def test_two_tables_of_other_grids_are_two_tables() -> None:
    """Only a table laid out on the same grid goes on with the one above it (found by a second reader: a blank
    form then a table with a level in the same column read as one form)."""
    document = docx.Document()
    header = document.add_table(rows=1, cols=3)
    for column, value in enumerate(("文件名称", "密级", "份数")):
        header.cell(0, column).text = value
    document.add_paragraph("")
    other = document.add_table(rows=1, cols=4)
    for column, value in enumerate(("说明", "机密", "二十年", "备注")):
        other.cell(0, column).text = value
    assert _marks(saved(document), "form.docx") == []


@pytest.mark.parametrize("header", ["项目密级", "文件密级", "密级（必填）", "密级*", "密级及保密期限",
                                    "密级（绝密/机密/秘密/公开）"])
def test_a_qualified_label_heads_a_column(header: str) -> None:
    """What forms add to the 密级 label (what it is the level of, the period asked with it, a note, the values
    offered) kept 机密 under it from being the column's field: the sheet was clear."""
    book = openpyxl.Workbook()
    book.active.append(["项目名称", header, "负责人"])
    book.active.append(["某型号研制", "机密", "张三"])
    assert [(rule, text) for rule, _, text, _ in _marks(saved(book), "form.xlsx")] == [("mark.form-field", "机密")]


@pytest.mark.parametrize("rows", [
    [["项目名称", "项目密级"], ["甲", "机密"], ["乙", "秘密"], ["丙", "公开"]],  # a register: values
    [["说明", "绝密级"], ["甲", "机密"]],  # a level's own 级, no label
    # what a product is rated for, a verb's object (a spec sheet, a guide: found by a second reader)
    [["产品型号", "适用密级", "碎纸尺寸"], ["XX-100", "机密", "1×2mm"]],
    [["情形", "确定密级"], ["某事项", "机密"]],
])
def test_what_a_qualified_label_does_not_make_a_field(rows: list[list[str]]) -> None:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    assert [rule for rule, _, _, _ in _marks(saved(book), "table.xlsx") if rule == "mark.form-field"] == []


def test_a_word_form_with_a_qualified_label_cell() -> None:
    """Read a cell a line, 文件密级 then 机密: the level on the line after its label."""
    document = docx.Document()
    table = document.add_table(rows=1, cols=4)
    for column, value in enumerate(("文件密级", "机密", "份数", "2")):
        table.cell(0, column).text = value
    assert [(rule, text) for rule, _, text, _ in _marks(saved(document), "form.docx")] == [
        ("mark.form-field", "密级\n机密")]


def _levels(data: bytes, name: str) -> list[tuple[str, str]]:
    return [(rule, text) for rule, _, text, _ in _marks(data, name)]


@pytest.mark.parametrize("text, found", [
    ("文件名称,密级,份数\n某工程设计方案,机密,2\n", ["机密"]),
    ("序号,文件名称,密级\r\n1,年度工作总结,公开\r\n2,某工程设计方案,机密\r\n3,会议纪要,秘密\r\n", []),  # a register
    # quoted fields, a comma and a line break inside one, a doubled quote
    ('"文件名称","密级","备注"\n"某工程设计方案, 第二版","机密","含""附件""\n另附清单"\n', ["机密"]),
    ("项目,金额\n甲,100\n乙,200\n", []),
], ids=["form", "register", "quoted", "figures"])
def test_a_csv_read_as_a_sheet(text: str, found: list[str]) -> None:
    """A CSV's 密级 column is read down its records as a sheet's is: a form or a register written as CSV
    (文件名称,密级,份数 over 某工程设计方案,机密,2) was clear."""
    assert _levels(text.encode(), "form.csv") == [("mark.form-field", level) for level in found]


@pytest.mark.parametrize("text, found", [
    ("# 文件报送单\n\n| 文件名称 | 密级 | 份数 |\n|---|:---:|---|\n| 某工程设计方案 | 机密 | 2 |\n", ["机密"]),
    ("文件名称 | 密级\n--- | ---\n某工程设计方案 | 秘密\n", ["秘密"]),  # no pipes at the rows' ends
    ("| 名称 | 密级 |\n|---|---|\n| 甲 | 公开 |\n| 乙 | 机密 |\n| 丙 | 秘密 |\n", []),  # a register
], ids=["form", "no-outer-pipes", "register"])
def test_a_markdown_table_read_as_a_sheet(text: str, found: list[str]) -> None:
    assert _levels(text.encode(), "form.md") == [("mark.form-field", level) for level in found]


@pytest.mark.parametrize("table, found", [
    ("<tr><th>文件名称</th><th>密级</th><th>份数</th></tr><tr><td>某工程设计方案</td><td>机密</td><td>2</td></tr>",
     ["机密"]),
    # a header spanning two columns, cells of several lines (paragraphs, a line break)
    (("<thead><tr><th colspan=2>文件</th><th>密级</th></tr></thead><tbody><tr><td>名称</td><td><p>某工程</p>"
     "<p>设计方案</p></td><td> 机密 </td></tr></tbody>"), ["机密"]),
    # a register's 机密 spanning three rows is three files' level
    (("<tr><th>序号</th><th>文件名称</th><th>密级</th></tr><tr><td>1</td><td>甲方案</td><td rowspan=3>机密</td></tr>"
     "<tr><td>2</td><td>乙方案</td></tr><tr><td>3</td><td>丙方案</td></tr>"), []),
    ("<tr><td>名称</td><td>密级</td></tr><tr><td>甲</td><td>公开</td></tr><tr><td>乙</td><td>机密</td></tr>", []),
    ("<td>文件名称<td>密级<tr><td>某方案<td>机密", ["机密"]),  # unclosed cells, a row left out, as pages are written
    # a footer written before the body (HTML 4's order), shown after it (found by a second reader)
    (("<thead><tr><th>文件名称<th>密级<th>份数</thead><tfoot><tr><td colspan=3>注：本表用后收回</tfoot>"
     "<tbody><tr><td>某工程设计方案<td>机密<td>2</tbody>"), ["机密"]),
], ids=["form", "spans-and-lines", "rowspan-register", "register", "unclosed", "footer-first"])
def test_a_web_pages_table_read_as_a_sheet(table: str, found: list[str]) -> None:
    """A form or register published as a page: its cells were read a line each and 机密 followed the file's
    name, so the page was clear. The page's walk gives its tables' grid (htmltables.py)."""
    page = f"<html><head><title>文件报送单</title></head><body><h1>文件报送单</h1><table>{table}</table><p>正文</p></body></html>"
    assert _levels(page.encode(), "form.html") == [("mark.form-field", level) for level in found]


def test_a_word_form_saved_as_a_web_page_by_libreoffice(soffice) -> None:
    html_page = soffice(_bordered_form([["文件名称", "密级", "份数"], ["某工程设计方案", "机密", "2"]]), "docx", "html")
    assert b"<table" in html_page
    assert _levels(html_page, "form.html") == [("mark.form-field", "机密")]


def test_a_products_rating_in_a_pages_table_is_no_field() -> None:
    """最高密级 | 机密 among a 涉密计算机's specifications, read a cell a line (found by a second reader)."""
    page = "<html><body><table><tr><td>型号</td><td>XX-100</td></tr><tr><td>最高密级</td><td>机密</td></tr></table></body></html>"
    assert _levels(page.encode(), "spec.html") == []


def _csv(rows: list[list[str]], delimiter: str) -> bytes:
    """Rows as Python's csv module writes them (Excel's dialect) with ``delimiter``."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode()


def test_a_semicolon_separated_csv_read_as_a_sheet() -> None:
    """Excel writes ``;`` between fields where the decimal mark is a comma, and so do some exports (others
    ``|``): a form so written (文件名称;密级;份数 over 某工程设计方案;机密;2) was clear.  Its register, a table of figures with
    decimal commas, and a comma-separated form under a sentence with semicolons read as before."""
    assert _levels(_csv(_FORM, ";"), "form.csv") == [("mark.form-field", "机密")]
    assert _levels(_csv(_FORM, "|"), "form.csv") == [("mark.form-field", "机密")]  # as some systems export
    register = [["序号", "文件名称", "密级", "金额"], ["1", "年度工作总结", "公开", "1,5"], ["2", "某工程设计方案", "机密", "2,75"],
                ["3", "会议纪要", "秘密", "0,5"]]
    assert _levels(_csv(register, ";"), "register.csv") == []
    assert _levels(_csv([["说明", "本表不涉及密级"], ["甲", "1,5"], ["乙", "2,0"]], ";"), "figures.csv") == []
    note = "Note; the 密级 column is filled in by the clerk; see the rules\n".encode()
    assert _levels(note + _csv(_FORM, ","), "form.csv") == [("mark.form-field", "机密")]


_PIPE_TABLES = {
    "markdown": "| 文件名称 | 密级 | 份数 |\n|---|:---:|---|\n| {name} | {level} | 2 |\n",
    "no-delimiter-row": "| 文件名称 | 密级 | 份数 |\n| {name} | {level} | 2 |\n",
    "no-outer-pipes": "文件名称 | 密级 | 份数\n{name} | {level} | 2\n",
    "full-width": "文件名称｜密级｜份数\n{name}｜{level}｜2\n",
    "drawn": "+------+------+------+\n| 文件名称 | 密级 | 份数 |\n+------+------+------+\n| {name} | {level} | 2 |\n"
             "+------+------+------+\n",
    # drawn with heavy, mixed and rounded box lines, whose corners and joints ended the table at each border,
    # and rows spaced by blank lines, which ended it after its header (found by a second reader: clear)
    "drawn-heavy": "┏━━━━┳━━━━┳━━━━┓\n┃ 文件名称 ┃ 密级 ┃ 份数 ┃\n┣━━━━╋━━━━╋━━━━┫\n┃ {name} ┃ {level} ┃ 2 ┃\n"
                   "┗━━━━┻━━━━┻━━━━┛\n",
    "drawn-mixed": "╒════╤════╤════╕\n│ 文件名称 │ 密级 │ 份数 │\n╞════╪════╪════╡\n│ {name} │ {level} │ 2 │\n"
                   "╘════╧════╧════╛\n",
    "drawn-rounded": "╭────┬────┬────╮\n│ 文件名称 │ 密级 │ 份数 │\n┝━━━━┿━━━━┿━━━━┥\n│ {name} │ {level} │ 2 │\n"
                     "╰────┴────┴────╯\n",
    "spaced": "| 文件名称 | 密级 | 份数 |\n\n| {name} | {level} | 2 |\n",
}


@pytest.mark.parametrize("layout", _PIPE_TABLES)
def test_a_plain_texts_pipe_table_read_as_a_sheet(layout: str) -> None:
    """A form typed into a .txt as a pipe table (with its ``|---|`` line or not, in full-width pipes, drawn with
    borders as a console tool prints one) was clear: only a Markdown page's tables had a grid.  The same
    layout as a register, and a text whose pipes are no table, are no field."""
    table = _PIPE_TABLES[layout]
    form = "文件报送单\n\n" + table.format(name="某工程设计方案", level="机密")
    assert _levels(form.encode(), "form.txt") == [("mark.form-field", "机密")]
    register = "文件清单\n\n" + "".join(table.format(name=name, level=level).split("\n", 2)[-1] if n else
                                     table.format(name=name, level=level)
                                     for n, (name, level) in enumerate([("甲", "公开"), ("乙", "机密"), ("丙", "秘密")]))
    assert _levels(register.encode(), "register.txt") == []
    prose = "使用说明\n运行 cat 清单.txt | grep 密级 可查看密级字段。\n输出 | 机密文件的数量\n管道符 | 连接两条命令\n"
    assert _levels(prose.encode(), "notes.txt") == []


def _page(table: str, attributes: str = "") -> bytes:
    return (f"<html><head><title>文件报送单</title></head><body><h1>文件报送单</h1><p>正文</p>"
            f"<table{attributes}>{table}</table></body></html>").encode()


_BATCH_ROW = "<tr><th>文件名称</th><th>密级</th><th>份数</th></tr><tr><td colspan=3>第一批</td></tr>"


def test_a_row_across_a_tables_columns_does_not_end_its_classification_column(soffice) -> None:
    """A row of one cell across all the columns (第一批) between the header and the values, on a page and in a
    Word table (cells merged, w:gridSpan), ended the 密级 column, and the 机密 under it was clear; so was the
    Word form saved as a page by LibreOffice.  Passed over as a sheet's line of one cell is, it leaves a
    register of batches a register."""
    page = _page(_BATCH_ROW + "<tr><td>某工程设计方案</td><td>机密</td><td>2</td></tr>")
    assert _levels(page, "form.html") == [("mark.form-field", "机密")]
    form = _merged([["文件名称", "密级", "份数"], ["第一批", "", ""], ["某工程设计方案", "机密", "2"]], [(1, 0, 1, 2)])
    assert _marks(form, "form.docx") == [("mark.form-field", "table", "机密", "column-header")]
    assert _levels(soffice(form, "docx", "html"), "form.html") == [("mark.form-field", "机密")]
    register = _page(_BATCH_ROW + "<tr><td>甲</td><td>公开</td><td>1</td></tr><tr><td>乙</td><td>机密</td><td>2</td></tr>"
                     "<tr><td colspan=3>第二批</td></tr><tr><td>丙</td><td>秘密</td><td>1</td></tr>")
    assert _levels(register, "register.html") == []
    rows = [["文件名称", "密级", "份数"], ["第一批", "", ""], ["甲", "公开", "1"], ["乙", "机密", "2"]]
    assert _marks(_merged(rows, [(1, 0, 1, 2)]), "register.docx") == []


def _broken_label(how: str) -> bytes:
    """A Word form whose 密级 header is cut in two inside its cell: two paragraphs, or a line break (w:br)."""
    document = docx.Document(io.BytesIO(_form(_FORM)))
    cell = document.tables[0].cell(0, 1)
    if how == "paragraphs":
        cell.text = "密"
        cell.add_paragraph("级")
    else:
        cell.text = ""
        cell.paragraphs[0].add_run("密").add_break()
        cell.paragraphs[0].add_run("级")
    return saved(document)


@pytest.mark.parametrize("how", ["paragraphs", "line-break"])
def test_a_classification_header_cut_by_a_line_break_in_its_cell(how: str, soffice) -> None:
    """A narrow column's header written 密<br>级 (a page), or as two paragraphs or two lines of a Word cell:
    read 密\\n级, it was no label, and the 机密 under it was clear (the Word form saved as a page too)."""
    page = _page("<tr><th>文件名称</th><th>密<br>级</th><th>份数</th></tr><tr><td>某工程设计方案</td><td>机密</td><td>2</td></tr>")
    assert _levels(page, "form.html") == [("mark.form-field", "机密")]
    form = _broken_label(how)
    assert _marks(form, "form.docx") == [("mark.form-field", "table", "机密", "column-header")]
    assert [(f.rule, f.text) for f in redact_bytes(Engine(), form, "form.docx").covered] == [("mark.form-field", "机密")]
    assert _levels(soffice(form, "docx", "html"), "form.html") == [("mark.form-field", "机密")]


def _select(*options: str, selected: str | None = None) -> str:
    return "<select name=\"mj\">" + "".join(
        f"<option{' selected' if option == selected else ''}>{option}</option>" for option in options) + "</select>"


def test_a_drop_down_lists_selected_option_is_its_fields_value() -> None:
    """A form saved from a web system: the 密级 field a drop-down list, 机密 selected.  Read as the page's text,
    its options ran together (公开机密) and the field held no level, under its header or beside its label.
    A list of all the levels with none or 公开 selected is no field; the options not selected are still read."""
    header = "<tr><th>文件名称</th><th>密级</th><th>份数</th></tr>"
    cell = header + "<tr><td>某工程设计方案</td><td>{}</td><td>2</td></tr>"
    assert _levels(_page(cell.format(_select("公开", "机密", selected="机密"))), "form.html") == [
        ("mark.form-field", "机密")]
    beside = f"<html><body><form>文件名称：某工程设计方案<br>密级：{_select('公开', '机密', selected='机密')}</form></body></html>"
    assert _levels(beside.encode(), "form.html") == [("mark.form-field", "密级：机密")]
    levels = ("公开", "内部", "秘密", "机密", "绝密")
    for selected in (None, "公开"):
        assert _levels(_page(cell.format(_select(*levels, selected=selected))), "blank.html") == []
    assert _levels(_page(cell.format(_select("请选择", "秘密", "机密", "绝密", selected="请选择"))), "blank.html") == []
    assert _levels(_page(cell.format(_select("公开", "机密", selected="公开"))), "public.html") == []
    marked = _page(cell.format(_select("公开", "机密★5年", selected="公开")))
    assert _marks(marked, "form.html") == [("mark.state-secret", "attributes", "机密★5年", None)]


@pytest.mark.parametrize("attributes", [' style="display:none"', " hidden"])
def test_a_hidden_tables_classification_column_is_read_by_its_grid(attributes: str) -> None:
    """A hidden table's text is read (``hidden``) a cell a line, without its grid: the 机密 under its 密级 was
    clear.  A hidden register is no field."""
    form = _page("<tr><th>文件名称</th><th>密级</th><th>份数</th></tr><tr><td>某工程设计方案</td><td>机密</td><td>2</td></tr>",
                 attributes)
    assert _marks(form, "form.html") == [("mark.form-field", "hidden", "机密", "column-header")]
    register = _page("<tr><th>名称</th><th>密级</th></tr><tr><td>甲</td><td>公开</td></tr><tr><td>乙</td><td>机密</td></tr>",
                     attributes)
    assert _marks(register, "register.html") == []


def test_a_heading_across_the_first_columns_does_not_end_the_classification_column() -> None:
    """A batch's heading merged over the first columns only (第一批 over 文件名称 and 密级, 份数 left blank), on a
    page and in a Word table: the merged cell stood in the 密级 column, ended it, and the 机密 under it was clear
    (found by a second reader).  A cell running into the column from one before it is passed over, as a row
    across all the columns is; a register of batches stays a register."""
    header = "<tr><th>文件名称</th><th>密级</th><th>份数</th></tr><tr><td colspan=2>第一批</td><td></td></tr>"
    assert _levels(_page(header + "<tr><td>某工程设计方案</td><td>机密</td><td>2</td></tr>"), "form.html") == [
        ("mark.form-field", "机密")]
    assert _levels(_page(header + "<tr><td>甲</td><td>公开</td><td>1</td></tr><tr><td>乙</td><td>机密</td><td>2</td></tr>"),
                   "register.html") == []
    rows = [["文件名称", "密级", "份数"], ["第一批", "", ""], ["某工程设计方案", "机密", "2"]]
    assert _marks(_merged(rows, [(1, 0, 1, 1)]), "form.docx") == [("mark.form-field", "table", "机密", "column-header")]
    rows = [["文件名称", "密级", "份数"], ["第一批", "", ""], ["甲", "公开", "1"], ["乙", "机密", "2"]]
    assert _marks(_merged(rows, [(1, 0, 1, 1)]), "register.docx") == []


# hidden text before the table, so that no level of it is among the hidden part's first lines
_HIDDEN_NOTES = "<div hidden><p>说明一</p><p>说明二</p><p>说明三</p><p>说明四</p></div>"


def _hidden_rows(rows: list[tuple[str, str, str]], row: str = "<tr{}>", cell: str = "<td{}>", hide: str = "") -> bytes:
    body = "".join(row.format("") + "".join(cell.format(hide if n == 1 else "") + value + "</td>"
                                            for n, value in enumerate(values)) + "</tr>" for values in rows)
    return _page(body).replace(b"<table>", _HIDDEN_NOTES.encode() + b"<table>")


_HIDDEN_FORM = [("文件名称", "密级", "份数"), ("某工程设计方案", "机密", "2")]
_HIDDEN_REGISTER = [("文件名称", "密级", "份数"), ("甲", "公开", "1"), ("乙", "机密", "2"), ("丙", "秘密", "1")]


def test_a_visible_tables_hidden_rows_and_cells_are_read_by_their_grid() -> None:
    """A visible table whose rows are hidden (a collapsed <tbody style="display:none">, each row hidden) or
    whose 密级 column is hidden down the table: the hidden text was read a cell a line, without a grid, and the
    机密 under its hidden 密级 was clear (found by a second reader).  Such rows and cells are a table of their own
    in the hidden part; a hidden register stays a register."""
    tbody = _page("<tbody style=\"display:none\"><tr><th>文件名称</th><th>密级</th><th>份数</th></tr>"
                  "<tr><td>某工程设计方案</td><td>机密</td><td>2</td></tr></tbody>")
    tbody = tbody.replace(b"<table>", _HIDDEN_NOTES.encode() + b"<table>")
    assert _marks(tbody, "form.html") == [("mark.form-field", "hidden", "机密", "column-header")]
    rows = _hidden_rows(_HIDDEN_FORM, row="<tr style='display:none'>")
    assert _marks(rows, "form.html") == [("mark.form-field", "hidden", "机密", "column-header")]
    assert _marks(_hidden_rows(_HIDDEN_REGISTER, row="<tr hidden>"), "register.html") == []
    column = _hidden_rows([("序号", "文件名称", "密级"), ("1", "某工程设计方案", "机密")], cell="<td{}>", hide=" hidden")
    assert [rule for rule, part, text, _ in _marks(column, "form.html")] == ["mark.form-field"]
    register = _hidden_rows([("序号", "文件名称", "密级"), ("1", "甲", "公开"), ("2", "乙", "机密")], hide=" hidden")
    assert _marks(register, "register.html") == []


def test_a_search_filters_selected_level_is_no_field() -> None:
    """A search page's filter (密级: 全部 / 公开 / 秘密 / 机密, 机密 selected) is a query, not a record's 密级: read as
    the field's value, the page was blocked.  A list offering any value (全部, 不限) is a filter; the same list
    without it, a record's field, is read as before."""
    options = "".join(f"<option{' selected' if level == '机密' else ''}>{level}</option>" for level in ("公开", "秘密", "机密"))
    for any_value in ("全部", "-- 不限 --"):
        page = (f"<html><body><h1>档案检索</h1><form action=\"/search\">关键词：<input name=q> 密级：<select name=mj>"
                f"<option>{any_value}</option>{options}</select><button>检索</button></form><p>共 0 条</p></body></html>")
        assert _levels(page.encode(), "search.html") == []
    record = f"<html><body><form>文件名称：某工程设计方案<br>密级：<select name=mj>{options}</select></form></body></html>"
    assert _levels(record.encode(), "record.html") == [("mark.form-field", "密级：机密")]
