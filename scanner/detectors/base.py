"""What a detector is, what it is given and what it returns.

A detector looks at one part's normalised text (``PartText``) and returns
``Signal`` s: confirmed detections, in the part's ORIGINAL coordinates,
before scoring.  It declares every rule it may emit (``rules``), so the rule
catalogue, SARIF's rule table and the tests know them before a scan runs.
"""
from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, NamedTuple, Protocol

import numpy as np

from ..lang import Text, join
from ..levels import HINT_LEVEL, severity_of
from ..match.automaton import Matcher
from ..match.hits import PatternTable
from ..normalize import NormText, normalize
from ..rulebook import Rule
from ..types import Part, Severity
from ..validate.segment import WordBoundaries


@dataclass(frozen=True)
class Signal:
    """A confirmed detection in one part, before scoring."""

    rule: str
    category: str
    level: str | None
    severity: Severity
    part: str
    start: int
    end: int
    matched: str  # the normalised text that matched (for fingerprints)
    reason: str
    basis: str
    scope: str = ""  # basic-scope category of a lexicon entry (国防, 外交 ...)
    details: dict[str, Any] = field(default_factory=dict)
    explanation: tuple[str, ...] = ()


class Hits(NamedTuple):
    """The engine automaton's hits in one part's normalised text: one row per
    pattern of each hit, in the order detection considers them (by start,
    longer first, then pattern number; ``scanner.match.hits.PatternTable.ordered``)."""

    starts: np.ndarray
    ends: np.ndarray
    pids: np.ndarray


class Tables(Protocol):
    """What detectors use of the engine (``scanner.engine.Engine``, which
    loads the detectors, is one): declared here so the detector API does not
    import the engine that imports it."""

    @property
    def table(self) -> PatternTable:
        """The lexicons' and mark anchors' patterns, by automaton key."""

    @property
    def matcher(self) -> Matcher:
        """The automaton over every pattern key."""

    @property
    def words(self) -> WordBoundaries:
        """Word boundaries for short terms."""


class HintBudget:
    """How many 提示 hits of each lexicon are listed so far and how many
    more were only counted: one part's (``detect`` alone), or a whole
    item's, its parts detected in turn (the pipeline), so that a PDF lists
    its first ``HINT_CAP`` hits of a bought word list, not that many on
    every page, and confirms no more than that."""

    def __init__(self) -> None:
        self.listed: dict[str, int] = {}
        self.more: dict[str, int] = {}

    def count(self, lexicon: str, hits: int) -> None:
        if hits:
            self.more[lexicon] = self.more.get(lexicon, 0) + hits

    def note(self, per_part: list[list[Signal]], item: bool = True) -> None:
        """Put each capped lexicon's count on its last listed 提示 signal
        (``per_part``: the signals of each part, edited in place)."""
        for lexicon, extra in self.more.items():
            where = next(((signals, at) for signals in reversed(per_part) for at in range(len(signals) - 1, -1, -1)
                          if signals[at].level == HINT_LEVEL and signals[at].details.get("lexicon") == lexicon), None)
            if where is None:  # its last listed hit was dropped since (a layout twin): nothing to carry the count
                continue
            signals, at = where
            scope = Text(f"{extra} more 提示 hits of lexicon {lexicon} in this {'item' if item else 'part'} not listed",
                         f"本{'项目' if item else '部分'}另有词库 {lexicon} 的 {extra} 处“提示”级命中未列出")
            signals[at] = replace(signals[at], reason=join([signals[at].reason, scope]),
                                  details={**signals[at].details, "more": extra})


class PartText:
    """One part's normalised text, what every detector looks at, with what
    they share: the engine, the automaton's hits (found once, on first use),
    and the list of hits dropped and why (for ``--explain``)."""

    def __init__(self, engine: Tables, part: Part, hint_cap: int | None = None,
                 hints: HintBudget | None = None) -> None:
        self.engine = engine
        self.part = part.name
        self.original = part.text
        self.tables = part.tables  # a Word table's grid, where its cells are one per line
        self.norm: NormText = normalize(part.text)
        self.text = self.norm.text
        # list at most this many 提示-level hits of one lexicon (None: every one), in this
        # part or, with ``hints`` (the item's count so far), in the whole item
        self.hint_cap = hint_cap
        self.hints = hints
        self._dropped: list[tuple[int, int, str]] = []

    @cached_property
    def utf8(self) -> bytes:
        """The normalised text in UTF-8 (lone surrogates kept), encoded once
        for the automaton and the personal-data pass, which both scan bytes."""
        return self.text.encode("utf-8", "surrogatepass")

    @cached_property
    def hits(self) -> Hits:
        table = self.engine.table
        return Hits(*table.ordered(*self.engine.matcher.find_arrays(self.text, self.utf8)))

    def drop(self, start: int, end: int, why: str, row: int = -1) -> None:
        """Say why the normalised span ``[start, end)`` is not a signal; ``row``
        is the automaton hit it was read at (its row in ``hits``), if any."""
        os_, oe = self.norm.to_original(start, end)
        self._dropped.append((row if row >= 0 else sys.maxsize, len(self._dropped),
                              f"{self.part}:{os_}-{oe} {self.original[os_:oe]!r}: {why}"))

    @property
    def dropped(self) -> list[str]:
        """What was dropped and why, in the order of the hits it was read at."""
        return [why for _, _, why in sorted(self._dropped)]

    def signal(self, rule: str, category: str, level: str | None, start: int, end: int, reason: str, basis: str,
               *, severity: Severity | None = None, scope: str = "", details: dict[str, Any] | None = None,
               explanation: tuple[str, ...] = ()) -> Signal:
        """A Signal for the normalised span ``[start, end)``, mapped back to the
        original text.  Its severity is the level's unless given."""
        if severity is None:
            if level is None:
                raise ValueError(f"signal of rule {rule} needs a level or a severity")
            severity = severity_of(level)
        os_, oe = self.norm.to_original(start, end)
        return Signal(rule, category, level, severity, self.part, os_, oe, self.text[start:end], reason, basis,
                      scope=scope, details=details or {}, explanation=explanation)


class Detector(Protocol):
    """One kind of signal.  ``id`` is stable (it names the detector in errors
    and in the entry-point group ``preclear.detectors``); ``rules`` are every
    rule ``find`` may emit, with reasons and legal basis in both languages."""

    @property
    def id(self) -> str:
        """The detector's stable id."""

    @property
    def rules(self) -> tuple[Rule, ...]:
        """Every rule ``find`` may emit (``lexicon`` stands for ``lexicon.<name>``)."""

    def find(self, text: PartText) -> Iterable[Signal]:
        """The signals in one part's normalised text, in the part's original coordinates."""
