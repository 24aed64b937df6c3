"""A benchmark folder like a real outgoing one, generated deterministically.

The dictionary corpus (``corpus.py``) is Chinese prose only; a real folder is
bilingual and full of figures.  This one holds, in the proportions below:

- Chinese official documents (notices, replies, work reports) and their
  English translations, sentence by sentence, as two files;
- HTML pages of a government site: navigation, breadcrumbs, the article in
  both languages, a footer with the address, ICP number and phone;
- CSV tables and a few XLSX workbooks of figures: 18-character IDs that fail
  their check digit, amounts, dates, landline and phone-like numbers, 16- to
  19-digit account-like numbers that fail Luhn, a few real-shaped mobiles;
- a few DOCX notices; marks (机密★5年 ...), unit-lexicon terms and valid
  personal data planted in every 10th file so every detector does work.

Sentences come from templates and word lists written here (no network, no
installed text); ``random.Random(seed)`` makes the bytes the same on every
machine.  ``build(root, total_mb=30, files=300)`` is the issue's folder;
both are parameters.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import random
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SEED = 20261204

# parallel Chinese / English word lists: one index picks both
ORGS = (("国务院办公厅", "General Office of the State Council"), ("市人民政府", "Municipal People's Government"),
        ("省发展改革委", "Provincial Development and Reform Commission"), ("市财政局", "Municipal Finance Bureau"),
        ("区教育局", "District Education Bureau"), ("市卫生健康委", "Municipal Health Commission"),
        ("县农业农村局", "County Bureau of Agriculture and Rural Affairs"), ("市生态环境局", "Municipal Ecology Bureau"),
        ("省交通运输厅", "Provincial Department of Transport"), ("市住房城乡建设局", "Municipal Housing Bureau"),
        ("区市场监管局", "District Market Regulation Bureau"), ("省人力资源社会保障厅", "Provincial Human Resources Department"))
TOPICS = (("安全生产", "work safety"), ("营商环境", "the business environment"), ("乡村振兴", "rural revitalisation"),
          ("城市更新", "urban renewal"), ("数字政府建设", "digital government"), ("防汛抗旱", "flood and drought control"),
          ("公共卫生服务", "public health services"), ("义务教育", "compulsory education"),
          ("生态环境保护", "ecological protection"), ("就业创业", "employment and entrepreneurship"),
          ("老旧小区改造", "renovation of old residential areas"), ("科技创新", "scientific and technological innovation"),
          ("财政预算管理", "budget management"), ("政务公开", "open government affairs"),
          ("食品药品监管", "food and drug supervision"), ("养老服务", "elderly care services"))
ACTIONS = (("进一步加强", "further strengthen"), ("切实做好", "effectively carry out"), ("统筹推进", "coordinate"),
           ("全面落实", "fully implement"), ("认真组织", "earnestly organise"), ("持续深化", "continue to deepen"),
           ("扎实开展", "solidly carry out"), ("稳步推进", "steadily advance"))
OBJECTS = (("各项工作", "all related work"), ("专项检查", "special inspections"), ("督导考核", "supervision and assessment"),
           ("制度建设", "institution building"), ("风险排查", "risk screening"), ("宣传培训", "publicity and training"),
           ("资金保障", "funding"), ("信息报送", "information reporting"), ("应急演练", "emergency drills"),
           ("试点示范", "pilot demonstrations"))
SUBJECTS = (("各地区、各部门", "All regions and departments"), ("各有关单位", "All relevant units"),
            ("各级人民政府", "People's governments at all levels"), ("市直各部门", "All municipal departments"),
            ("各乡镇（街道）", "All townships and sub-districts"), ("牵头部门", "The lead departments"))
MODALS = (("要", "shall"), ("应当", "should"), ("必须", "must"), ("需", "need to"))
GOALS = (("确保取得实效", "to ensure real results"), ("形成工作合力", "to form a joint effort"),
         ("提升服务水平", "to improve the level of service"), ("防范化解重大风险", "to prevent and defuse major risks"),
         ("推动高质量发展", "to promote high-quality development"), ("保障人民群众合法权益", "to protect the lawful rights of the people"))
DOC_KINDS = (("通知", "Notice"), ("实施方案", "Implementation Plan"), ("工作报告", "Work Report"), ("批复", "Reply"),
             ("意见", "Opinions"), ("管理办法", "Administrative Measures"))
NAV = ("首页", "政务公开", "政策文件", "政策解读", "新闻动态", "办事服务", "互动交流", "数据发布", "English", "无障碍")
NAV_EN = ("Home", "Government Affairs", "Policies", "Interpretation", "News", "Services", "Interaction", "Data", "中文")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"
ITEMS = ("办公设备购置", "道路维修工程", "培训费", "差旅费", "课题研究经费", "信息化运维", "物业服务", "印刷费",
         "专项补助资金", "设备维护", "会议费", "咨询服务费")
# planted so the mark grammar, the lexicons and PII all have real hits
MARKS = ("机密★5年", "秘密★十年", "内部资料 注意保存", "工作秘密", "绝密★长期")
VALID_PII = ("身份证号：11010519491231002X", "联系电话：13800138000", "银行卡号：6222021234567890128",
             "统一社会信用代码：91350100M000100Y43")


def _pick(rng: random.Random, pairs: tuple[tuple[str, str], ...]) -> tuple[str, str]:
    return pairs[rng.randrange(len(pairs))]


def sentence(rng: random.Random) -> tuple[str, str]:
    """One sentence of an official document and its English translation."""
    s, m, a, t, o, g = (_pick(rng, x) for x in (SUBJECTS, MODALS, ACTIONS, TOPICS, OBJECTS, GOALS))
    year, pct, n = rng.randrange(2019, 2027), rng.randrange(1, 100), rng.randrange(2, 60)
    form = rng.randrange(4)
    if form == 0:
        return (f"{s[0]}{m[0]}{a[0]}{t[0]}{o[0]}，{g[0]}。",
                f"{s[1]} {m[1]} {a[1]} {o[1]} on {t[1]} {g[1]}.")
    if form == 1:
        return (f"截至{year}年底，全市{t[0]}相关指标完成率达到{pct}%，共开展{o[0]}{n}次。",
                f"By the end of {year}, {pct}% of the city's targets on {t[1]} were met, with {n} rounds of {o[1]}.")
    if form == 2:
        return (f"请于{year}年{rng.randrange(1, 13)}月{rng.randrange(1, 29)}日前将{t[0]}{o[0]}情况报送{_pick(rng, ORGS)[0]}。",
                f"Please report on {o[1]} for {t[1]} to the {_pick(rng, ORGS)[1]} before the deadline.")
    return (f"根据《{_pick(rng, ORGS)[0]}关于{t[0]}的{_pick(rng, DOC_KINDS)[0]}》（第{n}号），{s[0]}{m[0]}{a[0]}{o[0]}。",
            f"Pursuant to Document No. {n} on {t[1]}, {s[1].lower()} {m[1]} {a[1]} {o[1]}.")


def document(rng: random.Random, chars: int, plant: str = "") -> tuple[str, str]:
    """A Chinese document of about ``chars`` characters and its translation."""
    org, topic, kind = _pick(rng, ORGS), _pick(rng, TOPICS), _pick(rng, DOC_KINDS)
    number = f"〔{rng.randrange(2019, 2027)}〕{rng.randrange(1, 200)}号"
    zh = [f"{org[0]}关于{topic[0]}的{kind[0]}", f"{org[0][:2]}发{number}", ""]
    en = [f"{kind[1]} of the {org[1]} on {topic[1]}", f"Document {number}", ""]
    if plant:
        zh.insert(0, plant)
        en.insert(0, plant)
    size = 0
    while size < chars:
        para_zh, para_en = [], []
        for _ in range(rng.randrange(3, 8)):
            z, e = sentence(rng)
            para_zh.append(z)
            para_en.append(e)
        zh.append("　　" + "".join(para_zh))
        en.append(" ".join(para_en))
        size += sum(len(z) for z in para_zh)
    zh += ["", org[0], f"{rng.randrange(2019, 2027)}年{rng.randrange(1, 13)}月{rng.randrange(1, 29)}日"]
    en += ["", org[1]]
    return "\n".join(zh) + "\n", "\n".join(en) + "\n"


def _bad_id(rng: random.Random) -> str:
    """An 18-character resident-ID shape whose check character is wrong."""
    from scanner.validate.pii import resident_id_valid

    while True:
        body = f"{rng.randrange(110000, 659999)}{rng.randrange(1950, 2005)}{rng.randrange(1, 13):02d}" \
               f"{rng.randrange(1, 29):02d}{rng.randrange(0, 999):03d}"
        number = body + "0123456789X"[rng.randrange(11)]
        if not resident_id_valid(number):
            return number


def _bad_account(rng: random.Random) -> str:
    """A 16-19 digit account-like number that fails Luhn."""
    from scanner.validate.pii import luhn_valid

    while True:
        digits = "".join(str(rng.randrange(10)) for _ in range(rng.choice((16, 17, 19))))
        if not luhn_valid(digits):
            return digits


def table_rows(rng: random.Random, n: int) -> list[list[str]]:
    """Rows of a figures table: what spreadsheets in an outgoing folder hold."""
    rows = [["序号", "姓名", "证件号码", "项目", "金额（元）", "日期", "联系电话", "账号", "备注"]]
    day0 = dt.date(2024, 1, 1)
    for i in range(1, n + 1):
        name = SURNAMES[rng.randrange(len(SURNAMES))] + "".join(GIVEN[rng.randrange(len(GIVEN))]
                                                               for _ in range(rng.randrange(1, 3)))
        phone = rng.choice((f"0{rng.randrange(10, 999)}-{rng.randrange(2000000, 89999999)}",
                            f"{rng.randrange(400, 401)}-{rng.randrange(100, 999)}-{rng.randrange(1000, 9999)}",
                            f"2{rng.randrange(10 ** 9, 10 ** 10)}", f"1{rng.randrange(3)}{rng.randrange(10 ** 8, 10 ** 9)}"))
        rows.append([str(i), name, _bad_id(rng), ITEMS[rng.randrange(len(ITEMS))],
                     f"{rng.randrange(100, 9_999_999):,}.{rng.randrange(100):02d}",
                     (day0 + dt.timedelta(days=rng.randrange(900))).isoformat(), phone, _bad_account(rng),
                     rng.choice(("", "已核", "待核", "Q3", "ref A-" + str(rng.randrange(10 ** 5, 10 ** 6))))])
    return rows


def csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def html_page(rng: random.Random, zh: str, en: str) -> str:
    """A government site page: navigation, breadcrumbs, both languages, footer."""
    nav = "".join(f'<li><a href="/{i}/index.html">{w}</a></li>' for i, w in enumerate(NAV))
    nav_en = "".join(f'<li><a href="/en/{i}/">{w}</a></li>' for i, w in enumerate(NAV_EN))
    title = zh.split("\n", 1)[0]
    body_zh = "".join(f"<p>{p}</p>\n" for p in zh.split("\n") if p)
    body_en = "".join(f"<p>{p}</p>\n" for p in en.split("\n") if p)
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>'
            f'<link rel="stylesheet" href="/css/main.css"><script src="/js/site.js"></script></head>\n<body>\n'
            f'<header><ul class="nav">{nav}</ul><ul class="nav-en">{nav_en}</ul>'
            f'<form action="/search"><input name="q" placeholder="请输入关键词"></form></header>\n'
            f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/2/">政策文件</a></div>\n'
            f'<article class="zh">\n{body_zh}</article>\n<article class="en" lang="en">\n{body_en}</article>\n'
            f'<footer>主办单位：{_pick(rng, ORGS)[0]} 地址：人民路{rng.randrange(1, 300)}号 邮编：{rng.randrange(100000, 860000)} '
            f'电话：0{rng.randrange(10, 999)}-{rng.randrange(20000000, 89999999)} '
            f'ICP备{rng.randrange(10 ** 7, 10 ** 8)}号-{rng.randrange(1, 9)} 网站标识码{rng.randrange(10 ** 9, 10 ** 10)}'
            f'</footer>\n</body></html>\n')


@dataclass(frozen=True)
class MixedCorpus:
    root: Path
    folder: Path
    unit_lexicon: Path
    files: int

    @property
    def bytes(self) -> int:
        return sum(f.stat().st_size for f in self.folder.rglob("*") if f.is_file())


def _docx(path: Path, text: str) -> None:
    import docx

    d = docx.Document()
    d.core_properties.created = d.core_properties.modified = dt.datetime(2026, 1, 1)
    for para in text.split("\n"):
        d.add_paragraph(para)
    d.save(str(path))


def _xlsx(path: Path, rows: list[list[str]]) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.properties.created = wb.properties.modified = dt.datetime(2026, 1, 1)
    ws = wb.active
    for r in rows:
        ws.append(r)
    wb.save(str(path))


def build(root: Path, total_mb: float = 30, files: int = 300, unit_terms: tuple[str, ...] = ()) -> MixedCorpus:
    """Generate the folder under ``root/mixed-<mb>-<files>`` (skipped when
    complete).  Of every 10 files: 4 Chinese documents, the English
    translations of two of them, 2 HTML pages, 1 CSV table, 1 XLSX or DOCX
    (alternating)."""
    folder = root / f"mixed-{total_mb:g}mb-{files}"
    corpus = MixedCorpus(root, folder, root / "unit.csv", files)
    stamp = folder / ".complete-v1"
    if stamp.exists():
        return corpus
    rng = random.Random(SEED)
    per_file = int(total_mb * 1e6 / files)
    # UTF-8 Chinese is ~3 bytes a character; English ~1; a table row ~110 bytes
    folder.mkdir(parents=True, exist_ok=True)
    translations: list[str] = []
    for i in range(files):
        slot = i % 10
        plant = ""
        if i % 10 == 3:
            plant = MARKS[i // 10 % len(MARKS)] + "\n" + VALID_PII[i // 10 % len(VALID_PII)]
            if unit_terms:
                plant += "\n" + unit_terms[i % len(unit_terms)]
        name = folder / f"{i:04d}"
        if slot in (0, 1, 2, 3):
            zh, en = document(rng, per_file // 3, plant)
            name.with_suffix(".zh.txt").write_text(zh, encoding="utf-8")
            translations.append(en)
        elif slot in (4, 5):
            # the English translation of one of the Chinese documents above
            name.with_suffix(".en.txt").write_text(translations.pop(0), encoding="utf-8")
        elif slot in (6, 7):
            zh, en = document(rng, per_file // 8)
            name.with_suffix(".html").write_text(html_page(rng, zh, en), encoding="utf-8")
        elif slot == 8:
            translations.clear()
            name.with_suffix(".csv").write_text(csv_text(table_rows(rng, per_file // 110)), encoding="utf-8")
        elif i // 10 % 2:
            _docx(name.with_suffix(".docx"), document(rng, per_file // 3)[0])
        else:
            # an XLSX row takes ~90 bytes zipped
            _xlsx(name.with_suffix(".xlsx"), table_rows(rng, per_file // 90))
    stamp.touch()
    return corpus


def printed_pdfs(corpus: MixedCorpus) -> Path | None:
    """The mixed folder's DOCX printed to PDF by LibreOffice (what a unit
    publishes most, and a toolchain other than the generator's), in a folder
    beside it; None without LibreOffice.  Converted once, in one soffice
    process with a profile of its own (a running LibreOffice keeps its lock)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    folder = corpus.root / f"{corpus.folder.name}-pdf"
    stamp = folder / ".complete-v1"
    if stamp.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    sources = sorted(str(p) for p in corpus.folder.glob("*.docx"))
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(folder), *sources], check=True, capture_output=True, timeout=1200)
    if len(list(folder.glob("*.pdf"))) != len(sources):
        raise RuntimeError(f"LibreOffice printed {len(list(folder.glob('*.pdf')))} of {len(sources)} DOCX to PDF")
    stamp.touch()
    return folder
