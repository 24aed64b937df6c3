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
