"""The paper record reviewers sign: one 保密审查单 per item, one section per
item (each starting a new page), made with python-docx.  Submitter, dates,
the reviewer's opinion and the approving leader come from the review store
when one is attached; otherwise those fields are left blank to fill by hand."""
from __future__ import annotations

import io
import re
from contextlib import contextmanager
from typing import Iterator

from docx import Document
from docx.blkcntnr import BlockItemContainer
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.shared import Cm, Emu, Pt
from docx.table import Table

from ..types import ItemResult, ReviewRecord
from . import Summary
from .view import EXTRACTION_LABELS, VERDICT_LABELS, BufferedReporter, category_label, excerpt, in_verdict_order

FINDING_COLUMNS = ("序号", "位置", "级别", "类别", "内容", "原因", "依据")
_BODY_FONT, _CJK_FONT = "Times New Roman", "宋体"
# characters XML 1.0 cannot hold; scanned text may contain them
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _x(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _date(iso: str | None) -> str:
    return iso[:10] if iso else ""


def _set_fonts(doc: DocxDocument) -> None:
    """Latin and East Asian fonts on the Normal style, so Chinese renders in
    Word and LibreOffice alike."""
    style = doc.styles["Normal"]
    style.font.name, style.font.size = _BODY_FONT, Pt(10.5)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), _CJK_FONT)


class _Page(BlockItemContainer):
    """One form's paragraphs and tables, built in a detached ``w:body`` so
    that nothing python-docx does while filling it walks the whole document."""

    def __init__(self, doc: DocxDocument, width: Emu, grid_style: str | None) -> None:
        self.body = OxmlElement("w:body")
        super().__init__(self.body, doc)
        self.width, self.grid_style = width, grid_style

    def grid(self, cols: int, rows: int = 0) -> Table:
        """A bordered table as wide as the text area (what ``add_table`` and
        ``style = "Table Grid"`` make, with the width and style id looked up
        once per document instead of once per table)."""
        tbl = CT_Tbl.new_tbl(rows, cols, self.width)
        tbl.tblStyle_val = self.grid_style
        self.body.append(tbl)
        return Table(tbl, self)


class _Pages:
    """Appends forms to a document in linear time.  ``Document.add_table``
    looks up the last section (an XPath over every paragraph) and each insert
    into the body searches its children for the final ``w:sectPr``; per table
    and per paragraph that made a batch of forms quadratic.  Here each form is
    built on a ``_Page`` and its blocks are moved in front of the final
    ``w:sectPr`` at once; the section break before each form after the first
    is the paragraph ``Document.add_section(NEW_PAGE)`` would add."""

    def __init__(self, doc: DocxDocument) -> None:
        self.doc = doc
        section = doc.sections[-1]
        self.width = Emu(section.page_width - section.left_margin - section.right_margin)
        self.grid_style = doc.part.get_style_id("Table Grid", WD_STYLE_TYPE.TABLE)
        self.last_sectPr = doc.element.body.get_or_add_sectPr()
        self.count = 0

    @contextmanager
    def page(self) -> Iterator[_Page]:
        page = _Page(self.doc, self.width, self.grid_style)
        if self.count:
            page.body.add_p().set_sectPr(self.last_sectPr.clone())
            self.last_sectPr.start_type = WD_SECTION.NEW_PAGE
        yield page
        for block in list(page.body):
            self.last_sectPr.addprevious(block)
        self.count += 1


def _fields(page: _Page, rows: list[tuple[str, str]]) -> None:
    table = page.grid(cols=2)
    for name, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = name, _x(value)
        cells[0].width, cells[1].width = Cm(3.2), Cm(12.8)
        cells[0].paragraphs[0].runs[0].bold = True


class DocxFormReporter(BufferedReporter):
    """Writes the document, sorted by verdict, in ``finish``."""

    def finish(self, summary: Summary) -> None:
        doc = Document()
        _set_fonts(doc)
        doc.core_properties.title = "保密审查单"
        ordered = in_verdict_order(self.results)
        if not ordered:
            doc.add_paragraph("没有项目。")
        pages = _Pages(doc)
        for n, result in enumerate(ordered, 1):
            record = self.options.review_lookup(result.sha256) if self.options.review_lookup and result.sha256 else None
            with pages.page() as page:
                self._form(page, result, record, n, len(ordered))
        buf = io.BytesIO()
        doc.save(buf)
        self.out.write(buf.getvalue())
        self.out.flush()

    def _form(self, page: _Page, r: ItemResult, record: ReviewRecord | None, n: int, total: int) -> None:
        title = page.add_paragraph()
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = title.add_run("保密审查单")
        run.bold, run.font.size = True, Pt(18)
        note = page.add_paragraph(f"第 {n} 项，共 {total} 项（preclear 扫描生成）")
        note.alignment = WD_ALIGN_PARAGRAPH.CENTER

        extraction = EXTRACTION_LABELS.get(r.extraction.value, r.extraction.value)
        if r.errors:
            extraction += "：" + "；".join(r.errors)
        rows = [("项目名称", r.item), ("SHA-256", r.sha256 or ""),
                ("大小", "" if r.size is None else f"{r.size} 字节"), ("格式", r.format)]
        if r.parent:
            rows.append(("所在压缩包", r.parent))
        rows += [("提交人", (record.submitter or "") if record else ""),
                 ("提交日期", _date(record.submitted_at) if record else ""),
                 ("读取情况", extraction),
                 ("扫描结论", f"{VERDICT_LABELS.get(r.verdict.value, r.verdict.value)}（{r.verdict.value}），"
                              f"得分 {r.score:g}")]
        _fields(page, rows)

        page.add_paragraph().add_run(f"扫描发现（{len(r.findings)} 项）").bold = True
        if r.findings:
            self._findings(page, r)
        else:
            page.add_paragraph("扫描未发现问题。扫描结论不替代人工审查。")

        page.add_paragraph().add_run("审查与审批").bold = True
        opinion = reviewer = reviewed = ""
        if record and record.decisions:
            _, opinion, reviewer, when = record.decisions[-1]
            reviewed = _date(when)
        approver, approved = (record.approved_by or "", _date(record.approved_at)) if record else ("", "")
        _fields(page, [("审查意见", opinion or "\n\n\n"), ("审查人（签字）", reviewer), ("审查日期", reviewed),
                      ("审批领导（签字）", approver), ("审批日期", approved)])

    def _findings(self, page: _Page, r: ItemResult) -> None:
        table = page.grid(cols=len(FINDING_COLUMNS), rows=1)
        for cell, name in zip(table.rows[0].cells, FINDING_COLUMNS):
            cell.text = name
            cell.paragraphs[0].runs[0].bold = True
        for i, f in enumerate(r.findings, 1):
            ex = excerpt(f, self.options.mask)
            cells = table.add_row().cells
            for cell, value in zip(cells, (str(i), f.part, f.level or "—", f"{category_label(f.category)}\n{f.rule}")):
                cell.text = _x(value)
            content = cells[4].paragraphs[0]
            content.add_run(_x(ex.before))
            if ex.match:
                match = content.add_run(_x(ex.match))
                match.bold, match.font.highlight_color = True, WD_COLOR_INDEX.YELLOW
            content.add_run(_x(ex.after))
            cells[5].text, cells[6].text = _x(f.reason), _x(f.basis)
