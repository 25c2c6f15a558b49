"""Compiled passes over the lines of many pages at once, each page on its own: the moving means
and the distances to the nearest flagged line that the context features (cleanse.classify.context)
read, without a numpy call per page.

The means are the same floats as numpy's on one page: the running sums added in order from the
page's first line (`np.cumsum` adds in order), then (sum[hi] - sum[lo]) / (hi - lo). numba loads
with the first page classified (cleanse.dedup.jit).
"""

# numba kernels take and return plain numpy arrays; their signatures are documented, not typed.
# mypy: disable-error-code="no-untyped-def,arg-type"
from __future__ import annotations

import numpy as np

from cleanse.dedup.jit import kernel


@kernel
def _window_means(a, starts, half, out):  # noqa: ANN001, ANN202 (numba arrays and ints)
    """out[i] = the mean of a over the lines i - half .. i + half of i's page (cut at its edges);
    the pages are a[starts[p]:starts[p + 1]]."""
    sums = np.zeros(len(a) + 1, dtype=np.float64)
    for p in range(len(starts) - 1):
        s, e = starts[p], starts[p + 1]
        n = e - s
        if n == 0:
            continue
        sums[0] = 0.0
        sums[1] = a[s]
        for k in range(1, n):
            sums[k + 1] = sums[k] + a[s + k]
        for k in range(n):
            lo = max(k - half, 0)
            hi = min(k + half + 1, n)
            out[s + k] = (sums[hi] - sums[lo]) / (hi - lo)


@kernel
def _distances(flags, starts, above, below):  # noqa: ANN001, ANN202 (numba arrays)
    """Per line, the lines since the last flagged line of its page above it (0 on a flagged
    line) and until the next one below; n + 1 (n: the page's lines) when there is none."""
    for p in range(len(starts) - 1):
        s, e = starts[p], starts[p + 1]
        last = -1
        for i in range(s, e):
            if flags[i]:
                last = i
            above[i] = i - last if last >= 0 else e - s + 1
        last = -1
        for i in range(e - 1, s - 1, -1):
            if flags[i]:
                last = i
            below[i] = last - i if last >= 0 else e - s + 1


def window_means(a: np.ndarray, starts: np.ndarray, half: int) -> np.ndarray:
    """The mean of `a` (float64) over each line's window of 2 * half + 1 lines of its page."""
    out = np.empty(len(a), dtype=np.float64)
    _window_means(np.ascontiguousarray(a, dtype=np.float64), starts, half, out)
    return out


def distances(flags: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(lines since the last flagged line above, lines until the next one below) per line,
    within its page; the page's lines + 1 when there is none."""
    above = np.empty(len(flags), dtype=np.int64)
    below = np.empty(len(flags), dtype=np.int64)
    _distances(np.ascontiguousarray(flags, dtype=np.bool_), starts, above, below)
    return above, below
