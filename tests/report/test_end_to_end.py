"""Reports from a real scan through the CLI (``preclear scan DIR --format F
--output FILE``), and review data from a real review store (``--db``)."""
from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import docx
import jsonschema
import pytest

from scanner.cli import main
from scanner.engine import Engine
from scanner.review import Actor, Workflow, open_store

SCHEMA = json.loads((Path(__file__).parent / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "outgoing"
    root.mkdir()
    (root / "notice.txt").write_bytes("000123\n机密★5年\n特急\n\n关于年度工作的通知\n".encode("gb18030"))
    (root / "public.txt").write_text("关于征求意见稿公开征求意见的公告\n", encoding="utf-8")
    doc = docx.Document()
    doc.add_paragraph("工作方案")
    doc.sections[0].header.paragraphs[0].text = "秘密★1年"
    doc.save(root / "plan.docx")
    with zipfile.ZipFile(root / "bundle.zip", "w") as z:
        z.writestr("docs/draft.txt", "关于调整机构的方案（讨论稿）\n".encode())
    return root


def scan(tree: Path, fmt: str, out: Path, *extra: str) -> bytes:
    assert main(["scan", str(tree), "--format", fmt, "--output", str(out), *extra]) == 2
    return out.read_bytes()


def test_every_format_from_a_real_scan(tree, tmp_path):
    page = scan(tree, "html", tmp_path / "r.html").decode("utf-8")
    assert "<mark>机密★5年</mark>" in page and "<mark>秘密★1年</mark>" in page
    rows = list(csv.DictReader(io.StringIO(scan(tree, "csv", tmp_path / "r.csv").decode("utf-8-sig"))))
    marks = {(r["item"], r["text"]) for r in rows if r["category"] == "mark"}
    assert marks == {("notice.txt", "机密★5年"), ("plan.docx", "秘密★1年")}
    assert any(r["item"] == "bundle.zip!docs/draft.txt" and r["parent"] == "bundle.zip" for r in rows)
    log = json.loads(scan(tree, "sarif", tmp_path / "r.sarif"))
    jsonschema.validators.validator_for(SCHEMA)(SCHEMA).validate(log)
    artifacts = log["runs"][0]["artifacts"]
    member = next(a for a in artifacts if a["properties"]["item"] == "bundle.zip!docs/draft.txt")
    assert artifacts[member["parentIndex"]]["properties"]["item"] == "bundle.zip"
    form = docx.Document(io.BytesIO(scan(tree, "docx", tmp_path / "r.docx")))
    assert len(form.sections) == len({r["item"] for r in rows})
    cells = [c.text for t in form.tables for row in t.rows for c in row.cells]
    assert any("机密★5年" in c for c in cells) and any("秘密★1年" in c for c in cells)


def test_mask_from_the_cli(tree, tmp_path):
    for fmt in ("html", "csv"):
        data = scan(tree, fmt, tmp_path / f"m.{fmt}", "--mask").decode("utf-8-sig")
        assert "机密★5年" not in data and "秘密★1年" not in data and "机密★**" in data


def test_review_store_fills_form_and_suppressions(tree, tmp_path):
    db = str(tmp_path / "review.db")
    store = open_store(db)
    flow = Workflow(store, Engine())
    data = (tree / "notice.txt").read_bytes()
    submitted = flow.submit(data, "notice.txt", "年度工作通知", Actor("王科员"))
    flow.decide(str(submitted.item.item_id), "reject", "含密级标志，删除后再报", Actor("李审查"))
    store.close()

    log = json.loads(scan(tree, "sarif", tmp_path / "r.sarif", "--db", db))
    jsonschema.validators.validator_for(SCHEMA)(SCHEMA).validate(log)
    results = log["runs"][0]["results"]
    notice = [r for r in results if r["properties"]["item"] == "notice.txt"]
    assert notice and all(r["suppressions"][0]["status"] == "rejected" for r in notice)
    assert notice[0]["suppressions"][0]["justification"] == "含密级标志，删除后再报"
    assert all("suppressions" not in r for r in results if r["properties"]["item"] != "notice.txt")

    form = docx.Document(io.BytesIO(scan(tree, "docx", tmp_path / "r.docx", "--db", db)))
    boxes = [{row.cells[0].text: row.cells[-1].text for row in t.rows} for t in form.tables]
    notice_at = next(n for n, b in enumerate(boxes) if b.get("事项名称") == "notice.txt")
    head = form.tables[notice_at].rows
    submitter = next(r.cells[3].text for r in head if r.cells[2].text == "经办人")
    assert submitter == "王科员"
    # each form: the facts, the findings, then the opinion boxes
    opinions = boxes[notice_at + 2]
    assert opinions["保密审查意见"].startswith("含密级标志，删除后再报\n（审查结论：不同意公开；审查人 李审查，")
    assert opinions["分管领导审批意见"].startswith("\n签字：")


def test_a_finding_over_two_lines_is_highlighted_as_its_context_shows_it(tmp_path, capsys, form_docx):
    """A Word form's 密级 | 机密 row is one finding over two lines (密级\\n机密,
    a cell a line); its context shows line breaks as spaces, and the HTML
    and DOCX reports looked for the text with its line break there: the
    context was shown with nothing highlighted (found by a second reader).
    The summary's one line per item stays one line."""
    root = tmp_path / "outgoing"
    root.mkdir()
    (root / "form.docx").write_bytes(form_docx)
    page = scan(root, "html", tmp_path / "r.html", "--summary").decode("utf-8")
    assert "<mark>密级 机密</mark>" in page
    [line] = [line for line in capsys.readouterr().err.splitlines() if "form.docx" in line]
    assert line.endswith("[table] 密级 机密")
    form = docx.Document(io.BytesIO(scan(root, "docx", tmp_path / "r.docx")))
    highlighted = [run.text for t in form.tables for row in t.rows for c in row.cells for p in c.paragraphs
                   for run in p.runs if run.font.highlight_color is not None]
    assert highlighted == ["密级 机密"]
