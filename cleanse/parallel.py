"""Ordered parallel map over documents, in batches so memory stays bounded on any input size.

Results come back in input order whatever the number of workers, so a run's output does not
depend on `--workers`. Each worker process builds its Cleaner once, in the pool initializer.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

BATCH = 512
_worker_state: dict[str, Any] = {}  # per worker process: set once by the pool initializer


def default_workers() -> int:
    """The number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _init(factory: Callable[[], Callable[[Any], Any]]) -> None:
    _worker_state["func"] = factory()


def _call(item: Any) -> Any:
    return _worker_state["func"](item)


def ordered_map(
    factory: Callable[[], Callable[[T], R]], items: Iterable[T], workers: int
) -> Iterator[R]:
    """Apply the function `factory()` builds to every item, in order, over `workers` processes.

    With one worker (or one batch of work) everything runs in this process.
    """
    iterator = iter(items)
    first = list(itertools.islice(iterator, BATCH))
    if workers <= 1 or len(first) < BATCH:
        func = factory()
        yield from map(func, first)
        yield from map(func, iterator)
        return
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with context.Pool(workers, initializer=_init, initargs=(factory,)) as pool:
        batch = first
        chunk = max(1, BATCH // (workers * 4))
        pending = pool.map_async(_call, batch, chunksize=chunk)
        while batch:
            batch = list(itertools.islice(iterator, BATCH))
            following = pool.map_async(_call, batch, chunksize=chunk) if batch else None
            yield from pending.get()
            pending = following  # type: ignore[assignment]
