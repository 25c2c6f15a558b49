"""Context features for the line model: each line's own features, its neighbours', its run and
region, its place in the page and page-wide statistics, as one numpy row per non-blank line.
`FEATURE_NAMES` is the contract with `weights.json`; change both together (refit the model).
"""

from __future__ import annotations

import itertools
import operator
from collections import Counter
from collections.abc import Sequence
from typing import cast

import numpy as np

from cleanse.classify.features import LineFeatures

CUES = ("tail", "share", "nav", "social", "notice", "byline", "credit", "date", "counter")
# Verdict reasons of the rule pass that are not cues.
REASONS = (
    "content",
    "in-region",
    "table-cell",
    "title",
    "prose-outside",
    "menu-run",
    "prose-orphan",
    "short-orphan",
)
_OWN = (
    "log_chars",
    "log_words",
    "stop_ratio",
    "end_punct",
    "n_sentences",
    "cap_ratio",
    "digit_ratio",
    "alpha_ratio",
    "separators",
    "bullet",
    "url",
    "prose",
    "chars_per_word",
)
_LAYOUT = ("weight", "log_run", "table", "log_list_run", "region_best", "region_other", "rule_keep")
_NEIGHBOURS = tuple(
    f"{side}{k}_{name}"
    for side, k in (("prev", 1), ("next", 1), ("prev", 2), ("next", 2))
    for name in ("prose", "log_words", "end_punct", "rule_keep", "cue", "weight")
)
_WINDOWS = ("prose_win3", "prose_win10", "keep_win5", "weight_win5", "words_win3")
_POSITION = (
    "pos",
    "dist_best_region",
    "before_best",
    "after_best",
    "into_best",
    "tails_above",
    "tail_since_prose",
    "dist_prose_above",
    "dist_prose_below",
    "log_repeats",
    "chars_vs_median",
)
_DOC = (
    "doc_log_lines",
    "doc_prose_chars",
    "doc_mean_prose",
    "doc_region_share",
    "doc_n_regions",
    "doc_has_stops",
    "doc_best_score",
)
# Word evidence (cleanse.classify.wordscore): the line's score, its neighbours', windows, the page's.
WORD_FEATURES = ("ws", "ws_prev1", "ws_next1", "ws_win3", "ws_win10", "ws_doc")
FEATURE_NAMES: tuple[str, ...] = (
    _OWN
    + tuple(f"cue_{c}" for c in CUES)
    + tuple(f"reason_{r}" for r in REASONS)
    + _LAYOUT
    + _NEIGHBOURS
    + _WINDOWS
    + _POSITION
    + _DOC
    + WORD_FEATURES
)
_CUE_CODE = {c: i + 1 for i, c in enumerate(CUES)}
_REASON_CODE = {r: i for i, r in enumerate(REASONS)}


def _own_rows(feats: Sequence[LineFeatures]) -> np.ndarray:
    """n_chars .. url (the first 11 fields of the named tuple), prose, the cue's code."""
    n = len(feats)
    out = np.empty((n, 13), dtype=np.float64)
    if n:
        # One flat pass over the fields (a list of tuples converts several times slower).
        out[:, :11] = np.fromiter(
            itertools.chain.from_iterable(map(_FIRST_ELEVEN, feats)), np.float64, 11 * n
        ).reshape(n, 11)
        out[:, 11] = np.fromiter(map(_PROSE, feats), np.float64, n)
        out[:, 12] = np.fromiter(map(_CUE_CODE.get, map(_CUE, feats), _ZEROS), np.float64, n)
    return out


_FIRST_ELEVEN = operator.itemgetter(slice(0, 11))
_PROSE = operator.attrgetter("prose")
_CUE = operator.attrgetter("cue")
_ZEROS = itertools.repeat(0)
_MINUS_ONES = itertools.repeat(-1)


def _shift(a: np.ndarray, k: int, fill: float) -> np.ndarray:
    """a[i - k] (k > 0: the previous line), `fill` past the edges."""
    out = np.full_like(a, fill)
    if k > 0 and k < len(a):
        out[k:] = a[:-k]
    elif k < 0 and -k < len(a):
        out[:k] = a[-k:]
    return out


def _window_mean(a: np.ndarray, half: int) -> np.ndarray:
    c = np.concatenate(([0.0], np.cumsum(a)))
    n = len(a)
    idx = np.arange(n)
    lo = np.maximum(idx - half, 0)
    hi = np.minimum(idx + half + 1, n)
    return cast(np.ndarray, (c[hi] - c[lo]) / (hi - lo))  # c[hi]: Any to numpy


def _distance_to(flags: np.ndarray, reverse: bool) -> np.ndarray:
    """Lines since the last flagged line above (or below, when `reverse`); 0 on a flagged line."""
    n = len(flags)
    idx = np.arange(n)
    if reverse:
        last = np.where(flags[::-1], idx, -1)
        last = np.maximum.accumulate(last)
        dist = np.where(last >= 0, idx - last, n + 1)[::-1]
    else:
        last = np.maximum.accumulate(np.where(flags, idx, -1))
        dist = np.where(last >= 0, idx - last, n + 1)
    return np.log1p(np.minimum(dist, 50).astype(np.float64))


def feature_matrix(
    texts: Sequence[str],
    feats: Sequence[LineFeatures],
    weights: Sequence[float],
    runs: Sequence[int],
    tables: Sequence[bool],
    list_runs: Sequence[int],
    region_rank: Sequence[int],
    region_scores: Sequence[float],
    rule_keep: Sequence[bool],
    rule_reason: Sequence[str],
    word_score: np.ndarray | None = None,
) -> np.ndarray:
    """One row of `FEATURE_NAMES` per non-blank line; all arguments hold those lines only
    (`word_score`: each line's word evidence, zeros when None)."""
    n = len(feats)
    if n == 0:
        return np.zeros((0, len(FEATURE_NAMES)))
    # One row of `out` per feature, filled in place; returned transposed (lines, features),
    # column-major, as the model reads columns.
    out = np.empty((len(FEATURE_NAMES), n), dtype=np.float64)
    own = _own_rows(feats)
    chars, words, prose, cue = own[:, 0], own[:, 1], own[:, 11], own[:, 12]
    np.log1p(chars, out=out[0])
    np.log1p(words, out=out[1])
    out[2:12] = own[:, 2:12].T
    np.divide(chars, np.maximum(words, 1.0), out=out[12])
    row = len(_OWN)
    # One-hot rows of the cue and the rule pass's reason (codes out of range: no row set).
    lines = np.arange(n)
    onehot = out[row : row + len(CUES) + len(REASONS)]
    onehot.fill(0.0)
    cue_code = cue.astype(np.int64)
    has = cue_code > 0
    onehot[cue_code[has] - 1, lines[has]] = 1.0
    reason = np.fromiter(map(_REASON_CODE.get, rule_reason, _MINUS_ONES), np.int64, n)
    has = reason >= 0
    onehot[len(CUES) + reason[has], lines[has]] = 1.0
    row += len(CUES) + len(REASONS)
    weight = np.asarray(weights, dtype=np.float64)
    rank = np.asarray(region_rank)
    keep = np.asarray(rule_keep, dtype=np.float64)
    out[row] = weight
    np.log1p(np.asarray(runs, dtype=np.float64), out=out[row + 1])
    out[row + 2] = tables
    np.log1p(np.asarray(list_runs, dtype=np.float64), out=out[row + 3])
    np.equal(rank, 0, out=out[row + 4], casting="unsafe")
    np.greater(rank, 0, out=out[row + 5], casting="unsafe")
    out[row + 6] = keep
    row += len(_LAYOUT)
    log_words = out[1]
    end_punct = own[:, 3]
    # The neighbours' rows, a[i - k] for k in (1, -1, 2, -2), as slices of one padded block.
    padded = np.full((6, n + 4), -1.0)
    padded[5] = 0.0
    padded[:5, 2 : n + 2] = (prose, log_words, end_punct, keep, cue > 0)
    padded[5, 2 : n + 2] = weight
    for k in (1, -1, 2, -2):
        out[row : row + 6] = padded[:, 2 - k : 2 - k + n]
        row += 6
    out[row] = _window_mean(prose, 3)
    out[row + 1] = _window_mean(prose, 10)
    out[row + 2] = _window_mean(keep, 5)
    out[row + 3] = _window_mean(weight, 5)
    out[row + 4] = _window_mean(log_words, 3)
    row += len(_WINDOWS)
    idx = np.arange(n, dtype=np.float64)
    best = (rank == 0).nonzero()[0]
    before: np.ndarray
    after: np.ndarray
    if len(best):
        first, last = float(best[0]), float(best[-1])
        before = idx < first
        after = idx > last
        dist = np.log1p(np.maximum(first - idx, 0) + np.maximum(idx - last, 0))
        into = np.clip((idx - first) / max(last - first, 1.0), -1.0, 2.0)
    else:
        before = after = np.zeros(n)
        dist = np.full(n, np.log1p(n))
        into = np.full(n, -1.0)
    tail = cue == _CUE_CODE["tail"]
    tails_above = np.cumsum(tail) - tail
    proseline = prose >= 0.5
    # A 'related'/'comments' header with no paragraph since: the lines below are its links.
    last_tail = np.maximum.accumulate(np.where(tail, idx, -1))
    last_prose = np.maximum.accumulate(np.where(proseline & (words >= 15), idx, -1))
    counts = Counter(texts)
    repeats = np.fromiter(map(counts.__getitem__, texts), np.float64, n)
    median = float(np.median(chars))
    out[row] = idx / max(n - 1, 1)
    out[row + 1] = dist
    out[row + 2] = before
    out[row + 3] = after
    out[row + 4] = into
    np.log1p(tails_above, out=out[row + 5])
    out[row + 6] = (last_tail >= 0) & (last_tail >= last_prose)
    out[row + 7] = _distance_to(proseline, reverse=False)
    out[row + 8] = _distance_to(proseline, reverse=True)
    np.log1p(repeats - 1, out=out[row + 9])
    np.subtract(out[0], np.log1p(median), out=out[row + 10])
    row += len(_POSITION)
    total = float(chars.sum())
    top = max(region_scores) if region_scores else 0.0
    doc = (
        np.log1p(n),
        float(chars[proseline].sum()) / total if total else 0.0,
        float(prose.mean()),
        float((rank >= 0).mean()),
        float(len(region_scores)),
        float((own[:, 2] >= 0).any()),
        np.log1p(top),
    )
    for k, v in enumerate(doc):
        out[row + k] = v
    row += len(_DOC)
    out[row:] = word_columns(np.zeros(n) if word_score is None else word_score)
    return out.T  # (lines, features); column-major, as the model reads columns


def word_columns(ws: np.ndarray) -> list[np.ndarray]:
    """The WORD_FEATURES columns from each line's word score."""
    n = len(ws)
    return [
        ws,
        _shift(ws, 1, 0.0),
        _shift(ws, -1, 0.0),
        _window_mean(ws, 1),
        _window_mean(ws, 10),
        np.full(n, float(ws.mean()) if n else 0.0),
    ]
