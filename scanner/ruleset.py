"""The ruleset hash: what a stored scan was made under.

It changes whenever a lexicon (its bytes or its file name, which decides
how it is read), the rules, the scoring rules or the installed detector and
extractor plug-ins change, and a
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
from collections.abc import Sequence

from . import plugins
from .config import ScanConfig
from .match.sources import lexicon_files, read_lexicon, shipped_sources

# bump when the grammar, validators or scoring change what a scan reports
RULESET_VERSION = "2026.12.1"


def ruleset_hash(config: ScanConfig, lexicons: Sequence[tuple[str, str]]) -> str:
    """The hash of ``config``'s rules with these lexicons, (file name,
    sha256 hex) each, the shipped ones first (by file name), then the
    configured files in order; and of the detector and extractor plug-ins
    installed (a new or upgraded one makes every stored scan stale)."""
    h = hashlib.sha256(RULESET_VERSION.encode())
    h.update(json.dumps([list(pair) for pair in lexicons]).encode())
    h.update(json.dumps(plugins.fingerprint()).encode())
    h.update(json.dumps(config.ruleset.scoring_rules(), sort_keys=True).encode())
    return h.hexdigest()


def lexicon_digests(config: ScanConfig) -> list[tuple[str, str]]:
    """(file name, sha256) of the lexicons ``config`` scans with, from the
    files' bytes: the shipped ones checked against their manifest, an
    unreadable file refused, as the Engine refuses them.  The Engine checks
    that what it parsed is exactly this list."""
    shipped = [(name, data) for name, _, data in shipped_sources()] if config.default_lexicons else []
    files = [(path.name, read_lexicon(path)) for path in lexicon_files(config.lexicons)]
    return [(name, hashlib.sha256(data).hexdigest()) for name, data in shipped + files]


def current_ruleset_hash(config: ScanConfig) -> str:
    """The ``ruleset_hash`` an Engine built from ``config`` now would have,
    without parsing a lexicon or building an Engine."""
    return ruleset_hash(config, lexicon_digests(config))
