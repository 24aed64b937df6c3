"""Decide an item's format from its bytes, not its name.

The extension is only a tie-breaker between text flavours (markdown, csv,
html) once the bytes say "text".
"""
from __future__ import annotations

import os

_TEXT_EXT = {".md": "markdown", ".markdown": "markdown", ".csv": "csv",
             ".html": "html", ".htm": "html", ".xhtml": "html"}


def sniff(data: bytes, name: str) -> str:
    head = data[:8]
    ext = os.path.splitext(name.lower())[1]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if _looks_binary(data):
        return "binary"
    if ext in _TEXT_EXT:
        return _TEXT_EXT[ext]
    if _looks_html(data):
        return "html"
    return "text"


def _looks_binary(data: bytes) -> bool:
    """NUL bytes mean binary, except in UTF-16/32 text that starts with a BOM."""
    sample = data[:8192]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    return b"\x00" in sample


def _looks_html(data: bytes) -> bool:
    start = data[:512].lstrip().lower()
    return start.startswith((b"<!doctype html", b"<html"))
