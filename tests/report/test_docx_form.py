"""The DOCX 审查单 reopens with python-docx: one section per item, every
finding in its table, store data filled in, blanks left to sign by hand."""
from __future__ import annotations

import io

import docx
from docx.enum.section import WD_SECTION
from docx.oxml.ns import qn

from scanner.report import ReportOptions
from scanner.types import Finding, ItemResult, ReviewRecord, Severity, Verdict


def forms(data: bytes) -> tuple[docx.document.Document, list[str]]:
    doc = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return doc, cells


def fields(doc: docx.document.Document) -> list[dict[str, str]]:
    """Each two-column table as name -> value."""
    return [{row.cells[0].text: row.cells[1].text for row in t.rows} for t in doc.tables if len(t.columns) == 2]


def tables_by_section(doc: docx.document.Document) -> list[list[docx.table.Table]]:
    """The tables of each section, in one pass over the body (a paragraph
    holding ``w:sectPr`` ends a section; Section.iter_inner_content rescans
    the body for every section)."""
    sections: list[list[docx.table.Table]] = [[]]
    for block in doc.element.body.iterchildren(qn("w:p"), qn("w:tbl")):
        if block.tag == qn("w:tbl"):
            sections[-1].append(docx.table.Table(block, doc))
        elif block.xpath("./w:pPr/w:sectPr"):
            sections.append([])
    return sections


def test_one_form_per_item_with_every_finding(results, rendered):
    doc, cells = forms(rendered("docx", results))
    assert len(doc.sections) == len(results)
    assert all(s.start_type == WD_SECTION.NEW_PAGE for s in doc.sections[1:])
    assert [p.text for p in doc.paragraphs].count("保密审查单") == len(results)
    for r in results:
        for f in r.findings:
            assert not f.context or any(f.context in c for c in cells), f.context
            assert any(c.endswith("\n" + f.rule) for c in cells), f.rule
            assert f.reason in cells and f.basis in cells
    heads = [f for f in fields(doc) if "项目名称" in f]
    # sorted by verdict: the blocked item first
    assert heads[0]["项目名称"] == "2026/通知.docx" and heads[0]["扫描结论"] == "禁止公开（block），得分 100"
    assert heads[0]["SHA-256"] == "a" * 64 and heads[0]["大小"] == "18231 字节"
    broken = next(h for h in heads if h["项目名称"] == "broken.pdf")
    assert broken["读取情况"] == "无法读取：extract: PDF is encrypted"
    # no store: the people and dates are blank, for signing by hand
    signing = [f for f in fields(doc) if "审查意见" in f]
    assert len(signing) == len(results)
    assert all(f["审查人（签字）"] == "" and f["审批领导（签字）"] == "" and heads[0]["提交人"] == "" for f in signing)


def test_highlighted_match_in_findings_table(results, rendered):
    doc, _ = forms(rendered("docx", results))
    findings_table = next(t for t in doc.tables if t.rows[0].cells[0].text == "序号")
    content = findings_table.rows[1].cells[4].paragraphs[0]
    bold = [run.text for run in content.runs if run.bold]
    assert bold == ["机密★5年"] and content.text == "000123\n机密★5年\n特急"


def test_store_fills_submitter_opinion_and_leader(results, rendered):
    record = ReviewRecord(sha256="a" * 64, status="approved", submitter="王科员",
                          submitted_at="2026-11-01T08:30:00Z",
                          decisions=(("needs-changes", "删除密级标志后再报", "李审查", "2026-11-01T10:00:00Z"),
                                     ("pass", "已删除密级标志，同意公开", "李审查", "2026-11-03T09:00:00Z")),
                          approved_by="张主任", approved_at="2026-11-04T16:00:00Z")
    doc, _ = forms(rendered("docx", results, ReportOptions(review_lookup={record.sha256: record}.get)))
    head, signing = fields(doc)[0], fields(doc)[1]
    assert head["提交人"] == "王科员" and head["提交日期"] == "2026-11-01"
    assert signing == {"审查意见": "已删除密级标志，同意公开", "审查人（签字）": "李审查", "审查日期": "2026-11-03",
                       "审批领导（签字）": "张主任", "审批日期": "2026-11-04"}


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
    assert [p.text for p in doc.paragraphs] == ["没有项目。"]


def test_large_batch_keeps_one_section_per_item_with_its_findings(rendered):
    """Forms are built off the document and moved in; a big batch must still
    give each item its own section holding exactly its own findings."""
    verdicts = (Verdict.BLOCK, Verdict.REVIEW, Verdict.CLEAR)
    results = []
    for i in range(400):
        found = tuple(
            Finding(rule=f"lexicon.unit-{i}-{k}", category="secret-point", level="秘密", part=f"page-{k}",
                    start=2, end=8, text=f"天枢-{i}-{k}", context=f"关于天枢-{i}-{k}工程", reason=f"reason {i}/{k}",
                    basis="b", severity=Severity.BLOCK, score=90.0, fingerprint=f"{i:016d}{k:016d}")
            for k in range(i % 4))
        results.append(ItemResult(item=f"batch/{i:03d}.txt", sha256=f"{i:064x}", size=i, format="text",
                                  verdict=verdicts[0] if found else verdicts[i % 3], score=90.0 if found else 0.0,
                                  findings=found))
    by_name = {r.item: r for r in results}

    doc = docx.Document(io.BytesIO(rendered("docx", results)))
    assert len(doc.sections) == len(tables_by_section(doc)) == len(results)
    assert all(s.start_type == WD_SECTION.NEW_PAGE for s in doc.sections[1:])
    seen = []
    for tables in tables_by_section(doc):
        head = next(t for t in tables if t.rows[0].cells[0].text == "项目名称")
        name = head.rows[0].cells[1].text
        seen.append(name)
        expected = by_name[name].findings
        rows = [row.cells for t in tables if t.rows[0].cells[0].text == "序号" for row in t.rows[1:]]
        assert [(c[1].text, c[4].text, c[5].text) for c in rows] == [(f.part, f.context, f.reason) for f in expected]
        assert sum(1 for t in tables if t.rows[0].cells[0].text == "审查意见") == 1
    assert sorted(seen) == sorted(by_name)
