"""The ruleset hash: what a stored scan was made under.

It changes whenever a lexicon, the rules or the scoring rules change, and a
stored scan with another hash is stale (the review gate re-scans it).  It
covers ``config.ruleset`` (the lexicons by their bytes) and nothing of
``config.run``: flipping the hook's ``fail_on_review`` keeps every stored
scan current.

The Engine computes it from the lexicons it parsed; ``current_ruleset_hash``
computes the same value from the lexicon files' bytes without parsing them
or building an Engine (match.sources), for a command that only needs to know
whether a stored scan is current.  A test holds the two equal.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from .config import ScanConfig
from .match.sources import lexicon_files, read_lexicon, shipped_sources

# bump when the grammar, validators or scoring change what a scan reports
RULESET_VERSION = "2026.11.1"


def ruleset_hash(config: ScanConfig, lexicon_sha256s: Iterable[str]) -> str:
    """The hash of ``config``'s rules with lexicons of these sha256s (hex),
    the shipped ones first (by file name), then the configured files in order."""
    h = hashlib.sha256(RULESET_VERSION.encode())
    for digest in lexicon_sha256s:
        h.update(digest.encode())
    h.update(json.dumps(config.ruleset.scoring_rules(), sort_keys=True).encode())
    return h.hexdigest()


def current_ruleset_hash(config: ScanConfig) -> str:
    """The ``ruleset_hash`` an Engine built from ``config`` now would have,
    from the lexicon files' bytes: the shipped ones checked against their
    manifest, an unreadable file refused, as the Engine refuses them."""
    shipped = [data for _, _, data in shipped_sources()] if config.default_lexicons else []
    files = [read_lexicon(f) for f in lexicon_files(config.lexicons)]
    return ruleset_hash(config, (hashlib.sha256(data).hexdigest() for data in shipped + files))
