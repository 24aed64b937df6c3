"""Files attached to a PDF (the document's ``EmbeddedFiles``: what a
reader's paperclip panel lists), each scanned as a member item of its own
(``report.pdf!budget.xlsx``), as an archive's members are.

A spreadsheet of source data attached to a published report travels with
it, unseen on the pages.  The attachments are read through pdfium after the
same stream check the page reader makes (a bomb is refused before pdfium
inflates anything); one larger than ``max_item_bytes`` is an
``unreadable.limit`` member.  Files attached to an annotation on a page are
found by the page reader (``pdf._page_annotations``) and reported there;
the descriptions of both are its ``attachments`` part.
"""
from __future__ import annotations

import ctypes
from collections.abc import Iterator

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..config import Limits
from ..errors import LimitExceeded
from ..types import Member
from .archive import safe_name
from .notices import unreadable
from .pdfstreams import check_streams


def has_attachments(data: bytes) -> bool:
    """Whether the PDF lists attached files (False when pdfium cannot open it:
    the page reader says why)."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return False
    try:
        return bool(pdf.count_attachments() > 0)
    finally:
        pdf.close()


def iter_attachments(data: bytes, limits: Limits) -> Iterator[Member]:
    """Each attached file as a member, in the document's order."""
    try:
        check_streams(data, limits)
        pdf = pdfium.PdfDocument(data)
    except (LimitExceeded, pdfium.PdfiumError):
        return  # the page reader reports the same refusal for the item
    try:
        seen: set[str] = set()
        for index in range(pdf.count_attachments()):
            attachment = pdf.get_attachment(index)
            name, _ = safe_name(attachment.get_name() or f"attachment {index + 1}")
            if name in seen:
                name = f"{name} (copy {index + 1})"
            seen.add(name)
            yield _member(attachment, name, limits)
    finally:
        pdf.close()


def _member(attachment: pdfium.PdfAttachment, name: str, limits: Limits) -> Member:
    size = ctypes.c_ulong()
    pdfium_c.FPDFAttachment_GetFile(attachment, None, 0, size)
    if size.value > limits.max_item_bytes:
        return Member(name, problem=unreadable(f"limit max_item_bytes exceeded: attachment is {size.value} bytes",
                                               rule="unreadable.limit", limit="max_item_bytes"))
    if size.value == 0:  # what pdfium says both of an empty file and of one it cannot decode
        return Member(name, problem=unreadable("attached file cannot be read: pdfium reads no data from it"))
    try:
        return Member(name, bytes(attachment.get_data()))
    except pdfium.PdfiumError as exc:
        return Member(name, problem=unreadable(f"attached file cannot be read: {exc}"))
