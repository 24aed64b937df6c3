"""Which findings a redaction removes, and covering them in a piece of text.

Covering works on a per-character mask, so overlapping findings and spans
that cross run boundaries in a DOCX need no special cases."""
from __future__ import annotations

from collections.abc import Iterable

from ..normalize.chars import LINE_BREAKS
from ..types import Finding

DEFAULT_COVER = "■"


def to_remove(findings: Iterable[Finding], everything: bool) -> list[Finding]:
    """Every mark finding (Art. 36), or with ``everything`` every finding with a span."""
    return [f for f in findings
            if f.start is not None and f.end is not None and (everything or f.category == "mark")]


def span_mask(length: int, findings: Iterable[Finding]) -> list[bool]:
    mask = [False] * length
    for f in findings:
        assert f.start is not None and f.end is not None
        for i in range(f.start, min(f.end, length)):
            mask[i] = True
    return mask


# what separates lines and cells, kept where a finding spans them: a form's 密级
# and 机密 cells, one finding, are covered each in its place, not run together
# (every line end normalisation reads as one, the form feed and U+2028 too)
_KEPT = frozenset("\n\r\t" + LINE_BREAKS)


def cover(text: str, mask: list[bool], cover_char: str) -> str:
    """``text`` with masked characters replaced by ``cover_char`` (or removed
    when it is empty), but for line breaks and tabs; everything else is kept exactly."""
    return "".join(cover_char if hidden and ch not in _KEPT else ch for ch, hidden in zip(text, mask))
