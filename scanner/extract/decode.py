"""Bytes -> text for plain-text formats, never with errors silently ignored.

Order: a BOM; strict UTF-8; UTF-8 with a few damaged bytes (read with
replacements, not exact); then the Chinese legacy encodings that decode
strictly (GB18030 covers GBK and GB2312, Big5), choosing by which decoding
yields more common characters when both do, and when neither wins by a
clear margin reading GB18030 and keeping the Big5 reading to scan too; GB18030 with a few damaged bytes;
UTF-8 whose valid multi-byte characters at least match its bad bytes (a
short page with one damaged character); charset-normalizer's guess as the
last resort, exact only when it reads cleanly.
"""
from __future__ import annotations

import base64
import re
import urllib.parse
from dataclasses import dataclass

from ..errors import LimitExceeded
from ..names import unescape_name

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_CHINESE = ("gb18030", "big5")
_SAMPLE = 4096  # characters of a GB18030 reading looked at before trying Shift_JIS
_MARGIN = 3  # common characters one reading needs beyond the other to be trusted
_MAX_CHAOS = 0.1  # charset-normalizer's mess ratio above which its guess is not a reading
# the 7-bit encodings of Chinese text and the shift sequence each opens its runs with
_SEVEN_BIT = (("hz", re.compile(rb"~\{[!-~]{2}")), ("utf-7", re.compile(rb"\+[A-Za-z0-9/][A-Za-z0-9+/]{2}")))
_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})++")  # a run of percent escapes (possessive: no stack a repetition)


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    exact: bool  # False: undecodable bytes were replaced (the item is only partly read)
    other: str | None = None  # the Big5 reading, when GB18030 was chosen without a clear margin

    def both_readings(self) -> str:
        """The text, and when GB18030 was chosen without a clear margin the
        Big5 reading's lines too: for the short fields (a comment, a picture's
        description, a file name) read as one text."""
        if self.other is None:
            return self.text
        return f"{self.text}\n{non_ascii_lines(self.other)}"


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _common(text: str, encoding: str) -> int:
    """Han characters in the encoding's common tier (GB2312 level 1, Big5
    frequently-used).  The right decoding of real text has nearly all its
    characters there; the wrong one scatters across rare characters."""
    han = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
    if encoding == "big5":
        lo, hi, enc = 0xA4, 0xC6, "big5"
    else:
        lo, hi, enc = 0xB0, 0xD7, "gb2312"
    common = 0
    for ch in han:
        try:
            common += lo <= ch.encode(enc)[0] <= hi
        except UnicodeEncodeError:
            pass
    return common


def _replaced(data: bytes, encoding: str) -> tuple[str, int, int]:
    """``data`` read in ``encoding`` with bad bytes replaced: (text, non-ASCII
    characters read, bad bytes)."""
    text = data.decode(encoding, errors="replace")
    bad = text.count("\ufffd")
    return text, sum(1 for ch in text if ch > "\x7f") - bad, bad


def _damaged(reading: tuple[str, int, int], good_per_bad: int = 4) -> str | None:
    """UTF-8 or GBK text with a few bad bytes (a flipped bit, a cut sequence)
    is still that encoding: read it with those bytes replaced (not exact),
    rather than let a guesser pick a single-byte code page that turns every
    Chinese character into Latin noise and calls that exact (the fuzz tests
    found both).  ``good_per_bad``: the non-ASCII characters read per bad
    byte it takes (one damaged character is up to three bad bytes)."""
    text, good, bad = reading
    return text if good >= 4 and bad * good_per_bad <= good else None


def _seven_bit(data: bytes) -> Decoded | None:
    """ASCII bytes that are Chinese text in a 7-bit encoding: HZ (RFC 1843,
    ``~{;zC\\~}``: GB2312 in old BBS, Usenet and mail archives) or UTF-7
    (``+Zzp5xiYF-``: Outlook Express's "Unicode (UTF-7)").  As ASCII the
    text is read without error and a mark in it is never seen.  Only a
    reading that decodes strictly and gives Chinese text (``_chinese``) is
    taken; outside its shifted runs either reads as ASCII does."""
    for encoding, shift in _SEVEN_BIT:
        if shift.search(data) is None:
            continue
        text = _strict(data, encoding)
        if text is not None and _chinese(text):
            return Decoded(text, encoding, True)
    return None


def _chinese(text: str) -> bool:
    """At least two Han characters, nearly all in GB2312's common tier, and
    most of the other non-ASCII characters (what a shifted run of code or a
    formula decodes to is scattered over the whole of Unicode)."""
    wide = [ch for ch in text if ch > "\x7f"]
    han = sum(1 for ch in wide if "\u4e00" <= ch <= "\u9fff")
    return han >= 2 and han * 2 >= len(wide) and _common(text, "gb18030") * 5 >= han * 4


def _shift_jis(data: bytes, gb: str) -> Decoded | None:
    """Shift_JIS text (機密★5年 typed on a Japanese system) that GB18030 also
    reads strictly, as scattered rare characters: read as Shift_JIS when its
    reading has clearly more common characters (JIS level 1 kanji, kana) than
    the GB18030 one.  Looked at only when a sample of the GB18030 reading has
    few common characters, so a real GBK file pays one short count."""
    sample = gb[:_SAMPLE]
    han = sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff")
    if han < 2 or _common(sample, "gb18030") * 2 >= han:
        return None
    japanese = _strict(data, "shift_jis")
    if japanese is None or _jis_common(japanese) - _common(gb, "gb18030") < _MARGIN:
        return None
    return Decoded(japanese, "shift_jis", True)


def _jis_common(text: str) -> int:
    """Kana and JIS level 1 kanji (Shift_JIS lead bytes 0x88-0x9F) in ``text``."""
    common = 0
    for ch in text:
        if "\u3041" <= ch <= "\u30ff":
            common += 1
        elif "\u4e00" <= ch <= "\u9fff":
            try:
                common += 0x88 <= ch.encode("shift_jis")[0] <= 0x9F
            except UnicodeEncodeError:
                pass
    return common


def _chosen(gb: str, big5: str) -> Decoded:
    """Bytes both Chinese encodings read strictly: the reading with clearly
    more common characters.  A few characters decide nothing (the fuzz run
    found a GBK page with a mark and five Han characters that scored higher
    as Big5 noise, and was cleared), so without a clear margin the text is
    read as GB18030, the mainland encoding, and the Big5 reading is kept so
    the item is scanned both ways.  Both readings are whole, so the item is
    still fully read: a short GBK spreadsheet export is not sent to review
    for having few Chinese characters."""
    lead = _common(gb, "gb18030") - _common(big5, "big5")
    if lead >= _MARGIN:
        return Decoded(gb, "gb18030", True)
    if -lead >= _MARGIN:
        return Decoded(big5, "big5", True)
    return Decoded(gb, "gb18030", True, other=big5)


def non_ascii_lines(text: str) -> str:
    """The lines of the other reading worth scanning: ASCII reads the same in
    GB18030 and Big5, so only lines with other characters differ from the
    chosen reading (a GBK spreadsheet export with a Chinese header is not
    scanned, nor its numbers reported, twice)."""
    return "\n".join(line for line in text.splitlines() if not line.isascii())


def decoded_text(data: bytes) -> str:
    """``decode(data).both_readings()``."""
    return decode(data).both_readings()


def decode(data: bytes) -> Decoded:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom):], encoding.replace("-sig", ""))
            if text is not None:
                return Decoded(text, encoding, True)
            return Decoded(data[len(bom):].decode(encoding.replace("-sig", ""), errors="replace"), encoding, False)
    text = _strict(data, "utf-8")
    if text is not None:
        seven_bit = _seven_bit(data) if text.isascii() else None
        return seven_bit or Decoded(text, "utf-8", True)
    utf8 = _replaced(data, "utf-8")
    damaged = _damaged(utf8)
    if damaged is not None:
        return Decoded(damaged, "utf-8", False)
    candidates = {enc: t for enc in _CHINESE if (t := _strict(data, enc)) is not None}
    if "gb18030" in candidates and (japanese := _shift_jis(data, candidates["gb18030"])) is not None:
        return japanese
    if len(candidates) == 1:
        (enc, text), = candidates.items()
        return Decoded(text, enc, True)
    if candidates:
        return _chosen(candidates["gb18030"], candidates["big5"])
    damaged = _damaged(_replaced(data, "gb18030"))
    if damaged is not None:
        return Decoded(damaged, "gb18030", False)
    # no Chinese encoding reads it: a short UTF-8 page with one damaged
    # character has too few good ones for the test above (the fuzz run found
    # a 102-byte page the guesser then read as Mac Cyrillic and called exact)
    damaged = _damaged(utf8, good_per_bad=1)
    if damaged is not None:
        return Decoded(damaged, "utf-8", False)
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        text = _strict(data, best.encoding)
        if text is not None:
            # a guess is exact only when the text it gives reads cleanly; binary noise
            # decoded as some single-byte code page is not a reading
            return Decoded(text, best.encoding, best.chaos < _MAX_CHAOS)
    return Decoded(data.decode("gb18030", errors="replace"), "gb18030", False)


@dataclass(frozen=True)
class DataUri:
    """What a ``data:`` URI holds (RFC 2397)."""

    media_type: str  # lowercase; text/plain when the URI names none
    charset: str | None
    data: bytes

    def text(self) -> str:
        """The bytes in the charset the URI names, else read as ``decode`` reads a file's bytes."""
        if self.charset:
            try:
                return self.data.decode(self.charset, "replace")
            except (LookupError, ValueError):  # no such codec; one that refuses bytes whatever (idna)
                pass
        return decoded_text(self.data)


def data_uri(uri: str, max_bytes: int, strict: bool = True) -> DataUri:
    """A ``data:`` URI decoded: base64 (whitespace ignored) or percent-encoded.
    Its size is checked before it is decoded (``LimitExceeded``).  Strict,
    base64 that is not raises ``ValueError``; else it is read as far as it
    goes, as a person would recover it (percent escapes, characters outside
    the alphabet and missing padding do not stop it)."""
    header, _, body = uri.strip().partition(",")
    params = [p.strip() for p in header[5:].split(";")]
    media_type = params[0].lower() if "/" in params[0] else "text/plain"
    charset = next((p.split("=", 1)[1].strip("\"' ") for p in params[1:] if p.lower().startswith("charset=")), None)
    encoded = params[-1].lower() == "base64"
    if (len(body) * 3 // 4 if encoded else len(body)) > max_bytes:
        raise LimitExceeded("max_item_bytes", f"a data: URI of {len(body)} characters")
    if not encoded:
        data = urllib.parse.unquote_to_bytes(body)
    elif strict:
        data = base64.b64decode("".join(body.split()), validate=True)
    else:
        compact = re.sub(rb"[^A-Za-z0-9+/]", b"", urllib.parse.unquote_to_bytes(body))
        if len(compact) % 4 == 1:  # a last character alone holds no whole byte
            compact = compact[:-1]
        data = base64.b64decode(compact + b"=" * (-len(compact) % 4))
    return DataUri(media_type, charset or None, data)


def unquoted_url(url: str) -> str:
    """An address with its percent-encoding decoded as a browser shows it
    (``%E6%9C%BA%E5%AF%86`` is 机密): as UTF-8, or as GB18030 (older Chinese
    sites) when the bytes are not UTF-8; then each run of escapes on its
    own (``_unquoted_run``), so that one stray byte (``…%E5%B9%B4?t=%FF``)
    does not make the UTF-8 of the rest GB18030's mojibake.  Each run is
    all there is to decode: a UTF-8 character cannot span a literal one, so
    a whole address in UTF-8 reads as ``urllib.parse.unquote`` reads it,
    without its split at every ``%`` (0.9 GB for a 5 MB posted form of them)."""
    return _ESCAPES.sub(_unquoted_run, url) if "%" in url else url


def _unquoted_run(match: re.Match[str]) -> str:
    """One run of percent escapes decoded: as UTF-8, or as GB18030 with replacements."""
    data = bytes.fromhex(match[0].replace("%", ""))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def readable_name(shown: str) -> str:
    """A name in display form as a person reads it, for the name check.

    A name whose bytes are not UTF-8 is most often GBK (or Big5): what
    ``unzip`` of a zh-CN Windows ZIP, or a FAT stick mounted without
    ``iocharset``, leaves on Linux.  ``\\xbb\\xfa…`` hides 机密 from the
    check, so such a name is read in the Chinese encoding that reads it
    whole (both readings when GB18030 and Big5 tie, a line each, as a ZIP
    comment is read); otherwise, and for a UTF-8 name, it is returned as it
    is.  The item keeps its display name: only the check reads this."""
    if "\\x" not in shown:
        return shown
    raw = unescape_name(shown)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        reading = legacy_reading(raw)
        return shown if reading is None else reading
    return shown


def legacy_reading(raw: bytes, both: bool = True) -> str | None:
    """Bytes that are not UTF-8 read as GB18030 or Big5 when one of them reads
    them without error (``both``: with the other reading's line when they
    tie, for a check; without, the one a name is shown as); None otherwise."""
    decoded = decode(raw)
    if decoded.exact and decoded.encoding in ("gb18030", "big5"):
        return decoded.both_readings() if both else decoded.text
    return None
