"""What the reviewer's pages show, computed from the store's records: labels
in Chinese, a part's text cut around its findings for highlighting, the
score explained, the gate's answer in words, workflow refusals, dropped hits
and chain problems in words."""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from ..lang import in_lang, part_label
from ..levels import CATEGORY_LABELS
from ..report.view import VERDICT_LABELS
from ..rules import reason_in_lang, rule_for
from ..types import Finding, ItemResult
from .parts import PartText

STATUS_LABELS = {
    "submitted": "待审查", "reviewed": "已审查，待审批", "approved": "已批准公开",
    "rejected": "不同意公开", "needs-changes": "退回修改", "unsubmitted": "未报审",
}
DECISION_LABELS = {"approve": "同意公开", "reject": "不同意公开", "needs-changes": "退回修改"}
EVENT_LABELS = {"item": "登记", "scan": "扫描", "submission": "报审", "decision": "审查决定", "approval": "审批"}
# ledger tables (scanner.review.schema) as a chain problem names them
TABLE_LABELS = {"tokens": "令牌", "items": "登记", "scans": "扫描", "submissions": "报审", "decisions": "审查决定",
                "approvals": "审批", "suppressions": "排除", "revocations": "令牌撤销", "chain": "记录链",
                "checkpoint": "检查点"}
FIELD_LABELS = {
    "path": "路径", "title": "标题", "size": "大小", "submitter": "报审人", "via": "途径", "verdict": "扫描结论",
    "ruleset_hash": "规则版本", "actor": "操作人", "decision": "决定", "opinion": "审查意见", "reviewer": "审查人",
    "scan_seq": "依据的扫描记录", "approver": "审批人", "item_id": "编号",
}
# an approval's opinion is the leader's (分管领导审批意见), not the reviewer's
APPROVAL_FIELD_LABELS = {**FIELD_LABELS, "opinion": "审批意见"}
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
    "already-revoked": "该令牌已经撤销。",
}
ROLE_LABELS = {"submitter": "报审人", "reviewer": "保密审查员", "approver": "审批领导", "admin": "管理员"}


def age(iso: str | None, now: datetime | None = None) -> str:
    """How long ago, in the words a queue uses."""
    if not iso:
        return "—"
    seconds = ((now or datetime.now(UTC)) - datetime.fromisoformat(iso)).total_seconds()
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
        return reason_in_lang(self.finding.reason, "zh", self.finding.rule)

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


# why the scanner dropped a hit (scanner.detect, scanner.match.marks,
# scanner.validate.segment, scanner.pipeline), in words; {0} is the captured text
_DROP_REASONS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), zh) for p, zh in (
    (r"marker in brackets \(a title or stamp label\)", "标识词在括号内（标题或印章用语），不是标志"),
    (r"marker stands alone on its line \(label or stamp phrase\)", "标识词单独成行（标签或印章用语），不是标志"),
    (r"marker mentioned in running text, not standing as a label", "标识词出现在正文叙述中，不是作为标签使用"),
    (r"jieba: the hit is part of other words \((.*)\)", "分词显示该命中是其他词语的一部分（{0}）"),
    (r"(.+)级 after 密级 is a mention, not a form field", "“密级”后的“{0}级”是提及，不是密级栏"),
    (r"(.+)级 names a level in running text", "正文中提及密级名称“{0}级”，不是标志"),
    (r"more than one star: a rating, not a mark", "多于一个星号：是评级，不是密级标志"),
    (r"mark quoted inside a sentence: a mention", "标志被引用在句子中：是提及，不是标志"),
    (r"star not followed by a period, time or condition", "★ 后没有保密期限、时间或解密条件"),
    (r"level alone on a line, but not at the head of the document", "密级单独成行，但不在文件开头"),
    (r"what a product is rated for or a verb's object \(适用密级, 最高密级, 确定密级\): not a record's level",
     "“适用密级”“最高密级”“确定密级”说的是产品适用的或要确定的密级，不是本文件的密级"),
    (r"a key naming several levels in the part: a code list's or records' values", "字段在本部分中取多个密级：是代码表或多条记录的取值，不是本记录的密级"),
    (r"form field modifying a noun \(标注密级：机密的文件\): a mention", "“密级：机密的文件”中密级栏修饰名词，是提及，不是密级栏"),
    (r"level alone on a line beside another level's line: a list of the levels", "密级单独成行，与另一密级相邻：是密级的列举"),
    (r"level alone on a line among other values a 密级 field holds: a list's value", "密级单独成行，与密级栏的其他取值并列：是列表中的值"),
    (r"level alone on a line beside a line of levels or periods: a list or a table's column",
     "密级单独成行，与密级或保密期限的行相邻：是列表或表格中的一列"),
    (r"level alone on a line past the head, among a form's or a register's rows: no field of its 密级 label, no mark",
     "密级单独成行，位于表单或台账的行中（不在文件开头）：不是其“密级”栏的值，也不是标志"),
    (r"layout twin of the finding in (.+)", "与“{0}”中的同一发现重复（同一页按版面顺序再读一遍），只报一次"),
))
_DROPPED = re.compile(r"(?P<part>.+):(?P<start>\d+)-(?P<end>\d+) (?P<text>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"): (?P<why>.*)",
                      re.DOTALL)


@dataclass(frozen=True)
class DroppedHit:
    """One hit the scanner considered and dropped, as the item page lists it."""

    item: str
    where: str
    text: str
    why: str          # in Chinese when known
    original: str     # the scanner's own words


def dropped_hits(results: list[ItemResult]) -> list[DroppedHit]:
    """The hits the scan record kept as dropped (``ItemResult.dropped``), in words."""
    out = []
    for r in results:
        for line in r.dropped:
            m = _DROPPED.fullmatch(line)
            if m is None:
                out.append(DroppedHit(r.item, "—", "", line, line))
                continue
            why = m["why"]
            out.append(DroppedHit(r.item, part_label(m["part"]), ast.literal_eval(m["text"]),
                                  _drop_reason(why), why))
    return out


def _drop_reason(why: str) -> str:
    for pattern, zh in _DROP_REASONS:
        m = pattern.fullmatch(why)
        if m:
            groups = [part_label(g) if pattern.pattern.startswith("layout") else g for g in m.groups()]
            return zh.format(*groups)
    return why


# a chain problem's reason (scanner.review.chain, keys, trust, checkpoint), in words
_CHAIN_REASONS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), zh) for p, zh in (
    (r"record\(s\) seq (.+) before it were deleted", "它之前的记录（序号 {0}）被删除"),
    (r"duplicate sequence number", "序号重复"),
    (r"link to the previous record \(seq (\d+)\) is broken.*", "与前一条记录（序号 {0}）的链接断开：记录被修改或替换"),
    (r"content does not match its hash.*", "内容与其哈希不符：记录被修改"),
    (r"the record is not sealed \(no MAC\).*", "记录没有密封（无 MAC）：早于密封的旧记录需运行 preclear audit seal"),
    (r"sealed with key (\S+), not with the review key.*", "用另一把密钥（{0}）密封，不是本系统的审查密钥"),
    (r"its seal \(HMAC\) does not match.*", "密封（HMAC）不符：记录被伪造或修改"),
    (r"the records up to here, verified earlier, were deleted or changed since",
     "此前已校验的记录后来被删除或修改"),
    (r"records after seq (\d+) were deleted.*", "序号 {0} 之后的记录被删除（检查点看到过更长的链）"),
    (r"record seq (\d+) is not the one the checkpoint.*", "序号 {0} 的记录已不是检查点看到的那一条：此后的链被改写"),
    (r"checkpoint: (.*)", "检查点本身无效：{0}"),
))


def chain_reason(reason: str) -> str:
    """A chain problem's reason in Chinese, the original kept when unknown."""
    for pattern, zh in _CHAIN_REASONS:
        m = pattern.fullmatch(reason)
        if m:
            return zh.format(*m.groups())
    return reason
