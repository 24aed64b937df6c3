"""Legacy Office bodies read through LibreOffice, with real files: python-docx,
openpyxl and python-pptx write OOXML with marks in every place, soffice saves
it as .doc/.xls/.ppt, and the scan must report each mark in its usual part at
its exact span.  LibreOffice is required (``.ci/run`` installs it): without it
these tests fail, they do not skip."""
from __future__ import annotations

import io
import os
import tempfile
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from openpyxl.comments import Comment
from pptx import Presentation

from scanner import scan_bytes, scan_paths
from scanner.cache import ExtractCache
from scanner.config import CacheSettings, Convert, Limits, ScanConfig, config_from_dict
from scanner.errors import ConfigError

CT = "application/vnd.openxmlformats-officedocument."
FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"


@pytest.fixture(scope="module")
def to_legacy(soffice):
    """OOXML bytes -> the legacy format, saved by LibreOffice itself."""
    return soffice


def _save(obj) -> bytes:
    buf = io.BytesIO()
    obj.save(buf)
    return buf.getvalue()


# mark -> (part, start, end) the scan of the converted .doc must report
DOC_MARKS = {
    "机密★1年": ("body", 5, 10), "机密★2年": ("table", 3, 8), "机密★3年": ("header", 3, 8),
    "机密★5年": ("footer", 3, 8), "机密★6年": ("footnote", 3, 8), "机密★8年": ("comment", 3, 8),
    "机密★11年": ("hidden", 0, 6), "机密★12年": ("deleted", 0, 6), "机密★16年": ("properties:title", 3, 9),
    "机密★18年": ("properties:密级", 0, 6),  # a custom property only the converted file carries
}


@pytest.fixture(scope="module")
def doc_bytes(b, to_legacy) -> bytes:
    d = docx.Document()
    d.core_properties.title = "通知 机密★16年"
    body = d.add_paragraph("正文开始 机密★1年 正文结束")
    d.add_comment(body.runs[0], text="批注 机密★8年", author="审核")
    d.sections[0].header.paragraphs[0].text = "页眉 机密★3年"
    d.sections[0].footer.paragraphs[0].text = "页脚 机密★5年"
    d.add_table(rows=1, cols=2).cell(0, 1).text = "表格 机密★2年"
    d.add_paragraph("可见 ").add_run("机密★11年").font.hidden = True
    data = b.insert_body_xml(b.docx_bytes(d), b.para(b.run("脚注在此"), '<w:r><w:footnoteReference w:id="1"/></w:r>')
                             + b.para('<w:del w:id="9" w:author="a"><w:r><w:delText>机密★12年</w:delText></w:r></w:del>'))
    data = b.add_part(data, "word/footnotes.xml", CT + "wordprocessingml.footnotes+xml", b.story_xml(
        "footnotes", '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        f'<w:footnote w:id="1">{b.para(b.run("脚注 机密★6年"))}</w:footnote>'), FOOTNOTES)
    custom = ('<?xml version="1.0" encoding="UTF-8"?><Properties xmlns="http://schemas.openxmlformats.org/'
              'officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
              '2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="密级">'
              '<vt:lpwstr>机密★18年</vt:lpwstr></property></Properties>')
    data = b.add_part(data, "docProps/custom.xml", CT + "custom-properties+xml", custom, CUSTOM,
                      source_rels="_rels/.rels")
    return to_legacy(data, "docx", "doc")


def _marks(result) -> dict[str, tuple[str, int, int]]:
    out: dict[str, tuple[str, int, int]] = {}
    for f in result.findings:
        if f.rule.startswith("mark."):
            assert f.text not in out, f"{f.text} reported twice"
            out[f.text] = (f.part, f.start, f.end)
    return out


@pytest.mark.parametrize("name, fmt", [("通知.doc", "doc"), ("通知.wps", "wps")])
def test_doc_marks_in_every_part_at_exact_spans(doc_bytes: bytes, name: str, fmt: str) -> None:
    [result] = scan_bytes(doc_bytes, name)
    assert result.format == fmt and result.verdict.value == "block" and result.extraction.value == "full"
    assert _marks(result) == DOC_MARKS
    assert {"hidden.comments", "hidden.text", "hidden.tracked-changes"} <= {f.rule for f in result.findings}
    assert result.notes == (f"body read through LibreOffice conversion to DOCX ({'Word 97-2003 document (.doc)' if fmt == 'doc' else 'WPS Writer document (.wps)'})",)
    assert result.to_dict()["notes"] == list(result.notes)


def test_title_in_both_property_sources_is_one_finding(doc_bytes: bytes) -> None:
    [result] = scan_bytes(doc_bytes, "通知.doc")
    props = [f for f in result.findings if f.part.startswith("properties:")]
    assert sorted((f.part, f.text) for f in props) == [("properties:title", "机密★16年"), ("properties:密级", "机密★18年")]


@pytest.fixture(scope="module")
def xls_bytes(to_legacy) -> bytes:
    wb = openpyxl.Workbook()
    wb.properties.title = "名单 机密★24年"
    ws = wb.active
    ws.title = "名单"
    ws.append(["姓名", "部门"])
    ws.append(["张三", "机密★20年"])
    ws["C1"] = "备注"
    ws["C1"].comment = Comment("批注 机密★19年", "审核")
    ws.oddHeader.center.text = "页眉 机密★17年"
    hidden = wb.create_sheet("原始数据")
    hidden.append(["身份证号"])
    hidden.append(["机密★3年"])
    hidden.sheet_state = "hidden"
    return to_legacy(_save(wb), "xlsx", "xls")


@pytest.mark.parametrize("name, fmt", [("名单.xls", "xls"), ("名单.et", "et")])
def test_xls_hidden_sheet_comment_header(xls_bytes: bytes, name: str, fmt: str) -> None:
    [result] = scan_bytes(xls_bytes, name)
    assert result.format == fmt and result.verdict.value == "block" and result.extraction.value == "full"
    assert _marks(result) == {"机密★20年": ("sheet:名单", 12, 18), "机密★3年": ("sheet:原始数据", 5, 10),
                              "机密★19年": ("comment", 10, 16), "机密★17年": ("header", 7, 13),
                              "机密★24年": ("properties:title", 3, 9)}
    hidden = [f for f in result.findings if f.rule == "hidden.sheet"]
    assert [f.part for f in hidden] == ["sheet:原始数据"]


@pytest.fixture(scope="module")
def ppt_bytes(to_legacy) -> bytes:
    prs = Presentation()
    prs.core_properties.title = "汇报 机密★10年"
    slide = prs.slides.add_slide(prs.slide_layouts[1])
    slide.shapes.title.text = "年度工作回顾 机密★7年"
    slide.notes_slide.notes_text_frame.text = "讲稿 机密★8年"
    hidden = prs.slides.add_slide(prs.slide_layouts[1])
    hidden.shapes.title.text = "隐藏页 机密★9年"
    hidden._element.set("show", "0")
    return to_legacy(_save(prs), "pptx", "ppt")


@pytest.mark.parametrize("name, fmt", [("汇报.ppt", "ppt"), ("汇报.dps", "dps")])
def test_ppt_notes_and_hidden_slide(ppt_bytes: bytes, name: str, fmt: str) -> None:
    [result] = scan_bytes(ppt_bytes, name)
    assert result.format == fmt and result.verdict.value == "block" and result.extraction.value == "full"
    assert _marks(result) == {"机密★7年": ("slide:1", 7, 12), "机密★8年": ("notes:1", 3, 8),
                              "机密★9年": ("slide:2", 4, 9), "机密★10年": ("properties:title", 3, 9)}
    assert [f.part for f in result.findings if f.rule == "hidden.slide"] == ["slide:2"]


@pytest.fixture(scope="module")
def body_only_doc(to_legacy) -> bytes:
    """A mark in the body only: without conversion nothing else can find it."""
    d = docx.Document()
    d.add_paragraph("机密★5年")
    d.add_paragraph("关于开展年度安全检查工作的通知")
    return to_legacy(_save(d), "docx", "doc")


@pytest.mark.parametrize("convert", [Convert(soffice="/nonexistent/soffice"), Convert(enabled=False)])
def test_without_libreoffice_the_body_is_unreadable_format_as_before(body_only_doc: bytes, convert: Convert) -> None:
    [result] = scan_bytes(body_only_doc, "old.doc", ScanConfig(convert=convert))
    assert result.verdict.value == "review" and result.format == "doc"
    assert [f.rule for f in result.findings] == ["unreadable.format"]
    [finding] = result.findings
    assert finding.part == "body" and dict(finding.details)["format"] == "doc"
    assert finding.reason.startswith("legacy binary format not readable: Word 97-2003 document (.doc)")
    assert result.failed_parts == ("body",) and result.notes == ()
    [converted] = scan_bytes(body_only_doc, "old.doc")
    assert converted.verdict.value == "block" and _marks(converted) == {"机密★5年": ("body", 0, 5)}


def test_cli_no_convert_and_soffice_flags(body_only_doc: bytes, tmp_path: Path) -> None:
    from scanner.cli import build_parser
    from scanner.cli.scan import config_from_args as _config_from_args
    (tmp_path / "empty.toml").write_text("", encoding="utf-8")
    args = build_parser().parse_args(["scan", "x", "--config", str(tmp_path / "empty.toml"), "--soffice", "/opt/lo/soffice"])
    assert _config_from_args(args).convert == Convert(enabled=True, soffice="/opt/lo/soffice")
    args = build_parser().parse_args(["scan", "x", "--config", str(tmp_path / "empty.toml"), "--no-convert"])
    assert _config_from_args(args).convert == Convert(enabled=False)


def test_convert_section_of_the_config() -> None:
    assert config_from_dict({"convert": {"soffice": "/usr/lib/libreoffice/program/soffice", "enabled": False}}
                            ).convert == Convert(enabled=False, soffice="/usr/lib/libreoffice/program/soffice")
    with pytest.raises(ConfigError, match="soffice must be a string"):
        config_from_dict({"convert": {"soffice": 5}})
    with pytest.raises(ConfigError, match="unknown setting"):
        config_from_dict({"convert": {"sofice": "x"}})


@pytest.fixture(scope="module")
def clean_doc(to_legacy) -> bytes:
    d = docx.Document()
    d.add_paragraph("关于举办职工运动会的通知")
    return to_legacy(_save(d), "docx", "doc")


def test_clean_doc_is_clear(clean_doc: bytes) -> None:
    [result] = scan_bytes(clean_doc, "运动会.doc")
    assert result.verdict.value == "clear" and result.extraction.value == "full" and result.notes


@pytest.mark.parametrize("keep", [0.5, 0.9, 0.99])
def test_truncated_doc_is_review_never_clear(clean_doc: bytes, keep: float) -> None:
    [result] = scan_bytes(clean_doc[: int(len(clean_doc) * keep)], "cut.doc")
    assert result.verdict.value == "review" and result.extraction.value != "full"
    if result.format == "ole":  # the stream directory is gone: not even sniffed as Word
        assert "unreadable.format" in {f.rule for f in result.findings}
    else:  # LibreOffice recovers what it can; strict olefile says the file is damaged
        [damaged] = [f for f in result.findings if f.reason.startswith("damaged OLE file")]
        assert damaged.rule == "unreadable.extract"


def test_conversion_over_the_time_limit_is_unreadable_limit_and_the_batch_goes_on(
        body_only_doc: bytes, tmp_path: Path) -> None:
    (tmp_path / "a-old.doc").write_bytes(body_only_doc)
    (tmp_path / "b-note.txt").write_text("秘密★1年", encoding="utf-8")
    config = ScanConfig(limits=Limits(item_timeout=0.001))  # a warm LibreOffice converts it in ~0.05 s
    doc, txt = scan_paths([str(tmp_path)], config)
    assert doc.item == "a-old.doc" and doc.verdict.value == "review"
    [finding] = [f for f in doc.findings if f.rule == "unreadable.limit"]
    assert finding.part == "body" and dict(finding.details)["limit"] == "item_timeout"
    assert txt.item == "b-note.txt" and txt.verdict.value == "block"
    # the server and profile killed mid-conversion were discarded; the next conversion starts fresh ones
    [again] = scan_bytes(body_only_doc, "a-old.doc")
    assert again.verdict.value == "block"


def test_member_names_are_kept_and_never_reach_libreoffice(body_only_doc: bytes, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    evil = "docs/$(touch pwned) 机密;通知.doc"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(evil, body_only_doc)
    archive, member = scan_bytes(buf.getvalue(), "bundle.zip")
    assert member.item == f"bundle.zip!{evil}" and member.format == "doc"
    assert _marks(member) == {"机密★5年": ("body", 0, 5)}
    assert archive.verdict.value == "block"
    assert not list(tmp_path.iterdir()) and not os.path.exists(os.path.join(tempfile.gettempdir(), "pwned"))


def test_cache_keeps_converted_items_only(body_only_doc: bytes, tmp_path: Path) -> None:
    cache = ExtractCache(CacheSettings(directory=str(tmp_path)))
    cache.extract(body_only_doc, "old.doc", Limits(), Convert(soffice="/nonexistent/soffice"))
    assert not list(tmp_path.rglob("*/*/*"))  # installing LibreOffice later must not meet a stale entry
    doc = cache.extract(body_only_doc, "old.doc", Limits(), Convert())
    assert doc.notes and len(list((tmp_path / "extract").glob("*/*"))) == 1
    assert cache.extract(body_only_doc, "old.doc", Limits(), Convert()) == doc and cache.hits == 1


def test_pool_workers_convert_with_their_own_profiles(body_only_doc: bytes, tmp_path: Path) -> None:
    from scanner.run.pool import run_pool
    from scanner.walk import walk
    for i in range(4):
        (tmp_path / f"{i}.doc").write_bytes(body_only_doc)
    before = set(Path(tempfile.gettempdir()).glob("preclear-soffice-*"))
    results = list(run_pool(ScanConfig(), walk([str(tmp_path)]), jobs=2))
    assert [r.verdict.value for r in results] == ["block"] * 4
    # each worker removed its profile when it exited
    assert set(Path(tempfile.gettempdir()).glob("preclear-soffice-*")) <= before
