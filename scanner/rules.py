"""The rule catalogue: stable, user-facing rule ids with a name, a short
description and the rule of law or practice behind them.

Renaming an id is a migration (baselines, review records and SARIF
fingerprints refer to it).  Reports (SARIF ``rules``) read this table.
Lexicon rules are ``lexicon.<lexicon name>``; they share one description.
"""
from __future__ import annotations

from dataclasses import dataclass

BASIS_MARK = "Provisional Rules on Classification Management, Art. 24; Implementing Regulations, Art. 21"
BASIS_SECRET_POINT = "Implementing Regulations of the Law on Guarding State Secrets, Art. 17, 18"
BASIS_WORK_SECRET = "Implementing Regulations of the Law on Guarding State Secrets, Art. 73"
BASIS_DRAFT = "Rules on confidential documents: drafts and intermediate material"
BASIS_PII = "Provisional Rules on Classification Management, Art. 19; disclosure practice (personal information)"
BASIS_AGGREGATION = "Implementing Regulations of the Law on Guarding State Secrets, Art. 43 (aggregation)"
BASIS_HIDDEN = "disclosure review practice: hidden content is published with the file"
BASIS_UNREADABLE = "fail closed: an item that could not be fully read is never clear"


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    description: str
    basis: str


def _r(id: str, name: str, description: str, basis: str) -> tuple[str, Rule]:
    return id, Rule(id, name, description, basis)


RULES: dict[str, Rule] = dict([
    _r("mark.state-secret", "StateSecretMark",
       "A state-secret mark: level, star and period, decryption time or condition (机密★5年).", BASIS_MARK),
    _r("mark.form-field", "ClassificationFormField",
       "A classification form field naming a state-secret level (密级：秘密).", BASIS_MARK),
    _r("mark.bare-level", "BareLevelLine",
       "A classification level standing alone on a line at the head of a document or in a header.", BASIS_MARK),
    _r("marker.work-secret", "WorkSecretMarker",
       "A work-secret or internal-use label (工作秘密, 内部资料 注意保存, 仅供内部使用).", BASIS_WORK_SECRET),
    _r("marker.draft", "DraftMarker",
       "A non-final draft label (送审稿, 讨论稿, 未定稿).", BASIS_DRAFT),
    _r("lexicon", "SecretPoint",
       "A term from a unit's secret-point lexicon (密点), at the level the lexicon gives it.", BASIS_SECRET_POINT),
    _r("pii.resident-id", "ResidentIdNumber",
       "A resident identity number with a valid GB 11643 check digit and a plausible birth date.", BASIS_PII),
    _r("pii.mobile", "MobileNumber", "A mainland China mobile number.", BASIS_PII),
    _r("pii.bank-card", "BankCardNumber",
       "A bank card number passing the Luhn check, with context or a known issuer prefix.", BASIS_PII),
    _r("pii.uscc", "UnifiedSocialCreditCode",
       "A unified social credit code with a valid GB 32100 check character.", BASIS_PII),
    _r("aggregation", "AggregatedSignals",
       "Several weaker signals of different categories in one item.", BASIS_AGGREGATION),
    _r("unreadable.file", "UnreadableFile", "The file could not be read from disk.", BASIS_UNREADABLE),
    _r("unreadable.format", "UnsupportedFormat", "The item's format cannot be read yet.", BASIS_UNREADABLE),
    _r("unreadable.encoding", "UndecodableText", "The text's encoding could not be determined.", BASIS_UNREADABLE),
    _r("unreadable.extract", "ExtractionFailed", "A part of the item could not be extracted.", BASIS_UNREADABLE),
    _r("unreadable.limit", "LimitExceeded", "A resource limit stopped work on the item.", BASIS_UNREADABLE),
    _r("unreadable.symlink", "SymlinkNotFollowed", "A symbolic link was not followed.", BASIS_UNREADABLE),
    _r("unreadable.encrypted", "EncryptedContent",
       "The item or an archive member is encrypted and the empty password does not open it.", BASIS_UNREADABLE),
    _r("unreadable.ocr-needed", "NoTextLayer",
       "A picture that may hold text (an image-only PDF page, a picture in a document, an image file) "
       "was not read by OCR: not installed, out of time, undecodable or read with low confidence.",
       BASIS_UNREADABLE),
    _r("unreadable.embedded", "EmbeddedObjectNotScanned",
       "An embedded object or attachment travels with the file but was not scanned.", BASIS_UNREADABLE),
    _r("hidden.comments", "CommentsPresent",
       "Comments (批注) are stored in the file and published with it.", BASIS_HIDDEN),
    _r("hidden.tracked-changes", "TrackedChangesPresent",
       "Tracked insertions or deletions (修订) are stored in the file; deleted text can be recovered.", BASIS_HIDDEN),
    _r("hidden.text", "HiddenTextPresent", "Hidden text (w:vanish) is stored in the file.", BASIS_HIDDEN),
    _r("hidden.sheet", "HiddenSheetWithContent", "A hidden or very hidden worksheet has content.", BASIS_HIDDEN),
    _r("hidden.slide", "HiddenSlide", "A slide is hidden in the show but published with the file.", BASIS_HIDDEN),
    _r("metadata.unsafe-member-name", "UnsafeArchiveMemberName",
       "An archive member name is an absolute path, climbs out with '..' or holds invisible characters.",
       BASIS_HIDDEN),
])


def rule_for(rule_id: str) -> Rule:
    """The catalogue entry for ``rule_id`` (``lexicon.<name>`` maps to ``lexicon``)."""
    if rule_id in RULES:
        return RULES[rule_id]
    family = rule_id.split(".", 1)[0]
    if family in RULES:
        base = RULES[family]
        return Rule(rule_id, base.name, base.description, base.basis)
    return Rule(rule_id, rule_id, rule_id, "")
