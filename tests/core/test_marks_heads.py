"""A level a reader sees where marks are put, each clear before (found by the
red-team run): beside other text in a Word header or footer (tab stops, runs
of blanks), on a slide master or layout, in a slide's footer or top-right
box, alone on a line past a document's first three (a cover, an attachment's
head, a page's header or footer printed to PDF, a web article after its
navigation), in brackets opening or closing a title (a text's first line, a
mail's subject, a file's name, a DOCX's title), beside a sheet's title; a
level alone on a line of running text is for a person to check.  A handout
listing the levels blocked, and must not; running text, lists and tables of
levels stay as they were.  Files are made with python-docx, python-pptx and
openpyxl, and printed to PDF by LibreOffice once for the module."""
from __future__ import annotations

import copy
import io
import shutil
import subprocess
import time
from collections.abc import Sequence
from email.message import EmailMessage
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from pptx import Presentation
from pptx.util import Inches

from scanner import scan_bytes

BODY = [f"{n}. 工程总体进展顺利，各项指标按计划完成。" * 3 for n in range(1, 21)]


def _saved(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _marks(data: bytes, name: str) -> tuple[str, list[tuple[str, str, str]]]:
    """The item's verdict and its marks: (rule, part, text)."""
    [result] = scan_bytes(data, name)
    return result.verdict.value, [(f.rule, f.part, f.text) for f in result.findings if f.category == "mark"]


# -- Word -------------------------------------------------------------------------------------------------------

def _word(lines: Sequence[str], header: Sequence[str] = (), footer: Sequence[str] = (), title: str = "") -> bytes:
    document = docx.Document()
    section = document.sections[0]
    for where, texts in ((section.header, header), (section.footer, footer)):
        for n, text in enumerate(texts):
            (where.paragraphs[0] if n == 0 else where.add_paragraph()).text = text
    for line in lines:
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.CENTER if len(line) < 20 else None
    document.core_properties.title = title
    return _saved(document)


REPORT = ["关于某工程建设进展情况的报告", "市委、市政府：", *BODY]
# the level beside other text on its header's or footer's line: tab stops, full-width spaces
BESIDE = {
    "header-unit-tab-level": ("header", "XX研究院科研管理处\t\t机密", "机密"),
    "header-level-tab-number": ("header", "机密\t\t编号：KY-2026-018", "机密"),
    "header-unit-spaces-level": ("header", "XX研究院" + "\u3000" * 12 + "机密", "机密"),
    "footer-level-tab-page": ("footer", "机密\t— 1 —\t", "机密"),
    "footer-page-level": ("footer", "第 1 页 共 3 页\t\t秘密", "秘密"),
}
# the level alone on a line past the first three
COVER = ["XX研究院", "某工程年度总结报告", "（2025年度）", "机密", "二〇二六年一月", *BODY]
ATTACHMENT = ["XX市人民政府办公室关于印发某工程实施方案的通知", "各区县人民政府：", "现将方案印发给你们，请认真贯彻执行。",
              "XX市人民政府办公室", "2026年1月3日", "附件", "机密", "某工程实施方案", "一、总体要求", *BODY[:5]]
FOUR_LINE_HEADER = ["XX研究院", "科研管理处", "KY-2026-018", "机密"]


# -- PowerPoint -------------------------------------------------------------------------------------------------

def _box(shapes_owner, text: str, x: float = 8.5, y: float = 0.1) -> None:
    """A text box on a master or a layout (python-pptx adds none there): made on a scratch slide, moved."""
    scratch = Presentation()
    box = scratch.slides.add_slide(scratch.slide_layouts[6]).shapes.add_textbox(Inches(x), Inches(y), Inches(1.2),
                                                                               Inches(0.4))
    box.text_frame.text = text
    element = copy.deepcopy(box._element)
    element.nvSpPr.cNvPr.id = 99
    shapes_owner.shapes._spTree.append(element)


def _deck(where: str) -> bytes:
    """A title slide (title, a two-line subtitle) and two content slides, 机密 ``where``."""
    deck = Presentation()
    if where == "master":
        _box(deck.slide_masters[0], "机密")
    if where == "layout":
        _box(deck.slide_layouts[1], "机密")
    title = deck.slides.add_slide(deck.slide_layouts[0])
    title.shapes.title.text = "关于某工程建设进展情况的汇报"
    title.placeholders[1].text = "XX研究院\n2026年1月"
    if where == "title-slide":  # added last, at the top right
        title.shapes.add_textbox(Inches(8), Inches(0.2), Inches(1.5), Inches(0.5)).text_frame.text = "机密"
    for heading in ("一、总体进展", "二、存在问题"):
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = heading
        slide.placeholders[1].text = "工程总体进展顺利\n关键节点按期完成\n下步工作安排"
        if where == "footer":  # the content slides only, as 不在标题幻灯片中显示 leaves the title slide without
            slide.shapes.add_textbox(Inches(8.5), Inches(7), Inches(1.2), Inches(0.4)).text_frame.text = "机密"
    return _saved(deck)


# -- Excel ------------------------------------------------------------------------------------------------------

def _progress_sheet(first_row: list[str | None], merged: str = "", footer: str = "") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "进度表"
    if first_row:
        sheet.append(first_row)
    if merged:
        sheet.merge_cells(merged)
    sheet.append(["序号", "项目名称", "负责单位", "进度"])
    for n in range(1, 6):
        sheet.append([n, f"某工程子项{n}", "XX研究所", "80%"])
    if footer:
        sheet.oddFooter.center.text = footer
    return _saved(book)


TITLE_ROW = ["2025年度某工程进度统计表", None, None, "机密"]


# -- LibreOffice's prints, made once --------------------------------------------------------------------------

PRINTED = {
    "header-unit-tab-level.docx": lambda: _word(REPORT, header=[BESIDE["header-unit-tab-level"][1]]),
    "footer-level-tab-page.docx": lambda: _word(REPORT, footer=[BESIDE["footer-level-tab-page"][1]]),
    "cover.docx": lambda: _word(COVER),
    "footer-bare.docx": lambda: _word(REPORT, footer=["机密"]),
    "four-line-header.docx": lambda: _word(REPORT, header=FOUR_LINE_HEADER),
    "footer.pptx": lambda: _deck("footer"),
    "title-slide.pptx": lambda: _deck("title-slide"),
}


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """name -> the file printed to PDF by LibreOffice (one soffice call, its own profile), and
    ``title-row.ods``: the merged title row's book saved by LibreOffice Calc."""
    assert shutil.which("soffice"), ("LibreOffice not found: apt-get install libreoffice-writer-nogui "
                                     "libreoffice-calc-nogui libreoffice-impress-nogui (see .ci/run)")
    work = tmp_path_factory.mktemp("printed")
    for name, make in PRINTED.items():
        (work / name).write_bytes(make())
    (work / "title-row.xlsx").write_bytes(_progress_sheet(TITLE_ROW, merged="A1:C1"))
    profile = f"-env:UserInstallation={(work / 'profile').as_uri()}"
    for fmt, names in (("pdf", list(PRINTED)), ("ods", ["title-row.xlsx"])):
        subprocess.run(["soffice", profile, "--headless", "--convert-to", fmt, "--outdir", str(work / "out"),
                        *(str(work / name) for name in names)], check=True, capture_output=True, timeout=300)
    return {path.name: path.read_bytes() for path in (work / "out").iterdir()}


def _printed_marks(printed: dict[str, bytes], source: str) -> tuple[str, list[tuple[str, str, str]]]:
    name = Path(source).with_suffix(".pdf").name
    return _marks(printed[name], name)


# where a level may be a mark or an ordinary word (a chapter's 秘密, an answer at a page's foot), a person checks:
# the review rule, not a block (found by a second reader)
REVIEW = ("review", "mark.level-line")


# -- 1. beside other text on a header's or footer's line --------------------------------------------------------

@pytest.mark.parametrize("name", BESIDE)
def test_a_level_beside_other_text_in_a_header_or_footer_is_found(name: str) -> None:
    """Normalising drops the tab stops and spaces between Han characters
    (XX研究院科研管理处机密), so the level was alone on no line: the original
    text's breaks make it a field of its own, which blocks; 秘密 so is for a
    person to check (a novel's header 秘密<tab>张三 著)."""
    where, line, level = BESIDE[name]
    data = _word(REPORT, header=[line] if where == "header" else [], footer=[line] if where == "footer" else [])
    verdict, rule = ("block", "mark.bare-level") if level != "秘密" else REVIEW
    assert _marks(data, f"{name}.docx") == (verdict, [(rule, where, level)])


@pytest.mark.parametrize("source", ["header-unit-tab-level.docx", "footer-level-tab-page.docx"])
def test_a_level_beside_other_text_in_a_printed_header_or_footer_is_for_review(printed: dict[str, bytes],
                                                                                source: str) -> None:
    """Printed, the tab stops are a blank in the page's text (XX 研究院科研管理处 机密, 机密 — 1 —), as
    pdfium reads any gap: the page's first line and its last, its header and footer, on every page."""
    verdict, marks = _printed_marks(printed, source)
    assert verdict == "review"
    assert {(rule, text) for rule, _, text in marks} == {("mark.level-line", "机密")}
    assert "page:1" in {part for _, part, _ in marks}


# -- 2. slides -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("where, parts, found", [("master", ["master"], ("block", "mark.bare-level")),
                                                 ("layout", ["master"], ("block", "mark.bare-level")),
                                                 ("footer", ["slide:2", "slide:3"], REVIEW),
                                                 ("title-slide", ["slide:1"], REVIEW)])
def test_a_level_on_a_slide_master_or_in_a_slides_band_is_found(where: str, parts: list[str],
                                                                found: tuple[str, str]) -> None:
    """What masters and layouts hold is on every slide, as a header: it
    blocks; a slide's footer box and its top-right box follow its title and
    subtitle in its text, past its first three lines: a person checks."""
    verdict, rule = found
    assert _marks(_deck(where), f"{where}.pptx") == (verdict, [(rule, part, "机密") for part in parts])


@pytest.mark.parametrize("source, parts", [("footer.pptx", ["page:2", "page:3"]), ("title-slide.pptx", ["page:1"])])
def test_a_printed_slides_level_is_for_review(printed: dict[str, bytes], source: str, parts: list[str]) -> None:
    assert _printed_marks(printed, source) == ("review", [("mark.level-line", part, "机密") for part in parts])


# -- 3. alone on a line past the first three -----------------------------------------------------------------------

def test_a_covers_level_is_for_review() -> None:
    """Unit, title, （2025年度）, 机密, date: the level on the fourth of the lines before the text."""
    assert _marks(_word(COVER), "cover.docx") == ("review", [("mark.level-line", "body", "机密")])


def test_an_attachments_level_blocks() -> None:
    """附件 / 机密 / the attachment's title, past the notice's own head."""
    [result] = scan_bytes(_word(ATTACHMENT), "notice.docx")
    [mark] = result.findings
    assert (result.verdict.value, mark.rule, mark.part, mark.text) == ("block", "mark.bare-level", "body", "机密")
    assert dict(mark.details)["place"] == "attachment"


@pytest.mark.parametrize("source", ["cover.docx", "footer-bare.docx", "four-line-header.docx"])
def test_a_printed_pages_level_alone_in_its_header_or_footer_band_is_for_review(printed: dict[str, bytes],
                                                                                 source: str) -> None:
    """The DOCX's footer and four-line header blocked as such; printed, they
    are a page's last line and its fourth, past the three head lines, where
    an exam's answer stands as often: a person checks."""
    verdict, marks = _printed_marks(printed, source)
    assert verdict == "review"
    assert {(rule, text) for rule, _, text in marks} == {("mark.level-line", "机密")}
    assert "page:1" in {part for _, part, _ in marks}


def test_a_web_articles_level_after_its_navigation_is_for_review() -> None:
    page = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>关于某工程实施方案的通知_XX市人民政府</title></head>"
            "<body><div class='nav'><a href='/'>首页</a> <a href='/zw'>政务公开</a> <a href='/tz'>通知公告</a></div>"
            "<div class='crumb'>当前位置：首页 &gt; 通知公告</div><div class='article'><h1>关于某工程实施方案的通知</h1>"
            "<p style='text-align:right'>机密</p><p>各区县人民政府：</p><p>现将方案印发给你们。</p></div></body></html>")
    assert _marks(page.encode(), "article.html") == ("review", [("mark.level-line", "body", "机密")])


def test_a_level_alone_on_a_line_of_running_text_is_for_review() -> None:
    """Past the head and the opening lines, between paragraphs: no mark that
    blocks, but no longer passed over either."""
    lines = ["关于某工程建设进展情况的报告", "市委、市政府：", *BODY[:5], "机密", *BODY[5:10]]
    [result] = scan_bytes(_word(lines), "report.docx")
    assert (result.verdict.value, [(f.rule, f.severity.value, f.text) for f in result.findings]) == (
        "review", [("mark.level-line", "review", "机密")])


# -- 4. in brackets opening or closing a title ---------------------------------------------------------------------

def _mail(subject: str) -> bytes:
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = subject, "a@example.gov.cn", "b@example.gov.cn"
    message.set_content("请查收附件。")
    return bytes(message)


@pytest.mark.parametrize("data, name, part", [
    ("【机密】关于某工程设计方案的通知\n\n各单位：\n现将方案印发。\n".encode(), "notice.txt", "body"),
    ("某工程设计方案（机密）\n\n一、设计依据\n".encode(), "plan.txt", "body"),
    (_mail("【机密】某工程设计方案"), "plan.eml", "headers"),
    ("请查收。\n".encode(), "【机密】某工程设计方案.txt", "file-name"),
    (_word(["某工程设计方案", "一、设计依据"], title="【机密】某工程设计方案"), "plan.docx", "properties:title"),
], ids=["first-line", "title-suffix", "mail-subject", "file-name", "docx-title"])
def test_a_bracketed_level_opening_or_closing_a_title_is_for_review(data: bytes, name: str, part: str) -> None:
    """A headline's 【秘密】 is a teaser as often as a mark: a person checks."""
    assert _marks(data, name) == ("review", [("mark.level-line", part, "机密")])


# -- 5. beside a sheet's title -------------------------------------------------------------------------------------

@pytest.mark.parametrize("first_row, merged, footer, part, found", [
    (TITLE_ROW, "A1:C1", "", "sheet:进度表", REVIEW),
    (["机密", "2025年度某工程进度统计表"], "", "", "sheet:进度表", REVIEW),
    ([], "", "机密  第&P页 共&N页", "footer", ("block", "mark.bare-level")),
], ids=["title-then-level", "level-then-title", "page-footer"])
def test_a_level_beside_a_sheets_title_is_found(first_row: list[str | None], merged: str, footer: str,
                                                part: str, found: tuple[str, str]) -> None:
    """The first row's cells are read between tabs, which normalising drops
    between Han characters: a person checks the first row's level, the page
    footer's blocks as a header's does."""
    verdict, rule = found
    assert _marks(_progress_sheet(first_row, merged, footer), "progress.xlsx") == (verdict, [(rule, part, "机密")])


def test_a_level_beside_a_sheets_title_saved_by_calc_is_for_review(printed: dict[str, bytes]) -> None:
    assert _marks(printed["title-row.ods"], "progress.ods") == ("review", [("mark.level-line", "sheet:进度表", "机密")])


# -- 6. a list of the levels at the head -----------------------------------------------------------------------------

def test_a_handout_listing_the_levels_is_clear() -> None:
    """保密期限对照表 / 密级 / 绝密 / 机密 / 秘密: 绝密 on the third line was a
    bare level at the head (block); its neighbours are levels, a list."""
    assert _marks("保密期限对照表\n\n密级\n绝密\n机密\n秘密\n".encode(), "handout.txt") == ("clear", [])
    assert _marks(_word(["保密期限对照表", "绝密", "机密", "秘密", "以上为国家秘密的三个密级。"]), "handout.docx") == (
        "clear", [])


# -- what is no mark, before and after ---------------------------------------------------------------------------

def test_a_level_inside_a_word_is_no_mark() -> None:
    """机密 as part of a word, in a header beside its unit's name and in the running text under it."""
    data = _word(["关于加强机密载体管理的通知", "各单位：", "科研机密的保护关系到单位的发展。", "机密文件应当妥善保管。"],
                 header=["XX研究院\t\t机密载体管理办公室"], footer=["科研机密\t\t第 1 页"])
    assert _marks(data, "notice.docx") == ("clear", [])


def test_a_regulation_listing_the_levels_one_a_line_is_clear() -> None:
    data = _word(["中华人民共和国保守国家秘密法（节选）", "第一章 总则", "第一条 为了保守国家秘密，制定本法。",
                  "第十三条 国家秘密的密级分为：", "绝密", "机密", "秘密", "第十四条 机关、单位对所产生的国家秘密事项，应当确定密级。"])
    assert _marks(data, "law.docx") == ("clear", [])


def test_a_table_of_levels_and_periods_is_clear() -> None:
    """In a Word table a cell a line (绝密 / 三十年 / 机密 / …), with or without a 密级 header, and in a text."""
    for header in (["密级", "保密期限"], ["级别", "最长期限"]):
        document = docx.Document()
        document.add_paragraph("国家秘密的保密期限")
        rows = [header, ["绝密", "三十年"], ["机密", "二十年"], ["秘密", "十年"]]
        table = document.add_table(rows=len(rows), cols=2)
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                table.cell(r, c).text = value
        document.add_paragraph("保密期限届满的，自行解密。")
        assert _marks(_saved(document), "periods.docx") == ("clear", [])
    assert _marks("绝密  三十年\n机密  二十年\n秘密  十年\n".encode(), "periods.txt") == ("clear", [])


@pytest.mark.parametrize("text", [
    "关于文件管理的说明\n本文件（机密）由定密责任人确定，不得擅自公开。\n",
    "国家秘密的密级分为（绝密）（机密）（秘密）三级\n",
    "【绝密】【机密】【秘密】是三个等级的写法\n",
])
def test_a_bracketed_level_in_running_text_is_no_mark(text: str) -> None:
    assert _marks(text.encode(), "note.txt") == ("clear", [])


def test_a_registers_row_at_the_head_is_no_mark() -> None:
    """A sheet's first rows listing files, a level in one of them: a record's value, not the sheet's mark."""
    book = openpyxl.Workbook()
    for row in (["序号", "文件名称", "等级"], [1, "某工程设计方案", "机密"], [2, "年度工作总结", None]):
        book.active.append(row)
    assert _marks(_saved(book), "register.xlsx") == ("clear", [])


# -- linear time ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "甲" * 1_000_000 + "机密，" * 40_000,  # running text after a long start
    "机密 " * 40_000 + "甲" * 1_000_000,
])
def test_levels_on_one_long_line_are_read_in_linear_time(text: str) -> None:
    """Each hit copied its line (and looked for its ends again): 40,000
    levels on a line of a million characters more took 10-17 s, and grew
    with the square of the line's length.  The bound is far above what it
    takes now."""
    started = time.process_time()
    [result] = scan_bytes(text.encode(), "long.txt")
    assert time.process_time() - started < 5
    assert result.verdict.value == "clear"


@pytest.mark.parametrize("data, name", [
    ("小说连载\n\n第十章　秘密\n\n　　她终于知道了那个秘密。\n".encode(), "novel.txt"),
    ("秘密　　文／李华\n\n　　那年夏天，我们在河边发现了一只受伤的白鹭。\n".encode(), "essay.txt"),
    (_word(["　　她终于知道了那个秘密。"] * 3, header=["秘密\t\t张三 著"]), "novel.docx"),
    ("【秘密】这个小区的业主都不知道的停车技巧\n\n　　停车难是很多小区的老问题。\n".encode(), "post.txt"),
], ids=["chapter", "byline", "novel-header", "headline"])
def test_an_ordinary_secret_beside_a_title_is_for_review_not_blocked(data: bytes, name: str) -> None:
    """秘密 is an everyday word: a chapter's, an essay's, a novel's header, a
    headline's teaser.  Read as a field of its own or a bracketed title, it
    blocked (found by a second reader): a person checks it instead."""
    verdict, marks = _marks(data, name)
    assert verdict == "review" and {rule for rule, _, _ in marks} == {"mark.level-line"}
