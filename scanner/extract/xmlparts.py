"""Shared helpers for the XML packages (OOXML, OFD): a safe parser and the
document properties every OOXML file carries in ``docProps/``."""
from __future__ import annotations

import re

from lxml import etree

from ..errors import ExtractionError
from ..lang import Text
from ..levels import choice_lines
from ..types import Notice, Part
from .decode import unquoted_url
from .notices import unreadable
from .zipguard import GuardedZip

# internal entities expanded, so text declared in the DTD is read (libxml2 refuses
# a billion-laughs expansion past its amplification limit: the part is then
# malformed, never silently short); nothing external, no network, no DTD loading
_PARSER = etree.XMLParser(resolve_entities="internal", no_network=True, load_dtd=False,
                          huge_tree=True, remove_comments=False)

CORE_FIELDS = (
    ("title", "title"), ("subject", "subject"), ("keywords", "keywords"),
    ("description", "description"), ("creator", "author"),
    ("lastModifiedBy", "last modified by"), ("category", "category"),
    ("contentStatus", "status"),
)
APP_FIELDS = (("Company", "company"), ("Manager", "manager"))


def parse_xml(data: bytes, part: str) -> etree._Element:
    """Parse a package part, translating lxml's error into ours."""
    try:
        return etree.fromstring(data, _PARSER)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise ExtractionError(f"malformed XML in {part}: {exc}", part=part) from exc


def utf8_declared(raw: bytes) -> bool:
    """No byte-order mark, and an XML declaration (if any) naming UTF-8 or no encoding."""
    if not raw.startswith(b"<"):
        return False
    if not raw.startswith(b"<?xml"):
        return True
    declaration = raw[:raw.find(b"?>") + 1].lower()
    return b"encoding" not in declaration or bool(re.search(rb"encoding=[\"']utf-8[\"']", declaration))


def plain_utf8(raw: bytes) -> bool:
    """Whether a part's bytes are its characters as written: UTF-8 as
    declared (``utf8_declared``), no NUL byte (which UTF-8 XML never holds and
    UTF-16 or UTF-32 without a mark always do) and no ``<!`` (no DTD whose
    entities could write markup, no comment or CDATA section).  Then a word
    absent from the bytes is absent from the parsed document, and a part can
    be passed over by a search of its bytes."""
    return b"<!" not in raw and b"\x00" not in raw and utf8_declared(raw)


def local(tag: object) -> str:
    """``{ns}name`` -> ``name`` (comments and PIs have no string tag)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def ooxml_properties(pkg: GuardedZip) -> list[Part]:
    """Core, extended and custom properties, each its own part
    (``properties:title``, ``properties:company``, ``properties:<custom name>``)
    holding only its value: a field that is nothing but a marker
    (内部资料 注意保存) stands alone, as a label does, the field named by the part.
    """
    fields: dict[str, list[str]] = {}
    core = pkg.read_optional("docProps/core.xml")
    if core:
        values = {local(el.tag): (el.text or "") for el in parse_xml(core, "docProps/core.xml")}
        for key, label in CORE_FIELDS:
            if values.get(key, "").strip():
                fields.setdefault(label, []).append(values[key])
    app = pkg.read_optional("docProps/app.xml")
    if app:
        values = {local(el.tag): (el.text or "") for el in parse_xml(app, "docProps/app.xml")}
        for key, label in APP_FIELDS:
            if values.get(key, "").strip():
                fields.setdefault(label, []).append(values[key])
    custom = pkg.read_optional("docProps/custom.xml")
    if custom:
        for prop in parse_xml(custom, "docProps/custom.xml"):
            value = "".join(prop.itertext())
            if value.strip():
                fields.setdefault(prop.get("name", "custom"), []).append(value)
    return property_parts(fields)


# text Office keeps in attributes, by the element that carries it
_TEXT_ATTRIBUTES = {
    # alt text and names of pictures, shapes, charts (the name the selection pane lists)
    "docPr": ("descr", "title", "name"), "cNvPr": ("descr", "title", "name"),
    "imagedata": ("title",),  # VML pictures' alt text
    # VML shapes' alt text (Word 2003-era shapes, and what Word keeps of them)
    **{shape: ("alt",) for shape in ("shape", "rect", "roundrect", "oval", "line", "polyline", "arc", "curve",
                                     "image", "group")},
    "tblCaption": ("val",), "tblDescription": ("val",),  # a Word table's alt text (title and description)
    # tooltips (a click's and a hover's: PowerPoint shows both); a sheet link's shown text
    "hyperlink": ("tooltip", "display"), "hlinkClick": ("tooltip",), "hlinkHover": ("tooltip",),
    "ocxPr": ("value",),  # an ActiveX control's properties (its Caption, Text, Value) in its property bag
    "alias": ("val",), "tag": ("val",),  # a content control's title and tag
    "listItem": ("displayText", "value"),  # a content control's list entries
    "default": ("val",), "helpText": ("val",), "statusText": ("val",), "listEntry": ("val",),  # form fields
    "dataValidation": ("promptTitle", "prompt", "errorTitle", "error"),  # a cell's input message and error
}
_TEXT_ELEMENTS = tuple(f"{{*}}{name}" for name in _TEXT_ATTRIBUTES)
_LIST_ENTRIES = ("listItem", "listEntry")  # a content control's and a legacy form field's list


def attribute_lines(root: etree._Element) -> list[str]:
    """The text a part keeps in attributes (``_TEXT_ATTRIBUTES``): alt text,
    shape names, tooltips, content-control titles and entries, form-field
    texts, input messages, each text once.  Values without
    a letter (a check box's ``0``) are left out, and so are ASCII shape names:
    Office names every shape (``TextBox 3``, ``Picture 1``), a line per shape
    that holds no mark, since a mark is never ASCII; a Chinese Office's
    defaults (``文本框 3``) are read, and hold none either.  A list whose
    entries are a 密级 field's choices is one line,
    as the form shows them, not a bare level alone on each line; an entry
    holding more than a level (机密★) stays on its own (``levels.choice_lines``)."""
    lines: list[str] = []
    choices: dict[etree._Element, list[int]] = {}  # a list control -> where its entries are in ``lines``
    for el in root.iter(*_TEXT_ELEMENTS):
        tag = local(el.tag)
        wanted = _TEXT_ATTRIBUTES[tag]
        for key, value in el.attrib.items():
            name = local(key)
            if name in wanted and any(ch.isalpha() for ch in value) and not (name == "name" and value.isascii()):
                if tag in _LIST_ENTRIES and (control := el.getparent()) is not None:
                    choices.setdefault(control, []).append(len(lines))
                lines.append(str(value))
    for at in choices.values():  # a 密级 field's choices: one line, where the control's entries were
        grouped = choice_lines([lines[i] for i in at], "、")
        for n, i in enumerate(at):  # fewer lines than entries: the rest left empty, then dropped
            lines[i] = grouped[n] if n < len(grouped) else ""
    return list(dict.fromkeys(filter(None, lines)))  # a picture's alt text is on its docPr and again on its cNvPr


def property_parts(fields: dict[str, list[str]]) -> list[Part]:
    """``properties:<field>`` parts, one per field, its values one a line."""
    return [Part(f"{PROPERTIES}:{name}", "\n".join(values)) for name, values in fields.items()]


PROPERTIES = "properties"


_PROLOG_BYTES = 64 * 1024


def doctype_notices(pkg: GuardedZip) -> tuple[Notice, ...]:
    """A part that declares a DTD may hold text in entities, which the
    python-pptx and openpyxl parsers drop: never call such a package full.
    (Office never writes a DTD; only a crafted file has one.)"""
    found = []
    for name in sorted(pkg.names()):
        if name.endswith((".xml", ".rels")) and b"<!DOCTYPE" in pkg.head(name, _PROLOG_BYTES).upper():
            found.append(name)
    return tuple(unreadable(f"XML part {name} declares a DTD; text held in its entities may not have been read",
                            part="item", object=name) for name in found)


def embedded_notices(pkg: GuardedZip, folder: str) -> tuple[Notice, ...]:
    """Embedded objects that cannot be opened travel with the file unscanned:
    never clear.  The others are scanned as members (embedded.py)."""
    from .embedded import embedding_paths, open_object
    return tuple(unreadable(Text(f"embedded object not scanned: {path}", f"嵌入对象未扫描：{path}"),
                            part="embedded", rule="unreadable.embedded", object=path)
                 for path in embedding_paths(pkg, folder) if open_object(pkg.read(path))[0] == "unknown")


def external_targets(pkg: GuardedZip, folder: str) -> list[str]:
    """Where the relationships of the parts under ``folder`` lead outside the
    package, percent-encoding decoded (``unquoted_url``): a hyperlink's
    address, which Word and PowerPoint show when it is pointed at, a linked
    picture's or file's; one a line, each once."""
    targets = []
    for name in pkg.names():
        if name.startswith(folder) and name.endswith(".rels"):
            raw = pkg.read(name)
            if b"External" in raw:
                targets += [rel.get("Target") or "" for rel in parse_xml(raw, name)
                            if rel.get("TargetMode") == "External"]
    return list(dict.fromkeys(unquoted_url(target) for target in targets if target.strip()))
