"""OFD: page text, template pages, annotations and metadata, with honest spans."""
from __future__ import annotations

from scanner import scan_bytes
from scanner.config import Limits
from scanner.extract import extract


def test_ofd_every_place(make_samples) -> None:
    data = make_samples.build_ofd(
        [["第一页 公开内容", "第一页 机密★1年"], ["第二页 机密★2年"]], title="标题 机密★3年",
        template=["模板 机密★4年"], annotation="印章 机密★5年", custom={"密级说明": "机密★6年"})
    doc = extract(data, "gazette.ofd", Limits())
    assert doc.format == "ofd" and doc.extraction.value == "full"
    texts = {p.name: p.text for p in doc.parts}
    assert texts["page:1"] == "第一页 公开内容\n第一页 机密★1年"
    [result] = scan_bytes(data, "gazette.ofd")
    marks = {(f.part, f.text) for f in result.findings if f.rule.startswith("mark.")}
    for n, part in {1: "page:1", 2: "page:2", 3: "metadata:Title", 4: "template", 5: "annotation"}.items():
        assert (part, f"机密★{n}年") in marks, (n, part, marks)
    assert ("metadata:密级说明", "机密★6年") in marks
    for f in result.findings:
        if f.start is not None:
            assert texts[f.part][f.start:f.end] == f.text


def test_ofd_missing_page_part_is_partial(make_samples, b) -> None:
    data = make_samples.build_ofd([["第一页"], ["第二页 机密★2年"]])
    src = __import__("zipfile").ZipFile(__import__("io").BytesIO(data))
    broken = make_samples.build_zip({n: src.read(n) for n in src.namelist() if "Page_1" not in n})
    doc = extract(broken, "broken.ofd", Limits())
    assert doc.extraction.value == "partial"
    assert doc.failed_parts == ("page:2",)
    [result] = scan_bytes(broken, "broken.ofd")
    assert result.verdict.value == "review"


def _with_attachment(make_samples, data: bytes, files: dict[str, bytes], index: str) -> bytes:
    """The OFD with an attachment index (``Doc_0/Attachs/Attachments.xml``)
    and the files it lists, named in Document.xml as GB/T 33190 places them."""
    src = __import__("zipfile").ZipFile(__import__("io").BytesIO(data))
    members = {n: src.read(n) for n in src.namelist()}
    members["Doc_0/Document.xml"] = members["Doc_0/Document.xml"].replace(
        b"</ofd:Document>", b"<ofd:Attachments>Attachs/Attachments.xml</ofd:Attachments></ofd:Document>")
    members["Doc_0/Attachs/Attachments.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?><ofd:Attachments xmlns:ofd="http://www.ofdspec.org/2016">'
        f"{index}</ofd:Attachments>").encode()
    members.update({f"Doc_0/Attachs/{name}": body for name, body in files.items()})
    return make_samples.build_zip(members)


def test_ofd_attachment_is_a_member(make_samples) -> None:
    index = ('<ofd:Attachment ID="1" Name="原始数据" Format="txt"><ofd:FileLoc>data.txt</ofd:FileLoc></ofd:Attachment>'
             '<ofd:Attachment ID="2" Name="缺失附件" Format="pdf"><ofd:FileLoc>gone.pdf</ofd:FileLoc></ofd:Attachment>')
    data = _with_attachment(make_samples, make_samples.build_ofd([["公开内容"]]),
                            {"data.txt": "机密★5年\n统计数据".encode()}, index)
    outer, inner = scan_bytes(data, "gazette.ofd")
    assert inner.item == "gazette.ofd!Doc_0/Attachs/data.txt"
    assert [f.rule for f in inner.findings] == ["mark.state-secret"]
    assert outer.verdict.value == "block"
    missing = next(f for f in outer.findings if f.rule == "unreadable.embedded")
    assert "Doc_0/Attachs/gone.pdf" in missing.reason
    texts = {p.name: p.text for p in extract(data, "gazette.ofd", Limits()).parts}
    assert texts["attachments"] == "原始数据 (data.txt)\n缺失附件 (gone.pdf)"


def test_ofd_without_attachments_has_no_members(make_samples) -> None:
    assert len(scan_bytes(make_samples.build_ofd([["公开内容"]]), "gazette.ofd")) == 1


def test_ofd_text_outside_the_pages(make_samples) -> None:
    """A 公文's custom tags (its 密级), bookmark titles, text a page draws from
    a composite graphic in the resources, and a page no index lists: each
    was cleared before."""
    ns = 'xmlns:ofd="http://www.ofdspec.org/2016"'
    src = __import__("zipfile").ZipFile(__import__("io").BytesIO(make_samples.build_ofd([["公开内容"]])))
    members = {n: src.read(n) for n in src.namelist()}
    members["Doc_0/Document.xml"] = members["Doc_0/Document.xml"].replace(
        b"</ofd:Document>",
        b'<ofd:Outlines><ofd:OutlineElem Title="\xe7\xa7\x98\xe5\xaf\x86\xe2\x98\x851\xe5\xb9\xb4"/></ofd:Outlines>'
        b"<ofd:CustomTags>Tags/CustomTags.xml</ofd:CustomTags></ofd:Document>")
    members["Doc_0/Tags/CustomTags.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?><gw:GongWen xmlns:gw="urn:gw"><gw:MiJi>机密★5年</gw:MiJi>'
        "</gw:GongWen>").encode()
    members["Doc_0/PublicRes.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res {ns}><ofd:CompositeGraphicUnits>'
        '<ofd:CompositeGraphicUnit ID="50" Width="50" Height="10"><ofd:Content>'
        '<ofd:TextObject ID="51" Boundary="0 0 50 10" Font="1" Size="5"><ofd:TextCode X="0" Y="5">绝密★长期</ofd:TextCode>'
        "</ofd:TextObject></ofd:Content></ofd:CompositeGraphicUnit></ofd:CompositeGraphicUnits></ofd:Res>").encode()
    members["Doc_0/Pages/Page_9/Content.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {ns}><ofd:Content><ofd:Layer ID="1">'
        '<ofd:TextObject ID="90" Boundary="0 0 50 10" Font="1" Size="5"><ofd:TextCode X="0" Y="5">机密★9年</ofd:TextCode>'
        "</ofd:TextObject></ofd:Layer></ofd:Content></ofd:Page>").encode()
    [result] = scan_bytes(make_samples.build_zip(members), "gazette.ofd")
    marks = sorted((f.text, f.part) for f in result.findings if f.rule.startswith("mark."))
    assert marks == [("机密★5年", "Doc_0/Tags/CustomTags.xml"), ("机密★9年", "Doc_0/Pages/Page_9/Content.xml"),
                     ("秘密★1年", "outline"), ("绝密★长期", "Doc_0/PublicRes.xml")]
    assert result.extraction.value == "full"
