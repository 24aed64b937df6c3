"""scan_item: the only place the stages are composed.

read -> extract -> (per part) detect -> score -> gate.  Per-item errors
become findings; nothing here raises for a bad input.  The members a
container's extractor yields (archive members, objects embedded in
DOCX/PPTX/XLSX) are scanned recursively as their own items and the container
takes the worst verdict of its members.
"""
from __future__ import annotations

import hashlib
import os
import time
import weakref
from collections.abc import Iterator

from .cache import ExtractCache
from .detect import HINT_CAP, HintBudget, Signal, detect
from .engine import Engine
from .errors import ItemError, LimitExceeded
from .extract import extract, members, unreadable
from .extract.decode import readable_name
from .extract.ocr import CROPS_PER_ITEM, PictureReader, placed_on_picture
from .gate import verdict as gate_verdict
from .lang import Text
from .levels import HINT_LEVEL
from .score import aggregate, from_notice, from_signal, item_score
from .types import (
    CellGrid,
    Document,
    Extraction,
    Finding,
    Item,
    ItemResult,
    Member,
    Notice,
    Part,
    Verdict,
)


def find_in_text(engine: Engine, text: str, part: str = "body", item: str = "",
                 tables: tuple[CellGrid, ...] = ()) -> list[Finding]:
    """Findings in one piece of text, spans into ``text`` (redaction, previews);
    ``tables``: the grid of its tables whose cells are one per line (``Part.tables``)."""
    signals, _ = detect(engine, Part(part, text, tables=tables))
    return [from_signal(item, s, text) for s in signals]


def read_item_bytes(item: Item, max_bytes: int) -> bytes:
    """The item's bytes, refusing files over the size limit before reading them."""
    if item.data is not None:
        if len(item.data) > max_bytes:
            raise LimitExceeded("max_item_bytes", f"{len(item.data)} bytes > {max_bytes}")
        return item.data
    assert item.source is not None
    try:
        with open(item.source, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > max_bytes:
                raise LimitExceeded("max_item_bytes", f"{size} bytes > {max_bytes}")
            data = fh.read(size + 1)  # not max_bytes + 1: that buffer would be allocated whole
    except OSError as exc:
        raise ItemError("read", exc.strerror or str(exc)) from exc
    if len(data) > max_bytes:
        raise LimitExceeded("max_item_bytes", f"more than {max_bytes} bytes")
    return data


def problem_result(item: Item, notice: Notice, data: bytes | None = None, fmt: str = "unknown") -> ItemResult:
    """The result of an item that could not be scanned: ``review``, with the
    one finding ``notice`` says (what could not be read, and why), never
    ``clear``.  For the drivers too, when an item times out or its worker
    dies, so a lost item reads the same whichever driver lost it."""
    finding = from_notice(item.path, notice)
    return ItemResult(
        item=item.path, sha256=hashlib.sha256(data).hexdigest() if data is not None else None,
        size=len(data) if data is not None else None, format=fmt, verdict=Verdict.REVIEW,
        score=finding.score, findings=(finding,), errors=(notice.reason,), extraction=Extraction.FAILED,
        parent=_parent(item.path))


def _parent(path: str) -> str | None:
    return path.rsplit("!", 1)[0] if "!" in path else None


def internal_error(exc: Exception) -> str:
    """The reason of an item a stage failed on with a bug of ours (``unreadable.internal``):
    the item fails closed and the drivers go on with the next."""
    return f"internal error: {type(exc).__name__}: {exc}"


def scan_item(engine: Engine, item: Item, cache: ExtractCache | None = None) -> list[ItemResult]:
    """Scan one item; returns its result first, then its archive members' (in path order).
    ``cache`` (folder scans) answers extraction for bytes read before: a re-scan after a
    lexicon update skips it."""
    try:
        return _scan_item(engine, item, cache)
    except MemoryError:  # the worker's memory cap (scanner.budget) stopped the item
        pass  # the result is built after the except block, once its traceback has let the item's memory go
    limit = engine.config.limits.max_item_memory
    return [problem_result(item, unreadable(
        f"limit max_item_memory exceeded: the item needed more than {limit} bytes of memory",
        rule="unreadable.limit", limit="max_item_memory"))]


def _scan_item(engine: Engine, item: Item, cache: ExtractCache | None) -> list[ItemResult]:
    started = time.perf_counter()
    limits = engine.config.limits
    if item.problem is not None:
        return [problem_result(item, item.problem)]
    try:
        data = read_item_bytes(item, limits.max_item_bytes)
    except LimitExceeded as exc:
        return [problem_result(item, unreadable(str(exc), rule="unreadable.limit", limit=exc.limit))]
    except ItemError as exc:
        return [problem_result(item, unreadable(f"cannot read file: {exc.reason}", rule="unreadable.file"))]

    convert = engine.config.convert
    ocr = PictureReader(deadline=time.monotonic() + limits.item_timeout - (time.perf_counter() - started),
                        cache_dir=cache.root.parent / "ocr" if cache is not None else None)
    doc = (cache.extract(data, item.path, limits, convert, ocr) if cache is not None
           else extract(data, item.path, limits, convert, ocr))
    notices = list(doc.notices)
    children: list[ItemResult] = []
    inside = members(data, item.path, doc.format, limits)
    if inside is not None:
        if item.depth >= limits.max_depth:
            notices.append(unreadable(Text(f"limit max_depth exceeded: archive nested deeper than {limits.max_depth}",
                                           f"超出限制 max_depth：压缩包嵌套超过 {limits.max_depth} 层"),
                                      rule="unreadable.limit", limit="max_depth"))
        else:
            children, archive_notices = _scan_members(engine, item, inside, cache)
            notices += archive_notices

    findings: list[Finding] = []
    dropped: list[str] = []
    per_part: list[list[Signal]] = []
    parts = (*doc.parts, *_name_parts(item))
    hints = HintBudget()  # the item lists HINT_CAP 提示 hits of a lexicon, whatever its number of parts
    for part in parts:
        signals, why = (_folder_signals(engine, part, hints) if part.name == FOLDER_PART else
                        detect(engine, part, hint_cap=HINT_CAP, hints=hints))
        per_part.append(signals)
        dropped += why
    dropped += _drop_layout_twins(parts, per_part)
    hints.note(per_part)
    crops = CROPS_PER_ITEM
    for part, signals in zip(parts, per_part):
        found = [from_signal(item.path, s, part.text) for s in signals]
        if part.boxes:  # read by OCR: say where on the picture, how sure, and show the place
            found, crops = placed_on_picture(part, found, crops)
        findings += found
    findings += [from_notice(item.path, n) for n in notices]
    agg = aggregate(item.path, findings, engine.config.scoring)
    if agg is not None:
        findings.append(agg)
    findings.sort(key=lambda f: (f.part, f.start if f.start is not None else -1, f.rule))

    extraction = Document(doc.format, doc.parts, tuple(notices), doc.failed_parts).extraction
    verdict = gate_verdict(findings, extraction)
    own_direct = [r for r in children if r.parent == item.path]
    if own_direct:
        verdict = Verdict.worst([verdict, *(r.verdict for r in own_direct)])
    score = max([item_score(findings), *(r.score for r in own_direct)])
    result = ItemResult(
        item=item.path, sha256=hashlib.sha256(data).hexdigest(), size=len(data), format=doc.format,
        verdict=verdict, score=score, findings=tuple(findings),
        errors=tuple(n.reason for n in notices if n.category == "unreadable"),
        extraction=extraction, failed_parts=doc.failed_parts, parent=_parent(item.path), notes=doc.notes,
        dropped=tuple(dropped) if engine.config.explain else (),
        stats=(("seconds", time.perf_counter() - started),),
    )
    return [result, *children]


LAYOUT_SUFFIX = ":layout"
NAME_PART = "file-name"


FOLDER_PART = "folder-name"


_FOLDER_MEMO: weakref.WeakKeyDictionary[Engine, dict[str, tuple[list[Signal], list[str]]]] = \
    weakref.WeakKeyDictionary()
_FOLDER_MEMO_SIZE = 512


def _folder_signals(engine: Engine, part: Part, hints: HintBudget) -> tuple[list[Signal], list[str]]:
    """``detect`` of a folder-name part, once per folder in a worker: every
    file of a folder has the same one, and a folder of many small files
    would pay it for each.  A reading with a 提示 hit is read again with the
    item's hint budget, which decides how it is listed, and not kept."""
    memo = _FOLDER_MEMO.setdefault(engine, {})
    known = memo.get(part.text)
    if known is not None:
        return list(known[0]), list(known[1])
    signals, why = detect(engine, part, hint_cap=HINT_CAP, hints=HintBudget())
    if any(s.level == HINT_LEVEL for s in signals):
        return detect(engine, part, hint_cap=HINT_CAP, hints=hints)
    if len(memo) >= _FOLDER_MEMO_SIZE:
        memo.clear()
    memo[part.text] = (list(signals), list(why))
    return signals, why


def _name_parts(item: Item) -> tuple[Part, ...]:
    """The names the item is published under, scanned like its text (a file
    named 机密★5年.txt): its file name, or for a member of an archive or a
    package its path inside it (folders in a ZIP are published too); and for
    a file found under a scanned folder, the folders between that root and
    it (``机密★5年/通知.txt``: they are published with it, as a ZIP's are),
    a part of their own so the file name's spans stay as they were.  The
    root itself and what is above it are the user's own place, not checked.
    A name whose bytes are GBK is checked as it reads (``readable_name``)."""
    if item.depth:
        return (Part(NAME_PART, item.member),)
    name = Part(NAME_PART, readable_name(os.path.basename(item.path)))
    return (name, Part(FOLDER_PART, readable_name(item.folder))) if item.folder else (name,)


def _twin_key(signal: Signal) -> tuple[str, str, str | None, str]:
    """A mark is the same mark whatever the ★'s place, the line breaks in it
    (a form's 密级 | 机密 cells: 密级 机密 on one line in the stream, a cell
    a line in the layout) and the rule that read it."""
    if signal.category == "mark":
        return signal.category, "", signal.level, _unspaced(signal.matched).replace("★", "")
    return signal.category, signal.rule, signal.level, signal.matched


def _unspaced(text: str) -> str:
    return "".join(text.split())


def _drop_layout_twins(parts: tuple[Part, ...], per_part: list[list[Signal]]) -> list[str]:
    """``page:N:layout`` is page N again, in reading order (scanner.extract.
    pdf_layout): what both parts show is one finding, the stream's, so a
    page reports as it did without the layout part; except a mark the
    stream reads out of order, which keeps the layout's reading (秘密★一年
    rather than 秘密 一年 ★).  ``per_part`` (signals by part) is edited in
    place; returns the twins dropped, described as --explain lists them."""
    index = {part.name: i for i, part in reversed(list(enumerate(parts)))}
    dropped: list[str] = []
    for li, part in enumerate(parts):
        si = index.get(part.name[:-len(LAYOUT_SUFFIX)]) if part.name.endswith(LAYOUT_SUFFIX) else None
        if si is None:
            continue
        stream = per_part[si]
        unpaired = list(range(len(stream)))
        dropped_stream: set[int] = set()
        kept_layout = []
        for signal in per_part[li]:
            key = _twin_key(signal)
            twin = next((i for i in unpaired if _twin_key(stream[i]) == key), None)
            if twin is None:
                kept_layout.append(signal)
                continue
            unpaired.remove(twin)
            if _unspaced(signal.matched) != _unspaced(stream[twin].matched):  # a mark the stream reads out of order
                dropped_stream.add(twin)
                kept_layout.append(signal)
                gone, kept = stream[twin], part.name
            else:
                gone, kept = signal, parts[si].name
            dropped.append(f"{gone.part}:{gone.start}-{gone.end} {gone.matched!r}: layout twin of the finding in {kept}")
        per_part[si] = [s for i, s in enumerate(stream) if i not in dropped_stream]
        per_part[li] = kept_layout
    return dropped


def _scan_members(engine: Engine, item: Item, inside: Iterator[Member],
                  cache: ExtractCache | None) -> tuple[list[ItemResult], list[Notice]]:
    """Scan every member (of an archive, or an object embedded in an Office
    package) as its own item; container-wide limits become notices."""
    results: list[ItemResult] = []
    notices: list[Notice] = []
    try:
        for member in inside:
            child = Item(path=f"{item.path}!{member.name}", data=member.data, depth=item.depth + 1, member=member.name,
                         problem=member.problem)
            results += scan_item(engine, child, cache)
    except LimitExceeded as exc:
        notices.append(unreadable(str(exc), rule="unreadable.limit", limit=exc.limit))
    except ItemError as exc:
        notices.append(unreadable(f"archive: {exc.reason}"))
    results.sort(key=lambda r: r.item.split("!"))
    return results, notices

