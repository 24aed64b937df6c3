"""Masked excerpts for reports that leave the review office: a report must
not spread what it reports.  The first character of a match and a stand-in
for the rest are kept, with the level/category, e.g. ``机密★**``."""
from __future__ import annotations

from typing import Any


def mask_text(text: str, level: str | None = None) -> str:
    if not text:
        return text
    if level and text.startswith(level):
        keep = len(level) + (1 if text[len(level):len(level) + 1] == "★" else 0)
        return text[:keep] + "*" * min(max(len(text) - keep, 2), 8)
    return text[:1] + "*" * min(max(len(text) - 1, 2), 8)


def masked_dict(item: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of an item's JSON form with every excerpt masked."""
    out = dict(item)
    findings = []
    for f in item.get("findings", ()):
        f = dict(f)
        label = "/".join(x for x in (f.get("level"), f.get("category")) if x)
        masked = mask_text(f.get("text", ""), f.get("level"))
        f["text"] = masked
        f["context"] = f"[{label}] {masked}" if masked else f"[{label}]"
        f.pop("explanation", None)
        findings.append(f)
    out["findings"] = findings
    out.pop("dropped", None)
    return out
