"""Detection in one part: every detector (``scanner.detectors``) on the
part's normalised text, in order; the automaton pass they share runs once.

Everything returned is in the part's ORIGINAL coordinates.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .detectors import HintBudget, PartText, Signal
from .types import Part

if TYPE_CHECKING:
    from .engine import Engine

__all__ = ["HINT_CAP", "HintBudget", "Signal", "detect"]

# A bought sensitive-word list (tens of thousands of ordinary words, level
# 提示) can hit every few characters.  A scan lists at most this many 提示
# hits of one lexicon per item and counts the rest on the last one listed,
# so thousands of hits cost counting, not findings, jieba windows and JSON.
# Redaction (``find_in_text``) still gets every occurrence.
HINT_CAP = 50


def detect(engine: Engine, part: Part, hint_cap: int | None = None,
           hints: HintBudget | None = None) -> tuple[list[Signal], list[str]]:
    """Signals found in ``part`` and, for --explain, why other hits were
    dropped.  ``hint_cap`` (at least 1): list at most this many 提示-level
    hits of one lexicon (the rest are counted in the last one's
    ``details["more"]``: every later hit of that lexicon in the walk's order,
    confirmed or not); in this part, or with ``hints`` in all the parts
    detected with it, which then holds the counts (``HintBudget.note``)."""
    text = PartText(engine, part, hint_cap, hints)
    signals = [signal for detector in engine.detectors for signal in detector.find(text)]
    return signals, text.dropped
