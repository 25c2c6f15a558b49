"""A CPU-time limit on a block of regex work, enforced with SIGPROF where the platform allows.

The budget is CPU time of the thread running the block, not wall time: a document takes the same
decision on an idle laptop, on a machine loaded by other jobs and in a Spark executor sharing its
cores, so a run's output does not depend on the load (nor does an engine's: parity of the local and
Spark engines rests on it). Waiting (a sleep, I/O, being descheduled) costs no budget.

How: an ITIMER_PROF timer counts the process's CPU time (user + system, every thread) and raises
SIGPROF when it has run out. The handler then reads the guarded thread's own CPU clock
(`time.thread_time`): if other threads of the process used part of that CPU, the timer is armed
again for what the block has left; otherwise the block gets Overtime. The `regex` module checks for
signals while it matches, so this stops even a pathological pattern. Python runs signal handlers in
the main thread only, so the limit is armed there (the local engine's worker processes and Spark's
Python workers run their documents in their main thread); elsewhere, or when the host program uses
SIGPROF or ITIMER_PROF itself (a sampling profiler), `time_limit` yields False and the rule engine
falls back on the `timeout=` argument of every regex call, which `regex` also counts in CPU time.
One alarm per document costs far less than that argument on every call.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

#: The CPU clock budgets are read on: the calling thread's user + system time.
cpu_clock = time.thread_time


class Overtime(Exception):  # noqa: N818 (a signal, not an error the user sees)
    """Raised inside the guarded block when its CPU time is up."""


def _can_arm() -> bool:
    if (
        not hasattr(signal, "setitimer")
        or not hasattr(signal, "SIGPROF")
        or threading.current_thread() is not threading.main_thread()
    ):
        return False
    # Never take over a timer the host program (a profiler) uses.
    return signal.getsignal(signal.SIGPROF) in (signal.SIG_DFL, None) and signal.getitimer(
        signal.ITIMER_PROF
    ) == (0.0, 0.0)


@contextmanager
def time_limit(seconds: float) -> Iterator[bool]:
    """Yield True and raise Overtime in the block once it has used `seconds` of CPU time, or
    yield False if no limit can be set here (see the module's docstring).

    Overtime is raised only while the block runs: a signal that arrives as it is being left is
    ignored, so it never escapes into the caller's code after the block has finished.
    """
    if not _can_arm():
        yield False
        return
    deadline = cpu_clock() + seconds
    running = True

    def on_timer(signum: int, frame: FrameType | None) -> None:
        if not running:
            return
        left = deadline - cpu_clock()
        if left > 0:  # other threads of the process used that CPU: wait for the rest
            signal.setitimer(signal.ITIMER_PROF, max(left, 0.001))
            return
        raise Overtime

    previous = signal.signal(signal.SIGPROF, on_timer)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield True
    finally:
        running = False
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
