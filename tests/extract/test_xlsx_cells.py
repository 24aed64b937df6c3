"""Our XLSX cell reader gives the same sheet text as openpyxl's read-only
reader did (the implementation it replaced, kept here as the reference), on
random workbooks written by openpyxl and on one resaved by LibreOffice (which
stores cached formula values, shared rich-text strings and its own styles)."""
from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date, datetime, time, timedelta
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from openpyxl.workbook.defined_name import DefinedName

from scanner.config import Limits
from scanner.extract.ocr import PictureReader
from scanner.extract.xlsx import extract_xlsx

# openpyxl warns when a date-formatted serial is out of range (it renders #VALUE!, as we do)
pytestmark = pytest.mark.filterwarnings("ignore:Cell .* is marked as a date:UserWarning")


def reference(data: bytes) -> tuple[dict[str, str], list[tuple[str, str]], str]:
    """The former implementation: openpyxl read-only, values only."""
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    parts, hidden = {}, []
    for ws in wb.worksheets:
        rows = []
        for row in ws.iter_rows(values_only=True):
            cells = ["" if v is None else v.isoformat() if isinstance(v, (datetime, date, time)) else str(v)
                     for v in row]
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                rows.append("\t".join(cells))
        text = "\n".join(rows)
        if text:
            parts[f"sheet:{ws.title}"] = text
            if ws.sheet_state != "visible":
                hidden.append((f"sheet:{ws.title}", ws.sheet_state))
    names = "\n".join(f"{n}: {d.attr_text}" for n, d in wb.defined_names.items())
    wb.close()
    return parts, hidden, names


def ours(data: bytes) -> tuple[dict[str, str], list[tuple[str, str]], str]:
    doc = extract_xlsx(data, "book.xlsx", Limits(), PictureReader.for_item(60.0))
    parts = {p.name: p.text for p in doc.parts if p.name.startswith("sheet:")}
    hidden = [(n.part, dict(n.details)["state"]) for n in doc.notices if n.rule == "hidden.sheet"]
    names = next((p.text for p in doc.parts if p.name == "names"), "")
    return parts, hidden, names


FORMATS = ["General", "yyyy-mm-dd", "yyyy-mm-dd h:mm:ss", "h:mm", "mm:ss", "[h]:mm:ss", "d-mmm-yy", "0.00",
           "#,##0", "0%", "0.00E+00", "@", 'yyyy"年"m"月"d"日"', "[$-409]mmmm d, yyyy;@", "dd/mm/yyyy hh:mm"]
TEXT = st.lists(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Co", "Cn")) | st.sampled_from(
    ["\n", "\t", " ", "　", "保密", "機密", "秘密★1年", "x005F_", "_x000D_"]), max_size=8).map("".join)
VALUES = st.one_of(
    st.integers(-(10 ** 15), 10 ** 15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.floats(-1e6, 1e6, allow_nan=False),
    st.datetimes(datetime(1900, 3, 1), datetime(2100, 1, 1)).map(lambda d: d.replace(microsecond=0)),
    st.dates(date(1900, 3, 1), date(2100, 1, 1)),
    st.times().map(lambda t: t.replace(microsecond=0)),
    st.integers(0, 10 ** 6).map(lambda s: timedelta(seconds=s)),
    st.booleans(),
    TEXT,
    st.sampled_from(["=1+2", "=SUM(A1:A2)", '="a"&"b"', "=1/0"]),
    st.lists(TEXT.filter(bool), min_size=1, max_size=3).map(
        lambda ts: CellRichText(*[TextBlock(InlineFont(b=i % 2 == 0), t) for i, t in enumerate(ts)])),
)
CELL = st.tuples(st.integers(1, 60), st.integers(1, 14), VALUES, st.sampled_from([None, *FORMATS]))
SHEET = st.tuples(st.sampled_from(["visible", "hidden", "veryHidden"]), st.lists(CELL, max_size=40))


def build(sheets: list[tuple[str, list]], epoch_1904: bool = False) -> bytes:
    wb = openpyxl.Workbook()
    if epoch_1904:
        wb.epoch = CALENDAR_MAC_1904
    wb.remove(wb.active)
    for i, (state, cells) in enumerate(sheets):
        ws = wb.create_sheet(["数据", "Sheet 2", "隐藏 表", "x"][i])
        ws.sheet_state = state
        for r, c, value, fmt in cells:
            cell = ws.cell(r, c, value)
            if fmt is not None:
                cell.number_format = fmt
    if any(state == "visible" for state, _ in sheets):
        wb.active = next(i for i, (state, _) in enumerate(sheets) if state == "visible")
    else:
        wb.worksheets[0].sheet_state = "visible"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(SHEET, min_size=1, max_size=4), st.booleans())
def test_random_workbooks_match_openpyxl(sheets: list, epoch_1904: bool) -> None:
    data = build(sheets, epoch_1904)
    assert ours(data) == reference(data)


def test_dates_numbers_and_gaps_render_as_before() -> None:
    data = build([("visible", [(1, 1, datetime(2024, 5, 6, 7, 8, 9), None), (1, 3, 0.1, None),
                               (3, 2, 12345678901234, None), (3, 5, time(13, 30), None),
                               (4, 1, 45000, "yyyy-mm-dd"), (4, 2, 1.5, "[h]:mm:ss"), (4, 3, True, None)])])
    parts, _, _ = ours(data)
    assert parts == {"sheet:数据": "2024-05-06T07:08:09\t\t0.1\n\t12345678901234\t\t\t13:30:00\n"
                                   "2023-03-15T00:00:00\t1 day, 12:00:00\tTrue"}
    assert ours(data) == reference(data)


def test_wrong_dimension_does_not_hide_cells() -> None:
    """A sheet that declares ``A1`` but holds more: openpyxl read only A1, we read every cell."""
    data = build([("visible", [(1, 1, "a", None), (2, 3, "机密", None)])])
    import zipfile
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b'<dimension ref="A1:C2"/>', b'<dimension ref="A1"/>')
                assert b'<dimension ref="A1"/>' in body
            dst.writestr(info, body)
    parts, _, _ = ours(out.getvalue())
    assert parts == {"sheet:数据": "a\n\t\t机密"}
    assert reference(out.getvalue())[0] == {"sheet:数据": "a"}


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_libreoffice_resaved_workbook_matches_openpyxl(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "汇总"
    ws.append(["项目", "金额", "日期", "比例", "说明"])
    for i in range(1, 30):
        ws.append([f"第{i}项 机密", i * 1234.5, date(2024, 1, i % 28 + 1), i / 7, f"=B{i + 1}*2"])
        ws.cell(i + 1, 3).number_format = "yyyy-mm-dd"
    ws["G1"] = "=SUM(B2:B30)"
    ws["G2"] = '="合计"&G1'
    ws["G3"] = "=1/0"
    ws["G4"] = "=B2>100"
    ws["H1"] = datetime(2024, 2, 29, 23, 59, 59)
    ws["H2"] = timedelta(hours=30)
    ws["H3"] = CellRichText("普通", TextBlock(InlineFont(b=True), "加粗"), " tail ")
    hidden = wb.create_sheet("隐藏")
    hidden.sheet_state = "hidden"
    hidden["C7"] = "内部资料\n第二行"
    hidden["A1"] = 3.0
    hidden["B2"] = -0.000125
    wb.create_sheet("空")
    wb.defined_names["总额"] = DefinedName("总额", attr_text="汇总!$G$1")
    hidden.defined_names["局部"] = DefinedName("局部", attr_text="隐藏!$C$7")
    ws.print_area = "A1:E30"
    src = tmp_path / "in" / "book.xlsx"
    src.parent.mkdir()
    wb.save(src)
    out = tmp_path / "out"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "xlsx", "--outdir", str(out), str(src)],
                   check=True, capture_output=True, timeout=180)
    data = (out / "book.xlsx").read_bytes()
    parts, hidden_parts, names = ours(data)
    assert "总额: 汇总!$G$1" in names.splitlines() and "局部" not in names
    assert "537007.5" in parts["sheet:汇总"]  # the cached value of =SUM(B2:B30)
    assert "合计" in parts["sheet:汇总"] and "#DIV/0!" in parts["sheet:汇总"]
    assert hidden_parts == [("sheet:隐藏", "hidden")]
    assert ours(data) == reference(data)
