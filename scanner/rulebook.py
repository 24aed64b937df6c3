"""What a rule is, and the rules of law or practice rules cite.

A rule is a stable, user-facing id with a name, a short description and its
legal basis, each in English and Chinese (``scanner.lang.Text``).  Detectors
declare the rules they emit with these; the rules no detector emits (what
extraction and the run report) are declared here, below every stage that
reports them.  ``scanner.rules`` gathers both into the catalogue.
"""
from __future__ import annotations

from dataclasses import dataclass

from .lang import Text

_REGS, _PROV = "《中华人民共和国保守国家秘密法实施条例》", "《国家秘密定密管理暂行规定》"
BASIS_MARK = Text("Provisional Rules on Classification Management, Art. 24; Implementing Regulations, Art. 21",
                  f"{_PROV}第二十四条；{_REGS}第二十一条")
BASIS_SECRET_POINT = Text("Implementing Regulations of the Law on Guarding State Secrets, Art. 17, 18",
                          f"{_REGS}第十七条、第十八条")
BASIS_WORK_SECRET = Text("Implementing Regulations of the Law on Guarding State Secrets, Art. 73",
                         f"{_REGS}第七十三条（工作秘密）")
BASIS_DRAFT = Text("Rules on confidential documents: drafts and intermediate material",
                   "涉密文件管理规定：草稿和中间材料")
BASIS_PII = Text("Provisional Rules on Classification Management, Art. 19; disclosure practice (personal information)",
                 f"{_PROV}第十九条；信息公开实践（个人信息）")
BASIS_AGGREGATION = Text("Implementing Regulations of the Law on Guarding State Secrets, Art. 43 (aggregation)",
                         f"{_REGS}第四十三条（汇聚、关联）")
BASIS_HIDDEN = Text("disclosure review practice: hidden content is published with the file",
                    "公开审查实践：隐藏内容随文件一并公开")
BASIS_MEMBER_NAME = Text("archive member names are published with the file; odd names hide what a member is",
                         "压缩包成员名称随文件一并公开；异常名称会掩盖成员的真实内容")
BASIS_UNREADABLE = Text("fail closed: an item that could not be fully read is never clear",
                        "从严处理：未能完整读取的项目不得判为未发现问题")


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    name_zh: str
    description: Text
    basis: Text
    # a rule the scanner itself emits when it fails on an item (a crash): SARIF lists it only when it occurs
    failure: bool = False


def rule(id: str, name: str, name_zh: str, description: str, description_zh: str, basis: Text,
         failure: bool = False) -> Rule:
    """A Rule, its description given in English then Chinese."""
    return Rule(id, name, name_zh, Text(description, description_zh), basis, failure)


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


def notice_rule(rule_id: str) -> Rule:
    """The notice rule ``rule_id``; an id that is none is its own name."""
    for r in NOTICE_RULES:
        if r.id == rule_id:
            return r
    return Rule(rule_id, rule_id, rule_id, Text(rule_id, rule_id), Text("", ""))
