"""The rule catalogue: stable, user-facing rule ids with a name, a short
description and the rule of law or practice behind them, in English and
Chinese (``scanner.lang.Text``).

Renaming an id is a migration (baselines, review records and SARIF
fingerprints refer to it).  Reports (SARIF ``rules``) read this table.
Lexicon rules are ``lexicon.<lexicon name>``; they share one description.
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


def _r(id: str, name: str, name_zh: str, description: str, description_zh: str, basis: Text) -> tuple[str, Rule]:
    return id, Rule(id, name, name_zh, Text(description, description_zh), basis)


RULES: dict[str, Rule] = dict([
    _r("mark.state-secret", "StateSecretMark", "国家秘密标志",
       "A state-secret mark: level, star and period, decryption time or condition (机密★5年).",
       "国家秘密标志：密级、★和保密期限、解密时间或解密条件（如 机密★5年）。", BASIS_MARK),
    _r("mark.form-field", "ClassificationFormField", "密级栏",
       "A classification form field naming a state-secret level (密级：秘密).",
       "表单中的密级栏填写了国家秘密密级（如 密级：秘密）。", BASIS_MARK),
    _r("mark.bare-level", "BareLevelLine", "单独成行的密级",
       "A classification level standing alone on a line at the head of a document or in a header.",
       "密级单独成行，位于文件开头或页眉。", BASIS_MARK),
    _r("marker.work-secret", "WorkSecretMarker", "工作秘密标识",
       "A work-secret or internal-use label (工作秘密, 内部资料 注意保存, 仅供内部使用).",
       "工作秘密或内部使用标识（工作秘密、内部资料 注意保存、仅供内部使用）。", BASIS_WORK_SECRET),
    _r("marker.draft", "DraftMarker", "非定稿标识",
       "A non-final draft label (送审稿, 讨论稿, 未定稿).",
       "非定稿标识（送审稿、讨论稿、未定稿）。", BASIS_DRAFT),
    _r("lexicon", "SecretPoint", "密点词",
       "A term from a unit's secret-point lexicon (密点), at the level the lexicon gives it.",
       "本单位密点词库中的词语，按词库规定的密级处理。", BASIS_SECRET_POINT),
    _r("pii.resident-id", "ResidentIdNumber", "居民身份证号码",
       "A resident identity number with a valid GB 11643 check digit and a plausible birth date.",
       "校验码符合 GB 11643、出生日期合理的居民身份证号码。", BASIS_PII),
    _r("pii.mobile", "MobileNumber", "手机号码", "A mainland China mobile number.", "中国大陆手机号码。", BASIS_PII),
    _r("pii.bank-card", "BankCardNumber", "银行卡号",
       "A bank card number passing the Luhn check, with context or a known issuer prefix.",
       "通过 Luhn 校验、有上下文或已知发卡行前缀的银行卡号。", BASIS_PII),
    _r("pii.uscc", "UnifiedSocialCreditCode", "统一社会信用代码",
       "A unified social credit code with a valid GB 32100 check character.",
       "校验码符合 GB 32100 的统一社会信用代码。", BASIS_PII),
    _r("aggregation", "AggregatedSignals", "信号汇聚",
       "Several weaker signals of different categories in one item.",
       "同一项目中有多个类别的较弱信号。", BASIS_AGGREGATION),
    _r("unreadable.file", "UnreadableFile", "文件无法读取",
       "The file could not be read from disk.", "无法从磁盘读取该文件。", BASIS_UNREADABLE),
    _r("unreadable.format", "UnsupportedFormat", "格式暂不支持",
       "The item's format cannot be read yet.", "暂不能读取该项目的格式。", BASIS_UNREADABLE),
    _r("unreadable.encoding", "UndecodableText", "文字编码无法确定",
       "The text's encoding could not be determined.", "无法确定文本的字符编码。", BASIS_UNREADABLE),
    _r("unreadable.extract", "ExtractionFailed", "内容提取失败",
       "A part of the item could not be extracted.", "项目的某一部分未能提取。", BASIS_UNREADABLE),
    _r("unreadable.limit", "LimitExceeded", "超出资源限制",
       "A resource limit stopped work on the item.", "资源限制使该项目的处理中止。", BASIS_UNREADABLE),
    _r("unreadable.symlink", "SymlinkNotFollowed", "符号链接未跟随",
       "A symbolic link was not followed.", "未跟随符号链接。", BASIS_UNREADABLE),
    _r("unreadable.encrypted", "EncryptedContent", "内容已加密",
       "The item or an archive member is encrypted and the empty password does not open it.",
       "项目或压缩包成员已加密，空密码无法打开。", BASIS_UNREADABLE),
    _r("unreadable.ocr-needed", "NoTextLayer", "无文字层（需 OCR）",
       "A picture that may hold text (an image-only or vector-drawn PDF page, a picture in a document, an "
       "image file) was not read by OCR: not installed, out of time, undecodable or read with low confidence.",
       "可能含有文字的图片（只有图像或矢量图形的 PDF 页面、文档中的图片、图片文件）未经 OCR 识别："
       "未安装 OCR、超时、无法解码或识别置信度过低。", BASIS_UNREADABLE),
    _r("unreadable.embedded", "EmbeddedObjectNotScanned", "嵌入对象未扫描",
       "An embedded object or attachment travels with the file but was not scanned.",
       "嵌入对象或附件随文件发布，但未被扫描。", BASIS_UNREADABLE),
    _r("hidden.comments", "CommentsPresent", "含批注",
       "Comments (批注) are stored in the file and published with it.",
       "文件中保存有批注，会随文件一并公开。", BASIS_HIDDEN),
    _r("hidden.tracked-changes", "TrackedChangesPresent", "含修订",
       "Tracked insertions or deletions (修订) are stored in the file; deleted text can be recovered.",
       "文件中保存有修订（插入或删除），被删除的文字可以恢复。", BASIS_HIDDEN),
    _r("hidden.text", "HiddenTextPresent", "含隐藏文字",
       "Hidden text (w:vanish) is stored in the file.", "文件中保存有隐藏文字（w:vanish）。", BASIS_HIDDEN),
    _r("hidden.sheet", "HiddenSheetWithContent", "含有内容的隐藏工作表",
       "A hidden or very hidden worksheet has content.", "隐藏或深度隐藏的工作表中有内容。", BASIS_HIDDEN),
    _r("hidden.slide", "HiddenSlide", "隐藏幻灯片",
       "A slide is hidden in the show but published with the file.",
       "幻灯片在放映时隐藏，但随文件一并公开。", BASIS_HIDDEN),
    _r("metadata.unsafe-member-name", "UnsafeArchiveMemberName", "异常的压缩包成员名称",
       "An archive member name is an absolute path, climbs out with '..' or holds invisible characters.",
       "压缩包成员名称是绝对路径、用“..”跳出目录或含不可见字符。", BASIS_MEMBER_NAME),
])


def rule_for(rule_id: str) -> Rule:
    """The catalogue entry for ``rule_id`` (``lexicon.<name>`` maps to ``lexicon``)."""
    if rule_id in RULES:
        return RULES[rule_id]
    family = rule_id.split(".", 1)[0]
    if family in RULES:
        base = RULES[family]
        return Rule(rule_id, base.name, base.name_zh, base.description, base.basis)
    return Rule(rule_id, rule_id, rule_id, Text(rule_id, rule_id), Text("", ""))
