"""Personal data (个人信息): numbers whose check digits and shape validate
(``scanner.validate.pii``)."""
from __future__ import annotations

from ..rulebook import BASIS_PII, Rule, rule
from ..types import Severity
from ..validate.pii import find_pii
from .base import PartText, Signal


class PiiDetector:
    """Resident ID numbers, mobile numbers, bank cards and unified social credit codes."""

    id = "pii"
    rules: tuple[Rule, ...] = (
        rule("pii.resident-id", "ResidentIdNumber", "居民身份证号码",
             "A resident identity number with a valid GB 11643 check digit and a plausible birth date.",
             "校验码符合 GB 11643、出生日期合理的居民身份证号码。", BASIS_PII),
        rule("pii.mobile", "MobileNumber", "手机号码", "A mainland China mobile number.", "中国大陆手机号码。",
             BASIS_PII),
        rule("pii.bank-card", "BankCardNumber", "银行卡号",
             "A bank card number passing the Luhn check, with context or a known issuer prefix.",
             "通过 Luhn 校验、有上下文或已知发卡行前缀的银行卡号。", BASIS_PII),
        rule("pii.uscc", "UnifiedSocialCreditCode", "统一社会信用代码",
             "A unified social credit code with a valid GB 32100 check character.",
             "校验码符合 GB 32100 的统一社会信用代码。", BASIS_PII),
    )

    def find(self, text: PartText) -> list[Signal]:
        return [text.signal(m.rule, "pii", None, m.start, m.end, m.reason, BASIS_PII, severity=Severity.REVIEW)
                for m in find_pii(text.text, text.utf8)]
