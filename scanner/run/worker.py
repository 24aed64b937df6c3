"""What a worker process (pool or Dask) keeps: one Engine per configuration,
built once and then used for every item, with the extraction cache and the
normalisation kernel ready."""
from __future__ import annotations

import gc
import hashlib
import pickle

from ..config import ScanConfig
from ..engine import Engine
from ..normalize import kernel

_ENGINES: dict[tuple[str, bool], Engine] = {}


def config_key(config: ScanConfig) -> str:
    return hashlib.sha256(pickle.dumps(config)).hexdigest()


def engine_for(config: ScanConfig, use_cache: bool = False, warm: bool = True) -> Engine:
    """The process's Engine for ``config``: built on first use, then reused
    (a forked pool worker inherits the parent's, already built).  ``warm``
    loads the normalisation kernel and jieba too (before a pool forks, so
    workers inherit them; one process loads each only when first needed:
    jieba when a short hit needs confirming).  Everything loaded is then
    frozen out of the garbage collector's sight: the lexicon's tens of
    thousands of objects live as long as the process, and a collector
    walking them again and again while a part's hits are built halved the
    throughput with a 50,000-term lexicon (forked workers also stop copying
    pages the collector touched)."""
    key = (config_key(config), use_cache)
    engine = _ENGINES.get(key)
    if engine is None:
        from ..cache import ExtractCache

        engine = Engine(config)
        engine.extract_cache = ExtractCache(config.cache) if use_cache else None
        _ENGINES[key] = engine
    if warm:
        kernel.warm()
        engine.words.warm()
    gc.freeze()
    return engine
