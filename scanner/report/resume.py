"""``preclear scan --resume``: continue a JSONL report from its ``.part``.

A scan writing ``-o FILE`` writes ``FILE.part`` and renames it at the end,
so an interrupted scan leaves the ``.part`` with the items written so far.
Each walk item's lines start with its own result (``parent`` null) and go
on with its archive members'; the last group in the file may be cut short,
so it is dropped and scanned again, and every group before it is kept.  The
walk is in a fixed order, so the kept groups are the first walk items: they
are skipped (not read, not scanned) after checking that each is the same
path as before, and their results still count in the summary and the exit
status.  The result is byte for byte the report of an uninterrupted run.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import BinaryIO, Iterable, Iterator

from ..errors import ConfigError, ToolError
from ..types import Item, ItemResult


@dataclass(frozen=True)
class Resumed:
    results: tuple[ItemResult, ...]  # the kept results, in report order
    paths: tuple[str, ...]           # the walk item of each kept group
    keep: int                        # bytes of the .part that stay

    def skip(self, items: Iterable[Item]) -> Iterator[Item]:
        """The walk without the items already in the report."""
        walk = iter(items)
        for number, path in enumerate(self.paths, 1):
            item = next(walk, None)
            if item is None or item.path != path:
                now = "nothing" if item is None else repr(item.path)
                raise ConfigError(f"--resume: the input changed since the interrupted scan: item {number} was "
                                  f"{path!r}, is now {now}; remove the .part file to start over")
        yield from walk


def check(fmt: str, output: str | None, run_record: bool = False) -> None:
    if fmt != "jsonl" or output is None:
        raise ConfigError("--resume continues a JSONL report: use it with --format jsonl and --output FILE")
    if run_record:
        raise ConfigError("--resume continues a report of items only: leave out --run-record")


def read_part(path: str) -> Resumed:
    """What an interrupted scan left in ``path`` (nothing if it does not exist)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        return Resumed((), (), 0)
    except OSError as exc:
        raise ToolError(f"--resume: cannot read {path}: {exc.strerror or exc}") from exc
    groups: list[tuple[int, list[ItemResult]]] = []  # (offset of the first line, results)
    offset = 0
    for line in data.splitlines(keepends=True):
        if not line.endswith(b"\n"):
            break  # cut off mid-line
        try:
            result = ItemResult.from_dict(json.loads(line))
        except (ValueError, KeyError, TypeError) as exc:
            raise ToolError(f"--resume: {path} is not a preclear JSONL report (at byte {offset}: {exc})") from exc
        if result.parent is None or not groups:
            groups.append((offset, []))
        groups[-1][1].append(result)
        offset += len(line)
    # the last group may be missing members written after it: scan it again
    keep = groups[-1][0] if groups else 0
    kept = groups[:-1]
    return Resumed(tuple(r for _, results in kept for r in results),
                   tuple(results[0].item for _, results in kept), keep)


def reopen(path: str, keep: int) -> BinaryIO:
    """The .part opened for appending after its first ``keep`` bytes."""
    fh = open(path, "r+b") if os.path.exists(path) else open(path, "wb")
    fh.truncate(keep)
    fh.seek(keep)
    return fh
