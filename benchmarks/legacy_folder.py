"""A folder of 30 legacy Office files for the warm-LibreOffice benchmark (issue 13):
10 .doc, 10 .xls, 10 .ppt written as DOCX/XLSX/PPTX by python-docx, openpyxl
and python-pptx, then saved by LibreOffice itself; a few carry marks in a
header, the body, a cell or the speaker notes.  Deterministic text.

    python benchmarks/legacy_folder.py OUT_DIR
    python benchmarks/reap.py preclear scan OUT_DIR --no-cache --jobs 1 --format jsonl --output x.jsonl
"""
from __future__ import annotations

import random
import subprocess
import sys
import tempfile
from pathlib import Path

import docx
import openpyxl
from pptx import Presentation

WORDS = ["关于", "开展", "年度", "工作", "检查", "通知", "单位", "部门", "要求", "落实", "安全", "管理", "制度", "建设", "计划", "总结", "报告", "会议", "研究", "决定"]


def build(out: Path, count: int = 10, kinds: tuple[str, ...] = ("doc", "xls", "ppt")) -> None:
    """``count`` files of each kind in ``kinds`` into ``out``."""
    rnd = random.Random(7)

    def text(n: int) -> str:
        return "".join(rnd.choice(WORDS) for _ in range(n)) + "。"

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp)
        for i in range(count):
            d = docx.Document()
            d.core_properties.title = f"通知{i}"
            if i % 4 == 0:
                d.sections[0].header.paragraphs[0].text = f"页眉 机密★{i + 1}年"
            for _ in range(40):
                d.add_paragraph(text(30))
            if i % 3 == 0:
                d.add_paragraph(f"正文 秘密★{i + 2}年")
            table = d.add_table(rows=5, cols=4)
            for r in range(5):
                for c in range(4):
                    table.cell(r, c).text = text(3)
            d.save(str(src / f"doc{i:02d}.docx"))
            wb = openpyxl.Workbook()
            ws = wb.active
            ws.title = "名单"
            for r in range(200):
                ws.append([text(2), rnd.randint(1, 10**6), rnd.random() * 1000, f"2026-{r % 12 + 1:02d}-01"])
            if i % 3 == 1:
                ws["F3"] = f"机密★{i + 3}年"
            wb.save(src / f"xls{i:02d}.xlsx")
            prs = Presentation()
            for s in range(6):
                slide = prs.slides.add_slide(prs.slide_layouts[1])
                slide.shapes.title.text = text(4)
                slide.placeholders[1].text = text(25)
                if i % 3 == 2 and s == 3:
                    slide.notes_slide.notes_text_frame.text = f"讲稿 绝密★{i + 4}年"
            prs.save(str(src / f"ppt{i:02d}.pptx"))
        profile = (src / "profile").as_uri()
        for ext, fmt in (("docx", "doc"), ("xlsx", "xls"), ("pptx", "ppt")):
            if fmt not in kinds:
                continue
            subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", fmt,
                            "--outdir", str(out), *map(str, sorted(src.glob(f"*.{ext}")))],
                           check=True, capture_output=True, timeout=600)


if __name__ == "__main__":
    build(Path(sys.argv[1]))
