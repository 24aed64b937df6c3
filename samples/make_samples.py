"""Generate the binary demo files in samples/formats/ and their golden output.

One small file per format, each showing a leak where a naive scan does not
look (a header, a hidden sheet, speaker notes, a white PDF text, an OFD
template, an archive inside an archive), plus clean files that must stay
clear.  The output is deterministic: fixed timestamps in every ZIP, fixed
document properties, reportlab's invariant mode.  ``make samples`` runs it;
the expectations it writes to samples/expected/formats.json are the intent,
checked against a real scan by tests/core/test_samples.py.

The OFD writer here is also used by the tests (there is no OFD writer on PyPI).
"""
from __future__ import annotations

import datetime as dt
import io
import json
import tarfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "formats"
FIXED = (2026, 1, 1, 0, 0, 0)
FIXED_DT = dt.datetime(2026, 1, 1)
OFD_NS = "http://www.ofdspec.org/2016"


def stable_zip(data: bytes) -> bytes:
    """Rewrite a ZIP with fixed timestamps and member order, so the bytes are reproducible."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, FIXED), src.read(info.filename),
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def build_zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name, FIXED), data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def build_ofd(pages: list[list[str]], title: str = "", template: list[str] | None = None,
              annotation: str = "", custom: dict[str, str] | None = None) -> bytes:
    """A minimal GB/T 33190 package: OFD.xml, Document.xml, one Content.xml per page,
    an optional template page and a page-1 annotation."""
    def text_objects(lines: list[str]) -> str:
        return "".join(
            f'<ofd:TextObject ID="{100 + i}" Boundary="10 {10 + 8 * i} 180 8" Font="1" Size="5">'
            f'<ofd:TextCode X="0" Y="5">{line}</ofd:TextCode></ofd:TextObject>'
            for i, line in enumerate(lines))

    decl = '<?xml version="1.0" encoding="UTF-8"?>'
    customs = "".join(f'<ofd:CustomData Name="{k}">{v}</ofd:CustomData>' for k, v in (custom or {}).items())
    members = {"OFD.xml": (
        f'{decl}<ofd:OFD xmlns:ofd="{OFD_NS}" Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo>'
        f'<ofd:DocID>0123456789abcdef</ofd:DocID><ofd:Title>{title}</ofd:Title><ofd:Author>办公室</ofd:Author>'
        f'<ofd:CustomDatas>{customs}</ofd:CustomDatas></ofd:DocInfo>'
        '<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')}
    tpl = '<ofd:TemplatePage ID="2" BaseLoc="Tpls/Tpl_0/Content.xml"/>' if template else ""
    annots = "<ofd:Annotations>Annots/Annotations.xml</ofd:Annotations>" if annotation else ""
    page_refs = "".join(f'<ofd:Page ID="{10 + i}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages)))
    members["Doc_0/Document.xml"] = (
        f'{decl}<ofd:Document xmlns:ofd="{OFD_NS}"><ofd:CommonData><ofd:MaxUnitID>999</ofd:MaxUnitID>'
        f'<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>{tpl}</ofd:CommonData>'
        f'<ofd:Pages>{page_refs}</ofd:Pages>{annots}</ofd:Document>')
    use_tpl = '<ofd:Template TemplateID="2"/>' if template else ""
    for i, lines in enumerate(pages):
        members[f"Doc_0/Pages/Page_{i}/Content.xml"] = (
            f'{decl}<ofd:Page xmlns:ofd="{OFD_NS}">{use_tpl}<ofd:Content><ofd:Layer ID="1">'
            f'{text_objects(lines)}</ofd:Layer></ofd:Content></ofd:Page>')
    if template:
        members["Doc_0/Tpls/Tpl_0/Content.xml"] = (
            f'{decl}<ofd:Page xmlns:ofd="{OFD_NS}"><ofd:Content><ofd:Layer ID="1">'
            f'{text_objects(template)}</ofd:Layer></ofd:Content></ofd:Page>')
    if annotation:
        members["Doc_0/Annots/Annotations.xml"] = (
            f'{decl}<ofd:Annotations xmlns:ofd="{OFD_NS}"><ofd:Page PageID="10">'
            '<ofd:FileLoc>Page_0/Annotation.xml</ofd:FileLoc></ofd:Page></ofd:Annotations>')
        members["Doc_0/Annots/Page_0/Annotation.xml"] = (
            f'{decl}<ofd:PageAnnot xmlns:ofd="{OFD_NS}"><ofd:Annot ID="500" Type="Stamp">'
            f'<ofd:Remark>{annotation}</ofd:Remark></ofd:Annot></ofd:PageAnnot>')
    return build_zip({k: v.encode("utf-8") for k, v in members.items()})


def _headed_notice(header: str, title: str, body: str):
    """A python-docx notice from the office with ``header`` in its page header."""
    import docx
    d = docx.Document()
    d.core_properties.author = "办公室"
    d.core_properties.created = d.core_properties.modified = FIXED_DT
    d.sections[0].header.paragraphs[0].text = header
    d.add_paragraph(title)
    d.add_paragraph(body)
    return d


def docx_notice() -> bytes:
    """A published notice whose mark sits in the page header, with a reviewer's comment left in."""
    return stable_zip(_save(_headed_notice("机密★5年", "关于开展年度安全检查工作的通知", "各部门：请按要求做好检查准备工作。")))


def docx_clean() -> bytes:
    import docx
    d = docx.Document()
    d.core_properties.created = d.core_properties.modified = FIXED_DT
    d.add_paragraph("关于举办职工运动会的通知")
    d.add_paragraph("定于五月举办，欢迎报名。")
    return stable_zip(_save(d))


def docx_draft() -> bytes:
    import docx
    d = docx.Document()
    d.core_properties.created = d.core_properties.modified = FIXED_DT
    d.add_paragraph("讨论稿")
    d.add_paragraph("关于调整办公用房的方案")
    return stable_zip(_save(d))


def doc_old_notice() -> bytes:
    """A Word 97-2003 notice as offices still keep them, the mark in the page
    header; LibreOffice saves it from a DOCX (it must be installed, see .ci/run)."""
    import subprocess
    import tempfile
    d = _headed_notice("秘密★1年", "关于做好档案整理工作的通知", "各部门：请于月底前完成档案整理。")
    with tempfile.TemporaryDirectory() as work:
        source = Path(work, "old-notice.docx")
        source.write_bytes(_save(d))
        subprocess.run(["soffice", f"-env:UserInstallation={Path(work, 'profile').as_uri()}", "--headless",
                        "--convert-to", "doc", "--outdir", work, str(source)], check=True, capture_output=True,
                       timeout=120)
        return Path(work, "old-notice.doc").read_bytes()


def xlsx_roster() -> bytes:
    """A public list whose hidden sheet still carries a resident ID number."""
    import openpyxl
    wb = openpyxl.Workbook()
    wb.properties.created = wb.properties.modified = FIXED_DT
    ws = wb.active
    ws.title = "名单"
    ws.append(["姓名", "部门"])
    ws.append(["张三", "综合处"])
    hidden = wb.create_sheet("原始数据")
    hidden.append(["姓名", "身份证号"])
    hidden.append(["张三", "11010519491231002X"])
    hidden.sheet_state = "hidden"
    return stable_zip(_save(wb))


def pptx_briefing() -> bytes:
    """Clean slides; the speaker notes say the material is internal."""
    from pptx import Presentation
    prs = Presentation()
    prs.core_properties.created = prs.core_properties.modified = FIXED_DT
    prs.core_properties.last_modified_by = "办公室"
    slide = prs.slides.add_slide(prs.slide_layouts[1])
    slide.shapes.title.text = "年度工作回顾"
    slide.placeholders[1].text = "完成了各项重点任务"
    slide.notes_slide.notes_text_frame.text = "内部资料 注意保存\n讲解时不要展示原始数据"
    return stable_zip(_save(prs))


def pdf_report(hidden_mark: bool) -> bytes:
    """A report; with ``hidden_mark`` a white, tiny mark hides at the page foot."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    c.setTitle("年度报告")
    c.setFont("STSong-Light", 14)
    c.drawString(72, 760, "年度工作报告")
    c.setFont("STSong-Light", 11)
    c.drawString(72, 730, "本年度共开展检查十二次，整改问题三十项。")
    if hidden_mark:
        c.setFillColorRGB(1, 1, 1)
        c.setFont("STSong-Light", 2)
        c.drawString(72, 20, "秘密★10年")
    c.showPage()
    c.save()
    return buf.getvalue()


def pdf_scanned() -> bytes:
    """An image-only page, as a scanner produces from a blank sheet: rendered,
    judged empty by OCR's cheap test (the same with or without the ocr extra)."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    c.drawImage(ImageReader(Image.new("L", (64, 32), 255)), 72, 600, width=256, height=128)
    c.showPage()
    c.save()
    return buf.getvalue()


def ofd_gazette() -> bytes:
    """Visible pages are clean; the template page under them carries the mark."""
    return build_ofd([["关于公布年度预算的公告", "现将有关事项公告如下。"]], title="预算公告",
                     template=["秘密★1年"])


def bundle() -> bytes:
    """An archive with a draft DOCX, a clean text and a nested archive hiding a mark."""
    inner = build_zip({"deep/附件.txt": "附件内容：机密★3年 项目清单".encode("utf-8")})
    return build_zip({"inner/notice.docx": docx_draft(), "readme.txt": "公开材料".encode("utf-8"),
                      "nested.zip": inner})


def tarball() -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz", format=tarfile.PAX_FORMAT) as tf:
        for name, data in (("docs/roster.xlsx", xlsx_roster()), ("docs/clean.docx", docx_clean())):
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), 0
            tf.addfile(info, io.BytesIO(data))
    # gzip stores a timestamp of its own
    raw = out.getvalue()
    return raw[:4] + b"\x00\x00\x00\x00" + raw[8:]


def _save(obj: object) -> bytes:
    buf = io.BytesIO()
    obj.save(buf)
    return buf.getvalue()


EXPECTED = {
    "formats/notice.docx": ("block", ["mark.state-secret"]),
    "formats/clean.docx": ("clear", []),
    "formats/roster.xlsx": ("review", ["hidden.sheet", "pii.resident-id"]),
    "formats/briefing.pptx": ("review", ["marker.work-secret"]),
    "formats/report.pdf": ("clear", []),
    "formats/report-hidden-mark.pdf": ("block", ["mark.state-secret"]),
    "formats/scanned.pdf": ("clear", []),
    "formats/gazette.ofd": ("block", ["mark.state-secret"]),
    "formats/old-notice.doc": ("block", ["mark.state-secret"]),
    "formats/bundle.zip": ("block", []),
    "formats/bundle.zip!inner/notice.docx": ("review", ["marker.draft"]),
    "formats/bundle.zip!nested.zip": ("block", []),
    "formats/bundle.zip!nested.zip!deep/附件.txt": ("block", ["mark.state-secret"]),
    "formats/bundle.zip!readme.txt": ("clear", []),
    "formats/docs.tar.gz": ("review", []),
    "formats/docs.tar.gz!docs/clean.docx": ("clear", []),
    "formats/docs.tar.gz!docs/roster.xlsx": ("review", ["hidden.sheet", "pii.resident-id"]),
}


def main() -> None:
    OUT.mkdir(exist_ok=True)
    files = {
        "notice.docx": docx_notice(), "clean.docx": docx_clean(), "roster.xlsx": xlsx_roster(),
        "briefing.pptx": pptx_briefing(), "report.pdf": pdf_report(False),
        "report-hidden-mark.pdf": pdf_report(True), "scanned.pdf": pdf_scanned(),
        "gazette.ofd": ofd_gazette(), "bundle.zip": bundle(), "docs.tar.gz": tarball(),
        "old-notice.doc": doc_old_notice(),
    }
    for name, data in files.items():
        (OUT / name).write_bytes(data)
    expected = {item: {"verdict": verdict, "rules": sorted(rules)} for item, (verdict, rules) in EXPECTED.items()}
    (HERE / "expected" / "formats.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {len(files)} files to {OUT} and expected/formats.json")


if __name__ == "__main__":
    main()
