"""Builders of real files for the extraction tests: python-docx, openpyxl,
python-pptx and reportlab make what they can; zipfile edits add the parts
the writers cannot make (comments, footnotes, hidden and deleted runs, text
boxes, custom properties)."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import types
import zipfile
from collections.abc import Callable

import pytest

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS_DECL = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def mark(n: int) -> str:
    """A distinct, valid state-secret mark per place (机密 periods go to 20 years)."""
    return f"机密★{n}年"


def run(text: str, props: str = "") -> str:
    return f'<w:r>{f"<w:rPr>{props}</w:rPr>" if props else ""}<w:t xml:space="preserve">{text}</w:t></w:r>'


def para(*runs: str) -> str:
    return f"<w:p>{''.join(runs)}</w:p>"


def zip_edit(data: bytes, replace: dict[str, bytes | str] | None = None,
             edit: dict[str, Callable[[str], str]] | None = None) -> bytes:
    """Rewrite a ZIP package: replace or add members, or edit a member's text."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    replace = dict(replace or {})
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if edit and info.filename in edit:
                body = edit[info.filename](body.decode("utf-8")).encode("utf-8")
            if info.filename in replace:
                body = replace.pop(info.filename)
            dst.writestr(info.filename, body)
        for name, body in replace.items():
            dst.writestr(name, body)
    return out.getvalue()


def add_part(data: bytes, path: str, content_type: str, xml: str, rel_type: str,
             source_rels: str = "word/_rels/document.xml.rels") -> bytes:
    """Add a package part with its content-type override and a relationship to it."""
    target = path.split("/", 1)[1] if source_rels.startswith("word/") else "/" + path

    def types(text: str) -> str:
        return text.replace("</Types>", f'<Override PartName="/{path}" ContentType="{content_type}"/></Types>')

    def rels(text: str) -> str:
        rid = "rIdX" + re.sub(r"\W", "", path)
        return text.replace("</Relationships>",
                            f'<Relationship Id="{rid}" Type="{rel_type}" Target="{target}"/></Relationships>')

    return zip_edit(data, replace={path: xml}, edit={"[Content_Types].xml": types, source_rels: rels})


def docx_bytes(document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def insert_body_xml(data: bytes, xml: str) -> bytes:
    """Insert raw paragraphs at the end of the body (before the section properties)."""
    def edit(text: str) -> str:
        text = re.sub(r"<w:document ", f"<w:document {NS_DECL} ", text, count=1) if "xmlns:wps" not in text else text
        idx = text.rfind("<w:sectPr")
        return text[:idx] + xml + text[idx:]
    return zip_edit(data, edit={"word/document.xml": edit})


def story_xml(root: str, inner: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:{root} {NS_DECL}>{inner}</w:{root}>'


@pytest.fixture
def cjk_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


@pytest.fixture(scope="session")
def b() -> types.SimpleNamespace:
    """The builders above, for tests (importlib mode cannot import conftest)."""
    return types.SimpleNamespace(mark=mark, run=run, para=para, zip_edit=zip_edit, add_part=add_part,
                                 docx_bytes=docx_bytes, insert_body_xml=insert_body_xml,
                                 story_xml=story_xml, REL=REL)


@pytest.fixture(scope="session")
def make_samples() -> types.ModuleType:
    """samples/make_samples.py, whose OFD and ZIP writers the tests share."""
    import importlib.util
    from pathlib import Path
    path = Path(__file__).resolve().parents[2] / "samples" / "make_samples.py"
    spec = importlib.util.spec_from_file_location("make_samples", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ole_file(stream_name: str, payload: bytes = b"\0" * 4096) -> bytes:
    """A minimal OLE compound file (MS-CFB, version 3) holding one stream of at
    least 4096 bytes, so that it lives in regular sectors: enough for olefile
    and for sniffing legacy Office formats by stream name."""
    import struct
    payload = payload.ljust(4096, b"\0")
    payload += b"\0" * (-len(payload) % 512)
    n_data = len(payload) // 512
    free, end, fat_sect, nostream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\0" * 16, 0x3E, 3,
                         0xFFFE, 9, 6, b"\0" * 6, 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<109I", 0, *([free] * 108))
    fat = [fat_sect, end] + [3 + i if i < n_data - 1 else end for i in range(n_data)]
    fat_sector = struct.pack(f"<{len(fat)}I", *fat) + b"\xff" * (512 - 4 * len(fat))

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        raw = (name + "\0").encode("utf-16-le") if name else b""
        return struct.pack("<64sHBBIII16sIQQIII", raw, len(raw), kind, 1, nostream, nostream, child,
                           b"\0" * 16, 0, 0, 0, start, size, 0)

    directory = (entry("Root Entry", 5, 1, end, 0) + entry(stream_name, 2, nostream, 2, len(payload))
                 + entry("", 0, nostream, 0, 0) * 2)
    return header + fat_sector + directory + payload


@pytest.fixture(scope="session")
def ole():
    return ole_file


# GB/T 9704 head block: the copy number on line 1, the mark on line 2, the
# urgency, then the title and the body.  name -> the mark as typed in Word.
GBT9704_MARKS = {
    "chinese-numeral": "秘密★一年",
    "arabic": "机密★5年",
    "long-term": "绝密★长期",
    "spaced": "秘 密 ★ 一 年",
    "condition": "机密★解密条件：项目验收后",
}


def gbt9704_docx(mark: str) -> bytes:
    """A notice as a clerk types it in Word (python-docx): fonts named by the
    standard (黑体 for the mark, 仿宋_GB2312 for the body), none of them installed,
    so LibreOffice substitutes and draws ★ from a fallback font."""
    from docx import Document as Docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Docx()

    def line(text: str, font: str, size: int) -> None:
        r = doc.add_paragraph().add_run(text)
        r.font.size, r.font.name = Pt(size), font
        r._element.rPr.rFonts.set(qn("w:eastAsia"), font)

    line("000123", "仿宋_GB2312", 16)
    line(mark, "黑体", 16)
    line("特急", "黑体", 16)
    line("关于做好年度保密自查工作的通知", "方正小标宋简体", 22)
    for i in range(1, 4):
        line(f"各有关单位：根据工作安排，现将第{i}项有关事项通知如下，请认真贯彻执行。", "仿宋_GB2312", 16)
    return docx_bytes(doc)


@pytest.fixture(scope="session")
def gbt9704_pdfs(tmp_path_factory) -> dict[str, tuple[str, bytes]]:
    """name -> (mark, the GB/T 9704 notice printed to PDF by LibreOffice), one
    soffice call for the whole set, with its own profile; ``properties-label``
    is a notice without a mark whose Subject is 内部资料 注意保存."""
    import shutil
    import subprocess

    assert shutil.which("soffice"), "LibreOffice not found: apt-get install libreoffice-writer-nogui (see .ci/run)"
    work = tmp_path_factory.mktemp("gbt9704")
    sources = {**{name: gbt9704_docx(mark) for name, mark in GBT9704_MARKS.items()},
               "properties-label": _labelled_properties_docx()}
    for name, data in sources.items():
        (work / f"{name}.docx").write_bytes(data)
    # PDF/A-2b, as archives and many office systems export: LibreOffice then
    # writes the XMP packet (dc:title, dc:description, pdf:Keywords) too
    pdf_a = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'
    subprocess.run(["soffice", f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                    "--convert-to", pdf_a, "--outdir", str(work), *(str(work / f"{n}.docx") for n in sources)],
                   check=True, capture_output=True, timeout=300)
    marks = {**GBT9704_MARKS, "properties-label": ""}
    return {name: (marks[name], (work / f"{name}.pdf").read_bytes()) for name in sources}


def _labelled_properties_docx() -> bytes:
    """A plain notice whose Subject holds only the internal-material label."""
    from docx import Document as Docx

    doc = Docx()
    doc.add_paragraph("关于做好年度保密自查工作的通知")
    doc.core_properties.title = "年度通知"
    doc.core_properties.subject = "内部资料 注意保存"
    doc.core_properties.keywords = "自查"
    return docx_bytes(doc)


@pytest.fixture(scope="session")
def gbt9704() -> types.SimpleNamespace:
    """The GB/T 9704 notice builder and its marks, for tests."""
    return types.SimpleNamespace(marks=GBT9704_MARKS, docx=gbt9704_docx)


@pytest.fixture(scope="module")
def soffice(tmp_path_factory):
    """``convert(data, ext, fmt)``: the bytes converted to ``fmt`` by LibreOffice
    itself (its own profile folder per module), for files only it writes."""
    assert shutil.which("soffice"), ("LibreOffice not found: apt-get install libreoffice-writer-nogui "
                                     "libreoffice-calc-nogui libreoffice-impress-nogui (see .ci/run)")
    work = tmp_path_factory.mktemp("soffice")

    def convert(data: bytes, ext: str, fmt: str) -> bytes:
        source = work / f"source.{ext}"
        source.write_bytes(data)
        out = work / "out"  # its own folder: a re-save (docx to docx) must not land on its source
        target = out / f"source.{fmt.split(':')[0]}"
        target.unlink(missing_ok=True)
        subprocess.run(["soffice", f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                        "--convert-to", fmt, "--outdir", str(out), str(source)],
                       check=True, capture_output=True, timeout=120)
        return target.read_bytes()
    return convert
