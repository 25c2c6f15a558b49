"""Python's cyclic garbage collector in the `cleanse` process: paused while a job's modules load,
their objects set aside while it runs, none of it left to collect while the interpreter exits.

A job's imports (numpy, numba and the kernels' machine code: some 70,000 objects) make hardly
any cyclic garbage, yet the collector walked them at every full collection of the run, and
again, several times, while the interpreter tore its modules down at exit (about 0.2 s of CPU
for a dedup command that takes 2.5 s in all). `gc.freeze` moves the objects alive at a moment
into a generation the collector never walks; objects that later become cyclic garbage there are
freed at exit with the process, as are those of any other generation.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_process_ends = threading.Event()  # set by `exit_after_command`


def exit_after_command() -> None:
    """Say that the process ends when the command does (the console script): what
    `quiet_imports` froze then stays frozen (see `before_exit`)."""
    _process_ends.set()


@contextmanager
def quiet_imports() -> Iterator[None]:
    """No collection while the block imports a job's modules; what is alive at its end (those
    modules' objects) is frozen until `job_done`."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def job_done() -> None:
    """Hand the objects frozen by `quiet_imports` back to the collector, unless the process ends
    with the command (in a process that goes on, they may become garbage)."""
    if not _process_ends.is_set():
        gc.unfreeze()


def before_exit() -> None:
    """Collect the garbage left (so every finalizer of it runs now, as at exit), then freeze
    the rest: the interpreter's exit then frees what is alive without walking it for cycles
    again."""
    gc.collect()
    gc.freeze()
