"""Compiled scoring of the line model's oblivious trees (cleanse.classify.model): one loop per row
instead of a (rows, trees x depth) comparison block, a gather and a sum in numpy.

Each row's leaves are added the way numpy's `sum` over a row adds them (its pairwise summation:
eight running sums per block of at most 128 values, halves above that), so the margins are the
same floats bit for bit; `tests/classify/test_tree_kernel.py` checks this against the numpy
formula. numba loads with the first page classified (cleanse.dedup.jit).
"""

# numba kernels take and return plain numpy arrays; their signatures are documented, not typed.
# mypy: disable-error-code="no-untyped-def,arg-type"
from __future__ import annotations

import numba as nb
import numpy as np

from cleanse.dedup.jit import kernel

_BLOCK = 128  # numpy's pairwise summation block (PW_BLOCKSIZE)
_CHUNK_ROWS = 4_096  # rows whose leaves are held at once (bounded memory on a huge page)


@nb.njit(cache=True)
def _block_sum(a, lo, n):  # noqa: ANN001, ANN202 (numba-typed arrays and ints)
    """numpy's sum of a[lo:lo + n] for n <= _BLOCK: in order under 8 values, else eight running
    sums combined in pairs, then the rest in order."""
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = 8
    while i < n - (n % 8):
        r0 += a[lo + i]
        r1 += a[lo + i + 1]
        r2 += a[lo + i + 2]
        r3 += a[lo + i + 3]
        r4 += a[lo + i + 4]
        r5 += a[lo + i + 5]
        r6 += a[lo + i + 6]
        r7 += a[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


@nb.njit(cache=True)
def _pairwise_sum(a, n, frames, lefts):  # noqa: ANN001, ANN202 (numba arrays)
    """numpy's pairwise sum of a[:n]: blocks of at most _BLOCK values, above that the sum of the
    two halves (the first a multiple of 8), the same additions in the same order. The halving
    runs on an explicit stack (numba's cached code does not load a recursive function): frame k
    is (start, size, 1 while its left half is summed / 2 while its right half is), lefts[k] the
    sum of its left half."""
    if n <= _BLOCK:
        return _block_sum(a, 0, n)
    top = 0
    frames[0, 0], frames[0, 1], frames[0, 2] = 0, n, 0
    while True:
        lo, size = frames[top, 0], frames[top, 1]
        half = size // 2
        half -= half % 8
        if size > _BLOCK:  # a new frame: its left half first
            frames[top, 2] = 1
            top += 1
            frames[top, 0], frames[top, 1], frames[top, 2] = lo, half, 0
            continue
        result = _block_sum(a, lo, size)
        top -= 1
        while top >= 0 and frames[top, 2] == 2:  # right halves done: left + right
            result = lefts[top] + result
            top -= 1
        if top < 0:
            return result
        lefts[top] = result  # a left half done: its right half next
        frames[top, 2] = 2
        lo, size = frames[top, 0], frames[top, 1]
        half = size // 2
        half -= half % 8
        top += 1
        frames[top, 0], frames[top, 1], frames[top, 2] = lo + half, size - half, 0


@kernel
def _margins(x, features, cuts, leaves, bias, out):  # noqa: ANN001, ANN202 (numba arrays)
    """out[i] = bias + the sum of row i's leaves: tree t's leaf is sum_d 2**d * (x[i, features[t,
    d]] > cuts[t, d]). _CHUNK_ROWS rows at a time, tree by tree over a column of `x` at a time
    (column-major, as the feature matrix is), then each row's leaves summed in tree order."""
    trees, depth = features.shape
    rows = min(x.shape[0], _CHUNK_ROWS)
    values = np.empty((rows, trees), dtype=np.float64)
    leaf = np.empty(rows, dtype=np.int64)
    frames = np.zeros((64, 3), dtype=np.int64)  # the halving's depth: log2(trees / _BLOCK)
    lefts = np.zeros(64, dtype=np.float64)
    for start in range(0, x.shape[0], _CHUNK_ROWS):
        n = min(x.shape[0] - start, _CHUNK_ROWS)
        for t in range(trees):
            leaf[:n] = 0
            for d in range(depth):
                column = x[start : start + n, features[t, d]]
                cut = cuts[t, d]
                for i in range(n):
                    leaf[i] |= np.int64(column[i] > cut) << d
            for i in range(n):
                values[i, t] = leaves[t, leaf[i]]
        for i in range(n):
            out[start + i] = bias + (0.0 + _pairwise_sum(values[i], trees, frames, lefts))


def tree_margins(
    x: np.ndarray, features: np.ndarray, cuts: np.ndarray, leaves: np.ndarray, bias: float
) -> np.ndarray:
    """The log-odds of each row of `x` (rows x features) under the trees (trees with at least
    one question each)."""
    out = np.empty(x.shape[0], dtype=np.float64)
    _margins(x, features, cuts, leaves, np.float64(bias), out)
    return out
