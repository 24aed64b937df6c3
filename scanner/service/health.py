"""What the service scans with, for ``/v1/health`` and the start-up log.

A service started without its lexicons would otherwise look healthy: the
answer lists every lexicon in effect (name, version, entries, sha256 of the
file) and the ruleset, and warns when no lexicon is loaded (a missing or
altered shipped lexicon stops the Engine from being built at all:
scanner/match/shipped.py).  Names and hashes only: never a term.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from ..engine import Engine
from ..ruleset import RULESET_VERSION

log = logging.getLogger("preclear.service")


def lexicons_in_effect(engine: Engine) -> list[dict[str, Any]]:
    return [{"name": lex.name, "version": lex.version, "entries": len(lex.entries), "sha256": lex.sha256,
             "file": Path(lex.path).name} for lex in engine.lexicons]


def warnings(engine: Engine) -> list[str]:
    out = []
    if not engine.lexicons:
        out.append("no lexicon is loaded: only marks and personal information are detected")
    return out


def health(engine: Engine, mask: bool) -> dict[str, Any]:
    return {"ok": True, "ruleset_hash": engine.ruleset_hash,
            "ruleset": {"version": RULESET_VERSION, "hash": engine.ruleset_hash},
            "lexicons": lexicons_in_effect(engine), "default_lexicons": engine.config.default_lexicons,
            "mask": mask, "gate_versions": [1, 2], "warnings": warnings(engine)}


def log_start_up(engine: Engine, where: str) -> None:
    log.info("review store %s; ruleset %s hash %s", where, RULESET_VERSION, engine.ruleset_hash)
    for lex in lexicons_in_effect(engine):
        log.info("lexicon %s version %s: %d entries, sha256 %s (%s)",
                 lex["name"], lex["version"], lex["entries"], lex["sha256"], lex["file"])
    for text in warnings(engine):
        log.warning("%s", text)
