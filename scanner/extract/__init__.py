"""Extraction: bytes of one item -> a Document of named parts.

The registry maps a sniffed format name to an extractor function
``(data, name, limits) -> Document``.  Each format lives in its own module and
translates its library's exceptions into ``ExtractionError``/``LimitExceeded``
at its boundary; ``extract`` turns those into ``unreadable`` notices, so no
library error ever aborts a batch and nothing unread is ever clear.
"""
from __future__ import annotations

import functools
import importlib
import logging
from typing import TYPE_CHECKING, Callable

from ..config import Convert, Limits
from ..errors import ExtractionError, LimitExceeded
from ..lang import Text
from ..rules import BASIS_UNREADABLE, rule_for
from ..types import Document, Notice, Severity
from .sniff import name_mismatch, sniff

if TYPE_CHECKING:
    from .ocr import PictureReader

Extractor = Callable[[bytes, str, Limits], Document]

# format name -> "module:function", imported on first use (keeps start-up fast)
_REGISTRY: dict[str, str] = {
    "text": "text:extract_text",
    "markdown": "text:extract_markdown",
    "csv": "text:extract_csv",
    "html": "html:extract_html",
    "xml": "xmldoc:extract_xml",
    "docx": "docx:extract_docx",
    "xlsx": "xlsx:extract_xlsx",
    "pptx": "pptx:extract_pptx",
    "pdf": "pdf:extract_pdf",
    "ofd": "ofd:extract_ofd",
    "image": "image:extract_image",
    **{fmt: "archive:extract_archive" for fmt in ("zip", "tar", "gzip", "bz2", "xz")},
    **{fmt: "legacy:extract_legacy" for fmt in ("doc", "xls", "ppt", "wps", "et", "dps", "ole",
                                                 "ooxml-encrypted")},
}

# formats whose extractor also takes the [convert] settings (legacy bodies through LibreOffice)
CONVERTED_FORMATS = frozenset({"doc", "xls", "ppt", "wps", "et", "dps"})

# formats whose extractor also takes a PictureReader (OCR of pictures and image-only pages)
OCR_FORMATS = frozenset({"image", "docx", "pptx", "xlsx", "pdf", "html", "ofd", *CONVERTED_FORMATS})

# formats whose members are items of their own (scanner.extract.archive.iter_members)
ARCHIVE_FORMATS = frozenset({"zip", "tar", "gzip", "bz2", "xz"})

# formats known by their structure: a misnamed file of one of these is read by its bytes
DOCUMENT_FORMATS = frozenset(_REGISTRY) - {"text", "markdown", "csv", "html", "xml"}

INTERNAL_ERROR = "internal error"
log = logging.getLogger(__name__)

UNREADABLE_BASIS = BASIS_UNREADABLE


def register(fmt: str, target: str) -> None:
    """Register ``"module:function"`` (relative to this package) for ``fmt``."""
    _REGISTRY[fmt] = target


def supported_formats() -> list[str]:
    return sorted(_REGISTRY)


def _load(fmt: str) -> Extractor | None:
    target = _REGISTRY.get(fmt)
    if target is None:
        return None
    module, func = target.split(":")
    return getattr(importlib.import_module(f"{__name__}.{module}"), func)


def unreadable(reason: str, part: str = "item", rule: str = "unreadable.extract", **details: object) -> Notice:
    """What could not be read, and why.  A reason given as a plain str is a
    technical detail (a library's message): Chinese reports show it after the
    Chinese name of the rule."""
    if not isinstance(reason, Text):
        reason = Text(reason, f"{rule_for(rule).name_zh}：{reason}")
    return Notice(rule=rule, category="unreadable", part=part, reason=reason,
                  severity=Severity.REVIEW, basis=UNREADABLE_BASIS,
                  details=tuple(sorted(details.items())))


def extract(data: bytes, name: str, limits: Limits, convert: Convert | None = None,
            ocr: PictureReader | None = None) -> Document:
    """Sniff the format from the bytes and run its extractor, failing closed.
    ``ocr`` reads the item's pictures (default: no OCR cache, the item's time
    limit from now)."""
    fmt = sniff(data, name)
    claimed = name_mismatch(fmt, name)
    if claimed is not None:
        decoded = fmt in DOCUMENT_FORMATS
        mismatch = unreadable(Text(f"the name says {claimed.upper()} but the bytes are {fmt}"
                                   + ("" if decoded else ": not decoded as text"),
                                   f"文件名表明是 {claimed.upper()}，内容却是 {fmt}" + ("" if decoded else "：未按文本读取")),
                              rule="unreadable.format", claimed=claimed, sniffed=fmt)
        if fmt not in DOCUMENT_FORMATS:
            return Document(format=fmt, notices=(mismatch,))
        doc = _run(fmt, data, name, limits, convert, ocr)
        return Document(doc.format, doc.parts, (mismatch, *doc.notices), doc.failed_parts, doc.notes)
    return _run(fmt, data, name, limits, convert, ocr)


def _run(fmt: str, data: bytes, name: str, limits: Limits, convert: Convert | None,
         ocr: PictureReader | None) -> Document:
    extractor = _load(fmt)
    if extractor is None:
        return Document(format=fmt, notices=(unreadable(Text(f"format not supported yet: {fmt}", f"暂不支持的格式：{fmt}"),
                                                                rule="unreadable.format"),))
    if fmt in CONVERTED_FORMATS:
        extractor = functools.partial(extractor, convert=convert or Convert())
    if fmt in OCR_FORMATS:
        from .ocr import PictureReader

        extractor = functools.partial(extractor, ocr=ocr or PictureReader.for_item(limits.item_timeout))
    try:
        return extractor(data, name, limits)
    except LimitExceeded as exc:
        return Document(format=fmt, notices=(unreadable(str(exc), rule="unreadable.limit", limit=exc.limit),))
    except ExtractionError as exc:
        return Document(format=fmt, notices=(unreadable(exc.reason, part=exc.part or "item"),))
    except (RecursionError, SyntaxError, LookupError, ArithmeticError, ValueError, TypeError, AttributeError,
            AssertionError, OSError, RuntimeError) as exc:
        # a library error the extractor did not translate: a bug to fix, but the item fails closed
        # here, in every driver, instead of escaping scan_item (the fuzz tests count these)
        log.exception("%s extractor failed on %s", fmt, name)
        return Document(format=fmt, notices=(unreadable(f"{INTERNAL_ERROR} in the {fmt} extractor: "
                                                        f"{type(exc).__name__}"),))
