"""The hash chain over every ledger row, and its seals.

A row's ``row_hash`` is sha256 over the canonical JSON of its table name and
all its columns except ``row_hash`` and ``mac`` (``prev_hash`` included;
a column added later is left out while NULL: ledger.LATE_COLUMNS), so
changing any field, deleting a row (a ``seq`` gap and a broken link) or
re-ordering rows is detected.  That alone stops no one who can write to the
database: they can append a row and compute its sha256 too.  So every row
also carries ``mac``, an HMAC of its ``row_hash`` under the review key
(keys.py), which the database does not hold.  Deleting the newest rows
leaves a shorter, valid chain: a checkpoint kept outside the database
(checkpoint.py) detects that.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .keys import ReviewKey
from .ledger import LATE_COLUMNS

GENESIS = "0" * 64
RECORD = "preclear-record-v1"  # the MAC purpose of a ledger row
_NOT_HASHED = ("row_hash", "mac")


def row_hash(table: str, row: Mapping[str, Any]) -> str:
    """The hash a row of ``table`` must carry; ``row`` includes ``prev_hash``."""
    content = {k: v for k, v in row.items()
               if k not in _NOT_HASHED and not (v is None and (table, k) in LATE_COLUMNS)}
    content["@table"] = table
    blob = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def row_problem(table: str, row: Mapping[str, Any], key: ReviewKey | None) -> str | None:
    """Why one row cannot be trusted on its own (content, then seal), or None."""
    computed = row_hash(table, row)
    if computed != row["row_hash"]:
        return "content does not match its hash (record was changed)"
    return key.check(RECORD, computed, row.get("mac")) if key is not None else None


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    table: str
    reason: str

    def __str__(self) -> str:
        return f"{self.table} seq {self.seq}: {self.reason}"


@dataclass(frozen=True)
class ChainReport:
    records: int
    head_seq: int
    head_hash: str
    problems: tuple[ChainProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_rows(rows: Iterable[tuple[str, Mapping[str, Any]]], key: ReviewKey | None,
                start: tuple[int, str] = (0, GENESIS)) -> ChainReport:
    """Check ``(table, row)`` pairs given in ``seq`` order across all tables,
    continuing a chain verified up to ``start`` = (seq, hash); ``key`` None
    checks the unkeyed chain only (before sealing an old store)."""
    problems: list[ChainProblem] = []
    expected_seq, prev, count = start[0] + 1, start[1], 0
    for table, row in rows:
        count += 1
        seq = int(row["seq"])
        if seq > expected_seq:
            missing = f"seq {expected_seq}" if seq == expected_seq + 1 else f"seq {expected_seq}..{seq - 1}"
            problems.append(ChainProblem(seq, table, f"record(s) {missing} before it were deleted"))
        elif seq < expected_seq:
            problems.append(ChainProblem(seq, table, "duplicate sequence number"))
        if row["prev_hash"] != prev:
            problems.append(ChainProblem(
                seq, table, f"link to the previous record (seq {seq - 1}) is broken: it was changed or replaced"))
        problem = row_problem(table, row, key)
        if problem:
            problems.append(ChainProblem(seq, table, problem))
        expected_seq, prev = seq + 1, row["row_hash"]
    return ChainReport(records=count, head_seq=expected_seq - 1, head_hash=prev, problems=tuple(problems))
