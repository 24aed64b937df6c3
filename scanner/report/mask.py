"""Masked excerpts for reports that leave the review office: a report must
not spread what it reports.  The level word (and its star) of a mark, or the
first character of any other match, is kept with a stand-in for the rest and
the level/category, e.g. ``[机密/mark] 机密★**``."""
from __future__ import annotations

from typing import Any


def mask_text(text: str, level: str | None = None) -> str:
    if not text:
        return text
    if level and text.startswith(level):
        keep = len(level) + (1 if text[len(level):len(level) + 1] == "★" else 0)
        return text[:keep] + "*" * min(max(len(text) - keep, 2), 8)
    return text[:1] + "*" * min(max(len(text) - 1, 2), 8)


def label(level: str | None, category: str) -> str:
    """``机密/mark``: what a masked excerpt still says about the match."""
    return "/".join(x for x in (level, category) if x)


def masked_context(text: str, level: str | None, category: str) -> str:
    masked = mask_text(text, level)
    tag = f"[{label(level, category)}]"
    return f"{tag} {masked}" if masked else tag


def masked_dict(item: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of an item's JSON form with every excerpt masked."""
    out = dict(item)
    findings = []
    for f in item.get("findings", ()):
        f = dict(f)
        f["context"] = masked_context(f.get("text", ""), f.get("level"), f.get("category", ""))
        f["text"] = mask_text(f.get("text", ""), f.get("level"))
        f.pop("explanation", None)
        findings.append(f)
    out["findings"] = findings
    out.pop("dropped", None)
    return out
