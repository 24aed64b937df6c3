"""MIME documents: Word's and browsers' single-file web pages (.mht,
.mhtml) and e-mail messages (.eml).

Their text is encoded (quoted-printable or base64, in any charset), so read
as plain text the mark is never seen.  Python's ``email`` parser decodes
them: the headers (subject, sender, recipients; RFC 2047 words decoded)
are ``headers``, each text part is ``text:N`` (HTML with its markup
stripped; a style sheet as written, and read as a ``.css`` file is beside
it: ``text:N:style``, ``text:N:data-uri``, ``text:N:picture:M``), and every other part (a picture of the page, an attached file)
is a member item of its own, named by its file name or content location.
"""
from __future__ import annotations

import email
import email.policy
import posixpath
from collections.abc import Iterator
from email.message import EmailMessage
from typing import TYPE_CHECKING

from ..config import Limits
from ..types import Document, Member, Notice, Part
from .decode import decode, decoded_text
from .notices import unreadable

if TYPE_CHECKING:
    from .ocr import PictureReader

_HEADERS = ("Subject", "From", "To", "Cc", "Reply-To", "Comments", "Keywords")
def _message(data: bytes) -> EmailMessage:
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def extract_mime(data: bytes, name: str, limits: Limits, ocr: PictureReader) -> Document:
    """``ocr`` reads the pictures a style sheet's ``data:`` URIs hold."""
    message = _message(data)
    headers = [f"{key}: {value}" for key in _HEADERS for value in message.get_all(key, []) if str(value).strip()]
    parts = [Part("headers", "\n".join(headers))] if headers else []
    notices: list[Notice] = []
    for number, part in enumerate((p for p in message.walk() if _is_text(p)), 1):
        text, notice = _text(part)
        if notice is not None:
            notices.append(notice)
        if text.strip():
            parts.append(Part(f"text:{number}", text))
        if part.get_content_type() == "text/css":  # read as a .css file is (what a page's <style> says)
            from .html import style_sheet_parts

            got, got_notices = style_sheet_parts(text, limits, ocr, within=f"text:{number}:")
            parts += got
            notices += got_notices
    for defect in message.defects:
        notices.append(unreadable(f"MIME structure damaged: {type(defect).__name__}", part="item"))
    return Document("mime", parts=tuple(parts), notices=tuple(notices))


def iter_members(data: bytes, limits: Limits) -> Iterator[Member] | None:
    """Every part that is not text (pictures, attached files), as members."""
    message = _message(data)
    others = [p for p in message.walk() if not p.is_multipart() and not _is_text(p)]
    if not others:
        return None
    return _members(others, limits)


def _members(others: list[EmailMessage], limits: Limits) -> Iterator[Member]:
    seen: set[str] = set()
    for number, part in enumerate(others, 1):
        location = part.get("Content-Location") or ""
        name = part.get_filename() or posixpath.basename(location.split("?")[0]) or f"part {number}"
        if name in seen:
            name = f"{name} (part {number})"
        seen.add(name)
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            yield Member(name, problem=unreadable("MIME part cannot be decoded"))
        elif len(payload) > limits.max_item_bytes:
            yield Member(name, problem=unreadable(f"limit max_item_bytes exceeded: part is {len(payload)} bytes",
                                                  rule="unreadable.limit", limit="max_item_bytes"))
        else:
            yield Member(name, payload)


def _is_text(part: EmailMessage) -> bool:
    return part.get_content_maintype() == "text" and not part.get_filename()


def _text(part: EmailMessage) -> tuple[str, Notice | None]:
    """A text part decoded in its charset (strictly: bytes it does not read
    make the notice), HTML with its markup stripped."""
    raw = part.get_payload(decode=True)
    if not isinstance(raw, bytes):
        return "", unreadable("MIME text part cannot be decoded")
    charset = part.get_content_charset()
    notice = None
    try:
        text = raw.decode(charset) if charset else decoded_text(raw)
    except (LookupError, UnicodeDecodeError):
        decoded = decode(raw)
        text = decoded.both_readings()
        if not decoded.exact:
            notice = unreadable(f"MIME text part not in its declared charset {charset}; read with replacements",
                                rule="unreadable.encoding")
    if part.get_content_subtype() in ("html", "xml"):
        from .html import markup_text

        text = markup_text(text)
    return text, notice
