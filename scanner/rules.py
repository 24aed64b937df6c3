"""The rule catalogue: every rule a scan can report, by stable id.

The detectors declare the rules they emit (``scanner.detectors``, built-ins
and plugins alike); the rules of what extraction and the scan itself report
(unreadable parts, hidden content, odd member names, aggregation) are
declared here.  Renaming an id is a migration (baselines, review records and
SARIF fingerprints refer to it).  Reports (SARIF ``rules``) read this table.
Lexicon rules are ``lexicon.<lexicon name>``; they share one description.
"""
from __future__ import annotations

from functools import cache

from .detectors import detectors
from .errors import ConfigError
from .lang import Text
from .rulebook import (
    BASIS_AGGREGATION,
    BASIS_DRAFT,
    BASIS_HIDDEN,
    BASIS_MARK,
    BASIS_MEMBER_NAME,
    BASIS_PII,
    BASIS_SECRET_POINT,
    BASIS_UNREADABLE,
    BASIS_WORK_SECRET,
    Rule,
    rule,
)

__all__ = ["BASIS_AGGREGATION", "BASIS_DRAFT", "BASIS_HIDDEN", "BASIS_MARK", "BASIS_MEMBER_NAME", "BASIS_PII",
           "BASIS_SECRET_POINT", "BASIS_UNREADABLE", "BASIS_WORK_SECRET", "NOTICE_RULES", "Rule", "catalogue",
           "rule_for"]

# rules no detector emits: the item-level aggregation, and the notices of
# extraction and of the run (what could not be read, what is hidden)
NOTICE_RULES: tuple[Rule, ...] = (
    rule("aggregation", "AggregatedSignals", "信号汇聚",
         "Several weaker signals of different categories in one item.",
         "同一项目中有多个类别的较弱信号。", BASIS_AGGREGATION),
    rule("unreadable.file", "UnreadableFile", "文件无法读取",
         "The file could not be read from disk.", "无法从磁盘读取该文件。", BASIS_UNREADABLE),
    rule("unreadable.format", "UnsupportedFormat", "格式暂不支持",
         "The item's format cannot be read yet.", "暂不能读取该项目的格式。", BASIS_UNREADABLE),
    rule("unreadable.encoding", "UndecodableText", "文字编码无法确定",
         "The text's encoding could not be determined.", "无法确定文本的字符编码。", BASIS_UNREADABLE),
    rule("unreadable.extract", "ExtractionFailed", "内容提取失败",
         "A part of the item could not be extracted.", "项目的某一部分未能提取。", BASIS_UNREADABLE),
    rule("unreadable.limit", "LimitExceeded", "超出资源限制",
         "A resource limit stopped work on the item.", "资源限制使该项目的处理中止。", BASIS_UNREADABLE),
    rule("unreadable.symlink", "SymlinkNotFollowed", "符号链接未跟随",
         "A symbolic link was not followed.", "未跟随符号链接。", BASIS_UNREADABLE),
    rule("unreadable.encrypted", "EncryptedContent", "内容已加密",
         "The item or an archive member is encrypted and the empty password does not open it.",
         "项目或压缩包成员已加密，空密码无法打开。", BASIS_UNREADABLE),
    rule("unreadable.ocr-needed", "NoTextLayer", "无文字层（需 OCR）",
         "A picture that may hold text (an image-only or vector-drawn PDF page, a picture in a document, an "
         "image file) was not read by OCR: not installed, out of time, undecodable or read with low confidence.",
         "可能含有文字的图片（只有图像或矢量图形的 PDF 页面、文档中的图片、图片文件）未经 OCR 识别："
         "未安装 OCR、超时、无法解码或识别置信度过低。", BASIS_UNREADABLE),
    rule("unreadable.embedded", "EmbeddedObjectNotScanned", "嵌入对象未扫描",
         "An embedded object or attachment travels with the file but was not scanned.",
         "嵌入对象或附件随文件发布，但未被扫描。", BASIS_UNREADABLE),
    rule("unreadable.crash", "ScanCrashed", "扫描进程中止",
         "The process scanning the item died (a crash in a library, a kill) or its worker failed.",
         "扫描该项目的进程意外终止（库函数崩溃、被终止）或工作进程出错。", BASIS_UNREADABLE, failure=True),
    rule("unreadable.internal", "InternalError", "内部错误",
         "preclear itself failed on the item (an internal error); the item was not fully scanned.",
         "preclear 自身在处理该项目时出错（内部错误），该项目未被完整扫描。", BASIS_UNREADABLE, failure=True),
    rule("hidden.comments", "CommentsPresent", "含批注",
         "Comments (批注) are stored in the file and published with it.",
         "文件中保存有批注，会随文件一并公开。", BASIS_HIDDEN),
    rule("hidden.tracked-changes", "TrackedChangesPresent", "含修订",
         "Tracked insertions or deletions (修订) are stored in the file; deleted text can be recovered.",
         "文件中保存有修订（插入或删除），被删除的文字可以恢复。", BASIS_HIDDEN),
    rule("hidden.text", "HiddenTextPresent", "含隐藏文字",
         "Hidden text (w:vanish) is stored in the file.", "文件中保存有隐藏文字（w:vanish）。", BASIS_HIDDEN),
    rule("hidden.sheet", "HiddenSheetWithContent", "含有内容的隐藏工作表",
         "A hidden or very hidden worksheet has content.", "隐藏或深度隐藏的工作表中有内容。", BASIS_HIDDEN),
    rule("hidden.slide", "HiddenSlide", "隐藏幻灯片",
         "A slide is hidden in the show but published with the file.",
         "幻灯片在放映时隐藏，但随文件一并公开。", BASIS_HIDDEN),
    rule("metadata.unsafe-member-name", "UnsafeArchiveMemberName", "异常的压缩包成员名称",
         "An archive member name is an absolute path, climbs out with '..' or holds invisible characters.",
         "压缩包成员名称是绝对路径、用“..”跳出目录或含不可见字符。", BASIS_MEMBER_NAME),
)


@cache
def catalogue() -> dict[str, Rule]:
    """Every rule by id: the detectors' in detector order, then the notice rules."""
    out: dict[str, Rule] = {}
    for r in (*(r for d in detectors() for r in d.rules), *NOTICE_RULES):
        if r.id in out:
            raise ConfigError(f"rule {r.id!r} is declared twice (a detector plugin reuses a rule id)")
        out[r.id] = r
    return out


def rule_for(rule_id: str) -> Rule:
    """The catalogue entry for ``rule_id`` (``lexicon.<name>`` maps to ``lexicon``)."""
    rules = catalogue()
    if rule_id in rules:
        return rules[rule_id]
    family = rule_id.split(".", 1)[0]
    if family in rules:
        base = rules[family]
        return Rule(rule_id, base.name, base.name_zh, base.description, base.basis, base.failure)
    return Rule(rule_id, rule_id, rule_id, Text(rule_id, rule_id), Text("", ""))
