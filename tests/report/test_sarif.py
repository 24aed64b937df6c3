"""SARIF: valid against the official 2.1.0 schema (vendored next to this file,
see sarif-schema-2.1.0.SOURCE.md), stable rule ids, nested artifacts for
archive members, fingerprints, and review decisions as suppressions."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from scanner.report import ReportOptions
from scanner.report.sarif import FINGERPRINT_KEY
from scanner.rules import catalogue
from scanner.types import ReviewRecord

SCHEMA = json.loads((Path(__file__).parent / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def validated(data: bytes) -> dict:
    log = json.loads(data.decode("utf-8"))
    jsonschema.validators.validator_for(SCHEMA)(SCHEMA).validate(log)
    return log


def test_schema_rejects_a_broken_log():
    """The validator really checks: a result without a message is refused."""
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validators.validator_for(SCHEMA)(SCHEMA).validate(
            {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "a"}]}]})


def test_valid_log_with_rules_levels_and_fingerprints(results, rendered):
    run = validated(rendered("sarif", results))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert ids[:3] == ["mark.state-secret", "mark.form-field", "mark.bare-level"]
    assert "lexicon.example-unit" in ids and all(r["shortDescription"]["text"] for r in rules)
    assert len(run["results"]) == sum(len(r.findings) for r in results) == 6
    mark = next(r for r in run["results"] if r["ruleId"] == "mark.state-secret")
    assert ids[mark["ruleIndex"]] == "mark.state-secret"
    assert mark["level"] == "error" and mark["rank"] == 100.0
    assert mark["partialFingerprints"] == {FINGERPRINT_KEY: results[2].findings[0].fingerprint}
    location = mark["locations"][0]
    assert location["physicalLocation"]["region"] == {"charOffset": 7, "charLength": 5, "snippet": {"text": "机密★5年"}}
    assert location["logicalLocations"][0]["name"] == "header"
    artifact = run["artifacts"][location["physicalLocation"]["artifactLocation"]["index"]]
    assert artifact["properties"]["item"] == "2026/通知.docx" and artifact["hashes"]["sha-256"] == "a" * 64
    phone = next(r for r in run["results"] if r["ruleId"] == "pii.mobile")
    assert phone["level"] == "warning" and phone["rank"] == 30.0
    unread = next(r for r in run["results"] if r["ruleId"] == "unreadable.extract")
    assert "region" not in unread["locations"][0]["physicalLocation"]
    assert all("suppressions" not in r for r in run["results"])
    # rule ids are the catalogue's, in its order, so indexes are stable between runs; a run
    # failure's rule (unreadable.crash, unreadable.internal) is listed only when it occurs
    checked = [rid for rid, rule in catalogue().items() if rid != "lexicon" and not rule.failure]
    assert ids[:len(checked)] == checked
    assert "unreadable.crash" not in ids and "unreadable.internal" not in ids


def test_archive_members_are_nested_artifacts(results, rendered):
    run = validated(rendered("sarif", results))["runs"][0]
    artifacts = run["artifacts"]
    names = [a["properties"]["item"] for a in artifacts]
    member = artifacts[names.index("bundle.zip!docs/草稿.txt")]
    assert member["parentIndex"] == names.index("bundle.zip")
    assert member["location"]["uri"] == "docs/%E8%8D%89%E7%A8%BF.txt"
    assert "parentIndex" not in artifacts[names.index("bundle.zip")]
    assert len(artifacts) == len(results)  # clear items are listed too


def test_review_decisions_become_suppressions(results, rendered):
    records = {
        "a" * 64: ReviewRecord(sha256="a" * 64, status="rejected", submitter="王科员",
                               decisions=(("reject", "含密级标志，退回修改", "李审查", "2026-11-02T09:00:00Z"),)),
        "c" * 64: ReviewRecord(sha256="c" * 64, status="approved", submitter="王科员",
                               decisions=(("pass", "草稿标记系历史文件名，可公开", "李审查", "2026-11-02T10:00:00Z"),),
                               approved_by="张主任", approved_at="2026-11-02T11:00:00Z"),
        "b" * 64: ReviewRecord(sha256="b" * 64, status="submitted", submitter="王科员"),
    }
    run = validated(rendered("sarif", results, ReportOptions(review_lookup=records.get)))["runs"][0]
    by_item = {r["properties"]["item"]: r for r in run["results"]}
    rejected = [r for r in run["results"] if r["properties"]["item"] == "2026/通知.docx"]
    assert len(rejected) == 3 and all(r["suppressions"][0]["status"] == "rejected" for r in rejected)
    assert rejected[0]["suppressions"][0]["justification"] == "含密级标志，退回修改"
    accepted = by_item["bundle.zip!docs/草稿.txt"]["suppressions"][0]
    assert accepted["status"] == "accepted" and accepted["kind"] == "external"
    assert accepted["properties"]["approvedBy"] == "张主任" and accepted["properties"]["reviewer"] == "李审查"
    assert "suppressions" not in by_item["broken.pdf"]


def test_mask_keeps_excerpts_out(results, rendered):
    run = validated(rendered("sarif", results, ReportOptions(mask=True)))["runs"][0]
    shown = json.dumps(run["results"], ensure_ascii=False)  # the rule catalogue's own examples aside
    for secret in ("机密★5年", "天枢-7工程", "13812345678"):
        assert secret not in shown
    mark = next(r for r in run["results"] if r["ruleId"] == "mark.state-secret")
    assert mark["locations"][0]["physicalLocation"]["region"]["snippet"]["text"] == "机密★**"


def test_empty_batch_is_valid(rendered):
    run = validated(rendered("sarif", []))["runs"][0]
    assert run["results"] == [] and run["artifacts"] == []
