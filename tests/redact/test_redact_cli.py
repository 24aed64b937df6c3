"""``preclear redact``: copies written and verified, refusals one line each,
exit 0 / 1 / 3."""
from __future__ import annotations

from scanner.cli import main


def test_copies_written_and_reported(tmp_path, marked_docx, capsys):
    (tmp_path / "n.docx").write_bytes(marked_docx)
    (tmp_path / "n.txt").write_bytes("机密★5年\n正文\n".encode("gb18030"))
    out = tmp_path / "out"
    assert main(["redact", str(tmp_path / "n.docx"), str(tmp_path / "n.txt"), "--out", str(out)]) == 0
    assert (out / "n.txt").read_bytes().decode("gb18030") == "■■■■■\n正文\n"
    assert (out / "n.docx").exists() and not list(out.glob("*.part"))
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{out / 'n.docx'}: 7 covered (mark.state-secret ×7)")
    assert lines[1] == f"{out / 'n.txt'}: 1 covered (mark.state-secret ×1); re-scan clean"


def test_refusals_exit_1_and_the_rest_is_written(tmp_path, capsys):
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    (tmp_path / "split.html").write_text("<html><body><p>机<b>密</b>★5年</p></body></html>", encoding="utf-8")
    (tmp_path / "ok.md").write_text("秘密★1年\n", encoding="utf-8")
    out = tmp_path / "out"
    code = main(["redact", str(tmp_path / "a.pdf"), str(tmp_path / "split.html"), str(tmp_path / "ok.md"),
                 str(tmp_path / "missing.txt"), "--out", str(out)])
    assert code == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"preclear redact: refused {tmp_path / 'a.pdf'}: cannot redact pdf files (TXT, Markdown, CSV, HTML and DOCX only)"
    assert err[1].startswith(f"preclear redact: refused {tmp_path / 'split.html'}: 1 finding(s) would remain")
    assert err[2].startswith(f"preclear redact: refused {tmp_path / 'missing.txt'}: cannot read")
    assert sorted(p.name for p in out.iterdir()) == ["ok.md"]


def test_tool_errors_exit_3(tmp_path, capsys):
    src = tmp_path / "n.txt"
    src.write_text("机密★5年\n", encoding="utf-8")
    assert main(["redact", str(src), "--out", str(tmp_path)]) == 3
    assert "would overwrite the input" in capsys.readouterr().err
    (tmp_path / "file").write_text("x")
    assert main(["redact", str(src), "--out", str(tmp_path / "file" / "sub")]) == 3
    assert "cannot create --out" in capsys.readouterr().err
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "n.txt").write_text("x")
    assert main(["redact", str(src), str(tmp_path / "b" / "n.txt"), "--out", str(tmp_path / "o")]) == 3
    assert "same copy: n.txt" in capsys.readouterr().err
    assert src.read_text(encoding="utf-8") == "机密★5年\n"
