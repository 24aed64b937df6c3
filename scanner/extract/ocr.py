"""OCR: the text of pictures, for what text extraction cannot see.

A page scanned and pasted into a report, an image-only PDF page, a picture
file: their text reaches the matcher only through OCR.  ``PictureReader``
turns one picture into a part of its own (named after the picture:
``word/media/image2.png``, ``page:3:ocr``, ``image:2``) whose text is the
recognised lines, one per line, with each line's box and confidence kept in
``Part.boxes`` so a finding points at the place on the picture.

What is read, and what is not, is decided here and nowhere else:

- a cheap test (``may_hold_text``) skips pictures too small to hold a line
  of text and pictures with no text-like rows (logos, icons, flat shapes);
- a picture that may hold text but is not read (the ``ocr`` extra is not
  installed, the item's time limit has passed, the picture cannot be
  decoded, most of its lines were recognised with low confidence) is an
  ``unreadable.ocr-needed`` notice naming the picture: the item is never clear.
  Without the extra, every picture that passes the cheap test and is at
  least ``NO_OCR_MIN_SIDE`` each way is such a notice.

The recogniser is RapidOCR (``pip install 'preclear[ocr]'``): PP-OCRv6 models
inside its wheel, loaded from there by path so that nothing is ever
downloaded, imported only when a picture needs it.  Results are cached on
disk by the picture's sha256 and the recogniser's version.
"""
from __future__ import annotations

import hashlib
import io
import logging
import os
import pickle
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..budget import allowance
from ..lang import Text
from ..types import Box, Finding, Notice, Part, Picture
from .notices import unreadable

if TYPE_CHECKING:  # Pillow and numpy are imported when a picture is first read
    from PIL import Image

log = logging.getLogger(__name__)

# address space OCR's model runtime may take beyond the item's memory cap (scanner.budget)
OCR_MEMORY = 1 << 30

# a line of text needs about 12 px of height and a few characters of width
MIN_SIDE = 12
MIN_AREA = 12 * 48
# rows crossing this many ink/paper edges look like a line of characters
TEXT_ROW_EDGES = 12
# and a line of text is this many such rows high (after scaling to SCAN_SIDE)
TEXT_ROWS = 5
SCAN_SIDE = 1000
# without the extra: a picture with text-like rows at least this high and wide (two lines of
# 12 px text) goes to review.  Logos, icons and bands without text are already skipped by the
# row test (measured: emblems of 120-600 px, icons of 32-256 px, gradient bands; see tests and
# benchmarks/bench_ocr.py); a snippet holding one marked line is 60-100 px high, so no larger
# size can be let pass.
NO_OCR_MIN_SIDE = 32
# longest side of the picture text detection looks at (see RapidRecogniser)
DETECT_SIDE = 1280
# lines below this confidence are kept as text but are not trusted
LOW_CONFIDENCE = 0.6
# refuse to decode pictures with more pixels than this in all frames (a decompression bomb;
# an A4 page at 600 dpi is 35 million)
MAX_PIXELS = 60_000_000
MAX_FRAMES = 200
# the picture an OCR part keeps for crops: grey JPEG, its longest side at most this (a line of an
# A4 page stays legible in a crop), 100-200 KB for a noisy scanned page; for the first
# PICTURES_KEPT pictures of an item only (a 200-page scan keeps 32, ~5 MB)
PICTURE_SIDE = 1600
PICTURE_QUALITY = 75
PICTURES_KEPT = 32
# a finding's crop: its box with this margin (pixels of the kept picture), reduced to fit
# CROP_SIDE wide and CROP_SIDE / 3 high; at most CROPS_PER_ITEM per item (each a few KB)
CROP_MARGIN = 8
CROP_SIDE = 360
CROPS_PER_ITEM = 8
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".jpe", ".gif", ".bmp", ".tif", ".tiff", ".webp")
RULE = "unreadable.ocr-needed"  # the id PDF pages without a text layer always had


@dataclass(frozen=True)
class Line:
    """One recognised line: its text, its box on the picture (x0, y0, x1, y1,
    pixels) and the recogniser's confidence in [0, 1]."""

    text: str
    box: tuple[int, int, int, int]
    confidence: float


class Recogniser(Protocol):
    """What the OCR stage needs of an engine."""

    version: str

    def recognise(self, image: Image.Image) -> list[Line]:
        """The lines of text on the picture, top to bottom."""


class OcrFailed(RuntimeError):
    """The OCR runtime could not read a picture (out of memory, a model error)."""


class RapidRecogniser:
    """RapidOCR with the models shipped in its wheel, logging through ours;
    ``threads`` caps each ONNX Runtime session's intra-op threads (None:
    its default, a thread per core)."""

    def __init__(self, threads: int | None = None) -> None:
        import rapidocr
        from rapidocr import RapidOCR

        _quiet_rapidocr()
        models = Path(rapidocr.__file__).parent / "models"
        paths = {"Det": "PP-OCRv6_det_small.onnx", "Rec": "PP-OCRv6_rec_small.onnx",
                 "Cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx"}
        missing = [name for name in paths.values() if not (models / name).is_file()]
        if missing:  # a model_path left unset would make RapidOCR download it
            raise ImportError(f"rapidocr wheel without its models: {', '.join(missing)}")
        params: dict[str, object] = {f"{task}.model_path": str(models / name) for task, name in paths.items()}
        # every detected line comes back; LOW_CONFIDENCE decides what is trusted.  Detection
        # runs on the picture scaled to DETECT_SIDE at most (recognition reads the full-size
        # crops): 40 % less time on an A4 page at 150 dpi, 55 % at 300 dpi, same text read
        params.update({"Global.log_level": "warning", "Global.text_score": 0.0,
                       "Det.limit_type": "max", "Det.limit_side_len": DETECT_SIDE})
        if threads is not None:
            params.update({"EngineConfig.onnxruntime.intra_op_num_threads": threads,
                           "EngineConfig.onnxruntime.inter_op_num_threads": 1})
        self._engine = RapidOCR(params=params)
        self.version = f"rapidocr-{getattr(rapidocr, '__version__', '?')}-PP-OCRv6-small-det{DETECT_SIDE}"

    def recognise(self, image: Image.Image) -> list[Line]:
        import numpy as np

        try:
            out = self._engine(np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1]))
        except MemoryError:
            raise
        except Exception as exc:  # rapidocr wraps onnxruntime's failures in a bare Exception subclass
            raise OcrFailed(type(exc).__name__) from exc
        boxes, txts, scores = (getattr(out, key, None) for key in ("boxes", "txts", "scores"))
        if boxes is None or txts is None or scores is None:  # nothing detected
            return []
        lines = []
        for box, text, score in zip(boxes, txts, scores):
            xs, ys = [p[0] for p in box], [p[1] for p in box]
            lines.append(Line(str(text), (int(min(xs)), int(min(ys)), int(max(xs)), int(max(ys))),
                              round(float(score), 4)))
        return lines


def _quiet_rapidocr() -> None:
    """RapidOCR logs at INFO to its own stderr handler; hand its records to ours."""
    rlog = logging.getLogger("RapidOCR")
    for handler in list(rlog.handlers):
        rlog.removeHandler(handler)
    rlog.propagate = True
    rlog.setLevel(logging.WARNING)


# intra-op threads of this process's recogniser: None (every core) unless share_cores was called
_threads: list[int | None] = [None]

# Every recogniser built, by (process id, threads).  A process uses only its own: one inherited by
# fork has ONNX Runtime thread pools whose threads stayed in the parent, so a run in the child, and
# its destructor, wait for them forever (a pool forked after an OCR hung every worker).  Inherited
# ones are kept referenced for the same reason: dropping one would run that destructor.
_recognisers: dict[tuple[int, int | None], Recogniser | None] = {}


def share_cores(workers: int) -> None:
    """Give this process's OCR its share of the cores when ``workers``
    processes scan at once (a pool worker).  ONNX Runtime's default, a
    spinning thread per core in every session, makes N workers run N times
    as many threads as there are cores."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    _threads[0] = max(1, cores // max(1, workers))


def default_recogniser() -> Recogniser | None:
    """The installed recogniser, built once per process; None without the extra."""
    key = (os.getpid(), _threads[0])
    if key not in _recognisers:
        try:
            _recognisers[key] = RapidRecogniser(_threads[0])
        except ImportError as exc:
            log.info("OCR not available (%s): pictures that may hold text go to review", exc)
            _recognisers[key] = None
    return _recognisers[key]


def may_hold_text(image: Image.Image) -> tuple[bool, str]:
    """The cheap test: (whether OCR is worth running, why not when it is not).

    Rows of a line of characters cross many ink/paper edges; the outline of
    a logo or an icon crosses a few.  Measured on the test pictures: no
    picture with text was skipped."""
    import numpy as np
    from PIL import Image

    width, height = image.size
    if min(width, height) < MIN_SIDE or width * height < MIN_AREA:
        return False, f"too small to hold a line of text ({width}x{height} px)"
    gray = image.convert("L")
    scale = SCAN_SIDE / max(width, height)
    if scale < 1:
        gray = gray.resize((max(1, round(width * scale)), max(1, round(height * scale))), Image.Resampling.BILINEAR)
    pixels = np.asarray(gray, dtype=np.int16)
    # extremes, not percentiles: one short line on a full page is far less than 1 % ink
    lo, hi = int(pixels.min()), int(pixels.max())
    if hi - lo < 40:
        return False, "no contrast"
    ink = pixels < (lo + hi) / 2
    edges = np.count_nonzero(ink[:, 1:] != ink[:, :-1], axis=1)
    rows = int(np.count_nonzero(edges >= TEXT_ROW_EDGES))
    if rows < TEXT_ROWS:
        return False, "no text-like rows (a logo, an icon or a flat shape)"
    return True, ""


class PictureReader:
    """Reads the pictures of one item: parts for what was read, notices for
    what may hold text and was not.  ``deadline`` is the item's time limit
    (``time.monotonic()`` scale)."""

    def __init__(self, deadline: float, cache_dir: Path | None = None,
                 recogniser: Callable[[], Recogniser | None] = default_recogniser) -> None:
        self.deadline = deadline
        self.cache_dir = cache_dir
        self._make_recogniser = recogniser
        self._recogniser: Recogniser | None = None
        self._made = False
        self.kept = 0  # pictures kept for crops (PICTURES_KEPT)

    @staticmethod
    def for_item(item_timeout: float, cache_dir: Path | None = None) -> PictureReader:
        return PictureReader(time.monotonic() + item_timeout, cache_dir)

    @property
    def recogniser(self) -> Recogniser | None:
        """Built when the first picture needs it: most items hold none."""
        if not self._made:
            self._recogniser, self._made = self._make_recogniser(), True
        return self._recogniser

    def read_bytes(self, name: str, data: bytes) -> tuple[list[Part], list[Notice]]:
        """A picture file (every frame of a multi-page TIFF or an animated GIF),
        decoded one frame at a time."""
        from PIL import Image

        parts: list[Part] = []
        notices: list[Notice] = []
        digest = hashlib.sha256(data).hexdigest()
        index = 0
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(io.BytesIO(data)) as image:
                    count = getattr(image, "n_frames", 1)
                    for index, frame in enumerate(_frames(image), 1):
                        part_name = name if count == 1 else f"{name}:{index}"
                        got_parts, got_notices = self.read_image(part_name, frame, f"{digest}:{index}")
                        parts += got_parts
                        notices += got_notices
        except (OSError, SyntaxError, ValueError, TypeError, EOFError, Image.DecompressionBombError,
                Image.DecompressionBombWarning) as exc:
            where = name if index <= 1 else f"{name}:{index}"
            notices.append(_notice(where, "undecodable", Text(f"picture {where} could not be decoded: {exc}",
                                                           f"图片 {where} 无法解码：{exc}")))
        return parts, notices

    def read_image(self, name: str, image: Image.Image, key: str | None = None) -> tuple[list[Part], list[Notice]]:
        """One decoded picture; ``key`` names its content for the cache (the
        pixels' hash when not given)."""
        worth, why = may_hold_text(image)
        if not worth:
            log.debug("picture %s skipped: %s", name, why)
            return [], []
        try:
            with allowance(OCR_MEMORY):
                recogniser = self.recogniser
                if recogniser is None:
                    if min(image.size) < NO_OCR_MIN_SIDE:
                        return [], []
                    return [], [_notice(name, "not-installed", Text(
                        f"picture {name} may hold text but OCR is not installed (pip install 'preclear[ocr]')",
                        f"图片 {name} 可能含有文字，但未安装 OCR（pip install 'preclear[ocr]'）"))]
                key = key or hashlib.sha256(repr(image.size).encode() + image.tobytes()).hexdigest()
                lines = self._cached(key, recogniser)
                if lines is None:
                    if time.monotonic() >= self.deadline:
                        return [], [_notice(name, "time-limit", Text(
                            f"picture {name} was not read: the item's time limit was reached",
                            f"图片 {name} 未识别：已达到该项目的时间限制"))]
                    lines = recogniser.recognise(image)
                    self._store(key, recogniser, lines)
        except (OcrFailed, OSError, MemoryError) as exc:  # the OCR runtime failed: fail closed
            log.warning("OCR failed on a picture: %s", type(exc).__name__)
            return [], [_notice(name, "failed", Text(f"picture {name} was not read: OCR failed ({type(exc).__name__})",
                                                 f"图片 {name} 未识别：OCR 出错（{type(exc).__name__}）"))]
        keep = self.kept < PICTURES_KEPT and any(line.text.strip() for line in lines)
        self.kept += keep
        return _to_parts(name, lines, image if keep else None)

    def _cache_path(self, key: str, recogniser: Recogniser) -> Path | None:
        if self.cache_dir is None:
            return None
        digest = hashlib.sha256(f"{key}:{recogniser.version}".encode()).hexdigest()
        return self.cache_dir / digest[:2] / digest

    def _cached(self, key: str, recogniser: Recogniser) -> list[Line] | None:
        path = self._cache_path(key, recogniser)
        if path is None:
            return None
        try:
            lines = pickle.loads(path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError) as exc:
            log.warning("OCR cache entry %s unreadable (%s): reading the picture again", path.name, exc)
            return None
        return lines if isinstance(lines, list) else None

    def _store(self, key: str, recogniser: Recogniser, lines: list[Line]) -> None:
        path = self._cache_path(key, recogniser)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(path.parent.parent, 0o700)  # it holds text read from the pictures
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                fh.write(pickle.dumps(lines, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(tmp, path)
        except OSError as exc:  # a full disk costs speed, never a result
            log.warning("OCR cache: cannot store %s: %s", path.name, exc)


def _frames(image: Image.Image) -> Iterator[Image.Image]:
    """Every frame of the picture, decoded in turn, refusing a bomb (too many
    frames or pixels in all) before decoding the frame that passes the limit."""
    from PIL import ImageSequence

    pixels = 0
    for index, frame in enumerate(ImageSequence.Iterator(image)):
        if index >= MAX_FRAMES:
            raise ValueError(f"more than {MAX_FRAMES} frames")
        width, height = frame.size
        pixels += width * height
        if pixels > MAX_PIXELS:
            raise ValueError(f"over the {MAX_PIXELS} pixel limit ({width}x{height} px in frame {index + 1})")
        yield frame.convert("RGB")


def _to_parts(name: str, lines: list[Line], image: Image.Image | None) -> tuple[list[Part], list[Notice]]:
    """The recognised lines as one part with its boxes and ``image`` kept
    for crops (when given); a notice when most of the lines found were not
    recognised with confidence."""
    lines = [line for line in lines if line.text.strip()]
    if not lines:
        return [], []
    texts, boxes, offset = [], [], 0
    for line in lines:
        texts.append(line.text)
        boxes.append(Box(offset, offset + len(line.text), *line.box, line.confidence))
        offset += len(line.text) + 1
    parts = [Part(name, "\n".join(texts), tuple(boxes), None if image is None else kept_picture(image))]
    low = [line for line in lines if line.confidence < LOW_CONFIDENCE]
    if len(low) * 2 > len(lines):
        return parts, [_notice(name, "low-confidence", Text(
            f"picture {name}: {len(low)} of {len(lines)} text line(s) were recognised "
            f"with low confidence (< {LOW_CONFIDENCE})",
            f"图片 {name}：{len(lines)} 行文字中有 {len(low)} 行识别置信度低（< {LOW_CONFIDENCE}）"))]
    return parts, []


def _notice(picture: str, cause: str, reason: Text) -> Notice:
    return unreadable(reason, part=picture, rule=RULE, picture=picture, cause=cause)


# causes that say something about the host, not the picture: results holding them are not cached
HOST_CAUSES = frozenset({"not-installed", "time-limit"})


def host_dependent(notices: tuple[Notice, ...]) -> bool:
    """Whether a document's OCR notices would differ on another host or run."""
    return any(n.rule == RULE and dict(n.details).get("cause") in HOST_CAUSES for n in notices)


def place_on_picture(part: Part, start: int | None, end: int | None) -> tuple[tuple[str, object], ...]:
    """Finding details for a span of an OCR part: the box it was read from
    (the union of the lines it spans) and the lowest confidence among them."""
    if start is None or end is None:
        return ()
    boxes = [b for b in part.boxes if b.start < max(end, start + 1) and start < b.end]
    if not boxes:
        return ()
    box = (min(b.x0 for b in boxes), min(b.y0 for b in boxes), max(b.x1 for b in boxes), max(b.y1 for b in boxes))
    return (("box", box), ("confidence", min(b.confidence for b in boxes)))


def kept_picture(image: Image.Image) -> Picture:
    """The picture reduced to ``PICTURE_SIDE`` and grey, as JPEG: what a crop
    is cut from after the picture itself is gone (reports are written after
    the scan, the desk shows stored results)."""
    from PIL import Image

    scale = min(1.0, PICTURE_SIDE / max(image.size))
    grey = image.convert("L")
    if scale < 1:
        grey = grey.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))),
                           Image.Resampling.BILINEAR)
    out = io.BytesIO()
    grey.save(out, "JPEG", quality=PICTURE_QUALITY)
    return Picture(out.getvalue(), scale)


def crop(picture: Picture, box: tuple[int, int, int, int]) -> str:
    """The region ``box`` (pixels of the original picture) of ``picture``
    with a margin, reduced to fit ``CROP_SIDE``, as a base64 PNG."""
    import base64

    from PIL import Image

    with Image.open(io.BytesIO(picture.jpeg)) as kept:
        x0, y0, x1, y1 = (round(v * picture.scale) for v in box)
        region = kept.crop((max(0, x0 - CROP_MARGIN), max(0, y0 - CROP_MARGIN),
                            min(kept.width, x1 + CROP_MARGIN), min(kept.height, y1 + CROP_MARGIN)))
    region.thumbnail((CROP_SIDE, CROP_SIDE // 3), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    region.save(out, "PNG", optimize=True)
    return base64.b64encode(out.getvalue()).decode("ascii")


def placed_on_picture(part: Part, found: list[Finding], crops: int) -> tuple[list[Finding], int]:
    """Findings of an OCR part with their box and confidence in ``details``
    and, for the first ``crops`` of them, the crop they were read from;
    returns them and the crops left for the item."""
    out = []
    for f in found:
        place = place_on_picture(part, f.start, f.end)
        f = replace(f, details=tuple(sorted((*f.details, *place))))
        if place and crops > 0 and part.picture is not None:
            box = dict(place)["box"]
            assert isinstance(box, tuple)
            f, crops = replace(f, crop=crop(part.picture, box)), crops - 1
        out.append(f)
    return out, crops


def is_picture(path: str) -> bool:
    return path.lower().endswith(IMAGE_SUFFIXES)
