"""What the characters of a symbol font show.

A run set in Wingdings holds the font's own codes, not the characters it
draws: the ★ of Insert › Symbol › Wingdings is ``«`` (0xAB) in the run, or
its private-use form U+F0AB, and Windows shows a star.  Read as written,
机密«5年 held no mark (it was clear).  A run in one of these fonts is read as
what it shows: the stars a mark is written with and the ticks and boxes a
form's choices are written with (source: the Wingdings and Wingdings 2 to
Unicode tables, e.g. alanwood.net/demos/wingdings.html).  Only a run whose
font is one of them is mapped; ``«`` elsewhere is a quotation mark.
"""
from __future__ import annotations

# font (lower case) -> code (0x20-0xFF, also found shifted to U+F0xx) -> the character it draws
_SHOWN: dict[str, dict[int, str]] = {
    "wingdings": {
        0xA1: "○", 0xA4: "◉", 0xA8: "◻",
        0xAA: "✦", 0xAB: "★", 0xAC: "✶", 0xAD: "✴", 0xAE: "✹", 0xAF: "✵", 0xB5: "✪", 0xB6: "✰",
        0xFB: "✗", 0xFC: "✓", 0xFD: "☒", 0xFE: "☑",
    },
    "wingdings 2": {
        0x50: "✓", 0x52: "☑", 0x53: "☒", 0x54: "☒", 0xA3: "□",
        0xEA: "★", 0xEB: "✶", 0xED: "✷", 0xF0: "✹", 0xF3: "✯",
    },
    "symbol": {0x2A: "*"},
}
# the bytes that tell a part may set a run in Wingdings or Wingdings 2 (a search of the part, not a parse;
# Symbol's one code here, its asterisk, is not worth a second search of every part)
FONT_NEEDLE = b"ingdings"


def symbol_font(name: str | None) -> str | None:
    """The key of ``_SHOWN`` a font's name is, None for any other font."""
    key = " ".join((name or "").lower().split())
    return key if key in _SHOWN else None


def shown(font: str | None, text: str) -> str:
    """``text`` as a run set in ``font`` shows it: each code the font draws
    as another character replaced by it (its private-use form too); text in
    any other font as it is."""
    table = _SHOWN.get(symbol_font(font) or "")
    if not table:
        return text
    return "".join(table.get(ord(ch) - 0xF000 if 0xF020 <= ord(ch) <= 0xF0FF else ord(ch), ch) for ch in text)


def may_set_symbols(raw: bytes) -> bool:
    """Whether a part's bytes may name a Wingdings font (``_SHOWN``)."""
    return FONT_NEEDLE in raw
