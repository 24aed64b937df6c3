"""The formats preclear reads out of the box, one ``Extractor`` each.

Each class says which formats it claims, how it tells them from their bytes,
which names they go by, and whether they hold members; the module that reads
the format (pdf.py, docx.py, ...) is imported in ``extract``, on first use,
so sniffing stays cheap and start-up does not import pdfium or python-pptx.
The confidences follow the scale in scanner.extract.base.Sniffed; their
order is the order the checks have always run in (a ZIP whose first kilobyte
holds ``%PDF-`` is a PDF, a ``.md`` file starting ``<html>`` is Markdown).
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import ClassVar

from ..config import Limits
from ..types import Document, Member
from .base import Extractor, ReadContext, Sniffed
from .sniff import ODF_FORMATS, ODF_MEDIA_TYPE, Probe, is_tar

_NONE: frozenset[str] = frozenset()
_NO_NAMES: Mapping[str, tuple[str, ...]] = {}

# extension -> the formats its bytes may sniff as (OOXML and OFD are ZIPs,
# Word saves .doc files as DOCX, WPS saves .wps as Word 97)
_WORD = ("doc", "docx", "wps", "ooxml-encrypted", "ole")
_EXCEL = ("xls", "xlsx", "et", "ooxml-encrypted", "ole")
_SLIDES = ("ppt", "pptx", "dps", "ooxml-encrypted", "ole")
_ARCHIVES = ("zip", "tar", "gzip", "bz2", "xz")

# OOXML main-part content types, in the order they are tried
_OOXML_MAIN = {
    "docx": ("wordprocessingml.document.main", "wordprocessingml.template.main",
             "ms-word.document.macroenabled.main", "ms-word.template.macroenabledtemplate.main"),
    "xlsx": ("spreadsheetml.sheet.main", "spreadsheetml.template.main", "ms-excel.sheet.macroenabled.main"),
    "pptx": ("presentationml.presentation.main", "presentationml.slideshow.main", "presentationml.template.main",
             "ms-powerpoint.presentation.macroenabled.main", "ms-powerpoint.slideshow.macroenabled.main"),
}
# a damaged package (no central directory) still names its parts in the local headers
_OOXML_FOLDER = {"docx": b"word/", "xlsx": b"xl/", "pptx": b"ppt/"}
_OOXML_RANK = {"docx": 95, "xlsx": 94, "pptx": 93}


class TextExtractor:
    """Plain text, Markdown and CSV: whatever decodes and nothing else claims."""

    formats = frozenset({"text", "markdown", "csv"})
    by_structure = _NONE
    converted = _NONE
    names = _NO_NAMES
    _BY_EXT: ClassVar[Mapping[str, str]] = {".md": "markdown", ".markdown": "markdown", ".csv": "csv"}

    def sniff(self, probe: Probe) -> Sniffed | None:
        if probe.looks_binary:
            return None
        flavour = self._BY_EXT.get(probe.ext)
        return Sniffed(30, flavour) if flavour else Sniffed(10, "text")

    def extract(self, data: bytes, name: str, limits: Limits, fmt: str, context: ReadContext) -> Document:
        from .text import extract_csv, extract_markdown, extract_text

        if fmt == "text":
            return extract_text(data, name, limits, context.pictures())
        read = {"markdown": extract_markdown, "csv": extract_csv}[fmt]
        return read(data, name, limits)

    def members(self, data: bytes, name: str, fmt: str, limits: Limits) -> Iterator[Member] | None:
        return None


_MIME_NAMES = (".mht", ".mhtml", ".eml")
_MIME_HEADERS = (b"mime-version:", b"content-type:", b"from:", b"received:", b"return-path:", b"subject:",
                 b"date:", b"message-id:", b"x-", b"delivered-to:", b"to:", b"sender:", b"reply-to:")


class MimeExtractor:
    """MHT/MHTML web archives and EML messages: MIME, decoded by Python's
    ``email`` package; pictures and attachments are members.  A mailbox file
    (mbox: Thunderbird's folder files) is a container of messages."""

    formats = frozenset({"mime", "mbox"})
    by_structure = _NONE
    converted = _NONE
    names = _NO_NAMES

    def sniff(self, probe: Probe) -> Sniffed | None:
        """By its name and a header on its first line, or by the headers only a
        MIME document starts with (a sniff every item runs: the ``email``
        package is imported only to read one)."""
        if probe.looks_binary:
            return None
        if probe.data.startswith(b"From "):
            from .mbox import is_mbox

            if is_mbox(probe.data):
                return Sniffed(40, "mbox")
        head = probe.data[:4096].lstrip()
        first = head[:200].lower()
        if probe.ext in _MIME_NAMES:
            return Sniffed(40, "mime") if first.startswith(_MIME_HEADERS) else None
        lone = first.startswith((b"mime-version:", b"received:", b"return-path:")) and b"content-type:" in head.lower()
        return Sniffed(40, "mime") if lone else None

    def extract(self, data: bytes, name: str, limits: Limits, fmt: str, context: ReadContext) -> Document:
        if fmt == "mbox":  # its messages are members: nothing of its own to read
            return Document("mbox")
        from .mime import extract_mime

        return extract_mime(data, name, limits, context.pictures())

    def members(self, data: bytes, name: str, fmt: str, limits: Limits) -> Iterator[Member] | None:
        if fmt == "mbox":
            from .mbox import iter_messages

            return iter_messages(data, limits)
        from .mime import iter_members

        return iter_members(data, limits)


class HtmlExtractor:
    formats = frozenset({"html"})
    by_structure = _NONE
    converted = _NONE
    names = _NO_NAMES

    def sniff(self, probe: Probe) -> Sniffed | None:
        if probe.looks_binary:
            return None
        if probe.ext in (".html", ".htm", ".xhtml"):
            return Sniffed(30, "html")
        return Sniffed(20, "html") if probe.looks_html else None

    def extract(self, data: bytes, name: str, limits: Limits, fmt: str, context: ReadContext) -> Document:
        from .html import extract_html

        return extract_html(data, name, limits, context.pictures())

    def members(self, data: bytes, name: str, fmt: str, limits: Limits) -> Iterator[Member] | None:
        return None


class XmlExtractor:
    formats = frozenset({"xml"})
    by_structure = _NONE
    converted = _NONE
    names = _NO_NAMES

    def sniff(self, probe: Probe) -> Sniffed | None:
        return Sniffed(19, "xml") if not probe.looks_binary and probe.looks_xml else None

    def extract(self, data: bytes, name: str, limits: Limits, fmt: str, context: ReadContext) -> Document:
        from .xmldoc import extract_xml

        return extract_xml(data, name, limits)

    def members(self, data: bytes, name: str, fmt: str, limits: Limits) -> Iterator[Member] | None:
        return None


class _OoxmlExtractor:
    """DOCX, XLSX, PPTX: a ZIP named by its main content type; objects
    embedded in the package are its members."""

    format = ""
    converted = _NONE

    @property
    def formats(self) -> frozenset[str]:
        return frozenset({self.format})

    @property
    def by_structure(self) -> frozenset[str]:
        return self.formats

    def sniff(self, probe: Probe) -> Sniffed | None:
        if not probe.is_zip:
            return None
        if probe.zip_names is None:
            damaged = _OOXML_FOLDER[self.format] in probe.data[:65536]
            return Sniffed(_OOXML_RANK[self.format], self.format) if damaged else None
        if "OFD.xml" in probe.zip_names:
            return None
        claimed = any(marker in probe.content_types for marker in _OOXML_MAIN[self.format])
        return Sniffed(_OOXML_RANK[self.format], self.format) if claimed else None

    def members(self, data: bytes, name: str, fmt: str, limits: Limits) -> Iterator[Member] | None:
        from .embedded import has_embedded, iter_embedded

        return iter_embedded(data, fmt, limits) if has_embedded(data, fmt, limits) else None


class DocxExtractor(_OoxmlExtractor):
    format = "docx"
    names = dict.fromkeys((".docx", ".docm", ".dotx", ".doc", ".wps"), _WORD)

    def extract(self, data: bytes, name: str, limits: Limits, fmt: str, context: ReadContext) -> Document:
        from .docx import extract_docx

        return extract_docx(data, name, limits, context.pictures())


class XlsxExtractor(_OoxmlExtractor):
    format = "xlsx"
    names = dict.fromkeys((".xlsx", ".xlsm", ".xltx", ".xls", ".et"), _EXCEL)

    def extract(self, data: bytes, name: str, limits: Limits, fmt: str, context: ReadContext) -> Document:
        from .xlsx import extract_xlsx

        return extract_xlsx(data, name, limits, context.pictures())


class PptxExtractor(_OoxmlExtractor):
    format = "pptx"
    names = dict.fromkeys((".pptx", ".pptm", ".ppsx", ".potx", ".ppt", ".dps"), _SLIDES)

    def extract(self, data: bytes, name: str, limits: Limits, fmt: str, context: ReadContext) -> Document:
        from .pptx import extract_pptx

        return extract_pptx(data, name, limits, context.pictures())


class PdfExtractor:
    formats = by_structure = frozenset({"pdf"})
    converted = _NONE
    names: ClassVar[Mapping[str, tuple[str, ...]]] = {".pdf": ("pdf",)}

    def sniff(self, probe: Probe) -> Sniffed | None:
        if probe.data.startswith(b"PK\x03\x04"):
            # a ZIP whose first member is a stored PDF shows a PDF header near its start: it is read
            # as the ZIP it is, every member scanned (the red-team run: read as a PDF, the rest unseen)
            return None
        if probe.pdf_header:
            return Sniffed(100, "pdf")
        return Sniffed(70, "pdf") if probe.damaged_pdf else None  # after every magic number below

    def extract(self, data: bytes, name: str, limits: Limits, fmt: str, context: ReadContext) -> Document:
        from .pdf import extract_pdf

        return extract_pdf(data, name, limits, context.pictures())

    def members(self, data: bytes, name: str, fmt: str, limits: Limits) -> Iterator[Member] | None:
        from .pdfattach import has_attachments, iter_attachments

        return iter_attachments(data, limits) if has_attachments(data) else None


class OfdExtractor:
    """OFD (GB/T 33190): a ZIP holding ``OFD.xml``."""

    formats = by_structure = frozenset({"ofd"})
    converted = _NONE
    names: ClassVar[Mapping[str, tuple[str, ...]]] = {".ofd": ("ofd",)}

    def sniff(self, probe: Probe) -> Sniffed | None:
        if not probe.is_zip:
            return None
        if probe.zip_names is None:  # damaged: tried after the OOXML folders
            return Sniffed(92, "ofd") if b"OFD.xml" in probe.data[:65536] else None
        return Sniffed(96, "ofd") if "OFD.xml" in probe.zip_names else None

    def extract(self, data: bytes, name: str, limits: Limits, fmt: str, context: ReadContext) -> Document:
        from .ofd import extract_ofd

        return extract_ofd(data, name, limits, context.pictures())

    def members(self, data: bytes, name: str, fmt: str, limits: Limits) -> Iterator[Member] | None:
        from .ofd import attachment_paths, iter_attachments

        paths = attachment_paths(data, limits)
        return iter_attachments(data, paths, limits) if paths else None


class ImageExtractor:
    formats = by_structure = frozenset({"image"})
    converted = _NONE
    names = _NO_NAMES

    def sniff(self, probe: Probe) -> Sniffed | None:
        return Sniffed(80, "image") if probe.is_image else None

    def extract(self, data: bytes, name: str, limits: Limits, fmt: str, context: ReadContext) -> Document:
        from .image import extract_image

        return extract_image(data, name, limits, context.pictures())

    def members(self, data: bytes, name: str, fmt: str, limits: Limits) -> Iterator[Member] | None:
        return None


class ArchiveExtractor:
    """ZIP, tar (plain or compressed) and lone gzip/bzip2/xz files: every
    member is an item of its own."""

    formats = by_structure = frozenset(_ARCHIVES)
    converted = _NONE
    names: ClassVar[Mapping[str, tuple[str, ...]]] = {".zip": ("zip", "docx", "xlsx", "pptx", "ofd"), ".tar": ("tar",), ".tgz": ("tar",),
             ".gz": _ARCHIVES, ".bz2": _ARCHIVES, ".xz": _ARCHIVES,
             ".rar": ("binary",), ".7z": ("binary",)}  # not read (format not supported), but never text

    def sniff(self, probe: Probe) -> Sniffed | None:
        if probe.is_zip:
            return Sniffed(90, "zip")
        if probe.compressed:
            inner = probe.inflated_head
            if inner is None:
                return Sniffed(90, "binary")  # a broken stream is not text either
            return Sniffed(90, "tar" if is_tar(inner) else probe.compressed)
        return Sniffed(85, "tar") if probe.is_tar else None

    def extract(self, data: bytes, name: str, limits: Limits, fmt: str, context: ReadContext) -> Document:
        from .archive import extract_archive

        return extract_archive(data, name, limits, fmt)

    def members(self, data: bytes, name: str, fmt: str, limits: Limits) -> Iterator[Member] | None:
        from .archive import iter_members

        return iter_members(data, name, limits, fmt)


class LegacyExtractor:
    """OLE compound files: Word/Excel/PowerPoint 97-2003, WPS Office, and
    password-protected OOXML; and RTF; the bodies through LibreOffice."""

    formats = by_structure = frozenset({"doc", "xls", "ppt", "wps", "et", "dps", "ole", "ooxml-encrypted", "rtf"})
    converted = frozenset({"doc", "xls", "ppt", "wps", "et", "dps", "rtf"})
    names = _NO_NAMES  # the Office extensions are named by DocxExtractor, XlsxExtractor and PptxExtractor

    def sniff(self, probe: Probe) -> Sniffed | None:
        if probe.data.startswith(b"{\\rtf"):  # RTF's text is escapes and control words: read as LibreOffice reads it
            return Sniffed(100, "rtf")
        if not probe.is_ole:
            return None
        streams = probe.ole_streams
        if streams is None:
            return Sniffed(90, "ole")
        if "EncryptedPackage" in streams:
            return Sniffed(90, "ooxml-encrypted")
        if "WordDocument" in streams:
            return Sniffed(90, "wps" if probe.ext == ".wps" else "doc")
        if "Workbook" in streams or "Book" in streams:
            return Sniffed(90, "et" if probe.ext == ".et" else "xls")
        if "PowerPoint Document" in streams:
            return Sniffed(90, "dps" if probe.ext == ".dps" else "ppt")
        return Sniffed(90, "ole")

    def extract(self, data: bytes, name: str, limits: Limits, fmt: str, context: ReadContext) -> Document:
        from .legacy import extract_legacy

        return extract_legacy(data, name, limits, context.convert, context.pictures(), fmt=fmt)

    def members(self, data: bytes, name: str, fmt: str, limits: Limits) -> Iterator[Member] | None:
        return None


class OdfExtractor:
    """OpenDocument text, spreadsheets, presentations and drawings: a ZIP
    naming its type in its ``mimetype`` member, or one XML file naming it on
    its root (flat: .fodt .fods .fodp .fodg); the bodies through LibreOffice."""

    formats = by_structure = converted = frozenset({"odt", "ods", "odp"})
    names: ClassVar[Mapping[str, tuple[str, ...]]] = {
        **dict.fromkeys((".odt", ".ott", ".odm"), ("odt",)), **dict.fromkeys((".ods", ".ots"), ("ods",)),
        **dict.fromkeys((".odp", ".otp", ".odg", ".otg"), ("odp",))}

    def sniff(self, probe: Probe) -> Sniffed | None:
        if media_type := probe.odf_type:
            confidence = 91  # before a ZIP's 90
        elif media_type := probe.flat_odf_type:
            confidence = 35  # before XML's 19 and HTML's 30: the root says what the file is
        else:
            return None
        # a template is read as its document is
        fmt = ODF_FORMATS.get(media_type.removeprefix(ODF_MEDIA_TYPE).removesuffix("-template"))
        return Sniffed(confidence, fmt) if fmt and media_type.startswith(ODF_MEDIA_TYPE) else None

    def extract(self, data: bytes, name: str, limits: Limits, fmt: str, context: ReadContext) -> Document:
        from .odf import extract_odf

        return extract_odf(data, name, limits, context.convert, context.pictures(), fmt=fmt)

    def members(self, data: bytes, name: str, fmt: str, limits: Limits) -> Iterator[Member] | None:
        return None


BUILTIN: tuple[Extractor, ...] = (
    PdfExtractor(), OfdExtractor(), DocxExtractor(), XlsxExtractor(), PptxExtractor(), OdfExtractor(),
    ArchiveExtractor(), LegacyExtractor(), ImageExtractor(), MimeExtractor(), HtmlExtractor(), XmlExtractor(), TextExtractor(),
)
