"""What a rule is, and the rules of law or practice rules cite.

A rule is a stable, user-facing id with a name, a short description and its
legal basis, each in English and Chinese (``scanner.lang.Text``).  Detectors
declare the rules they emit with these; ``scanner.rules`` gathers them into
the catalogue.
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
