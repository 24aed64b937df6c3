"""The hash chain over every ledger row.

A row's hash is sha256 over the canonical JSON of its table name and all its
columns except ``row_hash`` (``prev_hash`` included), so changing any field,
deleting a row (a ``seq`` gap and a broken link) or re-ordering rows is
detected by ``verify``.  Deleting the newest rows leaves a shorter, valid
chain: anchor the head (``preclear audit verify`` prints it) outside the
database to detect that as well.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

GENESIS = "0" * 64


def row_hash(table: str, row: Mapping[str, Any]) -> str:
    """The hash a row of ``table`` must carry; ``row`` includes ``prev_hash``."""
    content = {k: v for k, v in row.items() if k != "row_hash"}
    content["@table"] = table
    blob = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


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


def verify_rows(rows: Iterable[tuple[str, Mapping[str, Any]]]) -> ChainReport:
    """Check ``(table, row)`` pairs given in ``seq`` order across all tables."""
    problems: list[ChainProblem] = []
    expected_seq, prev, count = 1, GENESIS, 0
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
        if row_hash(table, row) != row["row_hash"]:
            problems.append(ChainProblem(seq, table, "content does not match its hash (record was changed)"))
        expected_seq, prev = seq + 1, row["row_hash"]
    return ChainReport(records=count, head_seq=expected_seq - 1, head_hash=prev, problems=tuple(problems))
