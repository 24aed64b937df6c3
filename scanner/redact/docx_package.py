"""Redacting a DOCX in place, at run level, with lxml over the package parts.

Only the text of runs changes (``w:t``, ``w:delText``, field codes), plus
VML watermark strings, chart text and document properties; run and paragraph
properties, styles, relationships and every untouched part are copied as they
are.  Spans are found per story (body, each header and footer, notes,
comments) in the paragraphs' text joined by newlines, so a mark split over
several runs is covered in each of them.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from lxml import etree

from ..engine import Engine
from ..errors import ExtractionError, LimitExceeded
from ..extract.wordtables import TableGrids
from ..extract.xmlparts import local, parse_xml
from ..extract.zipguard import GuardedZip
from ..pipeline import find_in_text
from ..types import CellGrid, Finding
from .errors import RedactionRefused
from .spans import cover, span_mask, to_remove

XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_EDITABLE = {"t", "delText", "instrText", "delInstrText"}
_SEPARATORS = {"tab": "\t", "br": "\n", "cr": "\n", "noBreakHyphen": "-"}
_WORD_STRUCTURE = frozenset({"p", "tbl", "tr", "tc"})
# what the extractor reads into other parts than a table's (deleted, field, hidden, textbox) or not at all
_READ_ELSEWHERE = frozenset({"delText", "instrText", "delInstrText", "vanish", "txbxContent", "Fallback"})
# package part -> the part name the scanner reports for its text
_STORIES = (
    (re.compile(r"word/document\d*\.xml"), "body"), (re.compile(r"word/header\d*\.xml"), "header"),
    (re.compile(r"word/footer\d*\.xml"), "footer"), (re.compile(r"word/footnotes\.xml"), "footnote"),
    (re.compile(r"word/endnotes\.xml"), "endnote"), (re.compile(r"word/comments\w*\.xml"), "comment"),
    (re.compile(r"word/glossary/document\.xml"), "glossary"),
)
_LEAVES = ((re.compile(r"word/charts/chart\d*\.xml"), "chart"), (re.compile(r"docProps/(core|app|custom)\.xml"), "properties"))


@dataclass
class _Slot:
    """A stretch of the story text: an editable text node, or a fixed separator."""

    start: int
    text: str
    node: etree._Element | None


def _story_slots(root: etree._Element) -> tuple[str, list[_Slot], tuple[CellGrid, ...]]:
    """The story's text (paragraphs joined by newlines), where each piece
    lives, and the grid of its tables (as the extractor gives it: a Word
    form's 密级 column is read down its cells).  A table whose cells hold
    text the extractor reads elsewhere (tracked deletions, field codes,
    hidden runs, text boxes, fallbacks) has no grid here: its cells would
    read otherwise than the scan's, and a column the scan reads as a
    register's could be covered as a form's field.  A field the scan finds
    there is then left, and the copy refused."""
    paragraphs: list[list[tuple[str, etree._Element | None]]] = []
    open_paragraphs: list[list[tuple[str, etree._Element | None]]] = []
    grids = TableGrids()
    for event, el in etree.iterwalk(root, events=("start", "end")):
        name = local(el.tag)
        # the namespace is asked of the four elements that need it only (every element's QName cost the walk)
        word = name in _WORD_STRUCTURE and "wordprocessingml" in (etree.QName(el).namespace or "")
        if word and name == "tbl":
            if event == "start":
                grids.table(el)
            else:
                grids.table_end()
        elif word and name == "tr" and event == "start":
            grids.row(el)
        elif word and name == "tc":
            if event == "start":
                grids.cell_start(el, len(paragraphs))
            else:
                grids.cell_end(len(paragraphs))
        elif event == "start" and name in _READ_ELSEWHERE:
            grids.opaque()
        if name == "p" and word:
            if event == "start":
                open_paragraphs.append([])
                paragraphs.append(open_paragraphs[-1])
            else:
                open_paragraphs.pop()
        elif event == "start" and open_paragraphs:
            if name in _EDITABLE:
                open_paragraphs[-1].append((el.text or "", el))
            elif name in _SEPARATORS:
                open_paragraphs[-1].append((_SEPARATORS[name], None))
    slots: list[_Slot] = []
    pos = 0
    for n, pieces in enumerate(paragraphs):
        if n:
            slots.append(_Slot(pos, "\n", None))
            pos += 1
        for text, node in pieces:
            slots.append(_Slot(pos, text, node))
            pos += len(text)
    lines = ["".join(text for text, _ in pieces) for pieces in paragraphs]
    return "".join(s.text for s in slots), slots, grids.spans(lines)


def _set_text(node: etree._Element, text: str) -> None:
    node.text = text
    if local(node.tag) in _EDITABLE and text != text.strip():
        node.set(XML_SPACE, "preserve")


class _Package:
    def __init__(self, engine: Engine, everything: bool, cover_char: str) -> None:
        self.engine, self.everything, self.cover_char = engine, everything, cover_char
        self.found: list[Finding] = []

    def _find(self, text: str, part: str, tables: tuple[CellGrid, ...] = ()) -> list[Finding]:
        found = to_remove(find_in_text(self.engine, text, part, tables=tables), self.everything)
        self.found += found
        return found

    def story(self, root: etree._Element, part: str) -> bool:
        changed = False
        text, slots, tables = _story_slots(root)
        found = self._find(text, part, tables)
        if found:
            mask = span_mask(len(text), found)
            for slot in slots:
                end = slot.start + len(slot.text)
                if slot.node is not None and any(mask[slot.start:end]):
                    _set_text(slot.node, cover(slot.text, mask[slot.start:end], self.cover_char))
                    changed = True
        for el in root.iter():
            if local(el.tag) == "textpath" and el.get("string"):
                changed |= self._attribute(el, "string", "watermark")
        return changed

    def _attribute(self, el: etree._Element, attr: str, part: str) -> bool:
        value = el.get(attr)
        found = self._find(value, part)
        if found:
            el.set(attr, cover(value, span_mask(len(value), found), self.cover_char))
        return bool(found)

    def leaves(self, root: etree._Element, part: str) -> bool:
        changed = False
        for el in root.iter():
            if isinstance(el.tag, str) and len(el) == 0 and el.text:
                found = self._find(el.text, part)
                if found:
                    el.text = cover(el.text, span_mask(len(el.text), found), self.cover_char)
                    changed = True
        return changed


def _serialize(root: etree._Element) -> bytes:
    standalone = root.getroottree().docinfo.standalone
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=standalone)
    return data


def redact_docx(engine: Engine, data: bytes, everything: bool, cover_char: str) -> tuple[bytes, list[Finding]]:
    package = _Package(engine, everything, cover_char)
    out = io.BytesIO()
    try:
        with GuardedZip(data, engine.config.limits, stage="redact") as pkg, \
                zipfile.ZipFile(out, "w") as copy:
            pkg.check_declared()
            for info in pkg.infos():
                content = pkg.read(info.filename)
                content = _redacted_part(package, info.filename, content) or content
                target = zipfile.ZipInfo(info.filename, info.date_time)
                target.compress_type, target.external_attr = info.compress_type, info.external_attr
                target.create_system, target.comment = info.create_system, info.comment
                copy.writestr(target, content)
    except (ExtractionError, LimitExceeded) as exc:
        raise RedactionRefused(f"the DOCX package cannot be read: {exc}") from exc
    return (out.getvalue(), package.found) if package.found else (data, [])


def _redacted_part(package: _Package, name: str, content: bytes) -> bytes | None:
    """The part's new bytes, or None when nothing in it needed covering."""
    for pattern, part in _STORIES:
        if pattern.fullmatch(name):
            root = parse_xml(content, name)
            return _serialize(root) if package.story(root, part) else None
    for pattern, part in _LEAVES:
        if pattern.fullmatch(name):
            root = parse_xml(content, name)
            return _serialize(root) if package.leaves(root, part) else None
    return None
