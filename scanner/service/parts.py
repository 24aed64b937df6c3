"""The extracted text of every part of a stored item, archive members
included, for the item page: the same extraction the scan used, so a
finding's ``start``/``end`` point into exactly this text."""
from __future__ import annotations

from dataclasses import dataclass

from ..config import ScanConfig
from ..errors import ItemError, LimitExceeded
from ..extract import ARCHIVE_FORMATS, extract


@dataclass(frozen=True)
class PartText:
    item: str        # the item name as in the scan (``a.zip!b.docx`` for members)
    part: str        # the part locator (``body``, ``header``, ``sheet:工资表``)
    text: str


def item_parts(data: bytes, name: str, config: ScanConfig, depth: int = 0) -> list[PartText]:
    """Every part of the item and of its archive members, in scan order."""
    from ..extract.archive import iter_members

    limits = config.limits
    doc = extract(data, name, limits, config.convert)
    out = [PartText(name, p.name, p.text) for p in doc.parts]
    if doc.format in ARCHIVE_FORMATS and depth < limits.max_depth:
        try:
            for member in iter_members(data, name, limits):
                if member.problem is None:
                    out += item_parts(member.data, f"{name}!{member.name}", config, depth + 1)
        except (LimitExceeded, ItemError):
            pass  # the scan reported it as a finding; the page shows what could be read
    return out
