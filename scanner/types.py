"""The data that flows between stages and across process boundaries.

Everything here is a frozen, picklable dataclass (or an enum) so that a
result computed in a pool worker or on a Dask worker is the same object the
main process writes to a sink.  ``ItemResult.to_dict`` is the JSONL contract
(../shared/CONTRACTS.md); change it only together with the tests that pin it.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from .lang import DEFAULT_LANG, in_lang


class Verdict(str, enum.Enum):
    """What the gate says about an item; ordered clear < review < block."""

    CLEAR = "clear"
    REVIEW = "review"
    BLOCK = "block"

    @property
    def rank(self) -> int:
        return _VERDICT_RANK[self]

    @staticmethod
    def worst(verdicts: list[Verdict] | tuple[Verdict, ...]) -> Verdict:
        return max(verdicts, key=lambda v: v.rank, default=Verdict.CLEAR)


_VERDICT_RANK = {Verdict.CLEAR: 0, Verdict.REVIEW: 1, Verdict.BLOCK: 2}


class Severity(str, enum.Enum):
    """What a single finding asks of the gate; ``hint`` only adds to the score."""

    HINT = "hint"
    REVIEW = "review"
    BLOCK = "block"


class Extraction(str, enum.Enum):
    """How much of an item could be read. Only ``full`` items can be clear."""

    FULL = "full"
    PARTIAL = "partial"
    FAILED = "failed"


# one table of a part whose cells are one per line: its rows, each cell as (its first
# column in the table's grid, the columns it spans, start, end in the part's text,
# whether it continues the cell above it, merged down: Word's w:vMerge)
CellGrid = tuple[tuple[tuple[int, int, int, int, bool], ...], ...]


@dataclass(frozen=True)
class Box:
    """Where ``text[start:end]`` of an OCR part sits on its picture: pixels
    (x0, y0, x1, y1) and the recogniser's confidence."""

    start: int
    end: int
    x0: int
    y0: int
    x1: int
    y1: int
    confidence: float


@dataclass(frozen=True)
class Picture:
    """The picture an OCR part was read from, kept small for the crops shown
    to reviewers (HTML report, desk): a grey JPEG and the factor its pixels
    are of the boxes' (``scale`` < 1 when it was reduced)."""

    jpeg: bytes
    scale: float


@dataclass(frozen=True)
class Part:
    """One extracted piece of an item: a locator (``body``, ``header``,
    ``page:3``, ``sheet:工资表``, ``word/media/image2.png``) and its original,
    un-normalised text; text read from a picture keeps its lines' boxes and
    the picture, reduced, for crops.  ``tables``: where a part's text holds
    tables with one cell per line (a Word table's), their grid: for each
    table its rows, each row its cells as ``(grid column, columns spanned,
    start, end, merged with the cell above)``, spans of ``text``."""

    name: str
    text: str
    boxes: tuple[Box, ...] = ()
    picture: Picture | None = field(default=None, compare=False, repr=False)
    tables: tuple[CellGrid, ...] = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class Notice:
    """A finding an extractor raises without a text span: a part that could
    not be read (``category='unreadable'``), or the mere presence of comments,
    tracked changes, hidden sheets (``hidden`` / ``metadata``)."""

    rule: str
    category: str
    part: str
    reason: str
    severity: Severity = Severity.REVIEW
    basis: str = ""
    details: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class Member:
    """An archive member yielded (one at a time) by an archive reader; it
    becomes its own item (``outer.zip!dir/name``)."""

    name: str
    data: bytes = b""
    # set when the member itself could not be read (encrypted, over a limit)
    problem: Notice | None = None


@dataclass(frozen=True)
class Document:
    """What an extractor returns for one item."""

    format: str
    parts: tuple[Part, ...] = ()
    notices: tuple[Notice, ...] = ()
    failed_parts: tuple[str, ...] = ()
    # how the text was obtained, for the reviewer; never a finding (``notes`` in JSONL)
    notes: tuple[str, ...] = ()

    @property
    def extraction(self) -> Extraction:
        unreadable = any(n.category == "unreadable" for n in self.notices)
        if not unreadable and not self.failed_parts:
            return Extraction.FULL
        if self.parts:
            return Extraction.PARTIAL
        return Extraction.FAILED


@dataclass(frozen=True)
class Item:
    """One thing to scan. ``path`` is the logical name reported to users
    (relative to the root it was found under, ``a.zip!b/c.docx`` for members).
    Exactly one of ``source`` (a file to read) or ``data`` (bytes in hand) is
    set, so that workers read files themselves and the main process never
    holds a batch's bytes."""

    path: str
    source: str | None = None
    data: bytes | None = None
    depth: int = 0
    # a finding the walker already knows (unreadable file, symlink outside root)
    problem: Notice | None = None
    # a member's name inside its container (its path may hold "!" of its own)
    member: str = ""
    # the folders between the scanned root and a file found under it, in
    # display form ("2026/机密★5年"): published with it, so its names are checked too
    folder: str = ""


def one_line(text: str) -> str:
    """Text as a finding's context shows it, on one line: its line breaks as
    spaces (a form's 密级 and 机密 cells, a finding over two lines, read 密级 机密)."""
    return text.replace("\r", " ").replace("\n", " ")


@dataclass(frozen=True)
class Finding:
    rule: str
    category: str
    level: str | None
    part: str
    start: int | None
    end: int | None
    text: str
    context: str
    reason: str
    basis: str
    severity: Severity
    score: float
    fingerprint: str
    details: tuple[tuple[str, Any], ...] = ()
    explanation: tuple[str, ...] = ()
    # a finding read by OCR: the region of the picture it came from, a base64 PNG (scanner.extract.
    # ocr.crop); shown in the HTML report and the desk, never in JSONL (``to_dict(crops=True)`` only)
    crop: str = field(default="", compare=False, repr=False)

    def to_dict(self, explain: bool = False, lang: str = DEFAULT_LANG, crops: bool = False) -> dict[str, Any]:
        """The JSONL form; ``reason`` and ``basis`` in ``lang`` (zh or en);
        with ``crops`` (the review store) also the picture crop."""
        out: dict[str, Any] = {
            "rule": self.rule,
            "category": self.category,
            "level": self.level,
            "part": self.part,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "context": self.context,
            "reason": in_lang(self.reason, lang),
            "basis": in_lang(self.basis, lang),
            "severity": self.severity.value,
            "score": self.score,
            "fingerprint": self.fingerprint,
        }
        if self.details:
            out["details"] = dict(self.details)
        if explain and self.explanation:
            out["explanation"] = list(self.explanation)
        if crops and self.crop:
            out["crop"] = self.crop
        return out


@dataclass(frozen=True)
class ItemResult:
    """The only thing that crosses a process boundary or reaches a sink."""

    item: str
    sha256: str | None
    size: int | None
    format: str
    verdict: Verdict
    score: float
    findings: tuple[Finding, ...]
    errors: tuple[str, ...] = ()
    extraction: Extraction = Extraction.FULL
    failed_parts: tuple[str, ...] = ()
    parent: str | None = None
    notes: tuple[str, ...] = ()
    # findings that were considered and dropped, kept only with --explain
    dropped: tuple[str, ...] = ()
    stats: tuple[tuple[str, float], ...] = field(default=(), compare=False)

    def to_dict(self, explain: bool = False, lang: str = DEFAULT_LANG, crops: bool = False) -> dict[str, Any]:
        """The JSONL form; reasons, bases and errors in ``lang`` (zh or en);
        ``crops`` keeps OCR findings' picture crops (the review store only)."""
        out: dict[str, Any] = {
            "item": self.item,
            "sha256": self.sha256,
            "size": self.size,
            "format": self.format,
            "verdict": self.verdict.value,
            "score": self.score,
            "findings": [f.to_dict(explain, lang, crops) for f in self.findings],
            "errors": [in_lang(e, lang) for e in self.errors],
            "extraction": self.extraction.value,
        }
        if self.failed_parts:
            out["failed_parts"] = list(self.failed_parts)
        if self.parent is not None:
            out["parent"] = self.parent
        if self.notes:
            out["notes"] = list(self.notes)
        if explain and self.dropped:
            out["dropped"] = list(self.dropped)
        return out

    @staticmethod
    def from_dict(data: dict[str, Any]) -> ItemResult:
        """Rebuild a result from its JSON form (review store, report tools)."""
        findings = tuple(
            Finding(
                rule=f["rule"], category=f["category"], level=f.get("level"),
                part=f["part"], start=f.get("start"), end=f.get("end"),
                text=f.get("text", ""), context=f.get("context", ""),
                reason=f.get("reason", ""), basis=f.get("basis", ""),
                severity=Severity(f.get("severity", "review")),
                score=float(f.get("score", 0.0)),
                fingerprint=f.get("fingerprint", ""),
                details=tuple(sorted((f.get("details") or {}).items())),
                explanation=tuple(f.get("explanation", ())),
                crop=str(f.get("crop") or ""),
            )
            for f in data.get("findings", ())
        )
        return ItemResult(
            item=data["item"], sha256=data.get("sha256"), size=data.get("size"),
            format=data.get("format", "unknown"), verdict=Verdict(data["verdict"]),
            score=float(data.get("score", 0.0)), findings=findings,
            errors=tuple(data.get("errors", ())),
            extraction=Extraction(data.get("extraction", "full")),
            failed_parts=tuple(data.get("failed_parts", ())),
            parent=data.get("parent"), notes=tuple(data.get("notes", ())), dropped=tuple(data.get("dropped", ())),
        )


@dataclass(frozen=True)
class ReviewRecord:
    """What the review store knows about one item's bytes, for reports
    (the DOCX review form, SARIF suppressions)."""

    sha256: str
    status: str                      # submitted, reviewed, approved, rejected, needs-changes
    submitter: str | None = None
    submitted_at: str | None = None  # ISO 8601, UTC
    # (decision, opinion, reviewer, ISO time), oldest first
    decisions: tuple[tuple[str, str, str, str], ...] = ()
    approved_by: str | None = None
    approved_at: str | None = None
    approval_opinion: str | None = None  # the leader's written opinion (分管领导审批意见), if given
