"""What a reader of a rendered Markdown file sees of its links: a title (a
tooltip) and a target's address with its percent escapes decoded.  The body
is the file's text as written, so a title that is exactly a mark reads as a
mark quoted beside a word (``org "机密★5年"``, a mention) and an encoded
address not at all: both were cleared (the red-team run)."""
from __future__ import annotations

import urllib.parse

import pytest

from scanner import scan_bytes
from scanner.config import ScanConfig
from scanner.extract import extract

MARK = "机密★5年"


def findings(text: str, encoding: str = "utf-8") -> tuple[str, str, list[tuple[str, str]]]:
    result = scan_bytes(text.encode(encoding), "notes.md")[0]
    return result.verdict.value, result.extraction.value, [(f.rule, f.part) for f in result.findings]


@pytest.mark.parametrize("text", [
    f'参见[通知][ref]。\n\n[ref]: https://example.org/notice "{MARK}"\n',
    f"参见[通知][ref]。\n\n[ref]: https://example.org/notice '{MARK}'\n",
    f'参见[通知](https://example.org/notice "{MARK}")。\n',
    f"参见[通知](https://example.org/notice '{MARK}')。\n",
    f'![印章](seal.png "{MARK}")\n',
    '参见[通知](https://example.org/notice "&#26426;&#23494;&#9733;5&#24180;")。\n',  # a title's references
])
def test_a_link_title_is_read_without_its_quotes(text: str) -> None:
    assert findings(text) == ("block", "full", [("mark.state-secret", "links")])


@pytest.mark.parametrize("text", [
    f"[ref]: https://example.org ({MARK})\n",  # parentheses are not quotes
    f'[ref]: <https://example.org/a notice>\n    "{MARK}"\n',  # a quoted mark alone on its line is a value
])
def test_titles_the_body_found_already_are_titles_too(text: str) -> None:
    assert findings(text)[2] == [("mark.state-secret", "body"), ("mark.state-secret", "links")]


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_percent_encoded_link_target_is_read_decoded(encoding: str) -> None:
    address = "https://example.org/files/" + urllib.parse.quote(MARK.encode(encoding)) + ".pdf"
    assert findings(f"下载[附件]({address})；或复制 <{address}>\n") == (
        "block", "full", [("mark.state-secret", "links"), ("mark.state-secret", "links")])


def test_a_link_target_with_a_stray_byte_keeps_its_utf8() -> None:
    """One escape that is not UTF-8 (a token's ``%FF``) made the whole
    address GB18030's mojibake (鏈哄瘑), its UTF-8 mark cleared: each run
    of escapes is read on its own; one in GB18030 still reads as GB18030."""
    address = f"https://example.org/files/{urllib.parse.quote(MARK)}.pdf?t=%FF"
    assert findings(f"下载[附件]({address})\n") == ("block", "full", [("mark.state-secret", "links")])
    address = f"https://example.org/files/{urllib.parse.quote(MARK.encode('gb18030'))}.pdf?t=%FF"
    assert findings(f"下载[附件]({address})\n") == ("block", "full", [("mark.state-secret", "links")])


def test_links_without_a_mark_stay_clear() -> None:
    text = ('# 说明\n\n参见[通知](https://example.org/%E9%80%9A%E7%9F%A5 "公开的通知")，完成率 100%。\n\n'
            "[ref]: https://example.org/a%20b 'title'\n")
    assert findings(text) == ("clear", "full", [])
    document = extract(text.encode(), "notes.md", ScanConfig().limits)
    assert {part.name: part.text for part in document.parts}["links"] == "公开的通知\ntitle\nhttps://example.org/通知"


@pytest.mark.parametrize("text", [
    "# 通知\n\n此件为&#26426;&#23494;&#9733;5&#24180;，注意保管。\n",  # decimal
    "此件为&#x673A;&#x5BC6;&#x2605;5&#x5E74;\n",  # hexadecimal
    "此件为&#26426;&#23494;&starf;5年 &amp; 其他\n",  # a named reference (the star), beside one to ASCII
])
def test_character_references_in_the_text_are_read_as_rendered(text: str) -> None:
    """A Markdown renderer passes ``&#26426;`` through to HTML, which shows
    机: the body, the text as written, held no mark (the red-team list)."""
    assert findings(text) == ("block", "full", [("mark.state-secret", "references")])


def test_references_to_ascii_and_a_title_s_references_are_not_read_again() -> None:
    text = ('# 说明\n\nA &amp; B &AMP; C&#38;D 完成率 100%。\n\n'
            '参见[通知](https://example.org/notice "&#26426;&#23494;&#9733;5&#24180;")。\n')
    document = extract(text.encode(), "notes.md", ScanConfig().limits)
    assert "references" not in {part.name for part in document.parts}
    assert findings(text) == ("block", "full", [("mark.state-secret", "links")])


@pytest.mark.parametrize("text", [
    '参见[通知](https://example.org/&#x673A;&#x5BC6;&#x2605;5&#x5E74; "标题")。\n',
    "参见[通知][ref]。\n\n[ref]: https://example.org/&#x673A;&#x5BC6;&#x2605;5&#x5E74; '标题'\n",
])
def test_a_target_s_references_are_read_beside_a_title(text: str) -> None:
    """Only the title is left out of ``references``: the whole link after
    the text was, and a target the references spell was read nowhere."""
    assert findings(text) == ("block", "full", [("mark.state-secret", "references")])


@pytest.mark.parametrize(("text", "read"), [
    ("此件机密★5年，另有&#x5BC6;字。\n", "，另有密字。"),
    ("机密★5年\n\n附件&#x2460;；机密★5年的正文。\n", "附件①；"),
])
def test_a_mark_as_it_stands_is_not_read_again_beside_a_reference(text: str, read: str) -> None:
    """A line's clauses without a reference are the body's: the mark in one
    was found twice, in ``body`` and in ``references`` (a second reader)."""
    document = extract(text.encode(), "notes.md", ScanConfig().limits)
    assert {part.name: part.text for part in document.parts}["references"] == read
    assert findings(text)[2] == [("mark.state-secret", "body")] * text.count(MARK)


@pytest.mark.parametrize(("text", "found"), [
    ("此件机密★5年，另件&#x673A;&#x5BC6;★5年。\n", ["body", "references"]),  # each mark once
    ("机密&#x2605;5年，见附件\n", ["references"]),  # the clause the star is in
    ("&#x673A;&#x5BC6;★解密条件：见附件，另行通知\n", ["references"]),  # a mark at the head, to the line's end
    ("# 通知\n\n正文，&#x673A;&#x5BC6;\n", []),  # 机密 does not start its line: no bare level
])
def test_a_clause_with_references_is_read_with_its_ends(text: str, found: list[str]) -> None:
    assert [part for _, part in findings(text)[2]] == found


@pytest.mark.parametrize("text", [
    "示例：`&#x673A;&#x5BC6;★5年` 是字符引用的写法。\n",  # a code span
    "``a`&#x673A;&#x5BC6;★5年``\n",  # one of two backticks, holding one
    "```html\n&#x673A;&#x5BC6;★5年\n```\n",  # a fenced code block
    "~~~\n&#x673A;&#x5BC6;★5年\n~~~\n",
    "写法：\n\n    &#x673A;&#x5BC6;★5年\n",  # an indented code block
    "1. 写法：\n   ```\n   &#x673A;&#x5BC6;★5年\n   ```\n",  # a fence in a list item, or not: code either way
    "- ```\n  &#x673A;&#x5BC6;★5年\n  ```\n",  # a fence first in a list item
    "| 写法 | 说明 |\n|---|---|\n| `&#x673A;&#x5BC6;★5年` | 标志 |\n",  # a code span in a table's cell
    '`[通知](https://example.org/ "&#x673A;&#x5BC6;★5年")`\n',  # a link title in code
    "`https://example.org/%E6%9C%BA%E5%AF%86%E2%98%855%E5%B9%B4`\n",  # a percent-encoded target in code
    "写法：\r~~~\r&#x673A;&#x5BC6;★5年\r~~~\r",  # lines that end in CR alone
    '见[通知](https://example.org/a_(b) "标题")、<b>注意</b>、<!-- 注 -->：`&#x673A;&#x5BC6;★5年`\n',
    "见[通知](<a/b c.md>) 与 a<b：`&#x673A;&#x5BC6;★5年`\n",  # no tag, nor one going on
    "见 https://example.org/ 与 `&#x673A;&#x5BC6;★5年`\n",  # a bare address before a space
])
def test_code_is_read_as_written(text: str) -> None:
    """CommonMark decodes no reference in code spans and code blocks: the
    page shows ``&#x673A;`` there, as the body reads it, and the decoded
    mark blocked (a second reader)."""
    assert findings(text) == ("clear", "full", [])


def test_a_nul_is_a_character_in_an_autolink() -> None:
    """CommonMark reads a NUL as U+FFFD, which an autolink may hold: the
    backtick after it is the link's, and the mark after that is shown
    decoded.  A NUL past the first 8 KiB leaves the file text."""
    text = "正文。\n" * 3000 + "见 <ab:\x00`>&#x673A;&#x5BC6;★5年`\n"
    assert findings(text) == ("block", "full", [("mark.state-secret", "references")])


def test_a_mark_in_code_as_it_stands_is_read_in_the_body() -> None:
    assert findings("示例：`机密★5年`\n\n```\n机密★5年\n```\n")[2] == [("mark.state-secret", "body")] * 2


@pytest.mark.parametrize("text", [
    "`x` 此件&#x673A;&#x5BC6;★5年\n",  # beside a code span
    "段落\n    &#x673A;&#x5BC6;★5年\n",  # an indented line that goes on with a paragraph
    "- 项目\n\n    &#x673A;&#x5BC6;★5年\n",  # a list item's paragraph
    "\\`&#x673A;&#x5BC6;★5年\\`\n",  # backticks escaped
    "命令 `ls\n-a` 和 &#x673A;&#x5BC6;★5年 的 `x`\n",  # between a span over two lines and the next
    "| a | b | c |\n|---|---|---|\n| `x | &#x673A;&#x5BC6;★5年 | y` |\n",  # backticks in two cells
    '<span title="`">&#x673A;&#x5BC6;★5年</span>`\n',  # a backtick in a tag
    "<div>\n```\n&#x673A;&#x5BC6;★5年\n```\n</div>\n",  # a fence in HTML, which the browser decodes
    "<https://example.org/&#x673A;&#x5BC6;&#x2605;5&#x5E74;>\n",  # an autolink (cmark decodes it)
    "- ```\n  x\n```\ny\n```\n&#x673A;&#x5BC6;★5年\n",  # a fence its list item's end closes, then another
    '参见[通知](/a(b) "``") &#x673A;&#x5BC6;★5年 ``\n',  # backticks in a title after a target's parentheses
    '参见[通知](/a ")``") &#x673A;&#x5BC6;★5年 ``\n',  # ... after a title's
    '参见[通知](</a)b> "``") &#x673A;&#x5BC6;★5年 ``\n',  # ... after a parenthesis in <a target>
    '参见[通知](/a\\) "``") &#x673A;&#x5BC6;★5年 ``\n',  # ... after an escaped one
    '参见[通知](/a "b)\n`&#x673A;&#x5BC6;★5年`")\n',  # a title that goes on into the next line
    '见 <span title=">``">&#x673A;&#x5BC6;★5年</span> ``\n',  # a '>' in a tag's attribute
    "见 <!-- a > `` -->&#x673A;&#x5BC6;★5年 ``\n",  # ... in a comment
    "见 <? a > `` ?>&#x673A;&#x5BC6;★5年 ``\n",  # ... in a processing instruction
    "见 <![CDATA[ a > `` ]]>&#x673A;&#x5BC6;★5年 ``\n",  # ... in CDATA
    '见 <span title="a>b\n`&#x673A;&#x5BC6;★5年`">x</span>\n',  # an attribute that goes on into the next line
    "见 https://example.org/` &#x673A;&#x5BC6;★5年 `\n",  # GitHub links a bare address to the next space
    "见 www.example.org/` &#x673A;&#x5BC6;★5年 `\n",
    "正文[^1]。\n\n[^1]: 注释\n\n    &#x673A;&#x5BC6;★5年\n",  # a footnote's paragraph (GitHub's footnotes)
    '!!! note "注意"\n\n    &#x673A;&#x5BC6;★5年\n',  # an admonition's (MkDocs: Python-Markdown)
    "术语\n:   定义\n\n    &#x673A;&#x5BC6;★5年\n",  # a definition's (a definition list)
    "<div>\n```\n</div>\n\n```\n&#x673A;&#x5BC6;★5年\n```\n",  # a paragraph and a fence where no HTML is read
    "<!--\n```\n-->\n```\n&#x673A;&#x5BC6;★5年\n```\n",  # (markdown-it's default)
    "段落\n<search>\n```\n\nx\n```\n&#x673A;&#x5BC6;★5年\n",  # HTML to CommonMark 0.31, a paragraph and a fence to cmark
    "```js | 示例\n|---|---|\n&#x673A;&#x5BC6;★5年 | x\n",  # a table to markdown-it, which reads one before a fence
    "- ~~~ a|b\n  |-|-|\n  &#x673A;&#x5BC6;★5年\n",
    "~~~\r~~~\r&#x673A;&#x5BC6;★5年\r",  # lines that end in CR alone (CommonMark's too): a fence closed
    "    x\r\r&#x673A;&#x5BC6;★5年\r",  # an indented line, a blank one, then a paragraph
    "```\r\n```\r&#x673A;&#x5BC6;★5年\n",  # CR LF, CR and LF in one text
])
def test_references_outside_code_are_read(text: str) -> None:
    assert findings(text) == ("block", "full", [("mark.state-secret", "references")])


@pytest.mark.parametrize(("text", "rule"), [
    ("此件为机密★&#53;年。\n", "mark.state-secret"),  # the period's digit
    ("此件为机密★&#32;5年。\n", "mark.state-secret"),  # a space where the body reads '&#32;'
    ("表单 密级&#58;秘密\n", "mark.form-field"),  # the field's colon
    ("表单 密级&colon;秘密\n", "mark.form-field"),
])
def test_references_to_ascii_that_make_a_mark_are_read(text: str, rule: str) -> None:
    """Only a reference to an ampersand (``&amp;``) is left to the body: a
    line whose references spelled ASCII alone was not read, and a mark a
    digit or a colon completes was cleared."""
    assert findings(text) == ("block", "full", [(rule, "references")])


@pytest.mark.parametrize(("text", "found"), [
    ("&lt;机密&gt;\n\n正文。\n", ("block", [("mark.bare-level", "references")])),  # the page's head: <机密>
    ("&lt;机密★&gt;\n\n正文。\n", ("block", [("mark.state-secret", "references")])),
    ("&quot;内部资料&quot;\n\n正文。\n", ("review", [("marker.work-secret", "references")])),  # "内部资料"
    ("正文 &lt;内部资料&gt; 正文\n", ("review", [("marker.work-secret", "references")])),
    ("&lt;br&gt;机密★5年\n", ("block", [("mark.state-secret", "body"), ("mark.state-secret", "references")])),
])
def test_references_to_brackets_and_quotes_are_read(text: str, found: tuple[str, list[tuple[str, str]]]) -> None:
    """A bracket or a quote a reference spells frames a level or a label as
    the page shows it, ``<机密>`` at its head: left to the body, which reads
    ``&lt;机密&gt;``, they were cleared (a second reader).  A mark as it
    stands in the clause of such a reference is read twice."""
    verdict, _, got = findings(text)
    assert (verdict, got) == found


def test_a_line_break_a_reference_spells_is_a_space() -> None:
    """``&#10;`` is a line break in the paragraph's text, which the page lays
    out as a space: 机密 after it is not a level alone on a line."""
    assert findings("# 通知\n\n正文&#10;&#x673A;&#x5BC6;\n") == ("clear", "full", [])


def test_a_line_of_many_code_spans_is_read_in_linear_time() -> None:
    """Whether a reference lies in a code span was looked up in every span
    of its line: a line of 20,000 spans holding references took 21 s of
    CPU, the time growing with the square of the line.  The mark after them
    is read."""
    import time

    text = "`&#x673A;&#x5BC6;` " * 20_000 + "，&#x673A;&#x5BC6;★5年\n"
    started = time.process_time()
    assert findings(text) == ("block", "full", [("mark.state-secret", "references")])
    assert time.process_time() - started < 5
