"""A 密级 field filled by ticking one of its printed choices (密级：□绝密 ☑机密 □秘密, in a text, a Word form's
check-box content controls, a Word table's cell, a sheet's row), a thesis cover's spellings of the field
(密级＿机密＿＿, 密级__机密__, Security Classification（密级）：机密, 【密级】机密), and a notice's head mark typed
with a slip (机密级★5年, 机密（5年）, 5年★机密, 机密⏎★5年): each was clear (red-team run, F1, F10, F17, F18).
Their near-misses (a blank form, ☑公开, bullets, a quiz, a product's rating, a template's blank, a heading with
nothing after it, prose listing the levels) stay clear.  Files are written to a folder and scanned by the command."""
from __future__ import annotations

import io
import time

import pytest

from .conftest import scan_folder

HEAD = "科研项目信息表\n项目名称：某型号预研\n"
NOTICE = "\n关于召开2026年度工作会议的通知\n各处室：\n定于下周一召开年度工作会议，请准时参加。\n"

# name -> (text, rule, level, the finding's text); each was clear before (checked with the installed old wheel)
FOUND = {
    "ballot-box.txt": (HEAD + "密级：□绝密 ☑机密 □秘密\n负责人：李四\n", "mark.form-field", "机密", "☑机密"),
    "black-square.txt": (HEAD + "密级：□绝密 ■机密 □秘密\n", "mark.form-field", "机密", "■机密"),
    "check-mark.txt": (HEAD + "密级：□绝密 √机密 □秘密\n", "mark.form-field", "机密", "√机密"),
    "ballot-x.txt": (HEAD + "密级：□绝密 ☒机密 □秘密\n", "mark.form-field", "机密", "☒机密"),
    "radio.txt": (HEAD + "密级：○绝密 ●机密 ○秘密\n", "mark.form-field", "机密", "●机密"),
    "space-after-box.txt": (HEAD + "密级：□ 绝密  ☑ 机密  □ 秘密\n", "mark.form-field", "机密", "☑ 机密"),
    "wingdings.txt": (HEAD + "密级：\uf0a8绝密 \uf0fe机密 \uf0a8秘密\n", "mark.form-field", "机密", "\uf0fe机密"),
    "task-list.md": (HEAD + "密级：[ ] 绝密 [x] 秘密 [ ] 机密\n", "mark.form-field", "秘密", "[x] 秘密"),
    "label-line-before.txt": (HEAD + "密级\n□绝密  ☑机密  □秘密\n", "mark.form-field", "机密", "☑机密"),
    "note-in-label.txt": (HEAD + "密级（请在□内打√）：□绝密 ☑秘密 □机密\n", "mark.form-field", "秘密", "☑秘密"),
    "underscores-full.txt": ("分类号＿TP391＿＿ 密级＿机密＿＿ 编号＿＿＿＿\n硕士学位论文\n", "mark.form-field", "机密",
                             "密级＿机密"),
    "underscores-ascii.txt": ("分类号__TP391__ 密级__机密__ 编号________\n硕士学位论文\n", "mark.form-field", "机密",
                              "密级__机密"),
    "label-english.txt": ("论文题目：某方法研究\nSecurity Classification（密级）：机密\n", "mark.form-field", "机密",
                          "密级）：机密"),
    "label-bracketed.txt": ("【密级】机密\n【项目名称】某型号预研\n", "mark.form-field", "机密", "密级】机密"),
    "ji-before-star.txt": ("机密级★5年" + NOTICE, "mark.state-secret", "机密", "机密级★5年"),
    "period-in-brackets.txt": ("机密（5年）" + NOTICE, "mark.state-secret", "机密", "机密（5年）"),
    "swapped.txt": ("5年★机密" + NOTICE, "mark.level-line", "机密", "5年★机密"),
    "star-next-line.txt": ("机密\n★5年" + NOTICE, "mark.state-secret", "机密", "机密\n★5年"),
}

CLEAR = {
    "blank-form.txt": HEAD + "密级：□绝密 □机密 □秘密\n负责人：李四\n",
    "public-ticked.txt": HEAD + "密级：☑公开 □秘密 □机密\n",
    "bullets.txt": HEAD + "密级：●绝密 ●机密 ●秘密\n",
    "work-secret-ticked.txt": HEAD + "密级：□ 绝密 ■ 工作秘密 □ 秘密\n",
    "quiz.txt": "试题\n以下哪个是最高密级？□绝密 ☑机密 □秘密\n",
    "rated-for.txt": "产品说明\n适用密级：□绝密 ☑机密 □秘密\n",
    "no-label.txt": "说明\n☑机密文件 □秘密\n",
    "prose.txt": "第一行\n第二行\n第三行\n国家秘密的密级分为绝密、机密、秘密三级。\n",
    "template-blank.txt": "分类号________ 密级________ 编号________\n硕士学位论文\n",
    "heading-alone.txt": "【密级】\n本项目的密级由主管部门确定。\n",
    "identifier.txt": "第一行\n第二行\n第三行\n变量名 密级_机密 表示一个常量。\n",
    "ji-mention.txt": "第一行\n第二行\n第三行\n本单位机密级文件由专人管理。\n",
    "periods-table.txt": "第一行\n第二行\n第三行\n保密期限对照：\n绝密\n30年\n机密\n20年\n",
}


def _docx_checkboxes() -> bytes:
    """A Word form whose 密级 choices are check-box content controls, 机密's ticked (its glyph ☒)."""
    from docx import Document
    from docx.oxml import parse_xml

    w14 = "http://schemas.microsoft.com/office/word/2010/wordml"
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    doc = Document()
    paragraph = doc.add_paragraph("密级：")
    for level, ticked in (("绝密", False), ("机密", True), ("秘密", False)):
        glyph = "☒" if ticked else "☐"
        paragraph._p.append(parse_xml(
            f'<w:sdt xmlns:w="{w}" xmlns:w14="{w14}"><w:sdtPr><w14:checkbox><w14:checked w14:val="{int(ticked)}"/>'
            f'<w14:checkedState w14:val="2612" w14:font="MS Gothic"/><w14:uncheckedState w14:val="2610" '
            f'w14:font="MS Gothic"/></w14:checkbox></w:sdtPr><w:sdtContent><w:r><w:t>{glyph}</w:t></w:r>'
            f"</w:sdtContent></w:sdt>"))
        paragraph.add_run(f"{level}  ")
    doc.add_paragraph("科研项目信息表")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _docx_table(cell: str) -> bytes:
    """A Word form's table: 项目名称 | 某型号预研, 密级 | ``cell``."""
    from docx import Document

    doc = Document()
    doc.add_paragraph("科研项目信息表")
    table = doc.add_table(rows=2, cols=2)
    for row, (label, value) in zip(table.rows, (("项目名称", "某型号预研"), ("密级", cell))):
        row.cells[0].text, row.cells[1].text = label, value
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _xlsx_row(*cells: str) -> bytes:
    """A sheet: 项目名称 | 某型号预研, then ``cells`` as a row."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["项目名称", "某型号预研"])
    sheet.append(list(cells))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ticked")
    files = {name: text.encode() for name, (text, *_) in FOUND.items()}
    files |= {name: text.encode() for name, text in CLEAR.items()}
    files |= {
        "checkboxes.docx": _docx_checkboxes(),
        "table-ticked.docx": _docx_table("□绝密  ☑机密  □秘密"),
        "table-blank.docx": _docx_table("□绝密  □机密  □秘密"),
        "row-ticked.xlsx": _xlsx_row("密级", "□绝密", "☑机密", "□秘密"),
        "row-blank.xlsx": _xlsx_row("密级", "□绝密", "□机密", "□秘密"),
        "row-public.xlsx": _xlsx_row("密级", "☑公开", "□秘密", "□机密"),
    }
    return scan_folder(folder, files)


@pytest.mark.parametrize("name", sorted(FOUND))
def test_found(scanned, name):
    _, rule, level, text = FOUND[name]
    verdict, findings = scanned[name]
    assert verdict == ("review" if rule == "mark.level-line" else "block")
    assert [(f["rule"], f["level"], f["text"]) for f in findings if f["category"] == "mark"] == [(rule, level, text)]


@pytest.mark.parametrize("name", ["checkboxes.docx", "table-ticked.docx", "row-ticked.xlsx"])
def test_ticked_in_office_forms(scanned, name):
    verdict, findings = scanned[name]
    assert verdict == "block"
    marks = [(f["rule"], f["level"], f["details"].get("label")) for f in findings if f["category"] == "mark"]
    assert marks == [("mark.form-field", "机密", "ticked-choice")]


@pytest.mark.parametrize("name", sorted(CLEAR) + ["table-blank.docx", "row-blank.xlsx", "row-public.xlsx"])
def test_clear(scanned, name):
    verdict, findings = scanned[name]
    assert verdict == "clear", findings


def test_two_ticked_both_found(tmp_path):
    """A form with 绝密 and 机密 both ticked is a filled form with an error: it blocks, each ticked level found."""
    found = scan_folder(tmp_path, {"two.txt": (HEAD + "密级：☑绝密 ☑机密 □秘密\n").encode()})
    verdict, findings = found["two.txt"]
    assert verdict == "block"
    assert [f["level"] for f in findings] == ["绝密", "机密"]


def test_tick_after_still_blocks(tmp_path):
    """The tick after the level (机密√, 机密（√）) blocked before and still does, now on the ticked level (it was
    found as 密级：绝密, the first choice); a blank form so printed (绝密□ 机密□ 秘密□) blocked on 绝密 and is clear."""
    files = {"after.txt": (HEAD + "密级：绝密□ 机密√ 秘密□\n").encode(),
             "paren.txt": (HEAD + "密级：绝密（ ） 机密（√） 秘密（ ）\n").encode(),
             "blank-after.txt": (HEAD + "密级：绝密□ 机密□ 秘密□\n").encode(),
             "blank-paren.txt": (HEAD + "密级：绝密（ ） 机密（ ） 秘密（ ）\n").encode(),
             "filled.txt": (HEAD + "密级：机密 口径一致\n").encode()}
    found = scan_folder(tmp_path, files)
    assert {name: (verdict, [(f["level"], f["text"]) for f in findings]) for name, (verdict, findings) in found.items()} == {
        "after.txt": ("block", [("机密", "机密√")]), "paren.txt": ("block", [("机密", "机密（√）")]),
        "blank-after.txt": ("clear", []), "blank-paren.txt": ("clear", []),
        "filled.txt": ("block", [("机密", "密级：机密")])}


def test_long_line_of_choices_is_linear():
    """A line of a million characters of ticked choices is read in time growing with its length."""
    from scanner import Engine, ScanConfig, scan_bytes

    engine = Engine(ScanConfig())
    times = []
    for repeat in (20_000, 40_000):
        data = ("密级：" + "□绝密级 ☑机密级 " * repeat + "\n").encode()
        began = time.perf_counter()
        scan_bytes(data, "long.txt", engine=engine)
        times.append(time.perf_counter() - began)
    assert times[1] < 3.5 * times[0] + 0.5


def test_quotations_side_by_side(tmp_path):
    """Marks quoted one after another inside a sentence (如“秘密★1年”“机密★5年”) are each a mention: the second
    blocked, the words beside it being its neighbour's quotes.  Alone on their line, or as a CSV's fields, they
    are values and still block."""
    files = {"recruit.txt": "招聘启事\n岗位：保密员\n要求：熟悉密级标注规范（如“秘密★1年”“机密★5年”），责任心强。\n".encode(),
             "listed.txt": "招聘启事\n要求：熟悉（如“秘密★1年”、“机密★5年”、“绝密★长期”）等标注。\n".encode(),
             "alone.txt": "标题\n第二行\n第三行\n“秘密★1年”“机密★5年”\n".encode(),
             "fields.csv": '"秘密★1年","机密★5年"\n'.encode()}
    found = scan_folder(tmp_path, files)
    assert {name: verdict for name, (verdict, _) in found.items()} == {
        "recruit.txt": "clear", "listed.txt": "clear", "alone.txt": "block", "fields.csv": "block"}


def test_redacted_copies_scan_clean(tmp_path):
    """A redaction covers the ticked choice (☑机密, 机密√, 机密（√）) and the copy re-scans clean."""
    from scanner.cli import main

    texts = {"before.txt": HEAD + "密级：□绝密 ☑机密 □秘密\n", "after.txt": HEAD + "密级：绝密□ 机密√ 秘密□\n",
             "paren.txt": HEAD + "密级：绝密（ ） 机密（√） 秘密（ ）\n", "wrapped.txt": "机密\n★5年" + NOTICE}
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["redact", "--out", str(out), *(str(tmp_path / name) for name in texts)]) == 0
    for name in texts:
        assert "机密" not in (out / name).read_text(encoding="utf-8")
