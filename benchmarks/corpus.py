"""The benchmark corpus, generated deterministically from jieba's dictionary.

No network, no randomness that depends on the machine: the same seed gives
the same bytes everywhere, so numbers from two machines compare.

- plain Chinese text: words of jieba's 30,000 most frequent entries, drawn by
  frequency, with Chinese punctuation and line breaks; a few files carry
  unit-lexicon terms, marks and personal data so the detectors do real work;
- a 500-term unit lexicon of made-up project code names (rare in the text);
- three 50,000-term stress lexicons, all level 提示 (the size of a bought
  sensitive-word list): ``stress.csv``, words of two or more characters
  drawn evenly from jieba's whole dictionary, common ones included (the
  issue's "50,000 dictionary words"; one hit per ~18 characters);
  ``stress-absent.csv``, words of three or more characters the text never
  uses (a list whose terms do not occur in clean text; one hit per ~500
  characters, from words that contain them); ``stress-common.csv``, the
  50,000 most frequent words (worst case: nearly every word is a hit);
- DOCX (python-docx) and PDF (reportlab) files whose source text is known.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SEED = 20261123
TEXT_VOCAB = 30_000
STRESS_TERMS = 50_000
UNIT_TERMS = 500
PUNCT = "，，，，、。；："


@dataclass(frozen=True)
class Dictionary:
    words: tuple[str, ...]  # sorted by frequency, most frequent first
    freqs: np.ndarray


def jieba_dictionary() -> Dictionary:
    import jieba

    path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            word, freq, *_ = line.split(" ")
            if all("\u4e00" <= ch <= "\u9fff" for ch in word):
                rows.append((-int(freq), word))
    rows.sort()
    return Dictionary(tuple(w for _, w in rows), np.array([-f for f, _ in rows], dtype=np.float64))


def chinese_text(d: Dictionary, n_chars: int, seed: int) -> str:
    """About ``n_chars`` characters of frequency-weighted words and punctuation."""
    rng = np.random.default_rng(seed)
    vocab = d.words[:TEXT_VOCAB]
    p = d.freqs[:TEXT_VOCAB] / d.freqs[:TEXT_VOCAB].sum()
    out: list[str] = []
    size = 0
    while size < n_chars:
        picks = rng.choice(len(vocab), size=4096, p=p)
        breaks = rng.integers(0, 40, size=4096)
        for w, b in zip(picks, breaks):
            word = vocab[w]
            out.append(word)
            size += len(word)
            if b < 4:
                out.append(PUNCT[b * 2 + (w & 1)])
                size += 1
            elif b == 4:
                out.append("。\n")
                size += 2
    return "".join(out)[:n_chars]


def unit_lexicon_terms(d: Dictionary) -> list[str]:
    """500 made-up code names (two rare words + a number + a suffix)."""
    rng = np.random.default_rng(SEED + 1)
    rare = [w for w in d.words[200_000:260_000] if len(w) == 2]
    suffixes = ("工程", "项目", "计划", "系统", "型")
    terms: set[str] = set()
    while len(terms) < UNIT_TERMS:
        a, b = rng.choice(len(rare), size=2)
        terms.add(f"{rare[a]}{rare[b]}-{int(rng.integers(1, 99))}{suffixes[int(rng.integers(0, 5))]}")
    return sorted(terms)


def stress_terms(d: Dictionary) -> list[str]:
    """50,000 words of 2+ characters drawn evenly from the whole dictionary."""
    multi = [w for w in d.words if len(w) >= 2]
    picks = np.random.default_rng(SEED + 2).choice(len(multi), size=STRESS_TERMS, replace=False)
    return sorted(multi[i] for i in picks)


def absent_terms(d: Dictionary) -> list[str]:
    """50,000 words of 3+ characters that the generated text never uses."""
    return [w for w in d.words[TEXT_VOCAB:] if len(w) >= 3][:STRESS_TERMS]


def common_terms(d: Dictionary) -> list[str]:
    """The 50,000 most frequent words of 2+ characters."""
    return [w for w in d.words if len(w) >= 2][:STRESS_TERMS]


def write_csv_lexicon(path: Path, terms: list[str], levels: tuple[str, ...]) -> None:
    lines = ["term,level,category,aliases,note"]
    lines += [f"{t},{levels[i % len(levels)]},科技,,bench {i}" for i, t in enumerate(terms)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# planted into a few text files so marks, lexicon hits and PII are exercised
PLANTS = ("机密★5年\n", "秘密★十年\n", "内部资料 注意保存\n", "联系电话：13800138000\n",
          "身份证号：11010519491231002X\n")


def make_text_corpus(root: Path, d: Dictionary, files: int, chars_per_file: int, unit: list[str]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(files):
        text = chinese_text(d, chars_per_file, SEED + 100 + i)
        if i % 8 == 0:
            cut = len(text) // 2
            text = PLANTS[i // 8 % len(PLANTS)] + text[:cut] + unit[i % len(unit)] + text[cut:]
        (root / f"doc{i:04d}.txt").write_text(text, encoding="utf-8")


def make_docx(path: Path, d: Dictionary, pages: int, seed: int) -> str:
    """A DOCX of about ``pages`` pages (1,800 characters each), with header,
    footer, a table and a footnote-free body; returns the body text."""
    import docx

    doc = docx.Document()
    doc.sections[0].header.paragraphs[0].text = "内部资料 注意保存"
    doc.sections[0].footer.paragraphs[0].text = "第 1 页"
    body = chinese_text(d, pages * 1800, seed)
    for para in body.split("\n"):
        doc.add_paragraph(para)
    table = doc.add_table(rows=2, cols=2)
    for r in range(2):
        for c in range(2):
            table.cell(r, c).text = d.words[1000 + r * 2 + c]
    doc.core_properties.title = "基准测试文档"
    doc.save(str(path))
    return body


# Debian fonts-wqy-zenhei: TrueType outlines, which reportlab embeds as subsets
EMBEDDED_CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"


def make_pdf(path: Path, d: Dictionary, pages: int, seed: int, embed: bool = False) -> list[str]:
    """A PDF with ``pages`` pages of known Chinese text; returns each page's
    lines.  The font is reportlab's built-in CID font STSong-Light (not
    embedded: the reader substitutes one), or with ``embed`` WenQuanYi Zen Hei
    embedded as subsets, as published PDFs nearly always carry their fonts."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if embed:
        font = "WQY-ZenHei"
        pdfmetrics.registerFont(TTFont(font, EMBEDDED_CJK_FONT, subfontIndex=0))
    else:
        font = "STSong-Light"
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    page_lines: list[str] = []
    for p in range(pages):
        text = chinese_text(d, 30 * 36, seed + p).replace("\n", "")
        lines = [text[i:i + 36] for i in range(0, len(text), 36)]
        page_lines.append("\n".join(lines))
        c.setFont(font, 12)
        y = 800
        for line in lines:
            c.drawString(40, y, line)
            y -= 24
        c.showPage()
    c.save()
    return page_lines


@dataclass(frozen=True)
class Corpus:
    root: Path
    text_dir: Path
    unit_lexicon: Path
    stress_lexicon: Path
    absent_lexicon: Path
    common_lexicon: Path
    docx_dir: Path
    pdf_dir: Path

    @property
    def text_bytes(self) -> int:
        return sum(f.stat().st_size for f in self.text_dir.iterdir())


def numbers_workbook(path: Path) -> Path:
    """M5's workbook: 20,000 rows of 10 numbers (ints, money, 18-digit
    codes, floats with 16-17 digits, dates as numbers), as openpyxl writes
    them; made once at ``path``."""
    if not path.exists():
        import random

        import openpyxl

        rng = random.Random(7)
        wb = openpyxl.Workbook()
        ws = wb.active
        for r in range(20_000):
            ws.append([r, rng.randrange(10 ** 9), round(rng.uniform(0, 1e6), 2), rng.randrange(10 ** 17, 10 ** 18),
                       rng.randrange(100), rng.uniform(-1, 1), 20240000 + rng.randrange(1231), rng.randrange(10 ** 6),
                       rng.randrange(10 ** 11, 10 ** 12), r * 7])
        wb.save(str(path))
    return path


def fingerprint(root: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(root.rglob("*")):
        if f.is_file():
            h.update(f.relative_to(root).as_posix().encode() + f.read_bytes())
    return h.hexdigest()


def build(root: Path, text_files: int = 32, chars_per_file: int = 200_000,
          docx_files: int = 4, docx_pages: int = 50, pdf_files: int = 4, pdf_pages: int = 50) -> Corpus:
    """Generate the corpus under ``root`` (skipped when already complete)."""
    corpus = Corpus(root, root / "text", root / "unit.csv", root / "stress.csv", root / "stress-absent.csv",
                    root / "stress-common.csv", root / "docx", root / "pdf")
    stamp = root / f".complete-v2-{text_files}-{chars_per_file}-{docx_files}-{docx_pages}-{pdf_files}-{pdf_pages}"
    if stamp.exists():
        return corpus
    d = jieba_dictionary()
    unit = unit_lexicon_terms(d)
    root.mkdir(parents=True, exist_ok=True)
    write_csv_lexicon(corpus.unit_lexicon, unit, ("机密", "秘密", "内部", "提示"))
    write_csv_lexicon(corpus.stress_lexicon, stress_terms(d), ("提示",))
    write_csv_lexicon(corpus.absent_lexicon, absent_terms(d), ("提示",))
    write_csv_lexicon(corpus.common_lexicon, common_terms(d), ("提示",))
    make_text_corpus(corpus.text_dir, d, text_files, chars_per_file, unit)
    corpus.docx_dir.mkdir(exist_ok=True)
    for i in range(docx_files):
        make_docx(corpus.docx_dir / f"report{i:02d}.docx", d, docx_pages, SEED + 500 + i)
    corpus.pdf_dir.mkdir(exist_ok=True)
    for i in range(pdf_files):
        make_pdf(corpus.pdf_dir / f"paper{i:02d}.pdf", d, pdf_pages, SEED + 900 + i * 1000)
    stamp.touch()
    return corpus
