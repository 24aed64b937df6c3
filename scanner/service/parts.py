"""The extracted text of every part of a stored item, its members (of an
archive, or objects embedded in an Office package) included, for the item page: the same extraction the scan used, so a
finding's ``start``/``end`` point into exactly this text."""
from __future__ import annotations

from dataclasses import dataclass

from ..config import ScanConfig
from ..errors import ItemError, LimitExceeded
from ..extract import extract, members


@dataclass(frozen=True)
class PartText:
    item: str        # the item name as in the scan (``a.zip!b.docx`` for members)
    part: str        # the part locator (``body``, ``header``, ``sheet:工资表``)
    text: str


def item_parts(data: bytes, name: str, config: ScanConfig, depth: int = 0) -> list[PartText]:
    """Every part of the item and of its members, in scan order."""
    limits = config.limits
    doc = extract(data, name, limits, config.convert)
    out = [PartText(name, p.name, p.text) for p in doc.parts]
    inside = members(data, name, doc.format, limits)
    if inside is not None and depth < limits.max_depth:
        try:
            for member in inside:
                if member.problem is None:
                    out += item_parts(member.data, f"{name}!{member.name}", config, depth + 1)
        except (LimitExceeded, ItemError):
            pass  # the scan reported it as a finding; the page shows what could be read
    return out
