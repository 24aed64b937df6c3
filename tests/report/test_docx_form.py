"""The DOCX 审查单 reopens with python-docx: A4, 仿宋/宋体 in every run, the
fields units use with room to sign, columns sized to their content, every
finding in its table, store data filled in; and LibreOffice renders it to a
PDF whose text (pdftotext) keeps labels and legal bases whole."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.oxml.ns import qn
from docx.shared import Cm

from scanner.lang import in_lang, part_label
from scanner.report import ReportOptions
from scanner.report.docx_form import FINDING_WIDTHS, OPINION_ROWS, SIGN_LINE
from scanner.rules import reason_in_lang
from scanner.types import Finding, ItemResult, ReviewRecord, Severity, Verdict

LABELS = ("事项名称", "拟公开渠道/方式", "承办部门", "经办人", "审查发现", *OPINION_ROWS)


def forms(data: bytes) -> tuple[docx.document.Document, list[str]]:
    doc = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return doc, cells


def info(table: docx.table.Table) -> dict[str, str]:
    """A facts table as label -> value (both halves of split rows)."""
    out = {}
    for row in table.rows:
        cells = row.cells
        out[cells[0].text] = cells[1].text
        if cells[2]._tc is not cells[1]._tc:
            out[cells[2].text] = cells[3].text
    return out


def tables_by_section(doc: docx.document.Document) -> list[list[docx.table.Table]]:
    """The tables of each section, in one pass over the body (a paragraph
    holding ``w:sectPr`` ends a section)."""
    sections: list[list[docx.table.Table]] = [[]]
    for block in doc.element.body.iterchildren(qn("w:p"), qn("w:tbl")):
        if block.tag == qn("w:tbl"):
            sections[-1].append(docx.table.Table(block, doc))
        elif block.xpath("./w:pPr/w:sectPr"):
            sections.append([])
    return sections


def kind(table: docx.table.Table) -> str:
    return table.rows[0].cells[0].text


def test_a4_pages_in_the_official_document_layout(results, rendered):
    doc, cells = forms(rendered("docx", results))
    assert len(doc.sections) == len(results)
    for s in doc.sections:
        assert abs(s.page_width - Cm(21.0)) < Cm(0.01) and abs(s.page_height - Cm(29.7)) < Cm(0.01)
        assert abs(s.left_margin - Cm(2.8)) < Cm(0.01) and abs(s.right_margin - Cm(2.6)) < Cm(0.01)
    assert all(s.start_type == WD_SECTION.NEW_PAGE for s in doc.sections[1:])
    text = [p.text for p in doc.paragraphs]
    assert text.count("保密审查单") == len(results)
    assert sum(t.startswith("审查发现（") for t in text) == len(results)
    for label in LABELS[:4]:
        assert cells.count(label) == len(results), label


def test_every_run_names_a_chinese_font(results, rendered):
    doc, _ = forms(rendered("docx", results))
    runs = doc.element.body.iter(qn("w:r"))
    east_asia = {r.find(qn("w:rPr")).find(qn("w:rFonts")).get(qn("w:eastAsia")) for r in runs}
    assert east_asia == {"仿宋", "宋体"}
    title = next(p for p in doc.paragraphs if p.text == "保密审查单").runs[0]
    assert title._element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体" and title.bold
    normal = doc.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == "仿宋"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_finding_columns_are_sized_to_their_content(results, rendered, lang):
    doc, _ = forms(rendered("docx", results, ReportOptions(lang=lang)))
    table = next(t for t in doc.tables if kind(t) == "序号")
    grid = [round(col.w / 360000, 2) for col in table._tbl.tblGrid.gridCol_lst]
    assert grid == list(FINDING_WIDTHS[lang]) and abs(sum(grid) - 15.6) < 0.01
    assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    for row in table.rows:
        assert [round(c.width / 360000, 2) for c in row.cells] == grid
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    # the basis column is wider than the number column: not equal columns
    assert grid[6] > 1.5 * grid[0]


def test_opinion_boxes_leave_room_to_sign_and_date(results, rendered):
    doc, _ = forms(rendered("docx", results))
    boxes = [t for t in doc.tables if kind(t) == OPINION_ROWS[0]]
    assert len(boxes) == len(results)
    for table in boxes:
        assert [r.cells[0].text for r in table.rows] == list(OPINION_ROWS)
        for row in table.rows:
            assert row.height_rule == WD_ROW_HEIGHT_RULE.AT_LEAST and row.height >= Cm(3)
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None
            assert row.cells[1].paragraphs[-1].text == SIGN_LINE


def test_every_finding_in_the_report_language(results, rendered):
    for lang in ("zh", "en"):
        doc, cells = forms(rendered("docx", results, ReportOptions(lang=lang)))
        for r in results:
            for f in r.findings:
                assert not f.context or any(f.context in c for c in cells), f.context
                assert any(c.endswith("\n" + f.rule) for c in cells), f.rule
                assert reason_in_lang(f.reason, lang, f.rule) in cells and in_lang(f.basis, lang) in cells
                assert part_label(f.part) in cells
    facts = [info(t) for t in doc.tables if kind(t) == "事项名称"]
    assert facts[0]["事项名称"] == "2026/通知.docx" and facts[0]["扫描结论"] == "禁止公开（block），得分 100"
    assert facts[0]["SHA-256"] == "a" * 64 and facts[0]["格式/大小"] == "docx，18231 字节"
    assert facts[0]["拟公开渠道/方式"] == "" and facts[0]["承办部门"] == "" and facts[0]["经办人"] == ""
    broken = next(f for f in facts if f["事项名称"] == "broken.pdf")
    assert broken["读取情况"] == "无法读取：extract: PDF is encrypted"
    bundle = next(f for f in facts if f["事项名称"] == "bundle.zip")
    assert bundle["扫描结论"].startswith("未发现问题")


def test_highlighted_match_in_findings_table(results, rendered):
    doc, _ = forms(rendered("docx", results))
    findings_table = next(t for t in doc.tables if kind(t) == "序号")
    content = findings_table.rows[1].cells[4].paragraphs[0]
    bold = [run.text for run in content.runs if run.bold]
    assert bold == ["机密★5年"] and content.text == "000123\n机密★5年\n特急"


def test_store_fills_submitter_opinion_and_leader(results, rendered):
    record = ReviewRecord(sha256="a" * 64, status="approved", submitter="王科员",
                          submitted_at="2026-11-01T08:30:00Z",
                          decisions=(("needs-changes", "删除密级标志后再报", "李审查", "2026-11-01T10:00:00Z"),
                                     ("approve", "已删除密级标志，同意公开", "李审查", "2026-11-03T09:00:00Z")),
                          approved_by="张主任", approved_at="2026-11-04T16:00:00Z")
    doc, _ = forms(rendered("docx", results, ReportOptions(review_lookup={record.sha256: record}.get)))
    facts = info(next(t for t in doc.tables if kind(t) == "事项名称"))
    assert facts["经办人"] == "王科员" and facts["报审日期"] == "2026-11-01"
    box = next(t for t in doc.tables if kind(t) == OPINION_ROWS[0])
    opinions = {r.cells[0].text: r.cells[1].text for r in box.rows}
    assert opinions["承办部门意见"] == "\n" + SIGN_LINE   # an empty box to write in
    assert opinions["保密审查意见"] == ("已删除密级标志，同意公开\n（审查结论：同意公开；审查人 李审查，2026-11-03）\n"
                                  + SIGN_LINE)
    assert opinions["分管领导审批意见"] == "（已批准公开：张主任，2026-11-04）\n" + SIGN_LINE


def test_the_leaders_written_opinion_fills_its_box(results, rendered):
    record = ReviewRecord(sha256="a" * 64, status="approved", submitter="王科员",
                          decisions=(("approve", "不涉密，同意公开", "李审查", "2026-11-03T09:00:00Z"),),
                          approved_by="张主任", approved_at="2026-11-04T16:00:00Z",
                          approval_opinion="同意在门户网站公开")
    doc, _ = forms(rendered("docx", results, ReportOptions(review_lookup={record.sha256: record}.get)))
    box = next(t for t in doc.tables if kind(t) == OPINION_ROWS[0])
    opinions = {r.cells[0].text: r.cells[1].text for r in box.rows}
    assert opinions["分管领导审批意见"] == "同意在门户网站公开\n（已批准公开：张主任，2026-11-04）\n" + SIGN_LINE


def test_mask_and_control_characters(rendered):
    f = Finding(rule="mark.state-secret", category="mark", level="秘密", part="body", start=0, end=5,
                text="秘密★1年", context="\x00\x0b秘密★1年\x1f", reason="state-secret mark", basis="b",
                severity=Severity.BLOCK, score=100.0, fingerprint="0" * 32)
    r = ItemResult(item="x\x01.txt", sha256="0" * 64, size=10, format="text", verdict=Verdict.BLOCK,
                   score=100.0, findings=(f,))
    _, cells = forms(rendered("docx", [r]))
    assert "\ufffd\ufffd秘密★1年\ufffd" in cells and "x\ufffd.txt" in cells
    _, masked = forms(rendered("docx", [r], ReportOptions(mask=True)))
    assert "[秘密/mark] 秘密★**" in masked and not any("秘密★1年" in c for c in masked)


def test_empty_batch(rendered):
    doc, _ = forms(rendered("docx", []))
    assert [p.text for p in doc.paragraphs] == ["没有项目。", "所用词库：无"]


def test_large_batch_keeps_one_section_per_item_with_its_findings(rendered):
    """Forms are built off the document and moved in; a big batch must still
    give each item its own section holding exactly its own findings."""
    verdicts = (Verdict.BLOCK, Verdict.REVIEW, Verdict.CLEAR)
    results = []
    for i in range(300):
        found = tuple(
            Finding(rule=f"lexicon.unit-{i}-{k}", category="secret-point", level="秘密", part=f"page:{k}",
                    start=2, end=8, text=f"天枢-{i}-{k}", context=f"关于天枢-{i}-{k}工程", reason=f"reason {i}/{k}",
                    basis="b", severity=Severity.BLOCK, score=90.0, fingerprint=f"{i:016d}{k:016d}")
            for k in range(i % 4))
        results.append(ItemResult(item=f"batch/{i:03d}.txt", sha256=f"{i:064x}", size=i, format="text",
                                  verdict=verdicts[0] if found else verdicts[i % 3], score=90.0 if found else 0.0,
                                  findings=found))
    by_name = {r.item: r for r in results}

    doc = docx.Document(io.BytesIO(rendered("docx", results, ReportOptions(lang="en"))))
    assert len(doc.sections) == len(tables_by_section(doc)) == len(results)
    seen = []
    for tables in tables_by_section(doc):
        name = info(next(t for t in tables if kind(t) == "事项名称"))["事项名称"]
        seen.append(name)
        expected = by_name[name].findings
        rows = [row.cells for t in tables if kind(t) == "序号" for row in t.rows[1:]]
        assert [(c[1].text, c[4].text, c[5].text) for c in rows] == [
            (part_label(f.part), f.context, f.reason) for f in expected]
        assert sum(1 for t in tables if kind(t) == OPINION_ROWS[0]) == 1
    assert sorted(seen) == sorted(by_name)


@pytest.fixture(scope="module")
def to_pdf(tmp_path_factory):
    """DOCX bytes -> PDF made by LibreOffice -> (pdfinfo, pdftotext) output."""
    assert shutil.which("soffice") and shutil.which("pdftotext"), \
        "needs libreoffice-writer-nogui and poppler-utils (see .ci/run)"
    work = tmp_path_factory.mktemp("form-pdf")

    def convert(data: bytes, name: str) -> tuple[str, str]:
        source = work / f"{name}.docx"
        source.write_bytes(data)
        subprocess.run(["soffice", f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(work), str(source)],
                       check=True, capture_output=True, timeout=180)
        pdf = Path(work / f"{name}.pdf")
        meta = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
        text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
        return meta, text
    return convert


def test_libreoffice_renders_a4_with_labels_and_bases_whole(results, rendered, to_pdf):
    meta, text = to_pdf(rendered("docx", results), "zh")
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", meta), meta
    lines = set(text.splitlines())
    for label in LABELS:
        assert any(line.startswith(label) for line in lines), label
    assert text.count("签字：") == 3 * len(results)
    flat = re.sub(r"\s+", "", text)
    assert "《国家秘密定密管理暂行规定》第二十四条" in flat and "Provisional" not in text


def test_libreoffice_keeps_english_words_whole(results, rendered, to_pdf):
    _, text = to_pdf(rendered("docx", results, ReportOptions(lang="en")), "en")
    words = set(re.findall(r"[A-Za-z]+", text))
    assert {"Provisional", "Classification", "Implementing", "Regulations"} <= words
    assert not {"Provision", "Classifica", "Implement"} & words
