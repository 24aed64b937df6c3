"""A bought word list that hits everywhere: a scan lists at most HINT_CAP
提示 hits of one lexicon per part and counts the rest; redaction still sees
every occurrence; stronger levels are never capped."""
from __future__ import annotations

from scanner.config import CacheSettings, ScanConfig
from scanner.detect import HINT_CAP
from scanner.engine import Engine
from scanner.pipeline import find_in_text, scan_item
from scanner.types import Item


def _engine(tmp_path, rows: str) -> Engine:
    lexicon = tmp_path / "bought.csv"
    lexicon.write_text("term,level\n" + rows, encoding="utf-8")
    return Engine(ScanConfig(lexicons=(str(lexicon),), cache=CacheSettings(directory=str(tmp_path / "cache"))))


def test_hint_hits_past_the_cap_are_counted_not_listed(tmp_path):
    engine = _engine(tmp_path, "游行示威,提示\n集会活动,提示\n")
    text = "关于游行示威和集会活动的报道。\n" * 40  # 80 hits of one lexicon
    result = scan_item(engine, Item(path="news.txt", data=text.encode()))[0]
    hints = [f for f in result.findings if f.rule == "lexicon.bought"]
    assert len(hints) == HINT_CAP
    assert [f.start for f in hints] == sorted(f.start for f in hints)
    assert hints[0].start == text.index("游行示威")
    more = [dict(f.details).get("more") for f in hints]
    assert more[:-1] == [None] * (HINT_CAP - 1) and more[-1] == 80 - HINT_CAP
    assert f"{80 - HINT_CAP} more 提示 hits of lexicon bought" in hints[-1].reason
    assert len(find_in_text(engine, text)) == 80


def test_below_the_cap_and_above_提示_nothing_changes(tmp_path):
    engine = _engine(tmp_path, "游行示威,提示\n天枢工程,机密\n")
    few = "游行示威。\n" * 5
    result = scan_item(engine, Item(path="few.txt", data=few.encode()))[0]
    assert [dict(f.details).get("more") for f in result.findings if f.rule == "lexicon.bought"] == [None] * 5
    many = "天枢工程。\n" * (HINT_CAP + 20)
    result = scan_item(engine, Item(path="many.txt", data=many.encode()))[0]
    assert len([f for f in result.findings if f.rule == "lexicon.bought"]) == HINT_CAP + 20


def test_an_item_of_many_parts_lists_the_cap_once(tmp_path):
    """The cap is the item's, not each part's: a PDF of 300 pages, a workbook
    of many sheets or a document with tables lists its first HINT_CAP hints
    of a bought list and counts the rest on the last one listed, wherever."""
    import io

    import docx

    engine = _engine(tmp_path, "游行示威,提示\n")
    document = docx.Document()
    for _ in range(40):
        document.add_paragraph("关于游行示威的报道。")
    table = document.add_table(rows=40, cols=1)
    for row in table.rows:
        row.cells[0].text = "游行示威的照片。"
    out = io.BytesIO()
    document.save(out)
    result = scan_item(engine, Item(path="report.docx", data=out.getvalue()))[0]
    hints = [f for f in result.findings if f.rule == "lexicon.bought"]
    assert len(hints) == HINT_CAP
    assert [f.part for f in hints] == ["body"] * 40 + ["table"] * (HINT_CAP - 40)
    assert [dict(f.details).get("more") for f in hints] == [None] * (HINT_CAP - 1) + [80 - HINT_CAP]
    assert f"{80 - HINT_CAP} more 提示 hits of lexicon bought in this item not listed" in hints[-1].reason
