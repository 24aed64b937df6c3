"""Anchors: a point of the chain (record number and hash) vouched for by the
review key, kept outside the database.

Deleting the newest records leaves a shorter chain that is still valid on its
own; only something kept elsewhere can tell.  ``preclear audit checkpoint
FILE`` writes the head as an anchor; every decision and approval returns a
receipt holding the record and the head right after it.  ``preclear audit
verify --against FILE`` (a checkpoint or a saved receipt) then names records
deleted or rewritten since.  The anchor's MAC means a checkpoint file cannot
be made up by someone without the key either.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .chain import GENESIS, ChainReport
from .errors import StoreError
from .keys import ReviewKey

ANCHOR = "preclear-anchor-v1"


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    at: str
    mac: str

    @classmethod
    def make(cls, key: ReviewKey, seq: int, hash_: str) -> Anchor:
        at = datetime.now(UTC).isoformat(timespec="seconds")
        return cls(seq, hash_, at, key.mac(ANCHOR, _message(seq, hash_, at)))

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "hash": self.hash, "at": self.at, "mac": self.mac}

    def problem(self, key: ReviewKey) -> str | None:
        return key.check(ANCHOR, _message(self.seq, self.hash, self.at), self.mac)


def _message(seq: int, hash_: str, at: str) -> str:
    return f"{seq}:{hash_}:{at}"


def receipt(key: ReviewKey, table: str, row: dict[str, Any]) -> dict[str, Any]:
    """What a decision or approval returns: the record and the chain head
    after it (written in the same transaction, so the head is the record)."""
    return {"record": {"kind": table.rstrip("s"), "seq": row["seq"], "hash": row["row_hash"]},
            "head": Anchor.make(key, row["seq"], row["row_hash"]).to_dict()}


def read_anchor(path: str) -> Anchor:
    """A checkpoint file, or a saved receipt (its ``head``)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        data = data.get("head", data) if isinstance(data, dict) else data
        return Anchor(int(data["seq"]), str(data["hash"]), str(data["at"]), str(data["mac"]))
    except FileNotFoundError:
        raise StoreError(f"checkpoint {path}: file not found") from None
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise StoreError(f"checkpoint {path}: not a preclear checkpoint or receipt ({exc})") from exc


def write_anchor(path: str, anchor: Anchor, where: str) -> None:
    text = json.dumps({**anchor.to_dict(), "database": where}, ensure_ascii=False, indent=1) + "\n"
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise StoreError(f"checkpoint {path}: {exc.strerror or exc}") from exc


def against(anchor: Anchor, report: ChainReport, hash_at: str | None, key: ReviewKey) -> list[str]:
    """Problems of the chain compared with an anchor; ``hash_at`` is the
    stored hash of the record numbered ``anchor.seq`` (None if it is gone)."""
    bad = anchor.problem(key)
    if bad:
        return [f"checkpoint: {bad}"]
    if report.head_seq < anchor.seq:
        return [(f"records after seq {report.head_seq} were deleted: the checkpoint of {anchor.at} "
                 f"saw the chain up to seq {anchor.seq}")]
    if anchor.seq == 0:  # a checkpoint of the empty chain: its "record" is the genesis hash, no row
        hash_at = GENESIS
    if hash_at != anchor.hash:
        return [(f"record seq {anchor.seq} is not the one the checkpoint of {anchor.at} saw: "
                 "the chain was rewritten from there on")]
    return []
