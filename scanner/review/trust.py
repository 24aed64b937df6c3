"""What the gate may rely on: records verified against the chain and the key.

The gate answers from an item's records (its submission, scans, decisions
and approval).  Before it does, ``ChainWatch.check_item`` makes sure that

- the whole chain up to the current head links up and every row carries a
  valid seal (verified once, then only the rows added since: the watch
  remembers the head it verified and which record numbers belong to which
  item, so a busy service does not re-read the ledger on every call);
- the head it verified earlier is still there with the same hash (the
  newest records were not cut off under it);
- each of the item's rows still matches its hash and seal *now*, and none
  the watch saw for the item has disappeared (a later rejection deleted to
  bring an old approval back).

Any problem is returned as the reason to refuse; the watch then starts over
from the beginning on the next call.
"""
from __future__ import annotations

import heapq
import threading
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table, select, union_all

from . import schema
from .chain import GENESIS, ChainProblem, row_problem, verify_rows
from .keys import ReviewKey


class ChainWatch:
    """The verified head of one store, shared by the threads of a process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        self.head: tuple[int, str] = (0, GENESIS)
        self.seqs_of: dict[str, set[int]] = {}

    def catch_up(self, conn: Connection, key: ReviewKey) -> ChainProblem | None:
        """Verify the rows added since the last call; the first problem, or None."""
        with self._lock:
            head_seq, head_hash = self.head
            if head_seq and _unchanged(conn, head_seq, head_hash):
                return None
            rows = list(heapq.merge(*(_rows_from(conn, t, head_seq) for t in schema.LEDGER_TABLES),
                                    key=lambda pair: int(pair[1]["seq"])))
            if head_seq:
                at_head = [row for _, row in rows if int(row["seq"]) == head_seq]
                if [r["row_hash"] for r in at_head] != [head_hash]:
                    self._reset()
                    return ChainProblem(head_seq, "chain", "the records up to here, verified earlier, were "
                                        "deleted or changed since")
                rows = [(t, r) for t, r in rows if int(r["seq"]) > head_seq]
            report = verify_rows(rows, key, start=self.head)
            if not report.ok:
                self._reset()
                return report.problems[0]
            for _, row in rows:
                if "sha256" in row:
                    self.seqs_of.setdefault(row["sha256"], set()).add(int(row["seq"]))
            self.head = (report.head_seq, report.head_hash)
            return None

    def check_item(self, conn: Connection, key: ReviewKey, sha256: str,
                   rows: Sequence[tuple[str, Mapping[str, Any]]]) -> list[str]:
        """Reasons not to rely on ``rows`` (all rows about ``sha256``, read in ``conn``)."""
        problem = self.catch_up(conn, key)
        if problem:
            return [f"the review records fail verification ({problem}); run `preclear audit verify`"]
        reasons = []
        for table, row in rows:
            bad = row_problem(table, row, key)
            if bad:
                reasons.append(f"the record {table} seq {row['seq']} about this item fails verification: {bad}")
        with self._lock:
            known = self.seqs_of.get(sha256, set())
        missing = sorted(known - {int(row["seq"]) for _, row in rows})
        if missing:
            reasons.append(f"record(s) seq {', '.join(map(str, missing))} about this item were deleted")
        return reasons


def _unchanged(conn: Connection, head_seq: int, head_hash: str) -> bool:
    """True when the head is still there, unchanged, and nothing was added
    after it: one query, the usual case for a gate call."""
    query = union_all(*(select(t.c.seq, t.c.row_hash).where(t.c.seq >= head_seq) for t in schema.LEDGER_TABLES))
    return [tuple(row) for row in conn.execute(query)] == [(head_seq, head_hash)]


def _rows_from(conn: Connection, table: Table, from_seq: int) -> Iterator[tuple[str, dict[str, Any]]]:
    query = select(table).where(table.c.seq >= from_seq).order_by(table.c.seq)
    for row in conn.execute(query).mappings():
        yield table.name, dict(row)
