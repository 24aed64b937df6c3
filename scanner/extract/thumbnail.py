"""An OOXML package's thumbnail (``docProps/thumbnail.jpeg``): the preview
a file dialog shows, read as a picture (apart from ``xmlparts``, which the
picture readers' own XML reading imports)."""
from __future__ import annotations

import hashlib
import io
from typing import TYPE_CHECKING

from ..types import Notice, Part
from .zipguard import GuardedZip

if TYPE_CHECKING:
    from .ocr import PictureReader

# the blank thumbnails of python-docx's and python-pptx's default templates (sha256 of their bytes), in every
# report a system writes with them: known, so that a folder of such files never imports PIL (~30 ms a process)
# to find them blank (a test holds these to the installed libraries' templates)
TEMPLATE_THUMBNAILS = frozenset({"96367138dc44ce09bf2c8f0f8e49348a1478d2c5c0af69bbc2bbc38b63cdcead",
                                 "116f9aa8ea038e39ef47ee99a23592ab569cf77feafecd0a30e222369e931d25"})
# the thumbnails that showed nothing to read (sha256 of their bytes): the one a template carries is in
# every file made from it, decoded and tested once a process
_BLANK_THUMBNAILS: set[str] = set(TEMPLATE_THUMBNAILS)
_BLANK_KEPT = 256
_NO_CONTRAST = 40  # as ocr.may_hold_text: a picture whose grey levels span less holds no text


def package_thumbnail(pkg: GuardedZip, ocr: PictureReader) -> tuple[list[Part], list[Notice]]:
    """The package's thumbnail (``docProps/thumbnail.jpeg``, or an EMF/WMF):
    the preview Explorer, WPS and file dialogs show, which PowerPoint
    writes of the first slide when it saves.  A tool that edits the file
    leaves it as it was, so it may still show a mark taken out of the
    document: read by OCR as any picture is.  Without OCR it is passed over,
    not reported unread: it renders the first page or slide, whose text is
    read, and every file PowerPoint saves has one, which would all be review
    for it.  A blank one (a template's) is passed over by ``ocr.may_hold_text``.""" 
    from .image import read_picture
    from .ocr import is_picture
    from .vector import is_vector

    parts: list[Part] = []
    notices: list[Notice] = []
    for name in sorted(pkg.names()):
        if not (name.startswith("docProps/") and (is_picture(name) or is_vector(name))):
            continue
        data = pkg.read(name)
        digest = hashlib.sha256(data).hexdigest()
        if digest in _BLANK_THUMBNAILS:
            continue
        got_parts, got_notices = ([], []) if _flat(data) else read_picture(name, data, ocr)
        if not got_parts and not got_notices and len(_BLANK_THUMBNAILS) < _BLANK_KEPT:
            _BLANK_THUMBNAILS.add(digest)
        parts += got_parts
        notices += [n for n in got_notices if dict(n.details).get("cause") != "not-installed"]
    return parts, notices


def _flat(data: bytes) -> bool:
    """Whether a raster thumbnail is one flat colour, with no metadata text:
    ``ocr.may_hold_text`` would pass it over for want of contrast (a
    template's blank page), told here by PIL alone, without loading numpy."""
    from PIL import Image, UnidentifiedImageError

    from .imagemeta import picture_metadata
    from .ocr import SCAN_SIDE

    try:
        with Image.open(io.BytesIO(data)) as image:
            # no larger than may_hold_text looks at unscaled: its extremes are then these
            if max(image.size) > SCAN_SIDE or getattr(image, "n_frames", 1) != 1:
                return False
            low, high = image.convert("L").getextrema()
    except (OSError, ValueError, SyntaxError, UnidentifiedImageError, Image.DecompressionBombError):
        return False
    return (isinstance(low, (int, float)) and isinstance(high, (int, float)) and high - low < _NO_CONTRAST
            and not picture_metadata(data))
