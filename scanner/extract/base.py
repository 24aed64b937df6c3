"""The shape of an extractor: what a format has to provide to be read.

A format (or a family sniffed together, such as the archives) is one class
with the ``Extractor`` shape, registered in scanner.extract.builtin or, from
another distribution, through the ``preclear.extractors`` entry-point group
(scanner.extract.registry).  Its module is imported for every item scanned,
so it stays light: the library that reads the format is imported inside
``extract``.  ``extract`` raises ``ExtractionError``/``LimitExceeded`` for
what it cannot read; scanner.extract turns those (and any library error it
lets through) into ``unreadable`` notices, so a new format cannot crash a
batch or clear what it did not read.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple, Protocol, runtime_checkable

from ..config import Convert, Limits
from ..types import Document, Member
from .sniff import Probe

if TYPE_CHECKING:
    from .ocr import PictureReader


class Sniffed(NamedTuple):
    """A sniffer's claim: the format, and how sure it is.

    The scale the built-ins use: 100 a signature at a fixed place (``%PDF-``),
    90-96 a container's magic number read down to what it holds (a ZIP's
    content types, an OLE file's streams), 80-85 another magic number,
    70 a damaged signature, 20-30 text told apart by its start or its name,
    10 any text.  The surest claim wins; on a tie, the extractor registered
    first (the built-ins before entry points)."""

    confidence: int
    format: str


BINARY = Sniffed(0, "binary")  # what no extractor claims: not read, never decoded as text


@dataclass
class ReadContext:
    """What an extraction may use besides the bytes: the ``[convert]``
    settings and the item's picture reader (made on first use, with the
    item's time limit from then, unless the driver gave one)."""

    item_timeout: float
    convert: Convert = field(default_factory=Convert)
    ocr: PictureReader | None = None

    def pictures(self) -> PictureReader:
        if self.ocr is None:
            from .ocr import PictureReader

            self.ocr = PictureReader.for_item(self.item_timeout)
        return self.ocr


@runtime_checkable
class Extractor(Protocol):
    """One format, or a family of formats sniffed together."""

    @property
    def formats(self) -> frozenset[str]:
        """The formats it reads (the ``format`` of the items it sniffs)."""

    @property
    def by_structure(self) -> frozenset[str]:
        """Of those, the ones known by their structure, not by decoding text:
        a file misnamed as another binary format is still read by its bytes."""

    @property
    def converted(self) -> frozenset[str]:
        """Of those, the ones read through LibreOffice (``[convert]``): a
        result without their body says what the host lacked, not what the
        bytes hold, so it is not cached."""

    @property
    def names(self) -> Mapping[str, tuple[str, ...]]:
        """Extension -> the formats a file so named may sniff as; a file of
        any other format under that name gets an ``unreadable.format`` notice."""

    def sniff(self, probe: Probe) -> Sniffed | None:
        """The format these bytes are in, and how sure; None when not one of its formats."""

    def extract(self, data: bytes, name: str, limits: Limits, fmt: str, context: ReadContext) -> Document:
        """The item's parts; ``fmt`` is what ``sniff`` said."""

    def members(self, data: bytes, name: str, fmt: str, limits: Limits) -> Iterator[Member] | None:
        """The items inside a container, read lazily (the pipeline scans each
        as an item of its own, within ``max_depth``); None when this item
        holds none.  Iterating may raise ``LimitExceeded``/``ItemError`` for
        the container as a whole."""
