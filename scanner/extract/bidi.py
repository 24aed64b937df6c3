"""What a reader sees of text written with a right-to-left override.

U+202E (RLO) makes every bidi-aware renderer (a browser, Word, WPS, a PDF
viewer, gedit) draw the characters after it right to left, up to U+202C
(PDF) or the paragraph's end: ``\\u202e年5★密机\\u202c`` shows 机密★5年,
while the stored order, the one the parts are read in, holds no mark (the
controls themselves are deleted as invisible).  The lines holding an
override are read again as they are shown, in a part of their own.
"""
from __future__ import annotations

from dataclasses import replace

from ..types import Document, Part

RLO = "\u202e"
PART = "bidi-reading"
# what opens a level of the bidi algorithm's stack, and whether it draws its characters right to left
_OPENS = {"\u202e": True, "\u202d": False, "\u202b": False, "\u202a": False}  # RLO, LRO, RLE, LRE
_ISOLATES = "\u2066\u2067\u2068"  # LRI, RLI, FSI: closed by PDI alone
_POP, _POP_ISOLATE = "\u202c", "\u2069"


def shown(line: str) -> str:
    """``line`` in the order a renderer draws it, as far as overrides go:
    the characters inside an RLO drawn right to left, a nested override or
    embedding inside it kept whole as one unit; embeddings and isolates do
    not reorder Chinese, whose characters are strongly left to right.  The
    controls are left out."""
    # a stack of (reverses, items, is an isolate); an item is a character or a closed level's text
    stack: list[tuple[bool, list[str], bool]] = [(False, [], False)]

    def close() -> None:
        reverses, items, _ = stack.pop()
        stack[-1][1].append("".join(reversed(items) if reverses else items))

    for ch in line:
        if ch in _OPENS:
            stack.append((_OPENS[ch], [], False))
        elif ch in _ISOLATES:
            stack.append((False, [], True))
        elif ch == _POP:
            if len(stack) > 1 and not stack[-1][2]:
                close()
        elif ch == _POP_ISOLATE:
            while len(stack) > 1 and not stack[-1][2]:
                close()
            if len(stack) > 1:
                close()
        else:
            stack[-1][1].append(ch)
    while len(stack) > 1:
        close()
    return "".join(stack[0][1])


def with_bidi_reading(document: Document) -> Document:
    """``document`` with a ``bidi-reading`` part holding each line that
    holds an override, as it is shown; the same document when none does."""
    lines = [shown(line) for part in document.parts if RLO in part.text
             for line in part.text.splitlines() if RLO in line]
    if not lines:
        return document
    return replace(document, parts=(*document.parts, Part(PART, "\n".join(lines))))
