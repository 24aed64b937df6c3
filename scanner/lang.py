"""Reasons and legal bases in both report languages.

A reason is written where it is found, with its parameters, in English and in
Chinese at once (``Text``); reports pick one with ``--lang zh|en``.  The str
value of a ``Text`` is the English form: fingerprints hash it and logs print
it, so adding the Chinese changed no fingerprint.  A plain ``str`` reason (a
library's error message, a scan stored before reasons were bilingual) is a
technical detail: Chinese reports show it after the Chinese name of its rule
(``scanner.rules.reason_in_lang``; a finding's reason gets its Chinese form
when the finding is made, ``scanner.score``).
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Self

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"


class Text(str):
    """English text (the str value) with its Chinese form in ``zh``."""

    zh: str

    def __new__(cls, en: str, zh: str) -> Self:
        obj = super().__new__(cls, en)
        obj.zh = zh
        return obj

    def __reduce__(self) -> tuple[type[Text], tuple[str, str]]:
        return Text, (str(self), self.zh)


def zh_of(value: str) -> str:
    """The Chinese form of a Text, or the value itself."""
    return value.zh if isinstance(value, Text) else value


def join(parts: Iterable[str], en_sep: str = "; ", zh_sep: str = "；") -> Text:
    """Parts joined, each language with its own separator."""
    items = list(parts)
    return Text(en_sep.join(str(p) for p in items), zh_sep.join(zh_of(p) for p in items))


# part names (stable ids in JSONL) as reviewers call them
PART_LABELS = {
    "body": "正文", "table": "表格", "textbox": "文本框", "header": "页眉", "footer": "页脚",
    "footnote": "脚注", "endnote": "尾注", "comment": "批注", "hidden": "隐藏文字", "deleted": "修订删除的文字",
    "inserted": "修订插入的文字", "field": "域代码", "watermark": "水印", "chart": "图表", "properties": "文档属性",
    "title": "标题", "html-title": "网页标题", "html-comment": "网页注释", "meta": "网页元数据",
    "attributes": "标签属性", "metadata": "元数据", "annotation": "批注", "master": "母版", "template": "模板",
    "item": "整个项目", "members": "成员名称", "embedded": "嵌入对象", "attachment": "附件", "form": "表单",
    "glossary": "构建基块", "fields": "数据字段", "bidi-reading": "按从右向左显示顺序读出的文字",
    "file-name": "文件名", "folder-name": "所在文件夹名", "xfa": "XFA 表单",
}
# parts named with an argument (``page:3``, ``sheet:工资表``, ``properties:title``)
PART_ARG_LABELS = {
    "page": "第 {} 页", "sheet": "工作表“{}”", "slide": "第 {} 张幻灯片", "notes": "第 {} 张幻灯片的备注",
    "properties": "文档属性“{}”", "metadata": "元数据“{}”",
}


# a PDF page's other readings, after its page:N (picture: its number on the page)
_PAGE_SUFFIXES = {":ocr": "（文字识别）", ":picture:": "的第 {} 张图片", ":glyphs": "（按字形读出）",
                  ":pattern": "（底纹图案中的文字）"}


def part_kind(part: str) -> str:
    """What a part locator names: its first word (``page`` of ``page:3``,
    ``sheet`` of ``sheet:机密``), and of a part of a web archive's or a
    message's text part (``text:2:attributes``, its page's alt texts), the
    part's own (``attributes``), so that it is read as an ``.html`` file's is."""
    kind, _, rest = part.partition(":")
    if kind == "text" and rest:
        number, _, inner = rest.partition(":")
        if inner and number.isdigit():
            return part_kind(inner)
    return kind


def part_label(part: str) -> str:
    """A part locator (``header``, ``page:3``, ``sheet:工资表``, ``page:3:layout``) in Chinese."""
    if part.endswith(":layout"):
        return part_label(part[: -len(":layout")]) + "（按阅读顺序）"
    for suffix, label in _PAGE_SUFFIXES.items():  # what else a PDF page gives: page:3:ocr, page:3:picture:2
        head, found, rest = part.partition(suffix)
        if found and head.startswith("page:") and (rest == "" or rest.isdigit()):
            return part_label(head) + label.format(rest)
    kind, _, arg = part.partition(":")
    if arg and kind in PART_ARG_LABELS:
        return PART_ARG_LABELS[kind].format(arg)
    return PART_LABELS.get(kind, part)


def in_lang(value: str, lang: str) -> str:
    """``value`` as a report in ``lang`` shows it (a reason of a rule:
    ``scanner.rules.reason_in_lang``)."""
    if lang == "en" or not value:
        return str(value)
    return value.zh if isinstance(value, Text) else value

