"""The 密级 columns of a part (``scanner.match.marks._column_fields``) are
read looking only at the cells that may be a 密级 label or lie in such a
column: a sheet about 保密 has 密 in many cells, and normalising each of
them made reading a 200,000-cell register's columns cost twenty times
cutting the sheet into its cells, a scan of it twice as long.  The reading must
give exactly what reading every cell gives."""
from __future__ import annotations

import io
import random

import openpyxl

from scanner.config import Limits
from scanner.extract import extract
from scanner.match import marks

CELLS = ["", " ", "密级", "【密级】：", "密 级", "密級", "级别", "保密", "机密", "機密", "机 密", "秘密", "绝密", "公开",
         "内部", "机密★5年", "涉密人员", "密码", "2", "合计", "某方案", "一\n二", "\t", "（绝密/机密/秘密）", "工作秘密"]


def test_reading_the_cells_that_matter_gives_what_reading_every_cell_gives(monkeypatch) -> None:
    rng = random.Random(7)
    texts = ["\n".join("\t".join(rng.choice(CELLS) for _ in range(rng.randint(1, 5))) for _ in range(rng.randint(1, 8)))
             for _ in range(3000)]
    fast = [marks._column_fields(text) for text in texts]
    monkeypatch.setattr(marks, "may_hold_label", lambda line: True)  # every line's every cell looked at
    assert fast == [marks._column_fields(text) for text in texts]


def _sheet_text() -> str:
    """A register of 20,000 rows and ten columns (openpyxl), 密 in most of its cells."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("登记")
    sheet.append(["序号", "文件名称", "密级", "份数", "保密期限", "密码", "保密员", "涉密人员", "密钥", "备注"])
    for n in range(20_000):
        sheet.append([n, f"关于保密第{n}号", "秘密" if n % 2 else "机密", 2, "10年", f"密码{n}", "保密员甲", "涉密",
                      f"密钥{n}", "保密"])
    out = io.BytesIO()
    book.save(out)
    [text] = [part.text for part in extract(out.getvalue(), "register.xlsx", Limits()).parts
              if part.name == "sheet:登记"]
    return text


def test_reading_a_registers_columns_looks_at_its_level_column_only(monkeypatch) -> None:
    """20,000 rows of ten cells, seven holding 密: the 密级 column's cells and
    its header are looked at, not the other 180,000."""
    text = _sheet_text()
    looked_at: list[str] = []
    kind_of = marks._cell_kind

    def counted(cell: str) -> str:
        looked_at.append(cell)
        return kind_of(cell)

    monkeypatch.setattr(marks, "_cell_kind", counted)
    assert marks._column_fields(text) == []  # a register: its levels are values
    assert len(looked_at) <= 20_000 + 10
