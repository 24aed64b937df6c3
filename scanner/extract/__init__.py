"""Extraction: bytes of one item -> a Document of named parts.

Each format is read by an ``Extractor`` (scanner.extract.base), found in the
registry (scanner.extract.registry: the built-ins, then the
``preclear.extractors`` entry points) by sniffing the bytes once.  Each
extractor translates its library's exceptions into
``ExtractionError``/``LimitExceeded`` at its boundary; ``extract`` turns
those into ``unreadable`` notices, so no library error ever aborts a batch
and nothing unread is ever clear.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..config import Convert, Limits
from ..errors import ExtractionError, LimitExceeded
from ..lang import Text
from ..types import Document, Member
from .base import Extractor, ReadContext
from .bidi import with_bidi_reading
from .notices import unreadable
from .registry import extractors
from .sniff import Probe, name_mismatch

if TYPE_CHECKING:
    from .ocr import PictureReader

__all__ = ["extract", "is_converted", "members", "unreadable"]

INTERNAL_ERROR = "internal error"
log = logging.getLogger(__name__)


def is_converted(fmt: str) -> bool:
    """Whether ``fmt``'s body is read through LibreOffice (``[convert]``)."""
    return extractors().converted(fmt)


def members(data: bytes, name: str, fmt: str, limits: Limits) -> Iterator[Member] | None:
    """The members of a container item of format ``fmt`` (as sniffed by
    ``extract``), read lazily; None when it holds none."""
    extractor = extractors().extractor(fmt)
    return None if extractor is None else extractor.members(data, name, fmt, limits)


def extract(data: bytes, name: str, limits: Limits, convert: Convert | None = None,
            ocr: PictureReader | None = None) -> Document:
    """Sniff the format from the bytes (once) and run its extractor, failing
    closed.  ``ocr`` reads the item's pictures (default: no OCR cache, the
    item's time limit from when the extractor first asks)."""
    found = extractors()
    fmt = found.sniff(Probe(data, name)).format
    extractor = found.extractor(fmt)
    context = ReadContext(limits.item_timeout, convert or Convert(), ocr)
    claimed = name_mismatch(fmt, name)
    if claimed is not None:
        decoded = found.by_structure(fmt)
        mismatch = unreadable(Text(f"the name says {claimed.upper()} but the bytes are {fmt}"
                                   + ("" if decoded else ": not decoded as text"),
                                   f"文件名表明是 {claimed.upper()}，内容却是 {fmt}" + ("" if decoded else "：未按文本读取")),
                              rule="unreadable.format", claimed=claimed, sniffed=fmt)
        if not decoded:
            return Document(format=fmt, notices=(mismatch,))
        doc = _run(extractor, fmt, data, name, limits, context)
        return Document(doc.format, doc.parts, (mismatch, *doc.notices), doc.failed_parts, doc.notes)
    return _run(extractor, fmt, data, name, limits, context)


def _run(extractor: Extractor | None, fmt: str, data: bytes, name: str, limits: Limits,
         context: ReadContext) -> Document:
    if extractor is None:
        return Document(format=fmt, notices=(unreadable(Text(f"format not supported yet: {fmt}", f"暂不支持的格式：{fmt}"),
                                                                rule="unreadable.format"),))
    try:
        return with_bidi_reading(extractor.extract(data, name, limits, fmt, context))
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
