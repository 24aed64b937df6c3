"""The files added to an OpenDocument package (``odf._flat_members``, then
``leftover``): each inflated once, a flat OpenDocument one said to be read
as XML only, the package's limits as before."""
from __future__ import annotations

import collections
import io
import zipfile

import docx
import pytest

from scanner.config import Convert, Limits
from scanner.errors import LimitExceeded
from scanner.extract.odf import extract_odf
from scanner.extract.zipguard import GuardedZip

from .odfpackages import with_members

ADDED = {"extra/notes.txt": "附加说明：本文件第三页含有内部资料。\n" * 50,
         "extra/log.xml": "<?xml version='1.0' encoding='UTF-8'?><log>"
                          + "".join(f"<e n='{n}'>记录第{n}条</e>" for n in range(2_000)) + "</log>"}


def word_file() -> bytes:
    document = docx.Document()
    document.add_paragraph("关于召开年度工作会议的通知")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def odt(soffice) -> bytes:
    """An .odt LibreOffice saved, with a note, a log and a flat .fodt (LibreOffice's too) added to it."""
    source = word_file()
    return with_members(soffice(source, "docx", "odt"), {**ADDED, "extra/form.fodt": soffice(source, "docx", "fodt")},
                        compression=zipfile.ZIP_DEFLATED)


@pytest.mark.parametrize("converted", [True, False], ids=["through LibreOffice", "from its XML"])
def test_each_added_member_is_inflated_once(odt: bytes, converted: bool, monkeypatch) -> None:
    inflated: collections.Counter[str] = collections.Counter()
    head, read = GuardedZip.head, GuardedZip.read

    def counted_head(self: GuardedZip, name: str, size: int) -> bytes:
        inflated[name] += 1
        return head(self, name, size)

    def counted_read(self: GuardedZip, name: str | zipfile.ZipInfo) -> bytes:
        inflated[name if isinstance(name, str) else name.filename] += 1
        return read(self, name)

    monkeypatch.setattr(GuardedZip, "head", counted_head)
    monkeypatch.setattr(GuardedZip, "read", counted_read)
    document = extract_odf(odt, "added.odt", Limits(), Convert(enabled=converted), fmt="odt")
    assert {name: n for name, n in inflated.items() if name.startswith("extra/")} == {
        "extra/form.fodt": 1, "extra/log.xml": 1, "extra/notes.txt": 1}
    parts = {part.name: part.text for part in document.parts}
    assert parts["extra/notes.txt"].splitlines() == ["附加说明：本文件第三页含有内部资料。"] * 50
    assert parts["extra/log.xml"].startswith("记录第0条\n记录第1条")
    assert "关于召开年度工作会议的通知" in "\n".join(parts.values())
    embedded = [dict(n.details)["object"] for n in document.notices if n.rule == "unreadable.embedded"]
    assert embedded == ["extra/form.fodt"]


def test_a_bomb_added_to_the_package_is_still_refused(odt: bytes) -> None:
    bomb = with_members(odt, {"extra/zeros.xml": b"<a>" + b"0" * (64 << 20) + b"</a>"}, compression=zipfile.ZIP_DEFLATED)
    with pytest.raises(LimitExceeded) as refused:
        extract_odf(bomb, "bomb.odt", Limits(), Convert(enabled=False), fmt="odt")
    assert refused.value.limit == "max_expansion_ratio"
