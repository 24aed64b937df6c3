"""Why the gate refused, as data an editor can act on (gate contract v2).

Each reason names the item, the part of it (in words: 页眉, 批注, 工作表“X”…),
the rule and level, the marked text (masked when the service masks) and what
to do, in Chinese first and English.  The first reason of an item is the one
that matters: a blocked item lists what blocks it and nothing about its
approval status (a blocked item can never be approved anyway).
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from ..levels import CATEGORY_LABELS
from ..report.mask import mask_text
from ..report.view import LEVEL_ORDER
from ..review.store import ReviewStore
from ..review.workflow import Status
from ..types import one_line
from .article import field_at

MAX_FINDINGS = 10       # blocking findings listed per item; the rest are counted in the last one
MAX_HINTS = 5           # review-level findings listed for an item awaiting review
_EXCERPT = 80

_PART_ZH = {
    "body": "正文", "table": "表格", "textbox": "文本框", "header": "页眉", "footer": "页脚",
    "footnote": "脚注", "endnote": "尾注", "comment": "批注", "hidden": "隐藏文字",
    "deleted": "修订中删除的文字", "field": "域代码", "watermark": "水印", "chart": "图表",
    "glossary": "文档部件", "properties": "文档属性", "metadata": "元数据", "annotation": "注释",
    "master": "幻灯片母版", "title": "标题", "meta": "网页元数据", "attributes": "图片说明等属性文字",
    "html-comment": "网页源码注释", "names": "名称定义", "template": "模板", "embedded": "嵌入对象",
    "attachment": "内嵌附件", "item": "整个文件", "form": "表单域",
    # version-2 article fields (article.py)
    "path": "网址", "text": "正文", "html": "网页源码", "links": "链接", "attachments": "附件清单",
}
_NUMBERED_ZH = {"page": "第{}页", "slide": "第{}张幻灯片", "notes": "第{}张幻灯片的备注"}

# category -> (what to do, Chinese; English)
_ACTION = {
    "mark": ("删去密级标志；如内容确属国家秘密，不得公开发布",
             "remove the classification mark; if the content is a state secret it must not be published"),
    "secret-point": ("删去或改写这段内容，并请保密审查人员确认",
                     "remove or rewrite this passage and have the review office confirm it"),
    "work-secret": ("删去该标注，或请保密审查人员确认可以公开",
                    "remove the label, or have the review office confirm it may be published"),
    "draft": ("换成定稿后重新提交", "submit the final version instead of the draft"),
    "pii": ("删去或遮盖个人信息后重新提交", "remove or mask the personal information and submit again"),
    "hidden": ("删除批注、修订和隐藏内容后重新上传",
               "remove comments, tracked changes and hidden content and upload again"),
    "metadata": ("清除这部分内容后重新上传", "clear this and upload again"),
    "unreadable": ("这部分无法读取：换成可读取的格式（如 DOCX 或带文字层的 PDF）重新上传，或请保密审查人员人工审查",
                   ("this part cannot be read: upload a readable format (DOCX, a PDF with a text layer) "
                    "or have the review office review it by hand")),
    "aggregation": ("请保密审查人员人工审查", "have the review office review it"),
}
_STATUS_ZH = {"submitted": "已提交，等待保密审查", "reviewed": "已审查，等待领导批准",
              "rejected": "审查未通过", "needs-changes": "审查意见为需要修改", "approved": "已批准",
              "unsubmitted": "尚未提交"}
_KIND_ZH = {"article": "文章", "attachment": "附件", "file": "文件"}
_KIND_EN = {"article": "article", "attachment": "attachment", "file": "file"}


# which refusal an editor must hear about first, across items
PRIORITY = ("blocked", "rescan-changed", "rejected", "needs-changes", "not-submitted", "not-approved")


@dataclass(frozen=True)
class Reason:
    code: str
    item: str
    part: str | None
    rule: str | None
    level: str | None
    excerpt: str | None
    message_zh: str
    message_en: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Subject:
    """The item being gated, as the editor knows it."""

    kind: str          # article, attachment, file
    name: str          # item name (a file name; for an article the page path)
    title: str
    text: str | None   # a version-2 article's canonical text, to place findings in its fields

    @property
    def label_zh(self) -> str:
        if self.kind == "article":
            return f"文章《{self.title}》（{self.name}）" if self.title else f"文章（{self.name}）"
        return f"{_KIND_ZH.get(self.kind, '文件')}“{self.name}”"

    @property
    def label_en(self) -> str:
        return f"{_KIND_EN.get(self.kind, 'file')} {self.name}"


def part_zh(part: str) -> str:
    """A part locator in words: ``header`` -> 页眉, ``sheet:工资表`` -> 工作表“工资表”."""
    kind, _, rest = part.partition(":")
    if kind == "sheet" and rest:
        return f"工作表“{rest}”"
    if kind in _NUMBERED_ZH and rest:
        return _NUMBERED_ZH[kind].format(rest)
    return _PART_ZH.get(part, part)


def _level_rank(level: str | None) -> int:
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else len(LEVEL_ORDER)


def _findings(scan_json: str, severity: str) -> list[tuple[str, dict[str, Any]]]:
    """(scanned item name, finding) of one severity, marks first, then by level."""
    out = [(result.get("item", ""), f) for result in json.loads(scan_json)
           for f in result.get("findings", ()) if f.get("severity") == severity]
    return sorted(out, key=lambda pair: (pair[1].get("category") != "mark", _level_rank(pair[1].get("level"))))


def finding_reason(code: str, subject: Subject, member: str, f: dict[str, Any], mask: bool) -> Reason:
    part = f.get("part") or "item"
    if subject.text is not None and part == "body" and f.get("start") is not None:
        part = field_at(subject.text, int(f["start"])) or part
    text = (f.get("text") or "")[:_EXCERPT]
    excerpt = (mask_text(text, f.get("level")) if mask else text) or None
    category = f.get("category", "")
    what_zh = "，".join(x for x in (CATEGORY_LABELS.get(category, category), f.get("level")) if x)
    action_zh, action_en = _ACTION.get(category, _ACTION["aggregation"])
    # archive members are scanned as items of their own, named outer.zip!inner/name
    inner = member.partition("!")[2]
    where_zh = f"内含文件“{inner}”的{part_zh(part)}" if inner else part_zh(part)
    where_en = f"{inner}, {part}" if inner else part
    if excerpt:
        shown = one_line(excerpt)  # a sentence on one line, as the reports show the text
        zh = f"{subject.label_zh}的{where_zh}中有“{shown}”（{what_zh}）：{action_zh}。"
        en = f'{subject.label_en}, {where_en}: "{shown}" ({f.get("rule")}, {f.get("level") or category}): {action_en}.'
    else:
        zh = f"{subject.label_zh}的{where_zh}：{what_zh}（{f.get('reason', '')}）：{action_zh}。"
        en = f"{subject.label_en}, {where_en}: {f.get('reason', f.get('rule'))}: {action_en}."
    return Reason(code, subject.name, part, f.get("rule"), f.get("level"), excerpt, zh, en)


def not_submitted(subject: Subject) -> Reason:
    change = "标题、正文、链接、网址或附件的任何改动都是新的一版，需重新提交审查" if subject.kind == "article" \
        else "文件内容的任何改动都是新的一版，需重新提交审查"
    return Reason("not-submitted", subject.name, None, None, None, None,
                  f"{subject.label_zh}的这一版尚未提交保密审查：请保存并提交审查，经审查和批准后才能发布（{change}）。",
                  f"{subject.label_en}: these exact contents were never submitted for review; submit them and "
                  "publish after review and approval (any change is a new version).")


def refusal_reasons(subject: Subject, status: Status, store: ReviewStore, mask: bool,
                    workflow_words: tuple[str, ...]) -> list[Reason]:
    """Why a submitted item may not be published, the reason that matters
    first.  ``workflow_words`` are the workflow's own reasons (GateAnswer):
    an approved item refused for anything but a re-scan keeps them."""
    scan = status.scan
    if scan is not None and scan.verdict == "block":
        blocking = _findings(scan.result_json, "block")
        reasons = [finding_reason("blocked", subject, member, f, mask) for member, f in blocking[:MAX_FINDINGS]]
        if len(blocking) > MAX_FINDINGS:
            more = len(blocking) - MAX_FINDINGS
            reasons.append(Reason("blocked", subject.name, None, None, None, None,
                                  f"{subject.label_zh}另有{more}处禁止公开的内容，详见审查报告。",
                                  f"{subject.label_en}: {more} more blocking findings, see the scan report."))
        return reasons or [Reason("blocked", subject.name, None, None, None, None,
                                  f"{subject.label_zh}的扫描结论为禁止公开。",
                                  f"{subject.label_en}: the scan says block.")]
    record = status.record
    hints = [finding_reason("finding", subject, member, f, mask)
             for member, f in _findings(scan.result_json, "review")[:MAX_HINTS]] if scan else []
    if record.status == "approved":
        if any(word.startswith("a re-scan") for word in workflow_words):
            return [_rescan_changed(subject, status, store, mask)]
        said = "; ".join(workflow_words)
        return [Reason("refused", subject.name, None, None, None, None,
                       f"{subject.label_zh}虽已批准，但保密审查服务拒绝发布：{said}。请联系保密审查人员。",
                       f"{subject.label_en}: approved, but the gate refuses: {said}.")]
    opinion = record.decisions[-1][1] if record.decisions else ""
    if record.status in ("rejected", "needs-changes"):
        said = f"审查意见：{opinion}" if opinion else ""
        first = Reason(record.status, subject.name, None, None, None, None,
                       f"{subject.label_zh}{_STATUS_ZH[record.status]}，不能发布。{said}"
                       "请按意见修改后重新提交审查。",
                       f"{subject.label_en}: the reviewer decided {record.status}"
                       f"{': ' + opinion if opinion else ''}; change it and submit it again.")
    else:
        first = Reason("not-approved", subject.name, None, None, None, None,
                       f"{subject.label_zh}尚未批准发布（当前状态：{_STATUS_ZH.get(record.status, record.status)}）："
                       "请等待保密审查和领导批准后再发布。",
                       f"{subject.label_en}: not approved for publication yet (status {record.status}); "
                       "publish after review and approval.")
    return [first, *hints]


def _rescan_changed(subject: Subject, status: Status, store: ReviewStore, mask: bool) -> Reason:
    """An approved item whose re-scan under the current lexicon found something new."""
    assert status.scan is not None
    with store.read() as conn:
        events = store.events(conn, status.item.sha256)
        approval = next((e for e in reversed(events) if e.kind == "approval"), None)
        seen = store.scan(conn, approval.fields["scan_seq"]) if approval else None
    known = {f.get("fingerprint") for _, f in _all(seen.result_json)} if seen else set()
    new = [(m, f) for m, f in _all(status.scan.result_json) if f.get("fingerprint") not in known]
    zh = f"{subject.label_zh}批准后词库或规则已更新，重新扫描发现了批准时没有的问题，需重新审查和批准。"
    en = (f"{subject.label_en}: a re-scan with the current lexicon found findings not seen at approval; "
          "it must be reviewed and approved again.")
    if not new:
        return Reason("rescan-changed", subject.name, None, None, None, None, zh, en)
    first = finding_reason("rescan-changed", subject, new[0][0], new[0][1], mask)
    return Reason("rescan-changed", subject.name, first.part, first.rule, first.level, first.excerpt,
                  f"{zh}首个新问题：{first.message_zh}", f"{en} First new finding: {first.message_en}")


def _all(scan_json: str) -> list[tuple[str, dict[str, Any]]]:
    return [(r.get("item", ""), f) for r in json.loads(scan_json) for f in r.get("findings", ())]
