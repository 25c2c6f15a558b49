"""Ordered parallel map over documents, in batches so memory stays bounded on any input size.

Results come back in input order whatever the number of workers, so a run's output does not
depend on `--workers`. Each worker process builds its Cleaner once, in the pool initializer.

Workers ignore SIGINT: a Ctrl-C reaches the whole process group, and a worker that dies of it
can die holding the pool's queue lock, which hangs the shutdown. The parent alone handles it
and ends the pool (`quiet_fork` blocks SIGINT while workers are forked, so none is born without
the protection).
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import signal
import threading
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


@contextlib.contextmanager
def quiet_fork() -> Iterator[None]:
    """Block SIGINT in this thread while worker processes are created inside the block.

    Children inherit the blocked signal and unblock it only after `ignore_interrupts`; a
    Ctrl-C that comes meanwhile waits, and is delivered to the parent when the block ends.
    """
    usable = hasattr(signal, "pthread_sigmask") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def ignore_interrupts() -> None:
    """In a worker process: leave SIGINT to the parent (see the module's docstring)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _init(factory: Callable[[], Callable[[Any], Any]]) -> None:
    ignore_interrupts()
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
    with quiet_fork():
        pool = context.Pool(workers, initializer=_init, initargs=(factory,))
    with pool:
        batch = first
        chunk = max(1, BATCH // (workers * 4))
        pending = pool.map_async(_call, batch, chunksize=chunk)
        while batch:
            batch = list(itertools.islice(iterator, BATCH))
            following = pool.map_async(_call, batch, chunksize=chunk) if batch else None
            yield from pending.get()
            pending = following  # type: ignore[assignment]
