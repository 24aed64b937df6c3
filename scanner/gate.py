"""Policy: findings and extraction status -> verdict.  An item that could not
be fully read is never clear."""
from __future__ import annotations

from .types import Extraction, Finding, Severity, Verdict


def verdict(findings: list[Finding], extraction: Extraction) -> Verdict:
    if any(f.severity is Severity.BLOCK for f in findings):
        return Verdict.BLOCK
    if extraction is not Extraction.FULL or any(f.severity is Severity.REVIEW for f in findings):
        return Verdict.REVIEW
    return Verdict.CLEAR
