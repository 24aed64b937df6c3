"""One self-contained HTML report for reviewers: opens offline in any browser
(inline CSS and JS, a Content-Security-Policy that forbids every fetch),
filters by verdict and category without a server, prints cleanly.

Findings are untrusted text from the scanned files, so every value goes
through ``html.escape``; nothing from a result is ever placed in the script.
"""
from __future__ import annotations

import html
import re
from datetime import UTC, datetime

from ..lang import in_lang, part_label
from ..rules import reason_in_lang
from ..types import Finding, ItemResult
from . import Summary, lexicon_line
from .view import (
    EXTRACTION_LABELS,
    VERDICT_LABELS,
    BufferedReporter,
    by_level,
    category_label,
    excerpt,
    in_verdict_order,
    members_by_parent,
    not_fully_read,
    suppression_note,
    verdict_from_members,
)

# img-src data: for the crops of OCR findings, inline in the page (nothing is fetched)
_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"
# at most this many crops in one page (each item already holds at most CROPS_PER_ITEM)
CROPS_PER_REPORT = 200
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")

_CSS = """
:root{--block:#b3261e;--review:#a15c00;--clear:#1e6b35;--line:#d0d4da;--muted:#5b6470;--bg:#f6f7f9}
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0 auto;max-width:1232px;padding:0 16px;background:var(--bg);color:#1b1f24;line-height:1.55;font-size:15px;
 font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Hiragino Sans GB","Microsoft YaHei",
 "WenQuanYi Micro Hei","Noto Sans",system-ui,sans-serif}
header h1{margin:20px 0 4px;font-size:1.6em}
.meta{color:var(--muted);margin:0 0 12px}
h2{font-size:1.2em;margin:0}
#summary{background:#fff;border:1px solid var(--line);border-radius:6px;padding:12px 16px;margin-bottom:12px}
#summary h2{margin-bottom:8px}
.unread{border-left:4px solid var(--review);background:#fff7e8;padding:6px 12px;margin-bottom:12px}
.unread h3{margin:0 0 4px;font-size:1em}
.unread ul{margin:0;padding-left:20px}
.counts{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
.counts table{border-collapse:collapse;min-width:200px}
.counts caption{text-align:left;font-weight:600;padding-bottom:4px}
.counts th,.counts td{border-bottom:1px solid var(--line);padding:3px 8px;text-align:left;font-weight:normal}
.counts td{text-align:right;font-variant-numeric:tabular-nums}
#filters{display:flex;flex-wrap:wrap;gap:8px 20px;align-items:center;position:sticky;top:0;z-index:1;
 background:var(--bg);padding:8px 0;border-bottom:1px solid var(--line)}
#filters fieldset{border:0;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:4px 12px}
#filters legend{float:left;margin-right:8px;font-weight:600}
#filters label{white-space:nowrap;cursor:pointer}
#filters select{font:inherit;max-width:100%}
#shown{color:var(--muted)}
.item{background:#fff;border:1px solid var(--line);border-left:6px solid var(--line);border-radius:6px;
 padding:12px 16px;margin:12px 0}
.item[data-verdict=block]{border-left-color:var(--block)}
.item[data-verdict=review]{border-left-color:var(--review)}
.item[data-verdict=clear]{border-left-color:var(--clear)}
.item h2{display:flex;flex-wrap:wrap;gap:8px;align-items:baseline}
.name{overflow-wrap:anywhere;font-weight:600}
.badge{display:inline-block;border-radius:4px;padding:0 8px;color:#fff;font-size:.9em;white-space:nowrap}
.badge.block{background:var(--block)}.badge.review{background:var(--review)}.badge.clear{background:var(--clear)}
.facts{display:flex;flex-wrap:wrap;gap:2px 18px;margin:8px 0;color:var(--muted)}
.facts div{display:flex;gap:6px;min-width:0}
.facts dt{font-weight:600;white-space:nowrap}.facts dd{margin:0;overflow-wrap:anywhere}
.errors{color:var(--block);margin:4px 0;padding-left:20px}
table.findings{width:100%;border-collapse:collapse;margin-top:6px;font-size:.95em}
.findings th,.findings td{border-top:1px solid var(--line);padding:5px 6px;text-align:left;vertical-align:top}
.findings th{background:var(--bg);font-weight:600;white-space:nowrap}
.findings td{overflow-wrap:anywhere}
.findings .part{width:8%;overflow-wrap:normal;word-break:keep-all}.findings .level{width:7%}
.findings .category{width:14%}.findings .reason{width:20%}.findings .basis{width:21%}
.findings .basis{color:var(--muted);font-size:.92em}
.rule{color:var(--muted);font-size:.85em;display:block}
mark{background:#ffd54f;color:#000;padding:0 1px;border-radius:2px;font-weight:600}
.none{color:var(--muted);margin:6px 0 0}
.suppressed td{background:#f1f3f5}.suppressed-note{display:block;color:var(--clear);font-size:.9em}
.ocr{display:block;color:var(--muted);font-size:.9em;margin-top:4px}
.ocr img{display:block;max-width:100%;border:1px solid var(--line);margin-top:2px;background:#fff}
.from-member{border-left:4px solid var(--review);background:#fff7e8;padding:4px 10px;margin:6px 0}
footer{padding:12px 0 24px;color:var(--muted);font-size:.9em}
@media (max-width:700px){
 body{font-size:14px;padding:0 8px}
 #summary,.item{padding:10px}
 .findings .part,.findings .level,.findings .category,.findings .reason,.findings .basis{width:100%}
 .findings thead{display:none}
 .findings,.findings tbody,.findings tr,.findings td{display:block;width:100%}
 .findings tr{border-top:1px solid var(--line);padding:4px 0}
 .findings td{border:0;padding:2px 0}
 .findings td::before{content:attr(data-label) "：";font-weight:600;color:var(--muted)}
}
@media print{
 body{background:#fff;font-size:10.5pt}
 #filters{display:none!important}
 #summary,.item{border-color:#999;break-inside:auto}
 .findings tr,.item h2,.facts{break-inside:avoid}
 .badge,mark{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 a{color:inherit;text-decoration:none}
}
"""

_SCRIPT = """
(function(){
 var nav=document.getElementById('filters');nav.hidden=false;
 var boxes=nav.querySelectorAll('input[name=verdict]');
 var select=document.getElementById('category-filter');
 var items=document.querySelectorAll('main .item');
 function apply(){
  var on={},cat=select.value,shown=0;
  boxes.forEach(function(b){on[b.value]=b.checked;});
  items.forEach(function(it){
   var ok=on[it.dataset.verdict]&&(!cat||it.dataset.categories.split(' ').indexOf(cat)>=0);
   it.hidden=!ok;if(ok){shown++;}
   it.querySelectorAll('tr.finding').forEach(function(tr){tr.hidden=!!cat&&tr.dataset.category!==cat;});
  });
  document.getElementById('shown').textContent='显示 '+shown+' / '+items.length;
 }
 nav.addEventListener('change',apply);apply();
})();
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _size(n: int | None) -> str:
    if n is None:
        return "—"
    if n < 1024:
        return f"{n} B"
    return f"{n / 1024:.1f} KiB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MiB"


def _count_table(table_id: str, caption: str, counts: dict[str, int], labels: dict[str, str] | None = None) -> str:
    rows = "".join(
        f'<tr data-key="{_e(k)}"><th>{_e(labels.get(k, k) if labels else k)}</th><td class="count">{v}</td></tr>'
        for k, v in counts.items()
    ) or '<tr><th>—</th><td class="count">0</td></tr>'
    return f'<table id="{table_id}"><caption>{_e(caption)}</caption>{rows}</table>'


class HtmlReporter(BufferedReporter):
    """Writes the page, sorted by verdict, in ``finish``."""

    crops_left = CROPS_PER_REPORT

    def finish(self, summary: Summary) -> None:
        self.crops_left = CROPS_PER_REPORT
        ordered = in_verdict_order(self.results)
        self.members = members_by_parent(ordered)
        anchors = {id(r): f"item-{n}" for n, r in enumerate(ordered, 1)}
        page = "".join((
            self._head(summary),
            self._summary(summary, ordered, anchors),
            self._filters(summary, ordered),
            "<main>",
            "".join(self._item(r, anchors[id(r)]) for r in ordered) or '<p class="none">没有项目。</p>',
            "</main>",
            '<footer>preclear 保密审查报告。扫描结论不替代人工审查与领导审批（先审查、后公开）。',
            self._lexicons(),
            "</footer>",
            f"<script>{_SCRIPT}</script></body></html>\n",
        ))
        self.out.write(page.encode("utf-8"))
        self.out.flush()

    def _head(self, summary: Summary) -> str:
        when = datetime.now(UTC).astimezone().strftime("%Y-%m-%d %H:%M")
        masked = " · 摘录已遮蔽" if self.options.mask else ""
        return (
            '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
            f"<title>保密审查报告 · preclear</title><style>{_CSS}</style></head><body>"
            f'<header><h1>保密审查报告</h1><p class="meta">生成于 {_e(when)} · {summary.items} 项 · '
            f"{_e(_size(summary.bytes))} · 用时 {summary.seconds:.1f} 秒{masked}</p></header>"
        )

    def _lexicons(self) -> str:
        rows = "".join(f"<li>{_e(lexicon_line(info, zh=True))}</li>" for info in self.options.lexicons)
        return f'<div id="lexicons">所用词库（{len(self.options.lexicons)}）：<ul>{rows}</ul></div>'

    def _summary(self, summary: Summary, ordered: list[ItemResult], anchors: dict[int, str]) -> str:
        unread = not_fully_read(ordered)
        unread_html = ""
        if unread:
            lines = "".join(
                f'<li><a href="#{anchors[id(r)]}">{_e(r.item)}</a> — '
                f"{_e(EXTRACTION_LABELS.get(r.extraction.value, r.extraction.value))}"
                f"{'：' + _e('；'.join(self._lang(e) for e in r.errors)) if r.errors else ''}</li>"
                for r in unread
            )
            unread_html = f'<div class="unread" id="unread"><h3>未能完整读取的项目（{len(unread)}）</h3><ul>{lines}</ul></div>'
        verdicts = {k: summary.by_verdict.get(k, 0) for k in ("block", "review", "clear")}
        verdict_labels = {k: f"{VERDICT_LABELS[k]} ({k})" for k in verdicts}
        categories = {category_label(k): v for k, v in sorted(summary.by_category.items())}
        return (
            f'<section id="summary"><h2>概况</h2>{unread_html}<div class="counts">'
            + _count_table("by-verdict", "按结论", verdicts, verdict_labels)
            + _count_table("by-category", "按类别（发现数）", categories)
            + _count_table("by-level", "按级别（发现数）", by_level(summary.by_level))
            + "</div></section>"
        )

    def _filters(self, summary: Summary, ordered: list[ItemResult]) -> str:
        boxes = "".join(
            f'<label><input type="checkbox" name="verdict" value="{v}" checked> '
            f"{VERDICT_LABELS[v]}（{summary.by_verdict.get(v, 0)}）</label>"
            for v in ("block", "review", "clear")
        )
        categories = sorted({f.category for r in ordered for f in r.findings})
        options = "".join(f'<option value="{_e(c)}">{_e(category_label(c))}</option>' for c in categories)
        return (
            f'<nav id="filters" hidden aria-label="筛选"><fieldset><legend>结论</legend>{boxes}</fieldset>'
            f'<label>类别 <select id="category-filter"><option value="">全部类别</option>{options}</select></label>'
            f'<span id="shown"></span></nav>'
        )

    def _item(self, r: ItemResult, anchor: str) -> str:
        v = r.verdict.value
        categories = " ".join(sorted({f.category for f in r.findings}))
        facts = [("得分", f"{r.score:g}"), ("读取", EXTRACTION_LABELS.get(r.extraction.value, r.extraction.value)),
                 ("格式", r.format), ("大小", _size(r.size)), ("SHA-256", r.sha256 or "—")]
        if r.parent:
            facts.append(("所在压缩包", r.parent))
        if r.failed_parts:
            facts.append(("未读部分", "、".join(r.failed_parts)))
        facts_html = "".join(f"<div><dt>{_e(k)}</dt><dd>{_e(val)}</dd></div>" for k, val in facts)
        errors = "".join(f"<li>{_e(self._lang(e))}</li>" for e in r.errors)
        origin = verdict_from_members(r, self.members.get(r.item, ()))
        body = (f'<p class="from-member">{_e(origin)}</p>' if origin else "") + (
            self._findings(r) if r.findings else '<p class="none">本项目自身未发现问题。</p>')
        return (
            f'<section class="item" id="{anchor}" data-verdict="{_e(v)}" data-categories="{_e(categories)}">'
            f'<h2><span class="badge {_e(v)}">{_e(VERDICT_LABELS.get(v, v))}</span>'
            f'<span class="name">{_e(r.item)}</span></h2><dl class="facts">{facts_html}</dl>'
            + (f'<ul class="errors">{errors}</ul>' if errors else "")
            + body + "</section>"
        )

    def _lang(self, value: str, rule: str | None = None) -> str:
        return reason_in_lang(value, self.options.lang, rule) if rule else in_lang(value, self.options.lang)

    def _ocr(self, f: Finding) -> str:
        """A finding read from a picture: the recogniser's confidence and the
        crop of the picture it came from (until the page's crops run out; never
        when excerpts are masked, as the crop shows the text)."""
        confidence = dict(f.details).get("confidence")
        if not isinstance(confidence, (int, float)):
            return ""
        shown = f"图片识别（OCR）置信度 {confidence:.2f}"
        if f.crop and not self.options.mask and self.crops_left > 0 and _BASE64.fullmatch(f.crop):
            self.crops_left -= 1
            return (f'<span class="ocr">{shown}<img src="data:image/png;base64,{f.crop}" '
                    f'alt="{_e(part_label(f.part))} 中识别出这段文字的区域"></span>')
        return f'<span class="ocr">{shown}</span>'

    def _findings(self, r: ItemResult) -> str:
        rows = []
        for f in r.findings:
            ex = excerpt(f, self.options.mask)
            note = suppression_note(self.options.suppression(r, f))
            context = _e(ex.before) + (f"<mark>{_e(ex.match)}</mark>" if ex.match else "") + _e(ex.after)
            rows.append(
                f'<tr class="finding{" suppressed" if note else ""}" data-category="{_e(f.category)}">'
                f'<td data-label="位置" class="part">{_e(part_label(f.part))}</td>'
                f'<td data-label="级别" class="level">{_e(f.level or "—")}</td>'
                f'<td data-label="类别" class="category">{_e(category_label(f.category))}<span class="rule">{_e(f.rule)}</span></td>'
                f'<td data-label="原因" class="reason">{_e(self._lang(f.reason, f.rule))}'
                + (f'<span class="suppressed-note">{_e(note)}</span>' if note else "") + '</td>'
                f'<td data-label="依据" class="basis">{_e(self._lang(f.basis))}</td>'
                f'<td data-label="上下文" class="context">{context}{self._ocr(f)}</td></tr>'
            )
        return (
            '<table class="findings"><thead><tr><th class="part">位置</th><th class="level">级别</th>'
            '<th class="category">类别</th><th class="reason">原因</th><th class="basis">依据</th>'
            f'<th>上下文</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
        )
