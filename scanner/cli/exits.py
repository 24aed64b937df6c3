"""Exit statuses, defined once for every command, so CI and git hooks read
``preclear scan`` and ``preclear hook scan`` (and the review commands) alike.

Verdict commands (scan, hook scan): 0 nothing that fails the run, 1 a
``review`` that fails it and no ``block``, 2 a ``block``.  Answer commands
(gate, the review workflow, audit verify, redact): 0 done or allowed, 1
refused.  Every command: 3 the tool itself failed, one line on stderr.
"""
from __future__ import annotations

from ..types import Verdict

EXIT_CLEAR = 0
EXIT_REVIEW = 1
EXIT_BLOCK = 2
EXIT_TOOL = 3
# the answer commands' names for the same numbers
EXIT_OK = EXIT_CLEAR
EXIT_REFUSED = EXIT_REVIEW


def verdict_status(worst: Verdict, fail_on_review: bool) -> int:
    """The exit status of a run whose worst verdict is ``worst``: a block
    always fails (2); a review fails (1) only when asked to."""
    if worst is Verdict.BLOCK:
        return EXIT_BLOCK
    if worst is Verdict.REVIEW and fail_on_review:
        return EXIT_REVIEW
    return EXIT_CLEAR
