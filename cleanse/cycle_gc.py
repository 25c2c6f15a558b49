"""Pausing Python's cycle collector around work that allocates much and makes no reference cycles.

Cleaning a batch of documents makes and drops millions of small objects (lines, tuples, Changes,
the classifier's rows); reference counting frees them all, none is part of a cycle (a `cleanse
clean` of 20 MB: 1,236 objects found by the collector in the whole run). The cycle collector
still runs every 700 allocations, and every tenth of those runs over the middle generation, every
tenth of those over every object alive (the batch, the classifier's caches of line features):
1.2-1.6 s of that 13 s command, 15 full passes at about 0.1 s each. Inside `paused_collection`
it does not run; the few cycles made there are found by its next run after the block.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_collection() -> Iterator[None]:
    """Disable the cycle collector in the block, and enable it again after, unless it was already
    disabled (by the host program, or by a block around this one)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
