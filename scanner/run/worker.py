"""What a worker process (pool or Dask) keeps: the Engine of the
configuration it scans with, built once and then used for every item, with
the normalisation kernel ready.

At most ``KEPT_ENGINES`` engines are kept, the least recently used dropped
first: a process scans with one configuration (a command, a Dask task's
config) or two (the service's engine, adopted for its isolated worker, and
a test's).  They are keyed by the configuration's value, all of it: the
Engine carries the whole ScanConfig (the limits, ``explain``), so an engine
built for another configuration, even one with the same ruleset hash, could
scan differently.  The extraction cache is not part of an engine: drivers
pass it to scan_item.
"""
from __future__ import annotations

import gc
from collections import OrderedDict

from ..config import ScanConfig
from ..engine import Engine
from ..normalize import kernel

KEPT_ENGINES = 2
# the collector's first generation is collected after this many allocations
# (Python's default: 700).  A scan's objects are an item's, freed by reference
# counting; a collection every 700 walked the item's young lists of hits and
# cells again and again: ~110 collections and ~25 ms of the benchmark
# folder's 0.8 s, 4 at this threshold
COLLECT_AFTER = 10_000

_engines: OrderedDict[ScanConfig, Engine] = OrderedDict()


def engine_for(config: ScanConfig, *, warm: bool = True) -> Engine:
    """The process's Engine for ``config``: built on first use, then reused
    (a forked pool worker inherits the parent's, already built).  ``warm``
    loads the normalisation kernel and jieba too (before a pool forks, so
    workers inherit them; one process loads each only when first needed:
    jieba when a short hit needs confirming).  Everything loaded is then
    frozen out of the garbage collector's sight: the lexicon's tens of
    thousands of objects live as long as the process, and a collector
    walking them again and again while a part's hits are built halved the
    throughput with a 50,000-term lexicon (forked workers also stop copying
    pages the collector touched); and the collector's first generation waits
    for ``COLLECT_AFTER`` allocations."""
    engine = _engines.get(config)
    if engine is None:
        engine = adopt(Engine(config))
    else:
        _engines.move_to_end(config)
    if warm:
        kernel.warm()
        engine.words.warm()
    gc.freeze()
    if gc.get_threshold()[0] < COLLECT_AFTER:
        gc.set_threshold(COLLECT_AFTER, *gc.get_threshold()[1:])
    return engine


def adopt(engine: Engine) -> Engine:
    """Keep ``engine`` as the process's Engine for its configuration (the
    service hands the one it built to the worker it forks)."""
    _engines[engine.config] = engine
    _engines.move_to_end(engine.config)
    if len(_engines) > KEPT_ENGINES:
        _engines.popitem(last=False)
        gc.unfreeze()  # the dropped engine's objects were frozen: let the collector have them again
    return engine
