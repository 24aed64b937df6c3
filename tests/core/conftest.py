import pytest

from scanner import Engine, ScanConfig


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The engine with the shipped lexicons, built once for the session."""
    return Engine(ScanConfig())


@pytest.fixture
def scan(engine):
    """Scan text as a .txt item and return its result."""
    from scanner import scan_bytes

    def _scan(text: str, name: str = "item.txt", encoding: str = "utf-8"):
        return scan_bytes(text.encode(encoding), name, engine=engine)[0]

    return _scan


def scan_folder(folder, files: dict[str, bytes]) -> dict[str, tuple[str, list[dict]]]:
    """``files`` written to ``folder`` and scanned once by ``preclear scan``,
    as a user runs it: name -> (verdict, findings as the JSONL report has them)."""
    import json
    from pathlib import Path

    from scanner.cli import main

    for name, data in files.items():
        (folder / name).write_bytes(data)
    out = folder.parent / f"{folder.name}.jsonl"
    main(["scan", str(folder), "--no-cache", "-o", str(out)])
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return {Path(record["item"]).name: (record["verdict"], record["findings"]) for record in records
            if "item" in record}
