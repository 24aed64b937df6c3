"""What the reviewer's pages show, computed from the store's records: labels
in Chinese, a part's text cut around its findings for highlighting, the
score explained, the gate's answer in words, workflow refusals in words."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from ..lang import in_lang, part_label
from ..report.view import CATEGORY_LABELS, VERDICT_LABELS
from ..rules import rule_for
from ..types import Finding, ItemResult
from .parts import PartText

STATUS_LABELS = {
    "submitted": "待审查", "reviewed": "已审查，待审批", "approved": "已批准公开",
    "rejected": "不同意公开", "needs-changes": "退回修改", "unsubmitted": "未报审",
}
DECISION_LABELS = {"approve": "同意公开", "reject": "不同意公开", "needs-changes": "退回修改"}
EVENT_LABELS = {"item": "登记", "scan": "扫描", "submission": "报审", "decision": "审查决定", "approval": "审批"}
FIELD_LABELS = {
    "path": "路径", "title": "标题", "size": "大小", "submitter": "报审人", "via": "途径", "verdict": "扫描结论",
    "ruleset_hash": "规则版本", "actor": "操作人", "decision": "决定", "opinion": "审查意见", "reviewer": "审查人",
    "scan_seq": "依据的扫描记录", "approver": "审批人", "item_id": "编号",
}
# the workflow's refusal codes (scanner.review) in words
REFUSALS = {
    "blocked": "扫描结论为“禁止公开”：只能作出“不同意公开”或“退回修改”的决定，不能同意或批准公开。",
    "same-person": "同一人不能既审查又审批同一事项（审查与审批分离）。",
    "not-reviewed": "尚未经保密审查同意公开，不能审批。",
    "already-approved": "该事项已经批准公开。",
    "rescan-changed": "按当前词库和规则重新扫描，发现了审查时没有的问题，需要重新审查。",
    "no-content": "存储的文件内容缺失，请重新报审。",
    "bad-decision": "请选择审查决定。",
    "no-opinion": "审查决定必须写明审查意见。",
    "ambiguous": "编号不唯一，请给出完整的 SHA-256。",
    "not-found": "没有这个事项。",
    "sha-mismatch": "页面上显示的内容已不是该事项当前的内容（SHA-256 不符），请刷新后重新审查。",
    "forbidden": "您的角色无权进行此操作。",
    "bad-scope": "排除范围不正确；超出本事项的排除只适用于有匹配文字的发现。",
    "no-reason": "排除必须写明理由。",
    "bad-expiry": "有效期必须是今天或以后的日期（YYYY-MM-DD）。",
    "no-pattern": "按路径排除需要填写路径模式（如 通知/*.docx）。",
    "no-finding": "没有找到这项发现（扫描结果可能已更新），请刷新页面。",
    "csrf": "表单已失效（缺少或不符的 CSRF 令牌），请刷新页面后重试。",
}
ROLE_LABELS = {"submitter": "报审人", "reviewer": "保密审查员", "approver": "审批领导", "admin": "管理员"}


def age(iso: str | None, now: datetime | None = None) -> str:
    """How long ago, in the words a queue uses."""
    if not iso:
        return "—"
    seconds = ((now or datetime.now(timezone.utc)) - datetime.fromisoformat(iso)).total_seconds()
    if seconds < 3600:
        return f"{max(0, int(seconds // 60))} 分钟"
    if seconds < 86400:
        return f"{int(seconds // 3600)} 小时"
    return f"{int(seconds // 86400)} 天"


def local(iso: str | None) -> str:
    return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M") if iso else "—"


@dataclass(frozen=True)
class Mark:
    """One finding as the page names it: its anchor, where, what and why."""

    anchor: str
    item: str
    finding: Finding

    @property
    def where(self) -> str:
        return part_label(self.finding.part)

    @property
    def category(self) -> str:
        return CATEGORY_LABELS.get(self.finding.category, self.finding.category)

    @property
    def rule_name(self) -> str:
        return rule_for(self.finding.rule).name_zh

    @property
    def reason(self) -> str:
        return in_lang(self.finding.reason, "zh", self.finding.rule)

    @property
    def basis(self) -> str:
        return in_lang(self.finding.basis, "zh")


@dataclass(frozen=True)
class Segment:
    text: str
    mark: Mark | None = None


@dataclass(frozen=True)
class PartView:
    item: str
    part: str
    label: str
    segments: tuple[Segment, ...]
    marks: int


def marks_of(results: list[ItemResult]) -> list[Mark]:
    return [Mark(f"f{n}-{k}", r.item, f) for n, r in enumerate(results) for k, f in enumerate(r.findings)]


def part_views(parts: list[PartText], marks: list[Mark]) -> list[PartView]:
    """Each part's text cut into plain and highlighted segments; a finding
    overlapping one already shown is highlighted from where that one ends."""
    by_part: dict[tuple[str, str], list[Mark]] = {}
    for m in marks:
        if m.finding.start is not None and m.finding.end is not None:
            by_part.setdefault((m.item, m.finding.part), []).append(m)
    views = []
    for p in parts:
        here = sorted(by_part.get((p.item, p.part), ()), key=lambda m: (m.finding.start, -(m.finding.end or 0)))
        segments: list[Segment] = []
        cursor = 0
        for m in here:
            start, end = max(cursor, m.finding.start or 0), min(len(p.text), m.finding.end or 0)
            if end <= start:
                continue
            if start > cursor:
                segments.append(Segment(p.text[cursor:start]))
            segments.append(Segment(p.text[start:end], m))
            cursor = end
        segments.append(Segment(p.text[cursor:]))
        views.append(PartView(p.item, p.part, part_label(p.part), tuple(segments),
                              sum(1 for s in segments if s.mark)))
    return views


def finding_keys(results: list[ItemResult]) -> dict[tuple[str, str, str, str], str]:
    """Findings of a scan keyed by (item, rule, part, text), each described in
    words, for comparing versions of the same path."""
    out = {}
    for r in results:
        for f in r.findings:
            label = f"{rule_for(f.rule).name_zh}（{part_label(f.part)}）" + (f"：{f.text}" if f.text else "")
            out[(r.item, f.rule, f.part, f.text)] = label
    return out


def score_lines(result: ItemResult) -> list[str]:
    """How the item's score and verdict were reached, in words."""
    scores = sorted((f.score for f in result.findings), reverse=True)
    lines = []
    if scores:
        rest = sum(scores[1:])
        lines.append(f"得分 {result.score:g} = 最高一项 {scores[0]:g}"
                     + (f" + 其余 {len(scores) - 1} 项之和 {rest:g} 的十分之一" if scores[1:] else "")
                     + "（上限 100）。")
    severities = {f.severity.value for f in result.findings}
    if "block" in severities:
        lines.append("有“禁止公开”级别的发现（国家秘密标志或密级词），结论为禁止公开。")
    elif result.extraction.value != "full":
        lines.append("未能完整读取，不得判为未发现问题，结论为需人工审查。")
    elif "review" in severities:
        lines.append("有需要人工判断的发现，结论为需人工审查。")
    elif result.verdict.value != "clear":
        lines.append(f"本项目自身的发现只作提示；结论“{VERDICT_LABELS[result.verdict.value]}”来自其压缩包成员。")
    else:
        lines.append("没有需要处理的发现（提示级命中只计分，不改变结论）。扫描结论不替代人工审查。")
    return lines


def gate_words(status: str, verdict: str | None, stale: bool) -> tuple[bool, list[str]]:
    """Whether the gate lets these bytes out on the current record, and the
    reasons (or the note that a stale scan is redone first), in words."""
    reasons = []
    if verdict == "block":
        reasons.append("扫描结论为禁止公开。")
    if status != "approved":
        reasons.append(f"尚未批准公开（当前状态：{STATUS_LABELS.get(status, status)}）。")
    if stale:
        reasons.append("词库或规则已更新：发布前闸口将按新规则重新扫描，新发现的问题需要重新审查。")
    return status == "approved" and verdict != "block", reasons
