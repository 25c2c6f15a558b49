"""Progress on stderr: bars with total, throughput and time left on a terminal, log lines elsewhere.

`reporter()` picks one from the flags: `--quiet` shows nothing; a terminal gets one tqdm bar per
phase; a log (nohup, CI, a pipe) gets one plain line every `--progress-every` seconds with the same
figures, and a last line when the run ends.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from cleanse.progress import ProgressReporter

if TYPE_CHECKING:
    from tqdm import tqdm


def reporter(quiet: bool, every: float, stream: IO[str] | None = None) -> ProgressReporter | None:
    """The display the flags ask for, or None for `--quiet`."""
    if quiet:
        return None
    stream = stream or sys.stderr
    if stream.isatty():
        return TerminalBars(stream)
    return LogLines(stream, every)


class TerminalBars:
    """One tqdm bar per phase, stacked, each with its total, rate and time left."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.bars: dict[str, tqdm[Any]] = {}

    def start(self, phase: str, total: int | None, unit: str) -> None:
        """Open the bar of `phase` under the ones already open."""
        from tqdm import tqdm  # here: a quiet or logged run never loads it

        scaled = unit == "B"
        self.bars[phase] = tqdm(
            total=total, desc=f"{phase:<5}", unit=unit if scaled else " docs", unit_scale=scaled,
            unit_divisor=1024 if scaled else 1000, file=self.stream, position=len(self.bars),
            dynamic_ncols=True, leave=True, mininterval=0.2,
        )  # fmt: skip

    def advance(self, phase: str, amount: int) -> None:
        """Move the bar of `phase`."""
        self.bars[phase].update(amount)

    def close(self) -> None:
        """Close every bar (in order, so the terminal is left tidy)."""
        for bar in self.bars.values():
            bar.close()


@dataclass
class _Phase:
    total: int | None
    unit: str
    done: int = 0


@dataclass
class LogLines:
    """A plain line every `every` seconds: per phase, done of total, rate and time left.

    `clock` is injectable so tests need no sleeping.
    """

    stream: IO[str]
    every: float
    clock: Callable[[], float] = time.monotonic
    phases: dict[str, _Phase] = field(default_factory=dict)
    started: float | None = None
    last: float | None = None
    printed: str = ""

    def start(self, phase: str, total: int | None, unit: str) -> None:
        """Note the phase and its total; the clock starts with the first phase."""
        self.phases[phase] = _Phase(total, unit)
        if self.started is None:
            self.started = self.last = self.clock()

    def advance(self, phase: str, amount: int) -> None:
        """Count, and print a line when `every` seconds passed since the last one."""
        self.phases[phase].done += amount
        now = self.clock()
        if self.last is not None and now - self.last >= self.every:
            self.last = now
            self._line(now)

    def close(self) -> None:
        """The last line, with the final figures."""
        if self.started is not None:
            self._line(self.clock())

    def _line(self, now: float) -> None:
        elapsed = max(now - (self.started if self.started is not None else now), 1e-9)
        parts = [
            describe(name, p.done, p.total, p.unit, elapsed) for name, p in self.phases.items()
        ]
        line = f"cleanse: progress {format_time(elapsed)}: " + "; ".join(parts)
        if line != self.printed:  # the last advance and close() can fall in the same second
            print(line, file=self.stream, flush=True)
            self.printed = line


def describe(phase: str, done: int, total: int | None, unit: str, elapsed: float) -> str:
    """One phase's figures in words.

    >>> describe("clean", 512 * 1024**2, 1024**3, "B", 100.0)
    'clean 50% (512.0 MB of 1.0 GB, 5.1 MB/s, 1m40s left)'
    >>> describe("write", 30, None, "docs", 10.0)
    'write 30 docs (3.0 docs/s)'
    """
    rate = done / elapsed
    amount = size(done, unit)
    speed = f"{size(int(rate), unit) if unit == 'B' else f'{rate:.1f} docs'}/s"
    if not total:
        return f"{phase} {amount} ({speed})"
    share = 100 * done / total
    left = format_time((total - done) / rate) + " left" if rate > 0 else "time left unknown"
    return f"{phase} {share:.0f}% ({amount} of {size(total, unit)}, {speed}, {left})"


def size(amount: int, unit: str) -> str:
    """Bytes with a binary prefix, or a count of documents.

    >>> size(1536, "B"), size(12, "docs")
    ('1.5 kB', '12 docs')
    """
    if unit != "B":
        return f"{amount:,} {unit}"
    value = float(amount)
    for prefix in ("B", "kB", "MB", "GB"):
        if value < 1024:
            return f"{value:.0f} B" if prefix == "B" else f"{value:.1f} {prefix}"
        value /= 1024
    return f"{value:.1f} TB"


def format_time(seconds: float) -> str:
    """A duration as 1h02m, 3m05s or 12s.

    >>> format_time(3725), format_time(185), format_time(12.4)
    ('1h02m', '3m05s', '12s')
    """
    whole = int(seconds)
    if whole >= 3600:
        return f"{whole // 3600}h{whole % 3600 // 60:02d}m"
    if whole >= 60:
        return f"{whole // 60}m{whole % 60:02d}s"
    return f"{whole}s"
