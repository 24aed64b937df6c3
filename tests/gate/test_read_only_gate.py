"""The review store's reads are written once against ledger.Reads; ledger.py
names the tables and columns schema.py defines for SQLAlchemy."""
from __future__ import annotations

from scanner.review import schema
from scanner.review.ledger import COLUMNS, LEDGER, SCHEMA_VERSION
from scanner.review.migrations import LATEST


def test_the_ledger_names_the_tables_schema_defines():
    assert {t.name: tuple(c.name for c in t.columns) for t in schema.LEDGER_TABLES} == COLUMNS
    assert tuple(t.name for t in schema.LEDGER_TABLES) == LEDGER
    assert SCHEMA_VERSION == LATEST
