"""DOCX: every story of a WordprocessingML package, read with lxml.

python-docx stops at the body, tables and the default header; leaks hide in
the rest (footnotes, comments, text boxes, hidden runs, tracked deletions,
field codes, watermarks), and lxml over the package XML is ten times faster
with the same text.  One pass over each XML part sorts its text into parts:

- the flow of the story: ``body`` (``table`` inside tables, a cell's
  paragraphs a line each, with the grid of the tables so that a 密级 column
  is read down its cells; ``textbox`` inside DrawingML/VML text boxes, the
  grid of their tables too), ``header``, ``footer``, ``footnote``,
  ``endnote``, ``comment``, ``glossary``;
- ``hidden`` (``w:vanish`` runs, directly or through a character style),
  ``deleted`` (``w:delText`` and moved-from runs), ``field`` (field codes),
  ``watermark`` (VML text paths), ``chart`` (chart titles and cached values);
- ``numbering`` (the literal text of list labels), ``attributes`` (alt
  text and names of pictures and shapes, link tooltips, content
  controls' titles, tags and list entries, form fields' texts, tables' alt
  text), ``fields`` (``密级：机密`` for a content control titled 密级, with
  what it shows); a run set in a symbol font read as the font shows it
  (``symbolfonts``: Wingdings' ``«`` is ★), a QUOTE field's quoted text as
  its result;
- ``docProps/thumbnail.jpeg``, the package's preview, read as a picture;
- ``properties:<field>`` (core, app and custom document properties, a part
  per field) and ``properties:docvar:<name>`` (document variables);
- the text of any other part (SmartArt, custom XML, ``w:altChunk`` HTML) by
  ``leftover``.

Inserted runs stay in the flow where Word shows them; their presence, like
that of deletions, comments and hidden text, is a ``hidden.*`` notice.
"""
from __future__ import annotations

import html
import re
from collections import defaultdict

from lxml import etree

from ..config import Limits
from ..errors import ExtractionError
from ..lang import Text
from ..levels import FIELD_NAMES
from ..types import Document, Notice, Part, Severity
from .image import package_pictures
from .leftover import leftover
from .notices import unreadable
from .ocr import PictureReader
from .symbolfonts import may_set_symbols, shown, symbol_font
from .thumbnail import package_thumbnail
from .wordtables import TableGrids
from .xmlparts import (
    attribute_lines,
    embedded_notices,
    external_targets,
    local,
    ooxml_properties,
    parse_xml,
    plain_utf8,
    property_parts,
)
from .zipguard import GuardedZip

MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
VML = "urn:schemas-microsoft-com:vml"
# Office Math (OMML): equations typed in Word, and the ones LibreOffice writes for a .doc's formulas
MATH = "http://schemas.openxmlformats.org/officeDocument/2006/math"

# content-type suffix -> story part name, in report order
_STORIES = (
    ("document.main+xml", "body"), ("template.main+xml", "body"),
    ("macroenabled.main+xml", "body"), ("macroenabledtemplate.main+xml", "body"),
    ("header+xml", "header"), ("footer+xml", "footer"),
    ("footnotes+xml", "footnote"), ("endnotes+xml", "endnote"),
    ("wordprocessingml.comments+xml", "comment"), ("document.glossary+xml", "glossary"),
)
_PART_ORDER = ("body", "table", "textbox", "header", "footer", "footnote", "endnote",
               "comment", "hidden", "deleted", "field", "watermark", "chart",
               "glossary", "numbering", "attributes", "fields", "links", "properties")
_OFF = {"0", "false", "off"}
# a QUOTE field's quoted text (its result when fields update: `` QUOTE "机密★5年" ``; a word unquoted is
# read in the code as it is)
_QUOTE_FIELD = re.compile(r'(?<![\w\\])QUOTE\s+["“]([^"”]*)["”]', re.IGNORECASE)
_LEVEL_NUMBER = re.compile(r"%\d")
# a level's label in numbering.xml, read from the bytes (the part is large and holds little else to read)
_LEVEL_TEXT = re.compile(rb'<(?:[\w.-]+:)?lvlText\s[^>]{0,256}?\b(?:[\w.-]+:)?val="([^"<]{0,1024})"')


def extract_docx(data: bytes, name: str, limits: Limits, ocr: PictureReader) -> Document:
    with GuardedZip(data, limits, stage="docx") as pkg:
        pkg.check_declared()
        stories = _stories(pkg)
        if not any(story == "body" for _, story in stories):
            return Document("docx", notices=(unreadable("no main document part in the package"),))
        stats: dict[str, int] = defaultdict(int)
        lines: dict[str, list[str]] = defaultdict(list)
        grids: dict[str, TableGrids] = defaultdict(TableGrids)  # the tables of the parts "table" and "textbox"
        hidden_styles = _hidden_styles(pkg)
        failed: list[str] = []
        notices: list[Notice] = []
        for path, story in stories:
            try:
                raw = pkg.read(path)  # a member that does not inflate is this story's failure, not the file's
                root = parse_xml(raw, path)
            except ExtractionError as exc:
                failed.append(path)
                notices.append(unreadable(exc.reason, part=story))
                continue
            walked = _Story(root, story, hidden_styles, lines, stats, grids, symbols=may_set_symbols(raw))
            walked.walk()
            if walked.controls:
                lines["fields"] += _field_controls(root)
            lines["attributes"] += attribute_lines(root)
        for path in sorted(n for n in pkg.names() if re.fullmatch(r"word/charts/chart\d*\.xml", n)):
            root = parse_xml(pkg.read(path), path)
            lines["chart"] += [t.text for t in root.iter() if local(t.tag) in ("t", "v") and t.text]
        props = ooxml_properties(pkg) + _document_variables(pkg)
        lines["numbering"] += _numbering_text(pkg)
        embedded = embedded_notices(pkg, "word/embeddings/")
        pictures, picture_notices = package_pictures(pkg, "word/media/", ocr)
        thumbnails, thumbnail_notices = package_thumbnail(pkg, ocr)  # the preview, which may be stale
        pictures += thumbnails
        picture_notices += thumbnail_notices
        lines["links"] += external_targets(pkg, "word/")
        parts = [Part(p, "\n".join(lines[p]), tables=grids[p].spans(lines[p]) if p in grids else ())
                 for p in _PART_ORDER if lines.get(p)]
        parts += props
        others, other_notices = leftover(pkg, failed, parts, binary=True)
    parts += others
    parts += pictures
    return Document("docx", parts=tuple(parts),
                    notices=(*notices, *_notices(stats), *embedded, *picture_notices, *other_notices),
                    failed_parts=tuple(failed))


def _document_variables(pkg: GuardedZip) -> list[Part]:
    """Document variables (``w:docVar`` in the settings): values macros and
    office systems store with a file (a 密级 among them) and Word never
    shows, each a part ``properties:docvar:<name>``."""
    raw = pkg.read_optional("word/settings.xml")
    if raw is None or b"docVar" not in raw:
        return []
    fields: dict[str, list[str]] = {}
    for el in parse_xml(raw, "word/settings.xml").iter("{*}docVar"):
        if _attr(el, "val").strip():
            fields.setdefault(f"docvar:{_attr(el, 'name')}", []).append(_attr(el, "val"))
    return property_parts(fields)


def _stories(pkg: GuardedZip) -> list[tuple[str, str]]:
    """(package path, story) for every text story, from ``[Content_Types].xml``."""
    root = parse_xml(pkg.read("[Content_Types].xml"), "[Content_Types].xml")
    found = []
    for el in root:
        if local(el.tag) != "Override":
            continue
        ctype = (el.get("ContentType") or "").lower()
        path = (el.get("PartName") or "").lstrip("/")
        for suffix, story in _STORIES:
            if ctype.endswith(suffix) and pkg.has(path):
                found.append((path, story))
                break
    order = {story: i for i, (_, story) in enumerate(_STORIES)}
    return sorted(found, key=lambda ps: (order[ps[1]], _natural(ps[0])))


def _natural(path: str) -> list[object]:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", path)]


def _hidden_styles(pkg: GuardedZip) -> frozenset[str]:
    """Style ids whose run properties hide text (a hidden character style)."""
    styles = pkg.read_optional("word/styles.xml")
    if not styles or (b"vanish" not in styles and plain_utf8(styles)):
        return frozenset()  # no style can hide text: the template's ~350 KB are not parsed (4 ms)
    root = parse_xml(styles, "word/styles.xml")
    hidden = set()
    # libxml2 finds the few vanish elements; the thousands of latent and
    # table styles in a template are not visited one by one in Python
    for el in root.iter("{*}vanish"):
        if not _on(el):
            continue
        style = el
        while (parent := style.getparent()) is not None and parent is not root:
            style = parent
        if parent is root and local(style.tag) == "style":
            hidden.add(_attr(style, "styleId"))
    return frozenset(hidden)


def _attr(el: etree._Element, name: str) -> str:
    """A ``w:``-namespaced attribute, whatever the namespace's URI."""
    for key, value in el.attrib.items():
        if local(key) == name:
            return str(value)
    return ""


def _on(el: etree._Element) -> bool:
    return _attr(el, "val").lower() not in _OFF


class _Story:
    """One pass over one story's XML, sorting text into parts."""

    def __init__(self, root: etree._Element, story: str, hidden_styles: frozenset[str],
                 lines: dict[str, list[str]], stats: dict[str, int], grids: dict[str, TableGrids],
                 symbols: bool = False) -> None:
        self.root, self.story, self.hidden_styles = root, story, hidden_styles
        # the story names a symbol font (``symbolfonts``): each run's font is looked up, its text read as shown
        self.symbols = symbols
        self.run_fonts: list[str | None] = []
        self.controls = 0  # content controls (``w:sdt``) met: ``_field_controls`` looks at them
        self.lines, self.stats, self.grids = lines, stats, grids
        self.w = etree.QName(root).namespace or ""
        self.fallback: dict[str, list[str]] = defaultdict(list)
        # no w:vanish in the story and no hidden style: no run is hidden, and the
        # run properties of each run (thousands in a report) need not be looked up
        self.may_hide = bool(hidden_styles) or next(root.iter(f"{{{self.w}}}vanish"), None) is not None

    def walk(self) -> None:
        w = f"{{{self.w}}}"
        tags = [w + t for t in ("p", "r", "t", "delText", "instrText", "delInstrText", "tab",
                                "br", "cr", "noBreakHyphen", "sym", "tbl", "tr", "tc", "txbxContent", "del", "ins",
                                "moveFrom", "moveTo", "comment", "fldSimple", "ddList", "checkBox", "sdt")]
        tags += [f"{{{MC}}}Fallback", f"{{{VML}}}textpath", f"{{{MATH}}}t"]  # m:t: an equation's text
        paragraphs: list[tuple[str, dict[str, list[str]]]] = []
        hidden_runs: list[bool] = []
        depth: defaultdict[str, int] = defaultdict(int)
        for event, el in etree.iterwalk(self.root, events=("start", "end"), tag=tags):
            tag = el.tag[len(w):] if el.tag.startswith(w) else local(el.tag)
            if event == "start":
                if tag == "p":
                    paragraphs.append((self._flow(depth), defaultdict(list)))
                elif tag == "r":
                    hidden_runs.append(self.may_hide and self._run_hidden(el))
                    if self.symbols:
                        self.run_fonts.append(self._run_font(el))
                elif tag in ("t", "delText", "instrText", "delInstrText", "tab", "br", "cr", "noBreakHyphen", "sym",
                             "ddList", "checkBox"):
                    self._text(tag, el, paragraphs, hidden_runs, depth)
                elif tag == "fldSimple" and _attr(el, "instr").strip():  # a field whose code is an attribute
                    self._emit("field", _attr(el, "instr").strip(), depth)
                elif tag in ("tbl", "txbxContent", "Fallback"):
                    depth[tag] += 1
                    if tag == "tbl" and (part := self._laid_out(depth)):
                        self.grids[part].table(el)
                elif tag == "tr" and (part := self._laid_out(depth)):
                    self.grids[part].row(el)
                elif tag == "tc" and (part := self._laid_out(depth)):
                    self.grids[part].cell_start(el, len(self.lines[part]))
                elif tag in ("del", "moveFrom"):
                    depth["del"] += 1
                    self.stats["deletions"] += 1
                elif tag in ("ins", "moveTo"):
                    self.stats["insertions"] += 1
                elif tag == "comment":
                    self.stats["comments"] += 1
                elif tag == "sdt":
                    self.controls += 1
                elif tag == "textpath" and el.get("string"):
                    self._emit("watermark", el.get("string"), depth)
                continue
            if tag == "p":
                flow, chunks = paragraphs.pop()
                for channel, pieces in chunks.items():
                    self._emit(flow if channel == "flow" else channel, "".join(pieces), depth)
            elif tag == "r":
                if hidden_runs:
                    hidden_runs.pop()
                if self.run_fonts:
                    self.run_fonts.pop()
            elif tag in ("tbl", "txbxContent", "Fallback"):
                if tag == "tbl" and (part := self._laid_out(depth)):
                    self.grids[part].table_end()
                depth[tag] -= 1
            elif tag == "tc" and (part := self._laid_out(depth)):
                self.grids[part].cell_end(len(self.lines[part]))
            elif tag in ("del", "moveFrom"):
                depth["del"] -= 1
        for channel, extra in self.fallback.items():
            seen = set(self.lines[channel])
            self.lines[channel] += [line for line in extra if line not in seen]

    def _laid_out(self, depth: dict[str, int]) -> str | None:
        """The part whose lines a table here is read into, where its grid is
        kept: ``table`` in the body, ``textbox`` in a text box; not in a
        fallback (read only for what the choice lacks)."""
        if not depth["tbl"] or depth["Fallback"]:
            return None
        part = self._flow(depth)
        return part if part in ("table", "textbox") else None

    def _flow(self, depth: dict[str, int]) -> str:
        if depth["txbxContent"]:
            return "textbox"
        if depth["tbl"] and self.story == "body":
            return "table"
        return self.story

    def _run_font(self, run: etree._Element) -> str | None:
        """The symbol font (``symbolfonts``) a run's own properties set it
        in, for the Latin characters ``«`` and the private-use codes are; else None."""
        props = run.find(f"{{{self.w}}}rPr")
        fonts = props.find(f"{{{self.w}}}rFonts") if props is not None else None
        if fonts is None:
            return None
        return next((font for key in ("ascii", "hAnsi") if (font := symbol_font(_attr(fonts, key)))), None)

    def _run_hidden(self, run: etree._Element) -> bool:
        props = run.find(f"{{{self.w}}}rPr")
        if props is None:
            return False
        vanish = props.find(f"{{{self.w}}}vanish")
        if vanish is not None and _on(vanish):
            return True
        style = props.find(f"{{{self.w}}}rStyle")
        return style is not None and _attr(style, "val") in self.hidden_styles

    def _text(self, tag: str, el: etree._Element, paragraphs: list[tuple[str, dict[str, list[str]]]], hidden_runs: list[bool],
              depth: dict[str, int]) -> None:
        if tag in ("t", "delText", "instrText", "delInstrText"):
            text = el.text or ""
            if self.run_fonts and self.run_fonts[-1] and tag in ("t", "delText"):
                text = shown(self.run_fonts[-1], text)
        elif tag == "tab":
            text = "\t"
        elif tag == "noBreakHyphen":
            text = "-"
        elif tag == "sym":
            text = _symbol(el)
        elif tag == "ddList":
            text = _shown_entry(el)
        elif tag == "checkBox":
            text = _shown_box(el)
        else:
            text = "\n"
        if tag in ("delText", "delInstrText") or depth["del"]:
            channel = "deleted"
        elif tag == "instrText":
            channel = "field"
        elif hidden_runs and hidden_runs[-1]:
            channel = "hidden"
        else:
            channel = "flow"
        if channel == "hidden":
            self.stats["hidden"] += 1
        if not paragraphs:
            paragraphs.append((self._flow(depth), defaultdict(list)))
        paragraphs[-1][1][channel].append(text)

    def _emit(self, channel: str, line: str, depth: dict[str, int]) -> None:
        lines = (self.fallback if depth["Fallback"] else self.lines)[channel]
        lines.append(line)
        if channel == "field" and "QUOTE" in line.upper():
            lines += _quoted(line)


def _quoted(code: str) -> list[str]:
    """The text of each QUOTE field in a field code, as the field shows it
    when fields update (F9, printing): a field whose result was never
    written shows nothing until then, and its code ``QUOTE "机密★5年"`` held
    the mark only inside quotation marks (read as a quotation, it was clear)."""
    return [text for text in _QUOTE_FIELD.findall(code) if text.strip()]


def _field_controls(root: etree._Element) -> list[str]:
    """``密级：机密`` for each content control titled or tagged as a 密级
    field (``levels.FIELD_NAMES``), with the text it shows: a form's label is
    then the control's title, not text, and the 机密 it shows inside a
    sentence (本表机密，请按规定管理) read as prose; it was clear."""
    found = []
    for sdt in root.iter("{*}sdt"):
        props = next((child for child in sdt if local(child.tag) == "sdtPr"), None)
        content = next((child for child in sdt if local(child.tag) == "sdtContent"), None)
        if props is None or content is None:
            continue
        names = [_attr(el, "val").strip() for el in props if local(el.tag) in ("alias", "tag")]
        name = next((name for name in names if name.lower() in FIELD_NAMES), None)
        shown_text = "".join(t.text or "" for t in content.iter("{*}t")).strip()
        if name and shown_text:
            found.append(f"{name}：{shown_text}")
    return list(dict.fromkeys(found))


def _shown_entry(dd_list: etree._Element) -> str:
    """The entry a legacy drop-down form field (FORMDROPDOWN) shows where it
    stands: the one ``w:result`` picks, else ``w:default``'s, else the first.
    Word writes no field result for it and draws the entry from ``w:ffData``,
    so 密级：[机密] was read only as the list's entries (in attributes, on one
    line once they are a 密级 field's choices: a form showing 密级：机密 was cleared)."""
    entries = [_attr(el, "val") for el in dd_list if local(el.tag) == "listEntry"]
    picks = {local(el.tag): _attr(el, "val") for el in dd_list if local(el.tag) in ("result", "default")}
    pick = picks.get("result", picks.get("default", "0"))
    index = int(pick) if pick.strip().isdecimal() else 0
    return entries[index] if 0 <= index < len(entries) else ""


def _shown_box(check_box: etree._Element) -> str:
    """The box a legacy check-box form field (FORMCHECKBOX) draws where it
    stands: ☑ checked (``w:checked``, else its ``w:default``), ☐ not.  Word
    writes no field result for it, so 密级：[x]机密 among unticked 绝密 and
    秘密 read 密级：绝密 机密 秘密, which blocked on 绝密 whatever was ticked."""
    state = {local(el.tag): el for el in check_box if local(el.tag) in ("checked", "default")}
    chosen = state.get("checked", state.get("default"))
    return "☑" if chosen is not None and _on(chosen) else "☐"


def _symbol(el: etree._Element) -> str:
    """The character a ``w:sym`` draws (Insert > Symbol): its code point, or
    for a symbol font's private-use code the character it shows where it is
    one a mark is written with (Wingdings' star)."""
    try:
        code = int(_attr(el, "char"), 16)
    except ValueError:
        return ""
    if not 0 <= code <= 0x10FFFF:
        return ""
    # a symbol font's own code, shifted into the private-use area (F0AB) or not (00AB: what a .doc's conversion keeps)
    return shown(_attr(el, "font"), chr(code))


def _numbering_text(pkg: GuardedZip) -> list[str]:
    """The literal text of list labels (``w:lvlText``, ``第%1条`` without its
    number): printed before every paragraph of the list."""
    raw = pkg.read_optional("word/numbering.xml")
    if raw is None or b"lvlText" not in raw:
        return []
    values = (html.unescape(value.decode("utf-8", "replace")) for value in _LEVEL_TEXT.findall(raw))
    labels = (_LEVEL_NUMBER.sub("", value) for value in values)
    return list(dict.fromkeys(label.strip() for label in labels if any(ch.isalpha() for ch in label)))


def _notices(stats: dict[str, int]) -> tuple[Notice, ...]:
    out = []
    if stats["comments"]:
        out.append(Notice("hidden.comments", "hidden", "comment",
                          Text(f"{stats['comments']} comment(s) are stored in the file",
                               f"文件中保存有 {stats['comments']} 条批注"), Severity.REVIEW,
                          details=(("count", stats["comments"]),)))
    if stats["deletions"] or stats["insertions"]:
        out.append(Notice("hidden.tracked-changes", "hidden", "deleted" if stats["deletions"] else "body",
                          Text(f"tracked changes are stored in the file ({stats['deletions']} deletion(s), "
                               f"{stats['insertions']} insertion(s))",
                               f"文件中保存有修订（删除 {stats['deletions']} 处，插入 {stats['insertions']} 处）"),
                          Severity.REVIEW,
                          details=(("deletions", stats["deletions"]), ("insertions", stats["insertions"]))))
    if stats["hidden"]:
        out.append(Notice("hidden.text", "hidden", "hidden", Text("hidden text (w:vanish) is stored in the file",
                               "文件中保存有隐藏文字（w:vanish）"),
                          Severity.REVIEW))
    return tuple(out)
