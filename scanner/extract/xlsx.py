"""XLSX: every sheet (hidden and very hidden included), cell comments,
header/footer text, defined names and document properties.

Cell values come from openpyxl in read-only mode (it streams rows and knows
the shared-string and type rules).  Read-only worksheets carry neither
comments nor header/footer text, so those are read from the package XML.
The package has passed ``GuardedZip.check_declared`` before openpyxl sees
it, and zipfile never inflates past a member's declared size, so openpyxl is
bounded by the same limits.

Parts: ``sheet:<name>`` (rows joined by newlines, cells by tabs), ``comment``
(``Sheet!A1: text``), ``header``/``footer`` (``Sheet: text``, format codes
removed), ``names`` (defined names and their formulas), ``properties:<field>`` (a part per document property).
"""
from __future__ import annotations

import io
import posixpath
import re
from datetime import date, datetime, time

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from ..config import Limits
from ..errors import ExtractionError
from ..lang import Text
from ..rules import BASIS_HIDDEN
from ..types import Document, Notice, Part, Severity
from .xmlparts import embedded_notices, local, ooxml_properties, parse_xml
from .zipguard import ZIP_ERRORS, GuardedZip

_SHEET_STATES = {"hidden": "隐藏", "veryHidden": "深度隐藏"}
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# &L &C &R sections, &"font,style", &12 sizes, &P page fields and the like
_HF_CODE = re.compile(r'&"[^"]*"|&\d+|&[KkLCRPNDTFAZGBIUESXYHO]|&&')
OPENPYXL_ERRORS = (InvalidFileException, KeyError, ValueError, TypeError, AttributeError,
                   IndexError, AssertionError, OSError)


def extract_xlsx(data: bytes, name: str, limits: Limits) -> Document:
    with GuardedZip(data, limits, stage="xlsx") as pkg:
        pkg.check_declared()
        sheet_xml = _sheet_paths(pkg)
        comments, headers, footers = [], [], []
        for sheet, path in sheet_xml.items():
            xml = pkg.read(path)
            h, f = _header_footer(xml, path)
            headers += [f"{sheet}: {t}" for t in h]
            footers += [f"{sheet}: {t}" for t in f]
            comments += [f"{sheet}!{ref}: {text}" for ref, text in _comments(pkg, path)]
        props = ooxml_properties(pkg)
        embedded = embedded_notices(pkg, "xl/embeddings/")
    parts: list[Part] = []
    notices: list[Notice] = list(embedded)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except (*ZIP_ERRORS, *OPENPYXL_ERRORS) as exc:
        raise ExtractionError(f"openpyxl cannot open the workbook: {type(exc).__name__}: {exc}",
                              stage="xlsx") from exc
    try:
        for ws in wb.worksheets:
            part = f"sheet:{ws.title}"
            try:
                text = _sheet_text(ws)
            except (*ZIP_ERRORS, *OPENPYXL_ERRORS) as exc:
                raise ExtractionError(f"sheet {ws.title!r} cannot be read: {exc}", part=part,
                                      stage="xlsx") from exc
            if text:
                parts.append(Part(part, text))
            if ws.sheet_state != "visible" and text:
                notices.append(Notice("hidden.sheet", "hidden", part,
                                      Text(f"{ws.sheet_state} sheet {ws.title!r} has content",
                                           f"{_SHEET_STATES.get(ws.sheet_state, ws.sheet_state)}工作表“{ws.title}”中有内容"),
                                      Severity.REVIEW,
                                      BASIS_HIDDEN, (("state", ws.sheet_state),)))
        names = [f"{n}: {d.attr_text}" for n, d in wb.defined_names.items()]
    finally:
        wb.close()
    for part_name, lines in (("comment", comments), ("header", headers), ("footer", footers),
                             ("names", names)):
        if lines:
            parts.append(Part(part_name, "\n".join(lines)))
    if comments:
        notices.append(Notice("hidden.comments", "hidden", "comment",
                              Text(f"{len(comments)} cell comment(s) are stored in the file", f"文件中保存有 {len(comments)} 条单元格批注"),
                              Severity.REVIEW,
                              BASIS_HIDDEN, (("count", len(comments)),)))
    parts += props
    return Document("xlsx", parts=tuple(parts), notices=tuple(notices))


def _sheet_text(ws: object) -> str:
    rows = []
    for row in ws.iter_rows(values_only=True):
        cells = [_cell(v) for v in row]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            rows.append("\t".join(cells))
    return "\n".join(rows)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return str(value)


def _rels(pkg: GuardedZip, path: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, target package path) for the part at ``path``."""
    folder, base = posixpath.split(path)
    rels_path = posixpath.join(folder, "_rels", base + ".rels")
    raw = pkg.read_optional(rels_path)
    if not raw:
        return {}
    out = {}
    for rel in parse_xml(raw, rels_path):
        target = rel.get("Target") or ""
        if rel.get("TargetMode") == "External":
            continue
        full = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id") or ""] = (rel.get("Type") or "", full)
    return out


def _sheet_paths(pkg: GuardedZip) -> dict[str, str]:
    """Sheet name -> worksheet XML path, from the workbook and its relationships."""
    book = "xl/workbook.xml"
    if not pkg.has(book):
        raise ExtractionError("no workbook part in the package", stage="xlsx")
    rels = _rels(pkg, book)
    out = {}
    for el in parse_xml(pkg.read(book), book).iter():
        if local(el.tag) == "sheet":
            _type, target = rels.get(el.get("{%s}id" % _REL_NS) or "", ("", ""))
            if target and pkg.has(target):
                out[el.get("name") or target] = target
    return out


def _header_footer(xml: bytes, path: str) -> tuple[list[str], list[str]]:
    headers, footers = [], []
    for el in parse_xml(xml, path).iter():
        tag = local(el.tag)
        if tag.endswith(("Header", "Footer")) and el.text and tag != "headerFooter":
            text = "\n".join(s for s in (seg.strip() for seg in _HF_CODE.split(el.text)) if s)
            if text:
                (headers if tag.endswith("Header") else footers).append(text)
    return headers, footers


def _comments(pkg: GuardedZip, sheet_path: str) -> list[tuple[str, str]]:
    """(cell, text) for the legacy comments and threaded comments of one sheet."""
    out = []
    for rel_type, target in _rels(pkg, sheet_path).values():
        if not (rel_type.lower().endswith(("/comments", "/threadedcomment")) and pkg.has(target)):
            continue
        for el in parse_xml(pkg.read(target), target).iter():
            if local(el.tag) in ("comment", "threadedComment"):
                text = "".join(t.text or "" for t in el.iter() if local(t.tag) == "t")
                if text.strip():
                    out.append((el.get("ref") or "", text))
    return out

