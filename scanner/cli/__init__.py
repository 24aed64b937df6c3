"""Every ``preclear`` command, one module per command group: scan, hook,
lexicons, redact, review (the workflow), suppress, audit (records, keys,
tokens), serve.  The commands sit above every domain package and compose
them; no domain package imports this one (docs/architecture.md).

Exit statuses are defined once, in exits.py.
"""
from __future__ import annotations

import os

# preclear does no floating-point linear algebra, yet OpenBLAS (numpy's) starts
# a thread per core as numpy is imported: ~80 ms of CPU at every start, and
# threads that compete with the pool's workers.  Set before anything imports
# numpy; a value the user set is kept.  A library caller's process is its own.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from .entry import build_parser, main

__all__ = ["build_parser", "main"]
