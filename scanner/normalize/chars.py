"""The characters normalisation treats specially, and the 1:1 code point
table of its first step: what ``scanner.normalize`` and its numba kernel
both build from, so neither imports the other for them."""
from __future__ import annotations

import functools
import os
import re

STAR = "★"
# the last two: Wingdings' black and white stars as a symbol font's codes, shifted into the private-use area,
# as a PDF printed from Word's Insert > Symbol star holds them (机密\uf0ab5 年 was clear) and as a Wingdings run
# typed in WPS or pasted carries them
# and stars an input method's symbol table or an emoji panel offers beside ★ (机密⭑5年 and 机密🌟5年 were clear)
STAR_VARIANTS = "☆＊*※⭐✩✪✫✬✭✮✯✰✱✲✳✴✵✶✷✸✹✺✻✼✽⋆٭﹡⁎∗⚝🟊🟉🟋🟌✦✧\uf0ab\uf0b5⭑⭒🌟🌠⍟✡❂"
SPACES = "\u3000\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f"
# Unicode category Cf plus variation selectors and fillers: invisible, deletable; and the combining
# marks (diacritics, enclosing circles and keycaps, half marks): over a Chinese character a CJK font
# draws none of them, and 机\u0301密★5年 was clear (deleting them also folds a Latin text written
# decomposed, e\u0301 to e, as its accents are not what a lexicon's term or a mark is told by)
INVISIBLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb"
    "\U000e0001\U000e0020-\U000e007f\U000e0100-\U000e01ef"
    "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20f0\ufe20-\ufe2f\u3099\u309a"
)
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# what ends a line besides \n and \r (as str.splitlines reads them): a page's
# form feed in pdftotext's output, Word's manual line break (\v), the Unicode
# line and paragraph separators; each becomes \n, so marks are read by line
LINE_BREAKS = "\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_BREAK_TABLE = str.maketrans(LINE_BREAKS, "\n" * len(LINE_BREAKS))
_LONE_CR = re.compile("\r(?=[^\n])")  # one at the very end is left: a line cut from a \r\n text ends so


def ended_lines(text: str) -> str:
    """``text`` with each \\r that ends a line alone (old Mac OS text, Excel's
    Macintosh CSV) made \\n, as one character for one, so no offset moves;
    the \\r of \\r\\n stays on its line, where the readers of lines expect it,
    and so does a \\r that ends the text (a line cut from such a text).
    The last step of every normalisation pass: a table cannot see the next
    character."""
    return _LONE_CR.sub("\n", text) if "\r" in text else text


def lines_ended(original: str) -> str:
    """``original`` with every line end \\n, character for character: its
    lines as the normalised text has them, for a reader of the original's."""
    if any(ch in original for ch in LINE_BREAKS):
        original = original.translate(_BREAK_TABLE)
    return ended_lines(original)


# the code point passes (kernel.py, vectorised.py): what their tables hold
SPACE, TAB, DELETE = 0x20, 0x09, -1  # DELETE: the table's value for an invisible character
HAN, ALNUM = 1, 2  # class bits: CJK ideographs and ★; ASCII letters and digits


def _opencc_characters() -> dict[str, str]:
    """Traditional -> simplified, character level, from OpenCC's data."""
    import opencc  # opencc-python-reimplemented ships the dictionary text files

    path = os.path.join(os.path.dirname(opencc.__file__), "dictionary", "TSCharacters.txt")
    table: dict[str, str] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            trad, _, simp = line.rstrip("\n").partition("\t")
            first = simp.split(" ")[0]
            if len(trad) == 1 and len(first) == 1:
                table[trad] = first
    return table


@functools.lru_cache(maxsize=1)
def translation_table() -> dict[int, int]:
    """The 1:1 code point table of step 1 (built once per process)."""
    table: dict[int, int] = {}
    for trad, simp in _opencc_characters().items():
        table[ord(trad)] = ord(simp)
    for cp in range(0xFF01, 0xFF5F):
        table[cp] = cp - 0xFEE0
    for ch in SPACES:
        table[ord(ch)] = 0x20
    for ch in STAR_VARIANTS:
        table[ord(ch)] = ord(STAR)
    for ch in LINE_BREAKS:
        table[ord(ch)] = ord("\n")
    for cp in range(0x250):
        ch = chr(table.get(cp, cp))
        low = ch.lower()
        if len(low) == 1 and low != ch:
            table[cp] = ord(low)
    # full-width capitals fold too: Ａ -> A -> a
    for cp in range(0xFF21, 0xFF3B):
        table[cp] = cp - 0xFEE0 + 0x20
    return table
