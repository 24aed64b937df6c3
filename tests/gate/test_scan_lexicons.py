"""A review record names the lexicons its scan was made with: the stored scan
is the shape of ``preclear scan --format json --run-record`` (the run record
with the lexicons, then the items), inside the hash chain."""
import hashlib
import json

from scanner import Engine, ScanConfig
from scanner.match.shipped import load_shipped
from scanner.review import Actor, Workflow, open_store


def test_the_stored_scan_names_its_lexicons(db_url, tmp_path):
    unit = tmp_path / "unit.csv"
    unit.write_text("term,level\n青鸾-9专项,机密\n", encoding="utf-8")
    engine = Engine(ScanConfig(lexicons=(str(unit),)))
    text = "关于青鸾-9专项的说明".encode()
    sha = hashlib.sha256(text).hexdigest()
    store = open_store(db_url)
    try:
        flow = Workflow(store, engine)
        flow.submit(text, "note.txt", "说明", Actor("张三"))
        with store.read() as conn:
            scan = store.latest_scan(conn, sha)
        run, item = json.loads(scan.result_json)
        lexicons = run["run"]["lexicons"]
        assert lexicons[:3] == [lex.info() for lex in load_shipped()]
        assert lexicons[3]["name"] == "unit" and lexicons[3]["entries"] == 1 and not lexicons[3]["shipped"]
        assert item["item"] == "note.txt" and item["verdict"] == "block"
        # the gate still reads the stored scan: it names the blocking finding, not the run record
        assert "the scan says block (lexicon.unit in note.txt body)" in flow.gate(sha).reasons
    finally:
        store.close()
