"""PPTX: slide text (tables and grouped shapes included), speaker notes,
hidden slides, comments, text on masters and layouts, document properties.

python-pptx walks the shape tree; comments (legacy ``p:cm`` and modern
threaded ones) are not in its object model and are read from the package
XML.  The package has passed ``GuardedZip.check_declared`` before
python-pptx opens it, and zipfile never inflates past a member's declared
size, so python-pptx is bounded by the same limits.

Parts: ``slide:N``, ``notes:N`` (1-based), ``comment`` (``slide N: text``),
``master`` (text on slide masters and layouts), ``attributes`` (the alt
text, shape names and link tooltips of slides, masters and layouts),
``sections`` (section and custom show names), ``links`` (where links lead
outside the file), ``properties:<field>`` (a part per document property),
``docProps/thumbnail.jpeg`` (the preview of the first slide PowerPoint
writes, read as a picture: it may be stale); the other parts' text (notes
master, charts, SmartArt, ActiveX controls' properties) by ``leftover``.
A run set in a symbol font is read as the font shows it (``symbolfonts``).
"""
from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from typing import Any

from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.exc import PackageNotFoundError, PythonPptxError
from pptx.shapes.group import GroupShape

from ..config import Limits
from ..errors import ExtractionError
from ..lang import Text
from ..types import Document, Notice, Part, Severity
from .image import package_pictures
from .leftover import leftover
from .ocr import PictureReader
from .symbolfonts import shown, symbol_font
from .thumbnail import package_thumbnail
from .xmlparts import (
    attribute_lines,
    doctype_notices,
    embedded_notices,
    external_targets,
    local,
    ooxml_properties,
    parse_xml,
)
from .zipguard import ZIP_ERRORS, GuardedZip

PPTX_ERRORS = (PythonPptxError, PackageNotFoundError, KeyError, ValueError, TypeError,
               AttributeError, IndexError, AssertionError, etree.LxmlError)
# a page's number and date: no text of its own
_PAGE_FIELDS = frozenset({PP_PLACEHOLDER.SLIDE_NUMBER, PP_PLACEHOLDER.DATE})
_COMMENT_PART = re.compile(r"ppt/comments/(modernComment|comment)[^/]*\.xml")
# the parts python-pptx reads for ``_slides`` (the rest are left to scanner.extract.leftover)
_DRAWING = "http://schemas.openxmlformats.org/drawingml/2006/main"
_LATIN, _SYM, _T = (f"{{{_DRAWING}}}{name}" for name in ("latin", "sym", "t"))
_READ_BY_PPTX = re.compile(r"ppt/(?:presentation\.xml|(?:slides|slideLayouts|slideMasters|notesSlides)/[^/]+\.xml)")


def extract_pptx(data: bytes, name: str, limits: Limits, ocr: PictureReader) -> Document:
    with GuardedZip(data, limits, stage="pptx") as pkg:
        pkg.check_declared()
        comments = _comments(pkg)
        props = ooxml_properties(pkg)
        embedded = embedded_notices(pkg, "ppt/embeddings/") + doctype_notices(pkg)
        pictures, picture_notices = package_pictures(pkg, "ppt/media/", ocr)
        thumbnails, thumbnail_notices = package_thumbnail(pkg, ocr)  # the preview, which may be stale
        pictures += thumbnails
        picture_notices += thumbnail_notices
        try:
            parts, notices = _slides(Presentation(io.BytesIO(data)))
        except (*ZIP_ERRORS, *PPTX_ERRORS) as exc:
            raise ExtractionError(f"python-pptx cannot read the presentation: {type(exc).__name__}: {exc}",
                                  stage="pptx") from exc
        if comments:
            parts.append(Part("comment", "\n".join(comments)))
            notices.append(Notice("hidden.comments", "hidden", "comment",
                                  Text(f"{len(comments)} comment(s) are stored in the file", f"文件中保存有 {len(comments)} 条批注"),
                                  Severity.REVIEW,
                                  details=(("count", len(comments)),)))
        for part_name, found in (("sections", _section_names(pkg)), ("links", external_targets(pkg, "ppt/"))):
            if found:
                parts.append(Part(part_name, "\n".join(found)))
        parts += props
        others, other_notices = leftover(pkg, filter(_READ_BY_PPTX.fullmatch, pkg.names()), parts, binary=True)
    parts += others
    parts += pictures
    return Document("pptx", parts=tuple(parts), notices=(*notices, *embedded, *picture_notices, *other_notices))


def _slides(prs: Any) -> tuple[list[Part], list[Notice]]:
    parts: list[Part] = []
    notices: list[Notice] = []
    notes: list[Part] = []
    attributes: list[str] = []
    for number, slide in enumerate(prs.slides, 1):
        _show_symbols(slide._element)
        attributes += attribute_lines(slide._element)
        text = "\n".join(_shape_texts(slide.shapes))
        if text:
            parts.append(Part(f"slide:{number}", text))
        if slide.has_notes_slide:
            _show_symbols(slide.notes_slide._element)
            text = "\n".join(_notes_texts(slide.notes_slide))
            if text.strip():
                notes.append(Part(f"notes:{number}", text))
        if slide._element.get("show") in ("0", "false"):
            notices.append(Notice("hidden.slide", "hidden", f"slide:{number}",
                                  Text(f"slide {number} is hidden in the slide show but published with the file",
                                       f"第 {number} 张幻灯片在放映时隐藏，但随文件一并公开"),
                                  Severity.REVIEW))
    master_lines: list[str] = []
    for master in prs.slide_masters:
        _show_symbols(master._element)
        master_lines += _shape_texts(master.shapes)
        attributes += attribute_lines(master._element)  # alt text and names every slide under it shows
        for layout in master.slide_layouts:
            _show_symbols(layout._element)
            master_lines += _shape_texts(layout.shapes)
            attributes += attribute_lines(layout._element)
    attributes = list(dict.fromkeys(attributes))
    parts += notes
    if master_lines:
        parts.append(Part("master", "\n".join(dict.fromkeys(master_lines))))
    if attributes:
        parts.append(Part("attributes", "\n".join(attributes)))
    return parts, notices


def _show_symbols(root: etree._Element) -> None:
    """Each run set in a symbol font (its ``a:latin`` or ``a:sym``
    typeface: ``symbolfonts``) rewritten, in python-pptx's tree, as the font
    shows it: Insert › Symbol › Wingdings puts ``«`` in the run, which
    PowerPoint draws as ★.  The few font elements are found by libxml2."""
    for font in root.iter(_LATIN, _SYM):
        if symbol_font(font.get("typeface")) is None:
            continue
        props = font.getparent()
        run = props.getparent() if props is not None and local(props.tag) == "rPr" else None
        for t in run.iterchildren(_T) if run is not None else ():
            if t.text:
                t.text = shown(font.get("typeface"), t.text)


def _notes_texts(notes: Any) -> Iterator[str]:
    """A notes page's text: its notes placeholder first, then any other shape
    on the page (a text box PowerPoint's notes page view adds, or LibreOffice
    writes for an OpenDocument notes frame; a header or footer), which
    python-pptx's ``notes_text_frame`` leaves out; not its number and date."""
    body = notes.notes_placeholder
    if body is not None and body.text_frame.text.strip():
        yield body.text_frame.text
    yield from _shape_texts(shape for shape in notes.shapes if (body is None or shape.shape_id != body.shape_id)
                            and not (shape.is_placeholder and shape.placeholder_format.type in _PAGE_FIELDS))


def _shape_texts(shapes: Iterable[Any]) -> Iterator[str]:
    """Text of every shape, tables cell by cell and groups recursively, in z-order."""
    for shape in shapes:
        if isinstance(shape, GroupShape):
            yield from _shape_texts(shape.shapes)
        if shape.has_text_frame and shape.text_frame.text.strip():
            yield shape.text_frame.text
        if getattr(shape, "has_table", False) and shape.has_table:
            for row in shape.table.rows:
                cells = [cell.text for cell in row.cells]
                if any(c.strip() for c in cells):
                    yield "\t".join(cells)
        if getattr(shape, "has_chart", False) and shape.has_chart:
            chart = shape.chart
            if chart.has_title and chart.chart_title.has_text_frame:
                yield chart.chart_title.text_frame.text


def _section_names(pkg: GuardedZip) -> list[str]:
    """The names of the presentation's sections and custom shows, which
    PowerPoint shows in its slide pane and slide-show menu."""
    raw = pkg.read_optional("ppt/presentation.xml")
    if raw is None or not (b"section" in raw or b"custShow" in raw):
        return []
    root = parse_xml(raw, "ppt/presentation.xml")
    return [el.get("name") or "" for el in root.iter("{*}section", "{*}custShow") if (el.get("name") or "").strip()]


def _comments(pkg: GuardedZip) -> list[str]:
    """Legacy (``p:cm/p:text``) and modern threaded (``a:t``) comment text."""
    lines = []
    for path in sorted(n for n in pkg.names() if _COMMENT_PART.fullmatch(n)):
        for el in parse_xml(pkg.read(path), path).iter():
            if local(el.tag) == "cm":
                text = "".join(t.text or "" for t in el.iter() if local(t.tag) in ("text", "t"))
                if text.strip():
                    lines.append(text)
    return lines
