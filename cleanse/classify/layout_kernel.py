"""Compiled passes of the rule pass over a page (cleanse.classify.page_rules): the runs of short
lines and whether each looks like a table, the runs of bulleted lines, each line's weight, and
the content regions (best-scoring segments of the weights, cleanse.classify.regions), one loop
each instead of a Python step per line.

The same decisions and the same floats as the Python rules they replace (`math.log1p` is the C
library's here as in Python; the sums run in the same order). numba loads with the first page
classified (cleanse.dedup.jit).
"""

# numba kernels take and return plain numpy arrays; their signatures are documented, not typed.
# mypy: disable-error-code="no-untyped-def,arg-type"
from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from cleanse.classify.context import CUE_CODES
from cleanse.dedup.jit import kernel

TAIL, DATE, COUNTER = CUE_CODES["tail"], CUE_CODES["date"], CUE_CODES["counter"]


@kernel
def _runs(blank, flagged, digits, min_table_numeric, runs, tables):  # noqa: ANN001, ANN202
    """Per line, the non-blank lines of the run of `flagged` lines it belongs to (blank lines
    extend a run, a run opens on a flagged non-blank line; 0 elsewhere), and when `digits` is
    given (non-empty), whether that run is a table: at least 4 lines, at least
    `min_table_numeric` of them but not all numeric (digits >= 0.15)."""
    n = len(blank)
    i = 0
    while i < n:
        if blank[i] or not flagged[i]:
            i += 1
            continue
        j = i
        members = 0
        numeric = 0
        while j < n and (blank[j] or flagged[j]):
            if not blank[j]:
                members += 1
                if len(digits) and digits[j] >= 0.15:
                    numeric += 1
            j += 1
        table = len(digits) > 0 and members >= 4
        table = table and min_table_numeric * members <= numeric and numeric < members
        for k in range(i, j):
            runs[k] = members
            tables[k] = table
        i = j


@kernel
def _weights(blank, prose, words, cue, runs, list_runs, tables, params, cues, out):  # noqa: ANN001, ANN202
    """page_rules' weight of each line: prose counts by length, other lines by their run;
    params = (min_prose, gap_penalty, tail_penalty, cue_penalty); cues[0, code] whether a cue is
    a hard one, cues[1, code] a soft one."""
    min_prose, gap, tail, cue_penalty = params[0], params[1], -params[2], -params[3]
    hard, soft = cues[0], cues[1]
    for i in range(len(blank)):
        c = cue[i]
        run = runs[i]
        if blank[i]:
            out[i] = 0.0
        elif prose[i] >= min_prose and not hard[c]:
            out[i] = prose[i] * math.log1p(words[i] / 6.0)
        elif list_runs[i] >= 3 and words[i] >= 2 and c == 0:
            out[i] = 0.1
        elif c == TAIL:
            out[i] = tail
        elif tables[i] and c in (0, COUNTER, DATE):
            out[i] = -0.05
        elif soft[c] and run <= 4:
            out[i] = -0.2
        elif c != 0 and c != COUNTER:
            out[i] = cue_penalty
        else:
            out[i] = -gap * (1.0 - prose[i]) * min(1.0, run / 4.0)


@kernel
def _regions(weights, min_score, min_share, found):  # noqa: ANN001, ANN202 (numba arrays)
    """regions.find_regions into found (rows: start, end, score; at most len(found)); returns
    how many."""
    n = len(weights)
    taken = np.zeros(n, dtype=np.bool_)
    top = 0.0
    count = 0
    for _ in range(len(found)):
        start, end, score = 0, 0, 0.0
        run_start = 0
        run = 0.0
        for i in range(n):
            if taken[i]:
                run, run_start = 0.0, i + 1
                continue
            if run <= 0.0:
                run, run_start = 0.0, i
            run += weights[i]
            if run > score:
                start, end, score = run_start, i + 1, run
        if end <= start or score < min_score or score < min_share * top:
            break
        top = max(top, score)
        found[count, 0], found[count, 1], found[count, 2] = start, end, score
        count += 1
        taken[start:end] = True
    return count


def short_runs(
    blank: np.ndarray, short: np.ndarray, digits: np.ndarray, min_table_numeric: float
) -> tuple[np.ndarray, np.ndarray]:
    """(run length, table) per line of the runs of `short` lines (see `_runs`)."""
    runs = np.zeros(len(blank), dtype=np.int64)
    tables = np.zeros(len(blank), dtype=np.bool_)
    _runs(blank, short, digits, float(min_table_numeric), runs, tables)
    return runs, tables


def bullet_runs(blank: np.ndarray, bullet: np.ndarray) -> np.ndarray:
    """Run length per line of the runs of bulleted lines (0 if not bulleted)."""
    runs = np.zeros(len(blank), dtype=np.int64)
    _runs(blank, bullet, np.zeros(0), 0.0, runs, np.zeros(len(blank), dtype=np.bool_))
    return runs


def line_weights(
    blank: np.ndarray,
    prose: np.ndarray,
    words: np.ndarray,
    cue: np.ndarray,
    runs: np.ndarray,
    list_runs: np.ndarray,
    tables: np.ndarray,
    params: tuple[float, float, float, float],
    hard: Iterable[str],
    soft: Iterable[str],
) -> np.ndarray:
    """Each line's weight (see `_weights`); `hard`, `soft`: the cues of each kind."""
    out = np.empty(len(blank), dtype=np.float64)
    cues = np.zeros((2, len(CUE_CODES) + 1), dtype=np.bool_)
    cues[0, [CUE_CODES[c] for c in hard]] = True
    cues[1, [CUE_CODES[c] for c in soft]] = True
    _weights(blank, prose, words, cue, runs, list_runs, tables, np.array(params, float), cues, out)
    return out


def best_regions(
    weights: np.ndarray, min_score: float, min_share: float, max_regions: int
) -> list[tuple[int, int, float]]:
    """regions.find_regions of `weights` (float64)."""
    found = np.zeros((max_regions, 3), dtype=np.float64)
    count = _regions(weights, float(min_score), float(min_share), found)
    return [(int(a), int(b), float(s)) for a, b, s in found[:count].tolist()]
