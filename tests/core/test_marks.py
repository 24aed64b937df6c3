"""Every mark form and evasion, with exact spans in the original text, and
the mentions that must not be marks."""
import pytest

MARKS = [
    # (text, expected span text, level, details subset)
    ("机密★5年", "机密★5年", "机密", {"form": "period", "period_years": 5}),
    ("秘密★一年", "秘密★一年", "秘密", {"period_years": 1}),
    ("机密★十年", "机密★十年", "机密", {"period_years": 10}),
    ("绝密★二十年", "绝密★二十年", "绝密", {"period_years": 20}),
    ("绝密★三十年", "绝密★三十年", "绝密", {"period_years": 30}),
    ("秘密★6个月", "秘密★6个月", "秘密", {"period_months": 6}),
    ("秘密★六个月", "秘密★六个月", "秘密", {"period_months": 6}),
    ("绝密★长期", "绝密★长期", "绝密", {"long_term": True}),
    ("机密★2030年12月31日", "机密★2030年12月31日", "机密", {"form": "decrypt-time", "decrypt_date": "2030-12-31"}),
    ("秘密★2027.6.30", "秘密★2027.6.30", "秘密", {"decrypt_date": "2027-06-30"}),
    ("秘密★二〇二八年三月一日解密", "秘密★二〇二八年三月一日解密", "秘密", {"decrypt_date": "2028-03-01"}),
    ("机密★工程验收后解密", "机密★工程验收后解密", "机密", {"form": "condition", "condition": "工程验收后解密"}),
    ("绝密★启用前", "绝密★启用前", "绝密", {"condition": "启用前"}),
    ("密级：秘密", "密级：秘密", "秘密", {"form": "form-field"}),
    ("密级: 机密", "密级: 机密", "机密", {"form": "form-field"}),
    ("密级：机密★10年", "密级：机密★10年", "机密", {"period_years": 10, "field": True}),
    # evasions
    ("機密★5年", "機密★5年", "机密", {"period_years": 5}),
    ("机 密★5年", "机 密★5年", "机密", {"period_years": 5}),
    ("机\u200b密★5年", "机\u200b密★5年", "机密", {"period_years": 5}),
    ("机密 ★ 5年", "机密 ★ 5年", "机密", {"period_years": 5}),
    ("秘密★１年", "秘密★１年", "秘密", {"period_years": 1}),
    ("秘密☆1年", "秘密☆1年", "秘密", {"period_years": 1}),
    ("秘密＊1年", "秘密＊1年", "秘密", {"period_years": 1}),
    ("秘密*1年", "秘密*1年", "秘密", {"period_years": 1}),
    ("秘密※1年", "秘密※1年", "秘密", {"period_years": 1}),
    ("秘密⭐1年", "秘密⭐1年", "秘密", {"period_years": 1}),
    ("祕密\u3000★\u2060一年", "祕密\u3000★\u2060一年", "秘密", {"period_years": 1}),
]


@pytest.mark.parametrize("mark, span, level, details", MARKS)
def test_mark_forms_have_exact_spans(scan, mark, span, level, details):
    text = f"000123\n{mark}\n特急\n\n关于某项工作的通知\n"
    result = scan(text)
    marks = [f for f in result.findings if f.category == "mark"]
    assert len(marks) == 1, result.findings
    f = marks[0]
    assert result.verdict.value == "block"
    assert (f.start, f.end) == (7, 7 + len(span))
    assert text[f.start:f.end] == f.text == span
    assert f.level == level
    assert details.items() <= dict(f.details).items()


def test_mark_in_running_text_still_blocks(scan):
    result = scan("本文件定为机密★5年，请妥善保管。")
    assert result.verdict.value == "block"
    assert result.findings[0].text == "机密★5年"


def test_bare_level_at_head_and_not_in_body(scan):
    head = scan("机密\n关于某项工作的通知\n正文。")
    assert [(f.rule, f.start, f.end) for f in head.findings] == [("mark.bare-level", 0, 2)]
    # past the head, in running text, a level alone on a line is no mark that blocks, but a person checks it
    # (a cover's fourth line, an attachment's head were clear: found by the red-team run)
    deep = scan("第一段。\n第二段。\n第三段。\n第四段。\n机密\n")
    assert deep.verdict.value == "review"
    assert [(f.rule, f.severity.value) for f in deep.findings] == [("mark.level-line", "review")]


@pytest.mark.parametrize("head", [
    "000123\t机密",  # a sheet's first row: the copy number's cell, the level's
    "份号：000123    机密",
    "000123,机密",  # a CSV's
    "机密\u3000特急",
    "000123\t机密\t加急",
    "份号：000123\t特急\t机密",
])
def test_bare_level_beside_the_copy_number_or_urgency_at_the_head(scan, head):
    """Normalising drops the blanks between the cells (GB/T 9704's 份号, 密级, 紧急程度), so the level was
    not alone on its line, and the file was clear."""
    result = scan(f"{head}\n关于某项工作的通知\n正文。")
    assert [(f.rule, f.text) for f in result.findings] == [("mark.bare-level", "机密")]
    assert dict(result.findings[0].details)["beside"] == "head-element"


@pytest.mark.parametrize("text", [
    "绝密\t3\n机密\t5\n秘密\t12\n",  # a table of levels and their counts
    "2024年涉密文件统计\n密级\t数量\n机密\t5\n",
    "机密文件 000123\n关于某项工作的通知\n",
    # tables of levels: codes, counts (found by a second reader)
    "代码,密级\n001,绝密\n002,机密\n003,秘密\n",
    "001 机密\n002 秘密\n003 绝密\n",
    "密级,件数\n绝密,120000\n机密,350000\n秘密,990000\n",
    "机密 007\n关于特工题材电影的影评。\n",  # a number after the level: a film's, a date, a postcode
    "机密 202401\n正文。\n",
    "秘密 100086\n正文。\n",
    "第一段。\n第二段。\n第三段。\n第四段。\n000123\t机密\n",  # not at the head
])
def test_a_level_beside_other_cells_is_no_bare_mark(scan, text):
    assert not [f for f in scan(text).findings if f.rule == "mark.bare-level"]


def test_bare_level_in_a_header_part_counts_anywhere(engine):
    from scanner.pipeline import find_in_text

    findings = find_in_text(engine, "第一行\n第二行\n第三行\n第四行\n绝密", part="header")
    assert [(f.rule, f.level) for f in findings] == [("mark.bare-level", "绝密")]


@pytest.mark.parametrize("text", [
    "绝密级国家秘密是最重要的国家秘密。",
    "机密级国家秘密的保密期限不超过二十年。",
    "国家秘密的保密期限，除另有规定外，绝密级不超过三十年。",
    "我们参观了秘密花园。",
    "信息系统应当保障数据的机密性。",
    "读者评价 ★★★★☆",
    "机密★★★",
    "标注“机密★5年”的文件应当妥善保管。",
    "密级：公开",
    "各单位应当明确密级和保密期限。",
    "涉及国家秘密的，应当标明密级。",
])
def test_mentions_are_not_marks(scan, text):
    result = scan(text)
    assert [f for f in result.findings if f.category == "mark"] == []


@pytest.mark.parametrize("text", [
    'the file marked "机密★5年" must be kept safe',
    "他说“机密★5年”的材料已经归档。",
    "文件标为「秘密★1年」。",
])
def test_a_quotation_in_a_sentence_is_a_mention(scan, text):
    assert [f for f in scan(text).findings if f.category == "mark"] == []


@pytest.mark.parametrize("text", [
    '"机密★5年","关于年度预算的说明"',  # a CSV field
    '{"title": "通知", "level": "机密★5年"}',  # a JSON value
    'var level = "机密★5年";',  # a script's string
    '"机密★5年"',  # a quoted value alone on its line
    "（“机密★5年”）",  # quoted inside brackets, nothing beside them
])
def test_quotes_with_only_syntax_beside_them_hold_a_value_not_a_quotation(scan, text):
    """Found by the red-team run: each was cleared as a 'quoted mention'."""
    assert [f.rule for f in scan(text).findings if f.category == "mark"] == ["mark.state-secret"]


@pytest.mark.parametrize("text, span, label", [
    ("第一段。\n第二段。\n第三段。\n第四段。\n密级\n机密\n正文。\n", "密级\n机密", "line-before"),  # a form's cells in turn
    ("第一段。\n第二段。\n第三段。\n第四段。\n【密级】：\n\n机密\n", "密级】：\n\n机密", "line-before"),
    ("第一段。\n第二段。\n第三段。\n第四段。\n密级\n机密\n公开属性\n不予公开\n", "密级\n机密", "line-before"),
    ("文件名称\t密级\t份数\n某方案\t机密\t1\n", "机密", "column-header"),  # a one-row form
    ("文件名称\t密级\n某方案\t\n某报告\t机 密\n", "机 密", "column-header"),  # a blank cell passed over
])
def test_a_level_under_or_after_its_classification_label_is_a_form_field(scan, text, span, label):
    """Found by a second reader: 密级 above and 机密 below was read as a
    value, a mark only as a bare line at the head of the text."""
    [f] = [f for f in scan(text).findings if f.category == "mark"]
    assert (f.rule, f.level, dict(f.details)["label"]) == ("mark.form-field", "机密", label)
    assert text[f.start:f.end] == f.text == span


@pytest.mark.parametrize("text", [
    "第一段。\n第二段。\n第三段。\n第四段。\n密级\n绝密\n机密\n秘密\n",  # the levels listed under a heading
    "第一段。\n第二段。\n第三段。\n第四段。\n密级\n机密\n秘密\n公开\n",
    "第一段。\n第二段。\n第三段。\n第四段。\n密级\n秘密\n内部\n公开\n",  # a filter's values, not only levels
    "第一段。\n第二段。\n第三段。\n第四段。\n密级\n机密\n非密\n",
    "密级\t件数\n绝密\t3\n机密\t5\n秘密\t9\n",  # a table of the levels, not their values
    "序号\t文件名称\t密级\n1\t某报告\t公开\n2\t某方案\t机密\n",  # a register: each row another file's level
    "序号\t密级\t备注\n1\t公开\t机密\n",  # a level in another column
    "序号\t密级\n1\t公开\n附表\n序号\t数量\n1\t机密\n",  # a column under another header
])
def test_levels_that_are_no_classification_fields_value(scan, text):
    assert [f for f in scan(text).findings if f.category == "mark"] == []


def test_explain_lists_dropped_mentions(engine):
    from scanner import ScanConfig, scan_bytes

    explaining = type(engine)(ScanConfig(explain=True))
    result = scan_bytes("绝密级国家秘密".encode(), "a.txt", engine=explaining)[0]
    assert result.verdict.value == "clear"
    assert any("绝密级" in d for d in result.dropped)
    assert "dropped" in result.to_dict(explain=True)


def test_public_law_that_discusses_levels_and_marks_is_clear():
    """False-positive check on public text: the law itself names levels,
    periods, work secrets, quotes a mark example, and must be publishable."""
    from pathlib import Path

    from scanner import ScanConfig, scan_bytes
    from scanner.engine import Engine

    data = (Path(__file__).parent / "data" / "public-law-excerpt.txt").read_bytes()
    result = scan_bytes(data, "law.txt", engine=Engine(ScanConfig(explain=True)))[0]
    assert result.verdict.value == "clear", result.findings
    assert sum("names a level in running text" in d for d in result.dropped) == 6
    assert any("quoted inside a sentence" in d for d in result.dropped)


HEAD_MARKS = [
    # (line 2 of a GB/T 9704 head block, span text, level, details subset)
    ("机密★解密条件：项目验收后", "机密★解密条件：项目验收后", "机密", {"form": "head-line"}),
    ("绝密★保密期限：长期", "绝密★保密期限：长期", "绝密", {"form": "head-line"}),
    ("秘密★待定", "秘密★待定", "秘密", {"form": "head-line"}),
    ("秘密 一年", "秘密 一年", "秘密", {"period_years": 1, "star": "missing"}),
    ("★秘密 一年", "★秘密 一年", "秘密", {"period_years": 1, "star": "misplaced"}),
    ("秘密 一年 ★", "秘密 一年 ★", "秘密", {"period_years": 1, "star": "misplaced"}),
    ("机密 5 年", "机密 5 年", "机密", {"period_years": 5, "star": "missing"}),
    ("绝密 长期 ★", "绝密 长期 ★", "绝密", {"long_term": True, "star": "misplaced"}),
]


@pytest.mark.parametrize("mark, span, level, details", HEAD_MARKS)
def test_head_line_marks_block(scan, mark, span, level, details):
    text = f"000123\n{mark}\n特急\n\n关于某项工作的通知\n"
    result = scan(text)
    [f] = [f for f in result.findings if f.category == "mark"]
    assert result.verdict.value == "block"
    assert (f.start, f.end, f.text, f.level) == (7, 7 + len(span), span, level)
    assert details.items() <= dict(f.details).items()


@pytest.mark.parametrize("line", [m[0] for m in HEAD_MARKS])
def test_head_line_forms_in_running_text_are_not_marks(scan, line):
    text = "关于某项工作的通知\n第一段。\n第二段。\n第三段。\n" + line + "\n"
    assert [f for f in scan(text).findings if f.category == "mark"] == []


def test_a_later_page_head_is_not_the_document_head(engine):
    """A mark whose ★ was lost counts on the document's first lines, not on
    a later page's; a table of levels and periods is no mark anywhere."""
    from scanner.pipeline import find_in_text

    def marks(text: str, part: str) -> list[str]:
        return [f.text for f in find_in_text(engine, text, part=part) if f.category == "mark"]

    assert marks("000123\n秘密 一年\n特急\n", "page:1") == ["秘密 一年"]
    assert marks("000123\n秘密 一年\n特急\n", "page:1:layout") == ["秘密 一年"]
    assert marks("000123\n秘密 一年\n特急\n", "page:5") == []
    assert marks("绝密 三十年\n机密 二十年\n秘密 十年\n", "page:1") == []


def test_provisional_rules_prose_on_the_mark_form_is_clear(scan):
    """Art. 24 of the Provisional Rules on Classification Management at the
    head of a published page: it describes 密级★保密期限 in prose."""
    text = ("国家秘密定密管理暂行规定\n"
            "第二十四条　机关、单位对承载国家秘密的纸介质、光介质、电磁介质等载体以及属于国家秘密的设备、产品，"
            "应当做出国家秘密标志。国家秘密标志应当标注密级和保密期限。国家秘密的解密时间或者解密条件明确的，"
            "应当标注解密时间或者解密条件。\n"
            "国家秘密标志形式为“密级★保密期限”、“密级★解密时间”或者“密级★解密条件”。\n"
            "标注密级和保密期限的，例如“秘密★一年”；秘密★字样应当醒目。\n")
    result = scan(text)
    assert result.verdict.value == "clear", result.findings


WINDOWS_LINES = [
    ("机密\r\n关于某项目的通知\r\n", "mark.bare-level", "机密"),
    ("秘密 一年\r\n关于某项目的通知\r\n", "mark.state-secret", "秘密 一年"),
    ("第一段。\r\n第二段。\r\n第三段。\r\n第四段。\r\n密级\r\n机密\r\n正文。\r\n", "mark.form-field", "密级\r\n机密"),
    ("第一段。\r\n第二段。\r\n第三段。\r\n第四段。\r\n【密级】：\r\n\r\n机密\r\n", "mark.form-field", "密级】：\r\n\r\n机密"),
    ("序号\t文件名称\t密级\r\n1\t某方案\t机密\r\n", "mark.form-field", "机密"),
]


@pytest.mark.parametrize("text, rule, span", WINDOWS_LINES)
def test_lines_ending_as_windows_writes_them_are_read_as_lines(scan, text, rule, span):
    """A text saved by Notepad ends its lines \\r\\n: the \\r stayed on the
    line, and a level alone on it, a 密级 label alone on it or a level in the
    last cell of a row was alone on no line (found by a second reader: each
    was cleared; the same with \\n alone was blocked)."""
    assert [(f.rule, f.text) for f in scan(text).findings if f.category == "mark"] == [(rule, span)]
    assert [(f.rule, f.text) for f in scan(text.replace("\r\n", "\n")).findings if f.category == "mark"] == [
        (rule, span.replace("\r\n", "\n"))]


LINE_ENDS = {"cr": "\r", "vt": "\v", "ff": "\f", "fs": "\x1c", "gs": "\x1d", "rs": "\x1e", "nel": "\x85",
             "ls": "\u2028", "ps": "\u2029"}


@pytest.mark.parametrize("end", LINE_ENDS.values(), ids=LINE_ENDS.keys())
@pytest.mark.parametrize("text, rule, span", WINDOWS_LINES)
def test_every_line_end_python_knows_ends_a_line(scan, text, rule, span, end):
    """The other line ends ``str.splitlines`` knows: \\r alone (an old Mac OS
    text, Excel's Macintosh CSV), the form feed pdftotext puts between pages,
    Word's manual line break \\v, the Unicode separators.  Each was read as a
    character on the line, and every one of these texts was cleared."""
    assert [(f.rule, f.text) for f in scan(text.replace("\r\n", end)).findings if f.category == "mark"] == [
        (rule, span.replace("\r\n", end))]


@pytest.mark.parametrize("text", ["内部资料\r\n关于某项目的通知\r\n", "关于某项目的通知\r内部资料\r",
                                  "关于某项目的通知\r\n内部资料\r\n"], ids=["crlf-first", "cr-last", "crlf-last"])
def test_a_work_secret_label_alone_on_a_line_ended_by_a_cr_is_a_label(scan, text):
    """The \\r of \\r\\n (or of a last line ended by \\r alone) was read as
    running text beside the label, and 内部资料 on a line of its own in a
    text Notepad or LibreOffice's text export wrote was cleared (found by a
    second reader)."""
    assert [(f.rule, f.text) for f in scan(text).findings] == [("marker.work-secret", "内部资料")]
    assert [(f.rule, f.text) for f in scan(text.replace("\r\n", "\n").replace("\r", "\n")).findings] == [
        ("marker.work-secret", "内部资料")]



@pytest.mark.parametrize("field, span", [
    ("密级（机密）", "密级（机密"), ("密级：（机密）", "密级：（机密"), ("密级：【机密】", "密级：【机密"),
    ("密级:[机密]", "密级:[机密"), ("密级（必填）：机密", "密级（必填）：机密"), ("密级*：机密", "密级*：机密"),
    ("密级及保密期限：机密", "密级及保密期限：机密"),
])
def test_a_form_field_in_brackets_or_with_a_note(scan, field, span):
    """The value in brackets, or the label with what forms add to it, was no form field: clear."""
    result = scan(f"{field}\n关于某项工作的通知\n正文。")
    assert [(f.rule, f.text) for f in result.findings] == [("mark.form-field", span)]


@pytest.mark.parametrize("text", [
    "密级（绝密/机密/秘密）：\n关于某项工作的通知\n",  # the choices offered, none filled in
    "国家秘密的密级（绝密、机密、秘密）由定密责任人确定。\n",
])
def test_the_levels_a_label_lists_are_no_field(scan, text):
    assert not [f for f in scan(text).findings if f.rule == "mark.form-field"]


def test_a_text_of_many_bare_levels_is_read_in_linear_time():
    """Each level alone on a line asked whether its line is among the
    document's first three by counting every line before it: 10,000 lines
    of 机密 took 15 s, 40,000 four minutes (past an item's time limit: the
    item came back unread).  The head's end is found once per text now (the
    bound is far above what it takes); the first three lines block."""
    import time

    from scanner import scan_bytes

    started = time.process_time()
    result = scan_bytes("机密\n".encode() * 40_000, "levels.txt")[0]
    assert time.process_time() - started < 10
    assert result.verdict.value == "block" and result.extraction == "full"
    assert [(f.rule, f.start) for f in result.findings if f.rule.startswith("mark.")] == [
        ("mark.bare-level", 0), ("mark.bare-level", 3), ("mark.bare-level", 6)]
