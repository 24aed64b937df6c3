"""A 密级 label with its level in the next cell of the same row, the cells
divided by a comma, a semicolon or a pipe (密级,机密 in a CSV; | 密级 | 机密 |
in a Markdown page or a text; 密级；机密 typed in a text) is a form's field,
``mark.form-field``, as 密级\\t机密 (a sheet's row) and 密级：机密 are: all were
clear.  So is a 密级 column in a plain text that is a comma- or
semicolon-separated table (a CSV saved as .txt), as the same .csv's was.
A row listing the levels, a search filter, running text, a level inside a
longer cell and a value that is no state secret (公开, 非密, 内部) stay as
they were.  Files are written to a folder and scanned by the command."""
from __future__ import annotations

import time

import pytest
from hypothesis import given, settings, strategies as st

from scanner import Engine, scan_bytes
from scanner.extract import delimited
from scanner.extract.delimited import text_grids

from .conftest import scan_folder

# name -> (text, the form fields found: (level, finding's text)); each was clear before, but 密级：| 机密★5年 |,
# whose 机密★5年 was a mark without its field
FOUND = {
    "label-value.csv": ("项目,内容\n密级,机密\n编号,0001\n", [("机密", "机密")]),
    "pipe.md": ("| 项目 | 内容 |\n|---|---|\n| 密级 | 机密 |\n| 编号 | 0001 |\n", [("机密", "机密")]),
    "pipe.txt": ("| 项目 | 内容 |\n|---|---|\n| 密级 | 机密 |\n| 编号 | 0001 |\n", [("机密", "机密")]),
    "row-of-four.txt": ("| 密级 | 机密 | 编号 | 0001 |\n", [("机密", "机密")]),
    "colon-then-pipe.txt": ("密级：| 机密 |\n", [("机密", "机密")]),
    "semicolon.txt": ("密级;机密\n", [("机密", "机密")]),
    "full-width-semicolon.txt": ("密级；秘密\n", [("秘密", "秘密")]),
    "full-width-comma.txt": ("文件名称，某工程设计方案\n密级，机密\n", [("机密", "机密")]),
    "full-width-pipe.txt": ("文件名称｜某工程设计方案\n密级｜绝密\n", [("绝密", "绝密")]),
    "with-period.txt": ("| 密级： | 机密★5年 |\n", [("机密", "机密★5年")]),
    "bracketed-label.txt": ("| 【密级】 | 绝密 |\n", [("绝密", "绝密")]),
    "qualified-label.csv": ("项目名称,某型号研制\n项目密级,机密\n", [("机密", "机密")]),
    "quoted.csv": ('"文件名称","某工程设计方案"\r\n"密级","秘密"\r\n', [("秘密", "秘密")]),
    "drawn.txt": ("┌──────┬──────┐\n│ 密级 │ 机密 │\n├──────┼──────┤\n│ 编号 │ 0001 │\n└──────┴──────┘\n",
                  [("机密", "机密")]),
    "traditional.txt": ("| 密級 | 機密 |\n", [("机密", "機密")]),
    # cells padded to their columns' width, as a Markdown editor or a console tool lays them out
    "padded.md": ("".join(f"| {a:<24}| {b:<24}|\n" for a, b in [("项目", "内容"), ("-" * 23, "-" * 23), ("密级", "机密")]),
                  [("机密", "机密")]),
    # a CSV saved as a text: its 密级 column, read as the .csv's is
    "comma-table.txt": ("名称,密级,日期\n报告,机密,2024-01-01\n", [("机密", "机密")]),
    "semicolon-table.txt": ("名称;密级;日期\n报告;机密;2024-01-01\n", [("机密", "机密")]),
    "spaced-table.txt": ("报送清单\n\n名称,密级,日期\n\n报告,秘密,2024-01-01\n", [("秘密", "秘密")]),
    # the level with its 级, alone in its cell: a form's value as a Word form's 密级 | 秘密级 is (read as a mention
    # before, found by the red-team run)
    "level-ji.txt": ("密级,机密级\n", [("机密", "机密级")]),
}
# name -> text: no form field, before and after
NO_FIELD = {
    "levels-counted.csv": "密级,绝密,机密,秘密\n件数,1,2,3\n",
    "levels-counted.txt": "| 密级 | 绝密 | 机密 | 秘密 |\n| 件数 | 1 | 2 | 3 |\n",
    "levels-row.txt": "| 密级 | 机密 | 秘密 |\n",
    "search-filter.txt": "密级：| 全部 | 机密 | 秘密 |\n",
    "running-text.txt": "密级分为绝密、机密、秘密三级\n",
    "more-than-a-level.txt": "密级, 机密程度\n",
    "longer-cell.txt": "| 密级 | 机密文件管理办法 |\n",
    "mention.txt": "密级,机密级以上\n",
    "choices.txt": "| 密级 | 绝密/机密/秘密 |\n",
    "rating.txt": "| 型号 | XX-100 |\n| 最高密级 | 机密 |\n",
    "sentence.txt": "本文件的密级,机密,由定密责任人确定\n",
    "public.csv": "密级,公开\n",
    "not-secret.csv": "密级,非密\n",
    "internal.txt": "密级 | 内部\n",
    "public-tab.txt": "密级\t公开\n",
    # a text's commas that make no table: a sentence over a line of as many commas, a register's levels
    "prose.txt": "文件应当标明份号,密级,保密期限。\n国家秘密分为三级:绝密,机密,秘密\n",
    "register.txt": "名称,密级,日期\n甲,公开,2024-01-01\n乙,机密,2024-01-02\n丙,秘密,2024-01-03\n",
    "uneven.txt": "名称,密级,日期\n报告, 第二版,机密,2024-01-01\n",
    # lists of words: a paper's keywords, a page's tags (blocked, found by a second reader)
    "keywords.txt": "关于保密管理的研究\n关键词：保密；密级；机密\n",
    "keywords-md.md": "**关键词**：国家秘密；密级；机密；定密\n",
    "tags.txt": "标签：保密 | 密级 | 机密 | 定密\n",
}


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, list[dict[str, object]]]]:
    """Every case written to one folder and scanned once by ``preclear scan``: name -> (verdict, findings)."""
    texts = {**{name: text for name, (text, _) in FOUND.items()}, **NO_FIELD}
    return scan_folder(tmp_path_factory.mktemp("row_fields"), {name: text.encode() for name, text in texts.items()})


@pytest.mark.parametrize("name", FOUND)
def test_the_level_in_the_next_cell_is_a_form_field(scanned, name: str) -> None:
    verdict, findings = scanned[name]
    assert verdict == "block"
    assert [(f["level"], f["text"]) for f in findings if f["rule"] == "mark.form-field"] == FOUND[name][1]
    assert [f["rule"] for f in findings] == ["mark.form-field"]  # the level is not found again as a mark of its own


def test_the_fields_period_is_carried() -> None:
    """| 密级： | 机密★5年 | is one field with its period, as 密级：机密★5年 is."""
    [finding] = scan_bytes("| 密级： | 机密★5年 |\n".encode(), "form.txt")[0].findings
    assert (finding.rule, finding.text) == ("mark.form-field", "机密★5年")
    assert dict(finding.details) == {"form": "period", "period_years": 5, "field": True, "label": "cell-before"}


@pytest.mark.parametrize("name", NO_FIELD)
def test_what_is_no_row_field_stays_clear(scanned, name: str) -> None:
    verdict, findings = scanned[name]
    assert (verdict, findings) == ("clear", [])


def test_the_value_cells_own_mark_is_still_read() -> None:
    """A row listing a level and a mark after the label is no field, but its mark is one."""
    result = scan_bytes("| 密级 | 秘密 | 机密★5年 |\n".encode(), "levels.txt")[0]
    assert [(f.rule, f.text) for f in result.findings] == [("mark.state-secret", "机密★5年")]


_ENGINE = Engine()
_LABELS = ["密级", "密级：", "【密级】", "项目密级", "文件密级", "密级（必填）", "密级及保密期限"]
_LEVELS = ["绝密", "机密", "秘密"]
_PERIODS = ["", "★", "★5年", "★十年", "★2030年12月31日", "★长期"]
_OTHER_CELLS = ["编号", "0001", "文件名称", "某工程设计方案", "份数", "2", ""]
_SEPARATORS = [",", "，", ";", "；", "|", "｜", "│", "┃", "║"]


@st.composite
def _rows(draw: st.DrawFn, value: st.SearchStrategy[str]) -> tuple[str, str]:
    """(a file's text, its name): a row of cells, the label's and then ``value``'s among them."""
    separator = draw(st.sampled_from(_SEPARATORS))
    cells = [*draw(st.lists(st.sampled_from(_OTHER_CELLS), max_size=2)), draw(st.sampled_from(_LABELS)), draw(value),
             *draw(st.lists(st.sampled_from(_OTHER_CELLS), max_size=2))]
    if separator in ",;" and draw(st.booleans()):
        cells = [f'"{cell}"' for cell in cells]
    pad = draw(st.sampled_from(["", " ", "  "]))
    row = (pad + separator + pad).join(cells)
    if separator not in ",，;；" and draw(st.booleans()):
        row = f"{separator}{pad}{row}{pad}{separator}"
    name = draw(st.sampled_from(["form.txt", "form.csv", "form.md"]))
    return "文件报送单\n" + row + draw(st.sampled_from(["\n", "\r\n", ""])), name


@settings(max_examples=300, deadline=None)
@given(_rows(st.builds(str.__add__, st.sampled_from(_LEVELS), st.sampled_from(_PERIODS))))
def test_a_rows_level_after_its_label_over_any_separator(row: tuple[str, str]) -> None:
    text, name = row
    result = scan_bytes(text.encode(), name, engine=_ENGINE)[0]
    assert result.verdict.value == "block"
    [field] = [f for f in result.findings if f.rule == "mark.form-field"]
    assert field.level in _LEVELS and text.count(field.level) == 1 and field.text.startswith(field.level)


@settings(max_examples=300, deadline=None)
@given(_rows(st.sampled_from(["公开", "非密", "内部", "机密程度", "机密文件", "机密、秘密", "全部", "绝密/机密/秘密",
                              "机密 | 秘密", "机密,秘密", "秘密；机密"])))
def test_no_row_field_without_a_state_secret_level_alone_in_its_cell(row: tuple[str, str]) -> None:
    """No field, over any separator: a value that is no state secret, or more than a level, or a list of the
    levels, whether its values share its cell or take the row's next cells."""
    text, name = row
    result = scan_bytes(text.encode(), name, engine=_ENGINE)[0]
    assert [f for f in result.findings if f.rule == "mark.form-field"] == []


_PIECES = st.sampled_from(["密级", "機密", "甲", ",", ";", '"', "\n", "\r\n", "\n\n", " ", "|", "。", "2024-01-01"])


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=40).map(lambda pieces: "密级," + "".join(pieces)))
def test_a_texts_table_cells_lie_in_the_text_in_order(text: str) -> None:
    """The fields of a text's tables lie in its text, in order, none across a line end, none holding its delimiter
    but between quotes."""
    for grid in text_grids(text):
        cells = [(start, end) for row in grid for _, _, start, end, _ in row]
        assert all(0 <= start <= end <= len(text) and "\n" not in text[start:end] for start, end in cells)
        assert cells == sorted(cells) and len(grid) > 1
        for row in grid:
            assert [column for column, *_ in row] == list(range(len(row)))


def test_a_text_without_the_label_is_not_read_for_tables(monkeypatch) -> None:
    """A text without 密级 (most of a mixed folder's) is not read for a table of fields."""
    def read(*_args: object) -> None:
        raise AssertionError("read for a table")

    monkeypatch.setattr(delimited, "_field_tables", read)
    monkeypatch.setattr(delimited, "_pipe_tables", read)
    assert text_grids("名称,类别,日期\n报告,机密,2024-01-01\n" * 1000) == ()


def test_long_lines_of_cells_are_read_in_linear_time() -> None:
    """Each label's cell and the two after it are read within a few characters of it but for their padding,
    however long the line, and a text of many labelled lines is read for tables once.  密级 and a million spaces
    took the form-field pattern hours to fail (its runs of blanks tried every way to share them)."""
    padded = ("| 密级 " + " " * 100 + "| 机密程度" + " " * 100) * 2000
    for text in ("密级," * 100_000, padded, "密级" + "," * 1_000_000 + "机密", "x" * 1_000_000 + "密级,机密",
                 "| 密级 " + " " * 1_000_000 + "| 机密 |", "密级" + " " * 1_000_000 + "x", " " * 1_000_000 + "密级,机密",
                 "名称,密级,日期\n" * 50_000, "名称,密级" + ",日期" * 200_000 + "\n甲,机密\n"):
        started = time.process_time()
        scan_bytes(text.encode(), "long.txt", engine=_ENGINE)
        assert time.process_time() - started < 10
