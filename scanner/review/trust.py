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
from collections.abc import Mapping, Sequence
from typing import Any

from .chain import GENESIS, ChainProblem, row_problem, verify_rows
from .keys import ReviewKey
from .ledger import LEDGER, Reads


class ChainWatch:
    """The verified head of one store, shared by the threads of a process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        self.head: tuple[int, str] = (0, GENESIS)
        self.seqs_of: dict[str, set[int]] = {}

    def catch_up(self, reads: Reads, key: ReviewKey) -> ChainProblem | None:
        """Verify the rows added since the last call; the first problem, or None."""
        with self._lock:
            head_seq, head_hash = self.head
            if head_seq and _unchanged(reads, head_seq, head_hash):
                return None
            rows = list(heapq.merge(*([(t, row) for row in reads.rows(t, from_seq=head_seq)] for t in LEDGER),
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

    def check_item(self, reads: Reads, key: ReviewKey, sha256: str,
                   rows: Sequence[tuple[str, Mapping[str, Any]]]) -> list[str]:
        """Reasons not to rely on ``rows`` (all rows about ``sha256``, read by ``reads``)."""
        problem = self.catch_up(reads, key)
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


def _unchanged(reads: Reads, head_seq: int, head_hash: str) -> bool:
    """True when the head is still there, unchanged, and nothing was added
    after it: one query, the usual case for a gate call."""
    return reads.seq_hashes(head_seq) == [(head_seq, head_hash)]
