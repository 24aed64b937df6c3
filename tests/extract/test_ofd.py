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
