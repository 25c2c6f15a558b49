"""A wall-clock limit on a block of regex work, enforced with SIGALRM where the platform allows.

The `regex` module checks for signals while it matches, so an alarm stops even a pathological
pattern. One alarm per document costs far less than the `timeout=` argument on every call, which
the rule engine keeps as its fallback (other threads, other platforms, or a document that ran over).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class Overtime(Exception):  # noqa: N818 (a signal, not an error the user sees)
    """Raised inside the guarded block when its time is up."""


def _raise_overtime(signum: int, frame: FrameType | None) -> None:
    raise Overtime


def _can_arm() -> bool:
    if (
        not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        return False
    # Never take over an alarm the host program uses.
    return signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None) and signal.getitimer(
        signal.ITIMER_REAL
    ) == (0.0, 0.0)


@contextmanager
def time_limit(seconds: float) -> Iterator[bool]:
    """Yield True and raise Overtime in the block after `seconds`, or yield False if unavailable."""
    if not _can_arm():
        yield False
        return
    previous = signal.signal(signal.SIGALRM, _raise_overtime)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
