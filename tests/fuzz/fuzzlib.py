"""Seeds, mutations and invariants shared by the fuzz tests and ``make fuzz``.

Seeds are real files made by the real writers (python-docx, openpyxl,
python-pptx, reportlab, zipfile, gzip, samples/make_samples.py's OFD
writer), each carrying the mark 机密★5年.  A mutation damages one the way
disks, mail gateways and attackers do: truncation, bit flips, zeroed
ranges, zip entries reordered or duplicated, corrupted XML inside a part,
huge attributes, deep nesting, entity tricks.  ``check`` scans the result
with ``scan_item`` and returns what broke an invariant:

- no exception escapes ``scan_item``; the item and nothing else missing;
- an item the independent oracle still reads the mark in is never
  ``clear`` with ``extraction: full`` (the oracle reads with other code:
  python-docx, openpyxl, python-pptx, pdfminer, zipfile, gzip, GBK decode);
- the scan stays inside its time limit (``item_timeout``).
"""
from __future__ import annotations

import gzip
import html
import importlib.util
import io
import random
import re
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

MARK = "机密★5年"
REPO = Path(__file__).resolve().parents[2]


def _make_samples():
    spec = importlib.util.spec_from_file_location("make_samples", REPO / "samples" / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _save(obj) -> bytes:
    buf = io.BytesIO()
    obj.save(buf)
    return buf.getvalue()


def seeds() -> dict[str, bytes]:
    """name -> bytes of each real seed file (the name's extension is its format)."""
    import docx
    import openpyxl
    import pptx
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    d = docx.Document()
    d.add_paragraph(MARK)
    d.add_paragraph("关于开展年度安全检查工作的通知")
    wb = openpyxl.Workbook()
    wb.active.append(["密级", MARK])
    prs = pptx.Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[1])
    slide.shapes.title.text = MARK
    slide.placeholders[1].text = "年度工作回顾"
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    c.setFont("STSong-Light", 14)
    c.drawString(72, 760, MARK)
    c.drawString(72, 730, "关于开展年度安全检查工作的通知")
    c.showPage()
    c.save()
    ofd = _make_samples().build_ofd([[MARK, "关于公布年度预算的公告"]], title="预算公告")
    text = f"{MARK}\n关于开展年度安全检查工作的通知\n各部门：请按要求做好准备。\n"
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("readme.txt", "公开材料".encode())
        zf.writestr("notice.txt", text.encode())
    return {
        "seed.odt": _odt([MARK, "关于开展年度安全检查工作的通知"]),
        "seed.fodt": _fodt([MARK, "关于开展年度安全检查工作的通知"]),
        "seed.docx": _save(d), "seed.xlsx": _save(wb), "seed.pptx": _save(prs), "seed.pdf": buf.getvalue(),
        "seed.ofd": ofd, "seed.zip": zbuf.getvalue(), "seed.txt.gz": gzip.compress(text.encode(), mtime=0),
        "seed.html": (f"<!DOCTYPE html><html><head><title>通知</title></head><body><div><p>{MARK}</p>"
                      f"<p title='附件'>各部门：请按要求做好准备。</p></div></body></html>").encode(),
        "seed-gbk.txt": text.encode("gbk"),
    }


def _odt(paragraphs: list[str]) -> bytes:
    """An OpenDocument text package as the format lays it out: ``mimetype``
    first and stored, then the body and the manifest (LibreOffice opens it)."""
    ns = 'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    body = "".join(f"<text:p>{p}</text:p>" for p in paragraphs)
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
               f"<office:body><office:text>{body}</office:text></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")  # stored
        zf.writestr("content.xml", content)
        zf.writestr("META-INF/manifest.xml", manifest)
    return out.getvalue()


def _fodt(paragraphs: list[str]) -> bytes:
    """A flat OpenDocument text (.fodt): the package's parts as children of
    one ``office:document`` naming its type (LibreOffice opens it)."""
    body = "".join(f"<text:p>{p}</text:p>" for p in paragraphs)
    return ('<?xml version="1.0" encoding="UTF-8"?><office:document '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3" '
            'office:mimetype="application/vnd.oasis.opendocument.text">'
            f"<office:body><office:text>{body}</office:text></office:body></office:document>").encode()


# -- mutations ---------------------------------------------------------------
def truncate(data: bytes, rnd: random.Random) -> bytes:
    return data[:rnd.randrange(len(data))]


def bit_flips(data: bytes, rnd: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rnd.randint(1, 8)):
        i = rnd.randrange(len(out))
        out[i] ^= 1 << rnd.randrange(8)
    return bytes(out)


def zero_range(data: bytes, rnd: random.Random) -> bytes:
    start = rnd.randrange(len(data))
    end = min(len(data), start + rnd.randint(1, 512))
    return data[:start] + b"\x00" * (end - start) + data[end:]


def _zip_rewrite(data: bytes, rnd: random.Random, edit: Callable[[list[tuple[zipfile.ZipInfo, bytes]]], None]) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as src:
            entries = [(i, src.read(i)) for i in src.infolist()]
    except Exception:  # noqa: BLE001 - an unreadable seed is mutated as bytes instead
        return bit_flips(data, rnd)
    edit(entries)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, body in entries:
            dst.writestr(info.filename, body)
    return out.getvalue()


def reorder_entries(data: bytes, rnd: random.Random) -> bytes:
    return _zip_rewrite(data, rnd, rnd.shuffle)


def duplicate_entry(data: bytes, rnd: random.Random) -> bytes:
    def edit(entries: list) -> None:
        if entries:
            info, body = rnd.choice(entries)
            entries.insert(rnd.randrange(len(entries) + 1), (info, rnd.choice([body, b"", body[: len(body) // 2]])))
    return _zip_rewrite(data, rnd, edit)


def _xml_edit(data: bytes, rnd: random.Random, change: Callable[[str], str]) -> bytes:
    """Apply ``change`` to the markup: to an XML part of a package, or to the file itself."""
    if data[:2] != b"PK":
        return change(data.decode("utf-8", "surrogateescape")).encode("utf-8", "surrogateescape")

    def edit(entries: list) -> None:
        xml = [k for k, (info, _) in enumerate(entries) if info.filename.endswith((".xml", ".rels"))]
        if xml:
            k = rnd.choice(xml)
            info, body = entries[k]
            entries[k] = (info, change(body.decode("utf-8", "replace")).encode("utf-8"))
    return _zip_rewrite(data, rnd, edit)


def corrupt_xml(data: bytes, rnd: random.Random) -> bytes:
    def change(xml: str) -> str:
        i = rnd.randrange(len(xml) + 1)
        return xml[:i] + rnd.choice(["<", ">", "&", "</x>", "<!--", "]]>", "\x00", "&#0;", "&#xD800;"]) + xml[i:]
    return _xml_edit(data, rnd, change)


def huge_attribute(data: bytes, rnd: random.Random) -> bytes:
    size = rnd.choice([1 << 10, 1 << 20, 11 << 20])
    return _xml_edit(data, rnd, lambda xml: re.sub(r"<(\w[\w:]*)", lambda m: f'<{m.group(1)} zz="{"a" * size}"',
                                                   xml, count=1))


def deep_nesting(data: bytes, rnd: random.Random) -> bytes:
    depth = rnd.choice([100, 300, 3000])
    tag = rnd.choice(["div", "w:r", "span"])

    def change(xml: str) -> str:
        i = xml.find(">", xml.find("<body") if "<body" in xml else 0) + 1
        return xml[:i] + f"<{tag}>" * depth + f"</{tag}>" * depth + xml[i:]
    return _xml_edit(data, rnd, change)


def entity_trick(data: bytes, rnd: random.Random) -> bytes:
    trick = rnd.choice([
        '<!DOCTYPE x [<!ENTITY m "' + MARK + '">]>',
        ('<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
         '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'),
        '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/hostname">]>',
        '<!DOCTYPE x SYSTEM "http://127.0.0.1:9/x.dtd">',
    ])

    def change(xml: str) -> str:
        if xml.startswith("<?xml"):
            i = xml.find("?>") + 2
            return xml[:i] + trick + xml[i:]
        return trick + xml
    return _xml_edit(data, rnd, change)


MUTATIONS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "truncate": truncate, "bit-flips": bit_flips, "zero-range": zero_range, "reorder-entries": reorder_entries,
    "duplicate-entry": duplicate_entry, "corrupt-xml": corrupt_xml, "huge-attribute": huge_attribute,
    "deep-nesting": deep_nesting, "entity-trick": entity_trick,
}


def mutate(data: bytes, rnd: random.Random, rounds: int = 1) -> tuple[bytes, list[str]]:
    names = []
    for _ in range(rounds):
        if not data:
            break
        name = rnd.choice(list(MUTATIONS))
        data = MUTATIONS[name](data, rnd)
        names.append(name)
    return data, names


# -- the oracle: does other code still read the mark? ---------------------------
def _oracle_text(data: bytes, name: str) -> str:
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if name.endswith(".docx"):
                import docx
                return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
            if name.endswith(".xlsx"):
                import openpyxl
                wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
                return "\n".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
                                 for v in row if v is not None)
            if name.endswith(".pptx"):
                import pptx
                prs = pptx.Presentation(io.BytesIO(data))
                return "\n".join(s.text_frame.text for slide in prs.slides for s in slide.shapes if s.has_text_frame)
            texts = []
            for info in zf.infolist():
                body = zf.read(info)
                texts.append(body.decode("utf-8", "ignore"))
            return html.unescape("\n".join(texts))
    if data[:2] == b"\x1f\x8b":
        return gzip.decompress(data).decode("utf-8", "ignore")
    if b"%PDF" in data[:1024]:
        from pdfminer.high_level import extract_text
        return extract_text(io.BytesIO(data))
    if name.endswith(".html"):
        return html.unescape(re.sub(r"<[^>]*>", "", data.decode("utf-8", "ignore")))
    return data.decode("gbk" if "gbk" in name else "utf-8", "ignore")


def oracle_sees_mark(data: bytes, name: str) -> bool:
    """True only when independent code positively reads the mark (any error: cannot tell)."""
    try:
        return MARK in _oracle_text(data, name)
    except (Exception, MemoryError):  # noqa: BLE001 - the oracle's libraries fail on damaged input: not a finding
        return False


# -- the invariants ----------------------------------------------------------------
def check(engine, data: bytes, name: str) -> tuple[list[str], float]:
    """(broken invariants, seconds) for one mutated file."""
    from scanner.pipeline import scan_item
    from scanner.types import Item

    started = time.monotonic()
    try:
        results = scan_item(engine, Item(path=name, data=data))
    except Exception as exc:  # noqa: BLE001 - this is what the fuzzer is looking for
        return [f"crash: {type(exc).__name__}: {exc}"], time.monotonic() - started
    seconds = time.monotonic() - started
    problems = []
    if not results or results[0].item != name:
        problems.append("missing: the item has no result")
    elif any(not r.item.startswith(name) for r in results):
        problems.append("stray result")
    else:
        caught = [f.reason for r in results for f in r.findings if f.reason.startswith("internal error")]
        if caught:
            problems.append(f"crash (caught at the extractor boundary): {caught[0]}")
        top = results[0]
        if top.verdict.value == "clear" and top.extraction.value == "full" and oracle_sees_mark(data, name):
            problems.append("wrongly-full: clear + full while the mark is still readable")
    if seconds > engine.config.limits.item_timeout:
        problems.append(f"slow: {seconds:.1f} s")
    return problems, seconds
