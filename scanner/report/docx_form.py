"""The paper record reviewers sign: one 保密审查单 per item, one section per
item (each starting a new page), made with python-docx, on A4 in the layout
units use (事项名称, 拟公开渠道/方式, 承办部门, 经办人, 审查发现, then the
opinions of the 承办部门, the 保密审查 and the 分管领导, each with room to
sign and date by hand), in 仿宋/宋体 as GB/T 9704 documents are.  The
submitter, dates, the reviewer's opinion and the approval come from the
review store when one is attached; everything else is filled in by hand."""
from __future__ import annotations

import copy
import functools
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from docx import Document
from docx.blkcntnr import BlockItemContainer
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Emu, Pt
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from ..lang import in_lang, part_label
from ..rules import reason_in_lang
from ..types import ItemResult, ReviewRecord
from . import Summary, lexicon_line
from .view import (
    EXTRACTION_LABELS,
    VERDICT_LABELS,
    BufferedReporter,
    category_label,
    excerpt,
    in_verdict_order,
    members_by_parent,
    suppression_note,
    verdict_from_members,
)

FINDING_COLUMNS = ("序号", "位置", "级别", "类别", "内容", "原因", "依据")
# GB/T 9704 page: A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (text 156 mm wide)
_PAGE = {"page_width": 21.0, "page_height": 29.7, "top_margin": 3.7, "bottom_margin": 3.5,
         "left_margin": 2.8, "right_margin": 2.6}
# column widths in cm, each set summing to the 15.6 cm text width, sized to what they hold: Chinese
# breaks between any two characters; English reasons and bases need room for their longest word
# ("Classification" at 8 pt) and are set smaller
FINDING_WIDTHS = {"zh": (1.3, 1.9, 1.9, 2.7, 2.8, 2.6, 2.4), "en": (1.3, 1.9, 1.5, 2.5, 2.6, 2.9, 2.9)}
_REASON_SIZE = {"zh": (10.5, 9.0), "en": (8.0, 8.0)}
INFO_WIDTHS = (3.5, 4.6, 2.4, 5.1)
OPINION_WIDTHS = (3.5, 12.1)
OPINION_ROWS = ("承办部门意见", "保密审查意见", "分管领导审批意见")
OPINION_HEIGHT_CM = 3.4          # room to write the opinion, sign and date by hand
SIGN_LINE = "签字：　　　　　　　　　　日期：　　　　年　　月　　日"
_TWIPS_PER_CM = 1440 / 2.54
_LATIN, _FANGSONG, _SONG = "Times New Roman", "仿宋", "宋体"
_DECISIONS = {"approve": "同意公开", "reject": "不同意公开", "needs-changes": "修改后重新报审", "pass": "同意公开"}
# characters XML 1.0 cannot hold; scanned text may contain them
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _x(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _date(iso: str | None) -> str:
    return iso[:10] if iso else ""


def _fonts(element: Any, east_asia: str) -> None:
    """Latin and East Asian fonts in one rPr: Word and LibreOffice pick the
    East Asian font for Chinese only when ``w:eastAsia`` is set."""
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:ascii"), _LATIN)
    fonts.set(qn("w:hAnsi"), _LATIN)
    fonts.set(qn("w:eastAsia"), east_asia)


def _set_page(doc: DocxDocument) -> None:
    """A4 and 仿宋 10.5 pt as the document defaults."""
    section = doc.sections[0]
    for name, cm in _PAGE.items():
        setattr(section, name, Cm(cm))
    style = doc.styles["Normal"]
    style.font.size = Pt(10.5)
    _fonts(style.element, _FANGSONG)


@functools.cache
def _run_properties(font: str, size: float | None, bold: bool) -> BaseOxmlElement:
    """The ``w:rPr`` of a run, built once per kind and copied into each run
    (python-docx's setters look every child up by XPath: a third of the time
    of a batch of forms)."""
    rpr = OxmlElement("w:rPr")
    fonts = OxmlElement("w:rFonts", {qn("w:ascii"): _LATIN, qn("w:hAnsi"): _LATIN, qn("w:eastAsia"): font})
    rpr.append(fonts)
    if bold:
        rpr.append(OxmlElement("w:b"))
    if size:
        for tag in ("w:sz", "w:szCs"):
            rpr.append(OxmlElement(tag, {qn("w:val"): str(round(size * 2))}))
    return rpr


def _write(paragraph: Paragraph, text: str, font: str = _FANGSONG, size: float | None = None,
           bold: bool = False) -> Run:
    run = paragraph.add_run(_x(text))
    run._r.insert(0, copy.deepcopy(_run_properties(font, size, bold)))
    return run


@functools.cache
def _row_template(widths_cm: tuple[float, ...], spans: tuple[int, ...]) -> BaseOxmlElement:
    """An empty ``w:tr`` whose cells span ``spans`` grid columns of the given
    widths (what ``add_row`` and ``merge`` make, built once and copied)."""
    tr = OxmlElement("w:tr")
    col = 0
    for span in spans:
        tc_pr = OxmlElement("w:tcPr")
        twips = round(sum(widths_cm[col:col + span]) * _TWIPS_PER_CM)
        tc_pr.append(OxmlElement("w:tcW", {qn("w:w"): str(twips), qn("w:type"): "dxa"}))
        if span > 1:
            tc_pr.append(OxmlElement("w:gridSpan", {qn("w:val"): str(span)}))
        tc = OxmlElement("w:tc")
        tc.append(tc_pr)
        tc.append(OxmlElement("w:p"))
        tr.append(tc)
        col += span
    return tr


def _add_row(table: Table, widths_cm: tuple[float, ...], spans: tuple[int, ...] | None = None
             ) -> tuple[_Row, list[_Cell]]:
    tr = copy.deepcopy(_row_template(widths_cm, spans or (1,) * len(widths_cm)))
    table._tbl.append(tr)
    return _Row(tr, table), [_Cell(tc, table) for tc in tr.tc_lst]


class _Page(BlockItemContainer):
    """One form's paragraphs and tables, built in a detached ``w:body`` so
    that nothing python-docx does while filling it walks the whole document."""

    def __init__(self, doc: DocxDocument, width: Emu, grid_style: str | None) -> None:
        self.body = OxmlElement("w:body")
        super().__init__(self.body, doc)
        self.width, self.grid_style = width, grid_style

    def grid(self, widths_cm: tuple[float, ...]) -> Table:
        """A bordered table with fixed column widths (what ``add_table`` and
        ``style = "Table Grid"`` make, with the style id looked up once per
        document instead of once per table).  Rows added later take their
        cell widths from the grid."""
        tbl = CT_Tbl.new_tbl(0, len(widths_cm), self.width)
        tbl.tblStyle_val = self.grid_style
        for col, cm in zip(tbl.tblGrid.gridCol_lst, widths_cm):
            col.w = Cm(cm)
        self.body.append(tbl)
        table = Table(tbl, self)
        table.autofit = False
        return table


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
        self.width = Emu(Cm(_PAGE["page_width"] - _PAGE["left_margin"] - _PAGE["right_margin"]))
        self.grid_style = doc.part.get_style_id("Table Grid", WD_STYLE_TYPE.TABLE)  # type: ignore[no-untyped-call]
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


def _cell(cell: _Cell, text: str, bold: bool = False, size: float | None = None) -> None:
    """Fill a new cell's paragraph; lines of ``text`` become line breaks."""
    paragraph = cell.paragraphs[0]
    for n, line in enumerate(text.split("\n")):
        run = _write(paragraph, line, bold=bold, size=size)
        if n:
            run._element.addprevious(OxmlElement("w:br"))


def _info(page: _Page, rows: list[tuple[str, ...]]) -> None:
    """The item's facts: ``(label, value)`` spans the row, ``(label, value,
    label, value)`` fills both halves."""
    table = page.grid(INFO_WIDTHS)
    for row in rows:
        _, cells = _add_row(table, INFO_WIDTHS, (1, 3) if len(row) == 2 else None)
        for n, text in enumerate(row):
            _cell(cells[n], text, bold=n % 2 == 0, size=8 if row[0] == "SHA-256" and n else None)


def _opinion(page: _Page, table: Table, label: str, lines: list[str]) -> None:
    row, (name, body) = _add_row(table, OPINION_WIDTHS)
    row.height, row.height_rule = Cm(OPINION_HEIGHT_CM), WD_ROW_HEIGHT_RULE.AT_LEAST
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))   # a box and its signature stay on one page
    _cell(name, label, bold=True)
    name.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    body.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
    first = body.paragraphs[0]
    for n, line in enumerate(lines):
        _write(first if n == 0 else body.add_paragraph(), line)
    sign = body.add_paragraph()
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    sign.paragraph_format.space_before = Pt(18)
    _write(sign, SIGN_LINE)


def _opinions(record: ReviewRecord | None) -> dict[str, list[str]]:
    """What the store recorded for each opinion box; typed names are not
    signatures, so the signing line stays blank in every box."""
    out: dict[str, list[str]] = {name: [] for name in OPINION_ROWS}
    if record and record.decisions:
        decision, opinion, reviewer, when = record.decisions[-1]
        out["保密审查意见"] = [opinion, (f"（审查结论：{_DECISIONS.get(decision, decision)}；"
                                         f"审查人 {reviewer}，{_date(when)}）")]
    if record and record.approved_by:
        out["分管领导审批意见"] = [*([record.approval_opinion] if record.approval_opinion else []),
                              f"（已批准公开：{record.approved_by}，{_date(record.approved_at)}）"]
    return out


class DocxFormReporter(BufferedReporter):
    """Writes the document, sorted by verdict, in ``finish``."""

    def finish(self, summary: Summary) -> None:
        doc = Document()
        _set_page(doc)
        doc.core_properties.title = "保密审查单"
        ordered = in_verdict_order(self.results)
        members = members_by_parent(ordered)
        if not ordered:
            _write(doc.add_paragraph(), "没有项目。")
        pages = _Pages(doc)
        for n, result in enumerate(ordered, 1):
            record = self.options.review_lookup(result.sha256) if self.options.review_lookup and result.sha256 else None
            with pages.page() as page:
                self._form(page, result, record, members.get(result.item, []), n, len(ordered))
        _write(doc.add_paragraph(), "所用词库：" + ("；".join(lexicon_line(i, zh=True) for i in self.options.lexicons) or "无"))
        buf = io.BytesIO()
        doc.save(buf)
        self.out.write(buf.getvalue())
        self.out.flush()

    def _lang(self, value: str, rule: str | None = None) -> str:
        return reason_in_lang(value, self.options.lang, rule) if rule else in_lang(value, self.options.lang)

    def _form(self, page: _Page, r: ItemResult, record: ReviewRecord | None, members: list[ItemResult],
              n: int, total: int) -> None:
        title = page.add_paragraph()
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _write(title, "保密审查单", font=_SONG, size=22, bold=True)
        note = page.add_paragraph()
        note.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _write(note, f"第 {n} 项，共 {total} 项（preclear 扫描生成）", size=9)

        extraction = EXTRACTION_LABELS.get(r.extraction.value, r.extraction.value)
        if r.errors:
            extraction += "：" + "；".join(self._lang(e) for e in r.errors)
        verdict = f"{VERDICT_LABELS.get(r.verdict.value, r.verdict.value)}（{r.verdict.value}），得分 {r.score:g}"
        origin = verdict_from_members(r, members)
        size = "" if r.size is None else f"{r.size} 字节"
        rows: list[tuple[str, ...]] = [
            ("事项名称", r.item), ("拟公开渠道/方式", ""),
            ("承办部门", "", "经办人", (record.submitter or "") if record else ""),
            ("报审日期", _date(record.submitted_at) if record else "", "格式/大小", f"{r.format}，{size}" if size else r.format),
            ("SHA-256", r.sha256 or "")]
        if r.parent:
            rows.append(("所在压缩包", r.parent))
        rows += [("读取情况", extraction), ("扫描结论", verdict + (f"\n{origin}" if origin else ""))]
        _info(page, rows)

        heading = page.add_paragraph()
        heading.paragraph_format.space_before = Pt(6)
        _write(heading, f"审查发现（{len(r.findings)} 项）", font=_SONG, bold=True, size=12)
        if r.findings:
            self._findings(page, r)
        else:
            _write(page.add_paragraph(), "扫描未发现问题。扫描结论不替代人工审查。")

        table = page.grid(OPINION_WIDTHS)
        for label, lines in _opinions(record).items():
            _opinion(page, table, label, lines)

    def _findings(self, page: _Page, r: ItemResult) -> None:
        lang = self.options.lang
        widths = FINDING_WIDTHS[lang]
        table = page.grid(widths)
        reason_size, basis_size = _REASON_SIZE[lang]
        header, cells = _add_row(table, widths)
        header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))   # repeated on every page the table spans
        for cell, name in zip(cells, FINDING_COLUMNS):
            _cell(cell, name, bold=True)
        for i, f in enumerate(r.findings, 1):
            ex = excerpt(f, self.options.mask)
            _, cells = _add_row(table, widths)
            _cell(cells[0], str(i))
            _cell(cells[1], part_label(f.part))
            _cell(cells[2], f.level or "—")
            _cell(cells[3], category_label(f.category).split(" (")[0])
            _write(cells[3].add_paragraph(), f.rule, size=7)
            content = cells[4].paragraphs[0]
            _write(content, ex.before)
            if ex.match:
                match = _write(content, ex.match, bold=True)
                match.font.highlight_color = WD_COLOR_INDEX.YELLOW
            _write(content, ex.after)
            note = suppression_note(self.options.suppression(r, f))
            _cell(cells[5], self._lang(f.reason, f.rule) + (f"\n{note}" if note else ""), size=reason_size)
            _cell(cells[6], self._lang(f.basis), size=basis_size)
