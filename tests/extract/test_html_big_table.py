"""A web page holding one huge table (a register exported as a page): read
within an item's memory, its grid cut at ``MAX_CELLS`` cells as a text's is,
a 密级 column read in the rows kept, and a level past them not cleared."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from scanner import scan_bytes
from scanner.config import ScanConfig
from scanner.extract import extract
from scanner.extract.delimited import MAX_CELLS

COLUMNS = 5  # 序号 | 文件名称 | 密级 | 份数 | 日期


def register(rows: int, secret_row: int) -> bytes:
    """A register of ``rows`` files, its 密级 column blank but in ``secret_row``, which is 机密."""
    lines = ["<html><head><meta charset='utf-8'><title>登记表</title></head><body><table>",
             "<tr><th>序号</th><th>文件名称</th><th>密级</th><th>份数</th><th>日期</th></tr>"]
    lines += [f"<tr><td>{n + 1}</td><td>项目文件第{n + 1}号设计说明</td><td>{'机密' if n == secret_row else ''}</td>"
              f"<td>{n % 7 + 1}</td><td>2024-01-{n % 28 + 1:02d}</td></tr>" for n in range(rows)]
    lines.append("</table></body></html>")
    return "\n".join(lines).encode()


ROWS = MAX_CELLS // COLUMNS + 10_000  # past the cap


def test_a_level_in_the_rows_the_grid_keeps_is_a_form_field_and_the_cap_is_noted() -> None:
    page = register(ROWS, secret_row=10)
    document = extract(page, "register.html", ScanConfig().limits)
    body = next(part for part in document.parts if part.name == "body")
    assert body.text.endswith(f"项目文件第{ROWS}号设计说明\n{(ROWS - 1) % 7 + 1}\n2024-01-{(ROWS - 1) % 28 + 1:02d}")
    cells = sum(len(row) for grid in body.tables for row in grid)
    assert MAX_CELLS <= cells < MAX_CELLS + COLUMNS  # the grid stops at the first row past the cap
    assert any("200,000 cells" in note for note in document.notes)
    assert not document.notices  # nothing that may be a level stands past the rows kept
    result = scan_bytes(page, "register.html")[0]
    assert result.verdict.value == "block"
    assert [f.rule for f in result.findings] == ["mark.form-field"]


def test_a_level_past_the_rows_the_grid_keeps_makes_the_page_review() -> None:
    page = register(ROWS, secret_row=ROWS - 5)
    document = extract(page, "register.html", ScanConfig().limits)
    assert [(n.rule, n.part, dict(n.details).get("limit")) for n in document.notices] == [
        ("unreadable.limit", "body", "max_cells")]
    result = scan_bytes(page, "register.html")[0]
    assert result.verdict.value == "review"
    assert result.extraction.value == "partial"


def test_a_register_page_of_100000_rows_is_read_within_an_items_memory(tmp_path: Path) -> None:
    """The command's own run, under the default memory cap (an item's
    address space): the page was unreadable (max_item_memory) before."""
    page = tmp_path / "register.html"
    page.write_bytes(register(100_000, secret_row=10))
    out = subprocess.run([sys.executable, "-m", "scanner", "scan", str(page), "--no-cache", "--format", "jsonl"],
                         capture_output=True, timeout=300)
    record = json.loads(out.stdout)
    assert record["extraction"] == "full", record["findings"]
    assert record["verdict"] == "block"
    assert [f["rule"] for f in record["findings"]] == ["mark.form-field"]
