"""The one parallel map of cleanse: ordered, in batches so memory stays bounded on any input size.

Cleaning maps documents with it (`cleanse.cleaning_stage`), the duplicate stage of a lone call maps
chunks of documents to signatures (`cleanse.dedup.workers`). Results come back in input order
whatever the number of workers, so a run's output does not depend on `--workers`. A run's
duplicate stage keeps its signing workers for the whole run instead (`WorkerPool`, used by
`cleanse.dedup.signing_pool`), handing them each chunk as its batch is read. Each worker process builds its function
once, in the pool initializer, from a picklable factory (`same_function` for a plain function).

Workers ignore SIGINT: a Ctrl-C reaches the whole process group, and a worker that dies of it
can die holding the pool's queue lock, which hangs the shutdown. The parent alone handles it
and ends the pool (`quiet_fork` blocks SIGINT while workers are forked, so none is born without
the protection).
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import multiprocessing
import multiprocessing.pool
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.pool import AsyncResult
from typing import Any, TypeVar

try:
    import fcntl
except ImportError:  # not on Unix
    fcntl = None  # type: ignore[assignment]

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
    usable = (
        hasattr(signal, "pthread_sigmask") and threading.current_thread() is threading.main_thread()
    )
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


class _Pool(multiprocessing.pool.Pool):
    """A process pool whose worker handler wakes only when a worker ends or the pool changes.

    The standard pool's handler thread also waits on the pipe the results come back through, so
    while a result waits there for the result thread to read it, the handler's wait returns at
    once, again and again: a thread of the parent spinning for as long as results flow, which
    took a tenth of the parent's CPU samples in a 2-worker run. Worker ends still wake it (each
    worker's sentinel), and so do the pool's own changes (its notifier queue).
    """

    def _get_sentinels(self) -> list[Any]:
        return [self._change_notifier._reader]  # type: ignore[attr-defined]

    def _setup_queues(self) -> None:
        super()._setup_queues()  # type: ignore[misc]
        for queue in (self._inqueue, self._outqueue):  # type: ignore[attr-defined]
            widen_pipe(queue._reader.fileno())


# Bytes a pool's pipes hold (Linux's default is 64 KB; 1 MB is what an unprivileged process may
# ask for by default).
PIPE_BYTES = 1 << 20


def widen_pipe(fd: int) -> None:
    """Let the pipe `fd` hold PIPE_BYTES (where the system allows it; else it stays as it is).

    A task (a group of documents) and its result weigh hundreds of KB. Through a 64 KB pipe, a
    worker sending its result waits until the parent's result thread has read all but the last
    64 KB of it, and that thread takes the GIL again after each read: while the parent's main
    thread holds the GIL (settling a batch), the worker waits with it, and so does a worker
    reading its next task. A pipe that holds a whole result or task lets the worker write it
    and go on, and the parent read it in one go.
    """
    setting = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None
    if setting is None:
        return
    with contextlib.suppress(OSError):
        fcntl.fcntl(fd, setting, PIPE_BYTES)


def _init(factory: Callable[[], Callable[[Any], Any]]) -> None:
    ignore_interrupts()
    _worker_state["func"] = factory()


def _call(item: Any) -> Any:
    return _worker_state["func"](item)


def _itself(func: Callable[[T], R]) -> Callable[[T], R]:
    return func


def same_function(func: Callable[[T], R]) -> Callable[[], Callable[[T], R]]:
    """A factory for `ordered_map` that gives `func` itself (picklable if `func` is a module's)."""
    return functools.partial(_itself, func)


def ordered_map(
    factory: Callable[[], Callable[[T], R]],
    items: Iterable[T],
    workers: int,
    *,
    min_items: int = BATCH,
    start_method: str | None = None,
    weigh: Callable[[T], int] | None = None,
    ahead: int = BATCH,
    batch_items: int = BATCH,
) -> Iterator[R]:
    """Apply the function `factory()` builds to every item, in order, over `workers` processes.

    Items are taken `batch_items` at a time (BATCH by default; fewer for items that are groups).
    While one batch is yielded, the batches after it are under way: at least the next one, more
    while all of them weigh under `ahead` (`weigh(item)`, 1 each by default), so the workers keep
    busy while the caller dwells on results, in bounded memory. With one worker, or fewer than
    `min_items` items in all, everything runs in this process.
    `start_method`: how workers start (default: fork where there is one, else spawn); "fork" lets
    them read what the parent set up just before the call without pickling it.
    """
    iterator = iter(items)
    first = list(itertools.islice(iterator, batch_items))
    if workers <= 1 or len(first) < min(min_items, batch_items):
        func = factory()
        yield from map(func, first)
        yield from map(func, iterator)
        return
    method = start_method or ("fork" if os.name == "posix" else "spawn")
    context = multiprocessing.get_context(method)
    weight = weigh or _one
    with quiet_fork():
        pool = _Pool(workers, initializer=_init, initargs=(factory,), context=context)
    with pool:  # leaving it, on an error or Ctrl-C too, ends the workers
        window: deque[tuple[AsyncResult[list[R]], int]] = deque()
        loaded = 0  # weight of the batches in `window`
        batch = first
        while batch or window:
            # Keep the window full: the head, plus batches under way while they weigh under `ahead`.
            while batch and (len(window) < 2 or loaded < ahead):
                load = sum(map(weight, batch))
                chunk = _chunk(len(batch), workers)
                window.append((pool.map_async(_call, batch, chunksize=chunk), load))
                loaded += load
                batch = list(itertools.islice(iterator, batch_items))
            pending, load = window.popleft()
            loaded -= load
            yield from pending.get()


class WorkerPool:
    """Worker processes kept until `close`, each running the function `factory()` builds on the
    items handed to it one by one (`submit`), while this process goes on.

    Started with "fork" while this process is still small (before it reads its input), workers
    share only what it held then: a pool forked later, from a process whose heap then changes
    while the workers live, makes the system copy every page the process writes meanwhile.
    """

    def __init__(
        self, factory: Callable[[], Callable[[Any], Any]], workers: int, start_method: str
    ) -> None:
        context = multiprocessing.get_context(start_method)
        with quiet_fork():
            self._pool = _Pool(workers, initializer=_init, initargs=(factory,), context=context)

    def submit(self, item: Any, callback: Callable[[Any], None] | None = None) -> AsyncResult[Any]:
        """Hand `item` to the next free worker; `callback(result)` runs in this process's result
        thread when it comes back (it must not raise: the pool's thread would end)."""
        return self._pool.apply_async(_call, (item,), callback=callback)

    def close(self) -> None:
        """End the workers now, whether or not they are busy (idempotent)."""
        self._pool.terminate()


def _one(item: Any) -> int:
    return 1


def _chunk(items: int, workers: int) -> int:
    """Items handed to a worker at a time: four hand-outs per worker and batch, to balance them."""
    return max(1, items // (workers * 4))
