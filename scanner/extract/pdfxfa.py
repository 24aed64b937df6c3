"""A PDF's XFA form: the XML that LiveCycle Designer's forms (many
downloadable 申报表 and 审批表) hold their fields, captions and filled-in
data in.

Such a file's pages are often a placeholder ("请稍候……请使用 Adobe Reader
打开"): the form Adobe Reader shows, and the values typed into it, live in
the AcroForm's ``/XFA`` packets (``template``, ``datasets``, ...), which no
page text holds.  The packets, joined in order, are one XDP document,
read as an ``.xml`` file is (``scanner.extract.xmldoc``): its text, its
attributes, and the elements that name a 密级 field (``<mj>机密</mj>``) as
fields; the parts are named ``xfa``, ``xfa:attributes``, ``xfa:fields``.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from pdfminer.pdftypes import PDFStream, resolve1

from ..config import Limits
from ..types import Document, Part
from .xmldoc import extract_xml


def xfa_packets(catalog: dict[str, Any]) -> bytes:
    """The XDP document an AcroForm's ``/XFA`` holds: one stream, or an
    array of (packet name, stream) pairs joined in order, their XML
    declarations left out; packets without the ``preamble`` and
    ``postamble`` that open and close the ``xdp:xdp`` element (as some
    generators leave them out) are put in one.  b"" for none."""
    form = resolve1(catalog.get("AcroForm"))
    if not isinstance(form, dict):
        return b""
    xfa = resolve1(form.get("XFA"))
    if isinstance(xfa, list):
        names = [_name(resolve1(name)) for name in xfa[0::2]]
        packets = [_packet(stream) for stream in xfa[1::2]]
        data = b"".join(_DECLARATION.sub(b"", packet) for packet in packets)
        return data if "preamble" in names[:1] else _XDP_OPEN + data + _XDP_CLOSE
    return _packet(xfa)


_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*\?>")
_XDP_OPEN, _XDP_CLOSE = b'<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/">', b"</xdp:xdp>"


def _packet(ref: Any) -> bytes:
    stream = resolve1(ref)
    return stream.get_data() if isinstance(stream, PDFStream) else b""


def _name(value: Any) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def xfa_document(catalog: dict[str, Any], limits: Limits) -> Document:
    """The XFA form's parts and notices (none when the file has no XFA)."""
    data = xfa_packets(catalog)
    if not data.strip():
        return Document("pdf")
    read = extract_xml(data, "form.xdp", limits)
    parts = tuple(Part(_named(part.name), part.text) for part in read.parts)
    notices = tuple(replace(notice, part=_named(notice.part)) for notice in read.notices)
    return Document("pdf", parts=parts, notices=notices, failed_parts=tuple(map(_named, read.failed_parts)))


def _named(part: str) -> str:
    """An XML file's part as the XFA form's."""
    return "xfa" if part == "body" else f"xfa:{part}"
