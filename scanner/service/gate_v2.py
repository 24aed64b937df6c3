"""The gate's one response shape (contract v2, docs/schemas/gate-v2.json).

Whatever was asked (one sha256, a file, an article with or without
attachments) the answer is ``{"version": 2, "allow", "summary", "items"}``
with one entry per item, each with its sha256, verdict, status and
structured reasons.  ``allow`` is true only when every item is allowed.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..review.workflow import Actor, GateAnswer, Workflow
from .article import ARTICLE_SUFFIX, HEADER_V2
from .content import Content
from .reasons import PRIORITY, Reason, Subject, not_submitted, refusal_reasons

VERSION = 2


def subject_of(answer: GateAnswer, content: Content | None) -> Subject:
    """Who the editor knows the item as: from the request, else from the store."""
    if content is not None:
        kind, name, title, data = content.kind, content.name, content.title, content.data
    else:
        name = answer.item.path if answer.item else answer.sha256
        title = answer.item.title if answer.item else ""
        kind, data = ("article" if name.endswith(ARTICLE_SUFFIX) else "file"), None
    return Subject(kind, name.removesuffix(ARTICLE_SUFFIX), title, article_text(data))


def article_text(data: bytes | None) -> str | None:
    """A version-2 article's canonical text (to place findings in its fields)."""
    if not data or not data.startswith(HEADER_V2.encode()):
        return None
    return data.decode("utf-8", "replace")


def gate_item(workflow: Workflow, sha256: str, content: Content | None, actor: Actor, mask: bool) -> dict[str, Any]:
    answer = workflow.gate(sha256, content.data if content else None, actor)
    subject = subject_of(answer, content)
    status_name = "approved" if answer.allow else "unsubmitted"
    reasons: list[Reason] = []
    if answer.item is None:
        reasons = [not_submitted(subject)]
    elif not answer.allow:
        status = workflow.status(answer.sha256)
        status_name = status.record.status
        if subject.kind == "article" and subject.text is None:
            subject = replace(subject, text=article_text(workflow.store.blob(answer.sha256)))
        reasons = refusal_reasons(subject, status, workflow.store, mask, answer.reasons)
    return {"name": subject.name, "kind": subject.kind, "title": subject.title or None,
            "sha256": answer.sha256, "id": answer.item.item_id if answer.item else None,
            "allow": answer.allow, "verdict": answer.verdict, "status": status_name,
            "rescanned": answer.rescanned, "reasons": [r.to_dict() for r in reasons]}


def gate_response(items: list[dict[str, Any]], ruleset_hash: str) -> dict[str, Any]:
    allow = bool(items) and all(i["allow"] for i in items)
    refused = [i for i in items if not i["allow"]]
    firsts = [i["reasons"][0] for i in refused if i["reasons"]]
    first = min(firsts, key=_priority) if firsts else None
    if first is None:
        zh, en = f"全部{len(items)}项均已批准，可以发布。", f"all {len(items)} item(s) approved: publish."
    else:
        zh = f"不能发布：{len(refused)}/{len(items)}项未通过。{first['message_zh']}"
        en = f"do not publish: {len(refused)} of {len(items)} item(s) refused. {first['message_en']}"
    return {"version": VERSION, "allow": allow,
            "summary": {"items": len(items), "allowed": len(items) - len(refused), "refused": len(refused),
                        "blocked": sum(i["verdict"] == "block" for i in items),
                        "first_reason": first, "message_zh": zh, "message_en": en,
                        "ruleset_hash": ruleset_hash},
            "items": items}


def _priority(reason: dict[str, Any]) -> int:
    code = reason["code"]
    return PRIORITY.index(code) if code in PRIORITY else len(PRIORITY)
