"""The extraction cache answers for bytes only under a name that reads them
alike: a Word binary is ``doc`` as .doc and ``wps`` as .wps (WPS Office
files share Word's streams; the sniffer goes by the extension), and each is
converted and stored under its own key."""
from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import docx

from scanner.cache import ExtractCache
from scanner.config import CacheSettings, Convert, Limits


def test_a_word_binary_named_wps_is_not_answered_by_its_doc_entry(
        soffice: Callable[[bytes, str, str], bytes], tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("机密★5年")
    buf = io.BytesIO()
    d.save(buf)
    data = soffice(buf.getvalue(), "docx", "doc")
    cache = ExtractCache(CacheSettings(directory=str(tmp_path)))
    as_doc = cache.extract(data, "old.doc", Limits(), Convert())
    as_wps = cache.extract(data, "old.wps", Limits(), Convert())
    assert (as_doc.format, as_wps.format) == ("doc", "wps") and cache.hits == 0
    assert as_doc.parts == as_wps.parts and as_doc.notes  # both converted, both stored
    assert len(list((tmp_path / "extract").glob("*/*"))) == 2
    assert cache.extract(data, "copy.wps", Limits(), Convert()) == as_wps and cache.hits == 1
