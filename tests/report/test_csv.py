"""CSV: BOM, stable columns, one row per finding or finding-less item, and a
round trip through the csv module."""
from __future__ import annotations

import csv
import io

from scanner.report import ReportOptions
from scanner.report.csv_rows import COLUMNS
from scanner.types import Finding, ItemResult, Severity, Verdict


def read(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_round_trip_rows_and_columns(results, rendered):
    data = rendered("csv", results)
    assert data.decode("utf-8-sig").splitlines()[0] == ",".join(COLUMNS)
    rows = read(data)
    assert len(rows) == sum(max(len(r.findings), 1) for r in results) == 8
    by_text = {row["text"]: row for row in rows}
    mark = by_text["机密★5年"]
    assert mark["item"] == "2026/通知.docx" and mark["verdict"] == "block" and mark["level"] == "机密"
    assert mark["part"] == "header" and (mark["start"], mark["end"]) == ("7", "12")
    assert mark["context"] == "000123\n机密★5年\n特急"  # a newline inside a cell survives
    assert mark["fingerprint"] == results[2].findings[0].fingerprint and mark["score"] == "100"
    member = by_text["讨论稿"]
    assert member["parent"] == "bundle.zip" and member["item"] == "bundle.zip!docs/草稿.txt"
    clear = [row for row in rows if row["item"] == "public/公告.txt"]
    assert len(clear) == 1 and clear[0]["rule"] == "" and clear[0]["verdict"] == "clear"
    broken = next(row for row in rows if row["item"] == "broken.pdf")
    assert broken["extraction"] == "failed" and broken["errors"] == "extract: PDF is encrypted"
    assert broken["start"] == "" and broken["rule"] == "unreadable.extract"


def test_mask_hides_excerpts(results, rendered):
    data = rendered("csv", results, ReportOptions(mask=True))
    text = data.decode("utf-8-sig")
    for secret in ("机密★5年", "天枢-7工程", "13812345678"):
        assert secret not in text
    mark = next(row for row in read(data) if row["rule"] == "mark.state-secret")
    assert mark["text"] == "机密★**" and mark["context"] == "[机密/mark] 机密★**"


def test_formula_cells_are_neutralised(rendered):
    f = Finding(rule="pii.mobile", category="pii", level=None, part="body", start=0, end=5,
                text="=1+2", context='=HYPERLINK("http://x")', reason="r", basis="b",
                severity=Severity.REVIEW, score=10.0, fingerprint="fp")
    r = ItemResult(item="@evil.txt", sha256="0" * 64, size=5, format="text", verdict=Verdict.REVIEW,
                   score=10.0, findings=(f,))
    row = read(rendered("csv", [r]))[0]
    assert (row["item"], row["text"], row["context"]) == ("'@evil.txt", "'=1+2", "'=HYPERLINK(\"http://x\")")
