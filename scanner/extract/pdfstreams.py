"""A budget check on a PDF's compressed streams, before any library inflates them.

pdfium and pdfminer inflate a content stream whole, in memory, however far
it expands: a 2.9 MB PDF whose page stream inflates to 1 GB took 83 s and
15 GB.  This pre-pass walks the raw bytes for ``stream`` bodies and inflates
each Flate stream (and each further Flate layer of a chained filter) with
``zlib.decompressobj`` in bounded chunks, keeping only a count.  When the
bytes produced pass the item's allowance (the smaller of
``max_total_uncompressed`` and ``max_expansion_ratio`` times the file's size)
the PDF is refused with ``LimitExceeded`` before the libraries see it.
Memory stays at a few chunks; time is the inflation itself, bounded by the
same allowance.  A Flate stream whose data ends before its last block (a
download cut short, a broken export) is named in ``damaged``: viewers show
what inflates, the libraries read nothing past the cut, and no error tells.
The same pass notes whether a content stream replaces the text of the glyphs
it draws (``/ActualText`` in a marked-content span, ``StreamFacts``).

Leading ASCII85/ASCIIHex layers (reportlab writes ``[/ASCII85Decode
/FlateDecode]``) are undone first; they only shrink.  Other filters expand
little (RunLength at most 64x) or are images never decoded for text (DCT,
JPX, JBIG2, CCITT).  LZW (rare since PDF 1.2) is not counted: the worker's
memory cap (scanner.budget) is its bound.
"""
from __future__ import annotations

import base64
import re
import zlib
from dataclasses import dataclass, field

from ..config import Limits
from ..errors import LimitExceeded
from .zipguard import ratio_allowance

_STREAM = re.compile(rb"stream\r?\n")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[A-Za-z0-9]+)")
_NAME = re.compile(rb"/([A-Za-z0-9]+)")
_SHORT = {b"Fl": b"FlateDecode", b"LZW": b"LZWDecode", b"A85": b"ASCII85Decode", b"AHx": b"ASCIIHexDecode"}
_DICT_WINDOW = 4096     # bytes before ``stream`` searched for its dictionary's filters
_IN_CHUNK = 64 * 1024
_OUT_CHUNK = 1 << 20
_MAX_LAYERS = 8         # chained Flate filters followed; more is itself suspicious
_OBJECT = re.compile(rb"(\d+)\s+\d+\s+obj\b")
# a marked-content span whose actual text stands for the glyphs it draws: ``/ActualText (...) >> BDC``
# (a structure element's /ActualText is a dictionary entry, with no BDC after it)
_ACTUAL_TEXT = b"/ActualText"
_ACTUAL_SPAN = re.compile(rb"/ActualText\s*(?:\((?:[^()\\]|\\.){0,4096}\)|<[0-9A-Fa-f\s]{0,8192}>)"
                          rb"[^>]{0,512}>>\s*BDC")


@dataclass
class StreamFacts:
    """What the pre-pass saw in the streams besides their size."""

    cut: list[str] = field(default_factory=list)  # Flate streams cut short (``object N``)
    actual_text: bool = False  # a content stream's span replaces the text of its glyphs


def _has_span(data: bytes) -> bool:
    return _ACTUAL_TEXT in data and _ACTUAL_SPAN.search(data) is not None


class _Counter:
    """Inflates through ``layers`` chained zlib layers, counting the last layer's bytes."""

    def __init__(self, layers: int, allowance: int, facts: StreamFacts | None = None) -> None:
        self.inflaters = [zlib.decompressobj() for _ in range(layers)]
        self.allowance = allowance
        self.produced = 0
        self.facts = facts
        self.tail = b""  # the end of the output before, for a span cut by a chunk's end

    def feed(self, chunk: bytes, layer: int = 0) -> None:
        inflater = self.inflaters[layer]
        while chunk and not inflater.eof and self.produced <= self.allowance:
            out = inflater.decompress(chunk, _OUT_CHUNK)
            chunk = inflater.unconsumed_tail
            if layer + 1 < len(self.inflaters):
                self.feed(out, layer + 1)
            else:
                self.produced += len(out)
                if self.facts is not None and not self.facts.actual_text and out:
                    self.facts.actual_text = _has_span(self.tail + out)
                    self.tail = out[-8192:]
                if self.produced > self.allowance:
                    return
            if not out and not chunk:
                return

    @property
    def done(self) -> bool:
        return self.inflaters[0].eof or self.produced > self.allowance


def _filters(data: bytes, start: int) -> list[bytes]:
    """The filter names, in order, of the stream dictionary just before ``start``."""
    head = data[max(0, start - _DICT_WINDOW):start]
    cut = max(head.rfind(b" obj"), head.rfind(b"endstream"))
    head = head[cut + 1:] if cut >= 0 else head
    found = _FILTER.search(head)
    names = [_SHORT.get(n, n) for n in _NAME.findall(found.group(1))] if found else []
    if not names and _is_zlib(data[start + 6:start + 9].lstrip(b"\r\n")):
        names = [b"FlateDecode"]  # a filter given indirectly (``/Filter 5 0 R``): count it all the same
    return names


def _is_zlib(head: bytes) -> bool:
    return len(head) >= 2 and head[0] & 0x0F == 8 and (head[0] << 8 | head[1]) % 31 == 0


def _text_decoded(body: bytes, names: list[bytes]) -> tuple[bytes, list[bytes]]:
    """Undo leading ASCII85/ASCIIHex layers (they only shrink the data)."""
    while names and names[0] in (b"ASCII85Decode", b"ASCIIHexDecode"):
        try:
            if names[0] == b"ASCII85Decode":
                body = base64.a85decode(body.split(b"~>")[0].strip().removeprefix(b"<~"), adobe=False)
            else:
                body = bytes.fromhex(re.sub(rb"\s", b"", body.split(b">")[0]).decode("ascii"))
        except ValueError:
            return b"", []  # malformed: pdfium and pdfminer report it
        names = names[1:]
    return body, names


def _ends_early(body: bytes) -> bool:
    """Whether a zlib stream's deflate data stops before its last block (the
    stream's own bytes only; a missing or wrong checksum after a complete
    last block is not a cut)."""
    inflater = zlib.decompressobj(-15)
    rest = body[2:]
    try:
        while rest and not inflater.eof:
            inflater.decompress(rest, _OUT_CHUNK)
            rest = inflater.unconsumed_tail
    except zlib.error:
        return True
    return not inflater.eof


def _where(data: bytes, start: int) -> str:
    """The object a stream at ``start`` belongs to, as ``object N``."""
    head = data[max(0, start - _DICT_WINDOW):start]
    found = list(_OBJECT.finditer(head))
    return f"object {int(found[-1].group(1))}" if found else f"the stream at byte {start}"


def check_streams(data: bytes, limits: Limits, facts: StreamFacts | None = None) -> int:
    """Raise ``LimitExceeded`` if the PDF's streams inflate past the item's
    allowance; otherwise return how many bytes they inflate to.  ``facts``
    gets the Flate streams whose data ends before its last block (``object
    N``, or the stream's offset) and whether a span's actual text stands for
    its glyphs."""
    if facts is not None:
        facts.actual_text = _has_span(data)
    by_ratio = ratio_allowance(len(data), limits)
    allowance = min(limits.max_total_uncompressed, by_ratio)
    limit = "max_expansion_ratio" if by_ratio < limits.max_total_uncompressed else "max_total_uncompressed"
    total = 0
    pos = 0
    while (m := _STREAM.search(data, pos)) is not None:
        body = m.end()
        names = _filters(data, m.start())
        end = data.find(b"endstream", body)
        end = len(data) if end < 0 else end
        raw = data[body:end] if names and names[0].startswith(b"ASCII") else data
        raw, names = _text_decoded(raw, names)
        offset = 0 if raw is not data else body
        layers = 0
        while layers < min(len(names), _MAX_LAYERS) and names[layers] == b"FlateDecode":
            layers += 1
        if layers:
            counter = _Counter(layers, allowance - total, facts)
            start = offset
            try:
                while offset < len(raw) and not counter.done:
                    counter.feed(raw[offset:offset + _IN_CHUNK])
                    offset += _IN_CHUNK
            except zlib.error:
                pass  # what inflated so far is counted
            if (facts is not None and not counter.done and _is_zlib(raw[start:start + 2])
                    and _ends_early(raw[start:end] if raw is data else raw)):
                facts.cut.append(_where(data, m.start()))
            total += counter.produced
        if total > allowance:
            raise LimitExceeded(limit, f"PDF streams inflate past {allowance} bytes "
                                       f"(from a {len(data)} byte file) before the text is read")
        pos = max(end, body)
    return total
