"""Mailbox files (mbox): a mail folder kept as one file of messages, each
opening with a ``From `` line (Thunderbird's folder files ``Inbox``,
``Sent``, with no extension; ``.mbox`` exports; Unix mail spools).

Read as plain text its messages' attachments stay base64 and a mark in them
is never seen, so each message is a member of its own (``Inbox!message
3.eml``), read as an ``.eml`` file is.  A text that merely starts with
"From " is not a mailbox: the ``From `` line must look like one (a sender
word and a time) and be followed by a block of RFC 822 headers naming one a
message has (``is_mbox``).
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from ..config import Limits
from ..errors import LimitExceeded
from ..types import Member
from .notices import unreadable

# ``From sender date``: Thunderbird writes ``From - Mon Mar  2 09:00:00 2026``, mail spools the sender's address
_FROM_LINE = re.compile(rb"From \S+ +[^\r\n]*\d{1,2}:\d\d[^\r\n]*\r?\n")
_HEADER = re.compile(rb"[!-9;-~]+:")
_MESSAGE_HEADERS = frozenset({b"from", b"to", b"subject", b"date", b"message-id", b"received", b"return-path",
                              b"mime-version", b"content-type", b"delivered-to", b"x-mozilla-status"})
# a message's ``From `` line: at the start or after a blank line (a body's own "From " lines are quoted ``>From ``)
_SPLIT = re.compile(rb"(?:\A|(?<=\n\n)|(?<=\n\r\n))" + _FROM_LINE.pattern)


def is_mbox(data: bytes) -> bool:
    """A ``From `` line, then at least two header lines up to the first blank
    line, one of them a header every message has (``_MESSAGE_HEADERS``)."""
    first = _FROM_LINE.match(data, 0, 1024)
    if first is None:
        return False
    headers = 0
    known = False
    for line in data[first.end():first.end() + 16384].splitlines():
        if not line.strip():
            return headers >= 2 and known
        if line[:1] in (b" ", b"\t") and headers:  # a folded header's next line
            continue
        if _HEADER.match(line) is None:
            return False
        headers += 1
        known = known or line.split(b":", 1)[0].strip().lower() in _MESSAGE_HEADERS
    return False


def iter_messages(data: bytes, limits: Limits) -> Iterator[Member]:
    """Each message of a mailbox as a member ``message N.eml``, its ``From ``
    line left out and mboxrd's ``>From `` quoting undone; past
    ``max_members`` the mailbox is LimitExceeded."""
    found = list(_SPLIT.finditer(data))
    starts = [m.end() for m in found]
    ends = [m.start() for m in found][1:] + [len(data)]
    if len(starts) > limits.max_members:
        raise LimitExceeded("max_members", f"{len(starts)} messages, limit {limits.max_members}")
    width = len(str(len(starts)))
    for number, (start, end) in enumerate(zip(starts, ends), 1):
        name = f"message {number:0{width}d}.eml"
        if end - start > limits.max_item_bytes:
            yield Member(name, problem=unreadable(f"limit max_item_bytes exceeded: message is {end - start} bytes",
                                                  rule="unreadable.limit", limit="max_item_bytes"))
            continue
        yield Member(name, re.sub(rb"(?m)^>(>*From )", rb"\1", data[start:end]))
