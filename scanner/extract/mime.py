"""MIME documents: Word's and browsers' single-file web pages (.mht,
.mhtml) and e-mail messages (.eml).

Their text is encoded (quoted-printable or base64, in any charset), so read
as plain text the mark is never seen.  Python's ``email`` parser decodes
them: the headers (subject, sender, recipients; RFC 2047 words decoded)
are ``headers`` (of the N-th message forwarded inside it, ``headers:N``),
each text part is ``text:N`` (a style sheet as written, and read as a
``.css`` file is beside it: ``text:N:style``, ``text:N:data-uri``,
``text:N:picture:M``), an HTML page is read as an ``.html`` file is and
XML as an ``.xml`` file is, their parts under their own (``text:N`` the
visible text, ``text:N:attributes``, ``text:N:html-comment``,
``text:N:img:M``, ``text:N:xml-comment``...), and every other part (a
picture of the page, an attached file) is a member item of its own, named
by its file name or content location.
"""
from __future__ import annotations

import base64
import binascii
import codecs
import dataclasses
import email
import email.policy
import posixpath
import quopri
import re
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from typing import TYPE_CHECKING

from ..config import Limits
from ..errors import ExtractionError
from ..normalize.chars import CJK
from ..types import Document, Member, Notice, Part
from .decode import decode, non_ascii_lines
from .notices import unreadable

if TYPE_CHECKING:
    from .ocr import PictureReader

_HEADERS = ("Subject", "From", "To", "Cc", "Reply-To", "Comments", "Keywords")
# the transfer encodings RFC 2046 forbids a message/rfc822 part, which mailers use all the same
_ENCODED_MESSAGE: dict[str, Callable[[bytes], bytes]] = {"base64": base64.b64decode,
                                                          "quoted-printable": quopri.decodestring}
# the single-byte charsets that read any bytes as Western letters (codecs' names)
_WESTERN = frozenset({"iso8859-1", "iso8859-15", "cp1252", "cp1250", "iso8859-2", "mac-roman", "cp850", "cp437"})
_HAN = re.compile(f"[{CJK}]")
# how deep parts may nest (a message forwarded in one forwarded in another..., a multipart in a
# multipart): email's parser and its walk() recurse once a level, and a thousand levels raised
# RecursionError out of the reader and, from iter_members, out of the scan
_MAX_NESTING = 100


def _message(data: bytes) -> EmailMessage:
    """The message parsed, and a message forwarded inside it in base64 or
    quoted-printable parsed again decoded: ``email`` parses it as it stands,
    base64 a body without headers, so its subject and its text were never
    read.  Parts nested deeper than ``_MAX_NESTING`` are ExtractionError:
    the item is not read, and says why."""
    try:
        message = _parsed(data)
        for part in message.walk():  # the walk goes on into a payload set here
            decode = _ENCODED_MESSAGE.get(str(part.get("Content-Transfer-Encoding", "")).strip().lower())
            if decode is not None and (as_parsed := _forwarded(part)) is not None:
                try:
                    inner = _parsed(decode(as_parsed.as_bytes()))
                except (ValueError, binascii.Error):
                    continue
                part.set_payload([inner])
                del part["Content-Transfer-Encoding"]
    except RecursionError:
        raise ExtractionError(f"MIME parts nested too deep to read (past {_MAX_NESTING} levels)") from None
    if (depth := _nesting(message)) > _MAX_NESTING:
        raise ExtractionError(f"MIME parts nested {depth} levels deep, past {_MAX_NESTING}: not read")
    return message


def _nesting(message: EmailMessage) -> int:
    """How deep the message's parts nest (past ``_MAX_NESTING`` it stops
    looking), counted without recursing."""
    deepest = 0
    stack: list[tuple[EmailMessage, int]] = [(message, 0)]
    while stack:
        part, depth = stack.pop()
        deepest = max(deepest, depth)
        if part.is_multipart() and deepest <= _MAX_NESTING:
            stack += [(sub, depth + 1) for sub in part.get_payload() if isinstance(sub, EmailMessage)]
    return deepest


def _forwarded(part: EmailMessage) -> EmailMessage | None:
    """The message a ``message/rfc822`` part holds; None for another part."""
    if part.get_content_type() != "message/rfc822" or not part.is_multipart():
        return None
    inner = part.get_payload(0)
    return inner if isinstance(inner, EmailMessage) else None


def _parsed(data: bytes) -> EmailMessage:
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def extract_mime(data: bytes, name: str, limits: Limits, ocr: PictureReader) -> Document:
    """``ocr`` reads the pictures a page's or a style sheet's ``data:`` URIs hold."""
    message = _message(data)
    # a message forwarded inside it (message/rfc822) has headers of its own: its subject, its sender
    forwarded = [inner for part in message.walk() if (inner := _forwarded(part)) is not None]
    headers = [("headers", _headers(message)), *((f"headers:{n}", _headers(m)) for n, m in enumerate(forwarded, 1))]
    parts = [Part(part_name, text) for part_name, text in headers if text]
    notices: list[Notice] = []
    failed: list[str] = []
    for number, part in enumerate((p for p in message.walk() if _is_text(p)), 1):
        text, other, notice = _text(part)
        if notice is not None:
            notices.append(notice)
        within = f"text:{number}"
        subtype = part.get_content_subtype()
        if subtype in ("html", "xml"):  # read as a file of its kind is, its parts under its own
            from .xmldoc import read_xml_text

            read = _nested(_page(text, limits, ocr) if subtype == "html" else read_xml_text(text, limits), other, within)
            parts += read.parts
            notices += read.notices
            failed += read.failed_parts
            continue
        if other is not None:
            text = f"{text}\n{non_ascii_lines(other[1])}"
        if text.strip():
            parts.append(Part(within, text))
        if part.get_content_type() == "text/css":  # read as a .css file is (what a page's <style> says)
            from .html import style_sheet_parts

            got, got_notices = style_sheet_parts(text, limits, ocr, within=f"{within}:")
            parts += got
            notices += got_notices
    for defect in message.defects:
        notices.append(unreadable(f"MIME structure damaged: {type(defect).__name__}", part="item"))
    return Document("mime", parts=tuple(parts), notices=tuple(notices), failed_parts=tuple(failed))


def _headers(message: EmailMessage) -> str:
    """A message's headers a reader sees (``_HEADERS``), a line each."""
    return "\n".join(f"{key}: {value}" for key in _HEADERS for value in _values(message, key) if value.strip())


def _values(message: EmailMessage, key: str) -> list[str]:
    """The values of header ``key`` as a mail client shows them.  RFC 2047
    decodes each encoded-word alone, so a GBK subject a mailer split in the
    middle of a character (``=?gbk?B?u/rD3KE=?= =?gbk?B?7zXE6g==?=``, common
    in Chinese mailers) reads 机密�5年; Thunderbird and Outlook join the
    adjacent words of one charset before decoding and show 机密★5年.  A value
    the decoder had to replace bytes in is read that way (``_joined_words``)."""
    values = [str(value) for value in message.get_all(key, [])]
    if not any("\ufffd" in value for value in values):
        return values
    raws = [raw for name, raw in message.raw_items() if name.lower() == key.lower()]
    if len(raws) != len(values):
        return values
    return [_joined_words(raw) if "\ufffd" in value else value for value, raw in zip(values, raws)]


_ENCODED_WORD = re.compile(r"=\?([^?*\s]+)(?:\*[^?\s]*)?\?([BbQq])\?([^?\s]*)\?=")
_BETWEEN_WORDS = re.compile(r"[ \t\r\n]*")


def _joined_words(raw: str) -> str:
    """A raw header value with its encoded-words decoded, each run of
    adjacent words in one charset (only whitespace between them) joined as
    bytes before it is decoded; undecodable bytes are replaced."""
    out: list[str] = []
    pos = 0
    run: list[bytes] = []
    charset = ""

    def flush() -> None:
        if run:
            try:
                out.append(b"".join(run).decode(charset, "replace"))
            except (LookupError, UnicodeError, ValueError):  # no such codec, or one that takes no bytes (idna)
                out.append(b"".join(run).decode("gb18030", "replace"))
            run.clear()

    for m in _ENCODED_WORD.finditer(raw):
        between = raw[pos:m.start()]
        word_charset = m[1].lower()
        if not (run and word_charset == charset and _BETWEEN_WORDS.fullmatch(between)):
            flush()
            out.append(_eight_bit(between))
        charset = word_charset
        run.append(_word_bytes(m[2], m[3]))
        pos = m.end()
    flush()
    out.append(_eight_bit(raw[pos:]))
    return re.sub(r"\r?\n[ \t]+", " ", "".join(out))


def _eight_bit(text: str) -> str:
    """Header text outside encoded-words: bytes a mailer sent unencoded (a GBK
    subject) are lone surrogates in ``email``'s raw value, which no report
    could write; they are decoded as a text file's bytes are."""
    if text.isascii() or not any("\udc80" <= c <= "\udcff" for c in text):
        return text
    return decode(text.encode("utf-8", "surrogateescape")).text


def _word_bytes(encoding: str, payload: str) -> bytes:
    """An encoded-word's bytes: base64 (padding mended) or RFC 2047's Q."""
    if encoding in "Bb":
        compact = re.sub(r"[^A-Za-z0-9+/]", "", payload)
        if len(compact) % 4 == 1:
            compact = compact[:-1]
        return base64.b64decode(compact + "=" * (-len(compact) % 4))
    return quopri.decodestring(payload.replace("_", " ").encode("ascii", "replace"), header=True)


def _page(text: str, limits: Limits, ocr: PictureReader) -> Document:
    """An HTML part read as an ``.html`` file is (``html.read_page``: what its
    reader sees besides the visible text, an ``<img>``'s alt text, a comment, a
    script's strings, a ``data:`` picture).  Read with the markup stripped
    before, all but the visible text was lost; the stripped text is not kept
    beside ``body`` (a mark would be two findings): what it holds and no
    other part does, the reader finds (``markup-text``).  A page the parser
    cannot read at all is read so, and says so."""
    from .html import markup_text, read_page

    try:
        return read_page(text, limits, ocr)
    except ExtractionError as exc:
        stripped = markup_text(text)
        return Document("html", parts=(Part("body", stripped),) if stripped else (),
                        notices=(unreadable(f"{exc.reason}; the page was read with the markup stripped",
                                            part="body"),), failed_parts=("body",))


def _nested(read: Document, other: tuple[str, str] | None, within: str) -> Document:
    """The parts of a text part read as a file of its kind is, each named
    under ``within``: the file's ``body`` is ``within`` itself, the others
    ``within:attributes``..., and so are the parts its notices name; with
    ``other``, the part's other reading (``within:big5-reading``, as a
    file's, or ``within:charset-reading``) and its text."""
    from .html import markup_text

    def named(part: str) -> str:
        return within if part == "body" else f"{within}:{part}"

    parts = [dataclasses.replace(p, name=named(p.name)) for p in read.parts]
    if other is not None:
        parts.append(Part(f"{within}:{other[0]}", non_ascii_lines(markup_text(other[1]))))
    return Document(read.format, parts=tuple(parts),
                    notices=tuple(dataclasses.replace(n, part=named(n.part)) for n in read.notices),
                    failed_parts=tuple(named(p) for p in read.failed_parts))


def iter_members(data: bytes, limits: Limits) -> Iterator[Member] | None:
    """Every part that is not text (pictures, attached files), as members;
    None when the message cannot be read (``extract_mime`` says why)."""
    try:
        message = _message(data)
    except ExtractionError:
        return None
    others = [p for p in message.walk() if not p.is_multipart() and not _is_text(p)]
    uuencoded = [p for p in message.walk() if _is_text(p) and p.get_content_subtype() == "plain" and _has_uu(p)]
    if not others and not uuencoded:
        return None
    return _members(others, uuencoded, limits)


_UU_BEGIN = re.compile(rb"^begin [0-7]{3,4} ([^\r\n]+?)[ \t]*\r?$", re.MULTILINE)


def _has_uu(part: EmailMessage) -> bool:
    raw = part.get_payload(decode=True)
    return isinstance(raw, bytes) and _UU_BEGIN.search(raw) is not None


def _uu_files(raw: bytes, limits: Limits) -> Iterator[tuple[str, bytes | None]]:
    """The files uuencoded in a plain-text body (``begin 644 notice.txt`` …
    ``end``: Outlook Express's and Foxmail's attachments, which Thunderbird
    and OE show as attached files): (name, bytes), or None for a block that
    does not decode (no ``end``, a bad line), which is then not read."""
    for m in _UU_BEGIN.finditer(raw):
        name = m[1].decode("utf-8", "replace") if _strict_utf8(m[1]) else (
            m[1].decode("gb18030", "replace"))
        out = bytearray()
        ended = False
        for line in raw[m.end():].splitlines()[1:]:
            stripped = line.rstrip(b"\r")
            if stripped.strip() == b"end":
                ended = True
                break
            if not stripped:
                continue
            try:
                out += binascii.a2b_uu(stripped)
            except binascii.Error:  # trailing garbage some encoders leave (as Python's uu module allows)
                try:
                    out += binascii.a2b_uu(stripped[:(((stripped[0] - 32) & 63) * 4 + 5) // 3])
                except binascii.Error:
                    break
            if len(out) > limits.max_item_bytes:
                break
        yield name, bytes(out) if ended else None


def _strict_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _members(others: list[EmailMessage], uuencoded: list[EmailMessage], limits: Limits) -> Iterator[Member]:
    seen: set[str] = set()
    for part in uuencoded:
        raw = part.get_payload(decode=True)
        assert isinstance(raw, bytes)
        for name, data in _uu_files(raw, limits):
            name = posixpath.basename(name.replace("\\", "/")) or "uuencoded"
            if name in seen:
                name = f"{name} (uuencoded {len(seen) + 1})"
            seen.add(name)
            yield _member(name, data, limits, "uuencoded file in the message text", "file")
    for number, part in enumerate(others, 1):
        location = part.get("Content-Location") or ""
        name = part.get_filename() or posixpath.basename(location.split("?")[0]) or f"part {number}"
        if name in seen:
            name = f"{name} (part {number})"
        seen.add(name)
        payload = part.get_payload(decode=True)
        yield _member(name, payload if isinstance(payload, bytes) else None, limits, "MIME part", "part")


def _member(name: str, data: bytes | None, limits: Limits, what: str, unit: str) -> Member:
    """A member of the message, or why it cannot be one: ``data`` not
    decoded (None), or past the item's size."""
    if data is None:
        return Member(name, problem=unreadable(f"{what} cannot be decoded"))
    if len(data) > limits.max_item_bytes:
        return Member(name, problem=unreadable(f"limit max_item_bytes exceeded: {unit} is {len(data)} bytes",
                                               rule="unreadable.limit", limit="max_item_bytes"))
    return Member(name, data)


def _is_text(part: EmailMessage) -> bool:
    return part.get_content_maintype() == "text" and not part.get_filename()


def _undeclared_reading(raw: bytes, charset: str) -> str | None:
    """The reading of a part declared in a single-byte Western charset
    (iso-8859-1, windows-1252) whose bytes read exactly as Chinese text the
    way a text file's are told (``decode``): a mailer that labels UTF-8 or
    GBK text Latin-1 makes it read without error as other letters, and a
    mark in it was cleared.  Its lines are scanned beside the declared
    reading, as a Big5 reading is."""
    if raw.isascii() or codecs.lookup(charset).name not in _WESTERN:
        return None
    decoded = decode(raw)
    return decoded.text if decoded.exact and _HAN.search(decoded.text) else None


def _text(part: EmailMessage) -> tuple[str, tuple[str, str] | None, Notice | None]:
    """A text part decoded in its charset, or without one as a text file is
    (``decode``): bytes neither reads make the notice, as they make a text
    file's (a part without a charset was read with replacements and
    cleared); and another reading to scan beside it: when GB18030 was chosen
    without a clear margin, the Big5 reading (``Decoded.other``), and when a
    Western charset is declared, the Chinese reading (``_undeclared_reading``)."""
    raw = part.get_payload(decode=True)
    if not isinstance(raw, bytes):
        return "", None, unreadable("MIME text part cannot be decoded")
    charset = part.get_content_charset()
    if charset:
        try:
            text = raw.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
        else:
            undeclared = _undeclared_reading(raw, charset)
            return text, None if undeclared is None else ("charset-reading", undeclared), None
    decoded = decode(raw)
    other = None if decoded.other is None else ("big5-reading", decoded.other)
    if decoded.exact:
        return decoded.text, other, None
    said = f"not in its declared charset {charset}" if charset else "in no charset that reads it (none declared)"
    return decoded.text, other, unreadable(f"MIME text part {said}; read as {decoded.encoding} with replacements",
                                                   rule="unreadable.encoding")
