"""SARIF 2.1.0 for CI systems and code-scanning dashboards.

Results are streamed: the run object is written with ``results`` first and
``artifacts``/``tool`` last, so only the (small) artifact and rule tables are
held until ``finish``.  Archive members are nested artifacts (``parentIndex``);
review decisions from the store become ``suppressions``.  Regions carry
``charOffset``/``charLength`` into the extracted text of the finding's part
(named in the logical location), not into the file's bytes.
"""
from __future__ import annotations

import json
from typing import Any, BinaryIO
from urllib.parse import quote

from .. import __version__
from ..lang import in_lang
from ..rules import catalogue, reason_in_lang, rule_for
from ..types import Finding, ItemResult, ReviewRecord, Severity
from . import ReportOptions, Summary
from .mask import mask_text

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY = "preclearFinding/v1"

_LEVELS = {Severity.BLOCK: "error", Severity.REVIEW: "warning", Severity.HINT: "note"}
# review status in the store -> SARIF suppression status
_SUPPRESSION = {"approved": "accepted", "rejected": "rejected", "needs-changes": "rejected",
                "reviewed": "underReview", "submitted": "underReview"}


def _descriptor(rule_id: str, lang: str) -> dict[str, Any]:
    rule = rule_for(rule_id)
    description, basis = in_lang(rule.description, lang), in_lang(rule.basis, lang)
    out: dict[str, Any] = {"id": rule_id, "name": rule.name, "shortDescription": {"text": description}}
    if basis:
        out["fullDescription"] = {"text": f"{description} {'依据' if lang == 'zh' else 'Basis'}: {basis}"}
        out["help"] = {"text": basis}
    return out


def _suppression(record: ReviewRecord) -> dict[str, Any] | None:
    """A recorded decision on the item's exact bytes, or None if none was made."""
    if not record.decisions and not record.approved_by:
        return None
    props: dict[str, Any] = {"reviewStatus": record.status}
    out: dict[str, Any] = {"kind": "external", "status": _SUPPRESSION.get(record.status, "underReview")}
    if record.decisions:
        decision, opinion, reviewer, when = record.decisions[-1]
        props.update(decision=decision, reviewer=reviewer, decidedAt=when)
        if opinion:
            out["justification"] = opinion
    if record.approved_by:
        props.update(approvedBy=record.approved_by, approvedAt=record.approved_at)
    out["properties"] = props
    return out


class SarifReporter:
    def __init__(self, out: BinaryIO, options: ReportOptions) -> None:
        self.out, self.options = out, options
        # every rule a scan checks for, up front; a run failure's rule (a crash) only when it occurs
        listed = (rid for rid, rule in catalogue().items() if rid != "lexicon" and not rule.failure)
        self.rule_index = {rid: n for n, rid in enumerate(listed)}
        self.artifacts: list[dict[str, Any]] = []
        self.artifact_index: dict[str, int] = {}
        self.count = 0

    def begin(self) -> None:
        self.out.write(f'{{"$schema": "{SCHEMA_URI}", "version": "2.1.0", "runs": [{{"results": ['.encode())

    def item(self, result: ItemResult) -> None:
        index = self._artifact(result)
        suppression = None
        if self.options.review_lookup and result.sha256:
            record = self.options.review_lookup(result.sha256)
            suppression = _suppression(record) if record else None
        for f in result.findings:
            data = self._result(result, index, f, suppression)
            if (s := self.options.suppression(result, f)) is not None:
                data.setdefault("suppressions", []).append({
                    "kind": "external", "status": "accepted", "justification": s["reason"],
                    "properties": {"suppression": s["id"], "scope": s["scope"], "by": s["by"],
                                   "expires": s["expires"]}})
            text = json.dumps(data, ensure_ascii=False)
            self.out.write(((",\n" if self.count else "\n") + text).encode("utf-8"))
            self.count += 1

    def _artifact(self, result: ItemResult) -> int:
        uri, parent = result.item, None
        if result.parent is not None and result.parent in self.artifact_index:
            parent = self.artifact_index[result.parent]
            uri = result.item[len(result.parent) + 1:] if result.item.startswith(result.parent + "!") else result.item
        artifact: dict[str, Any] = {"location": {"uri": quote(uri, safe="/")}}
        if parent is not None:
            artifact["parentIndex"] = parent
        if result.size is not None:
            artifact["length"] = result.size
        if result.sha256:
            artifact["hashes"] = {"sha-256": result.sha256}
        artifact["properties"] = {"item": result.item, "format": result.format, "verdict": result.verdict.value,
                                  "score": result.score, "extraction": result.extraction.value}
        self.artifact_index[result.item] = len(self.artifacts)
        self.artifacts.append(artifact)
        return len(self.artifacts) - 1

    def _result(self, item: ItemResult, index: int, f: Finding, suppression: dict[str, Any] | None) -> dict[str, Any]:
        shown = mask_text(f.text, f.level) if self.options.mask else f.text
        reason = reason_in_lang(f.reason, self.options.lang, f.rule)
        location: dict[str, Any] = {
            "artifactLocation": {"uri": self.artifacts[index]["location"]["uri"], "index": index}}
        if f.start is not None and f.end is not None:
            location["region"] = {"charOffset": f.start, "charLength": f.end - f.start}
            if shown:
                location["region"]["snippet"] = {"text": shown}
        out: dict[str, Any] = {
            "ruleId": f.rule,
            "ruleIndex": self._rule(f.rule),
            "level": _LEVELS[f.severity],
            "rank": max(0.0, min(100.0, f.score)),
            "message": {"text": f"{reason}: {shown}" if shown else reason},
            "locations": [{"physicalLocation": location,
                           "logicalLocations": [{"name": f.part, "kind": "part"}]}],
            "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
            "properties": {"item": item.item, "category": f.category, "level": f.level, "part": f.part,
                           "itemVerdict": item.verdict.value, "basis": in_lang(f.basis, self.options.lang)},
        }
        if suppression:
            out["suppressions"] = [suppression]
        return out

    def _rule(self, rule_id: str) -> int:
        return self.rule_index.setdefault(rule_id, len(self.rule_index))

    def finish(self, summary: Summary) -> None:
        rules = [_descriptor(rid, self.options.lang) for rid in self.rule_index]
        driver = {"name": "preclear", "semanticVersion": __version__, "rules": rules}
        tail = {
            "artifacts": self.artifacts,
            "tool": {"driver": driver},
            "columnKind": "unicodeCodePoints",
            "properties": {"lexicons": list(self.options.lexicons)},
            "invocations": [{"executionSuccessful": True,
                             "properties": {"items": summary.items, "byVerdict": summary.by_verdict}}],
        }
        rest = json.dumps(tail, ensure_ascii=False)[1:]
        self.out.write(("\n], " + rest + "]}\n").encode("utf-8"))
        self.out.flush()
