"""Context features for the line model: each line's own features, its neighbours', its run and
region, its place in the page and page-wide statistics, as one numpy row per non-blank line.
`FEATURE_NAMES` is the contract with `weights.json`; change both together (refit the model).
"""

from __future__ import annotations

import itertools
import operator
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple, cast

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
CUE_CODES = {c: i + 1 for i, c in enumerate(CUES)}  # 0: no cue
_REASON_CODE = {r: i for i, r in enumerate(REASONS)}


def own_rows(feats: Sequence[LineFeatures]) -> np.ndarray:
    """n_chars .. url (the first 11 fields of the named tuple), prose, the cue's code: the
    columns OWN_CHARS, OWN_WORDS and OWN_PROSE among them."""
    n = len(feats)
    out = np.empty((n, 13), dtype=np.float64)
    if n:
        # One flat pass over the fields (a list of tuples converts several times slower).
        out[:, :11] = np.fromiter(
            itertools.chain.from_iterable(map(_FIRST_ELEVEN, feats)), np.float64, 11 * n
        ).reshape(n, 11)
        out[:, 11] = np.fromiter(map(_PROSE, feats), np.float64, n)
        out[:, 12] = np.fromiter(map(CUE_CODES.get, map(_CUE, feats), _ZEROS), np.float64, n)
    return out


OWN_CHARS, OWN_WORDS, OWN_PROSE = 0, 1, 11
OWN_END_PUNCT, OWN_DIGITS, OWN_BULLET, OWN_CUE = 3, 6, 9, 12


class PageRows(NamedTuple):
    """The non-blank lines of a page: their indexes, and their `own_rows`."""

    idx: list[int]
    own: np.ndarray

    def column(self, k: int, n: int, blank: float) -> np.ndarray:
        """Own column `k` over all the `n` lines of the page, `blank` on the blank lines (a
        contiguous array: the compiled passes read it)."""
        if len(self.idx) == n:
            return np.ascontiguousarray(self.own[:, k])
        out = np.full(n, blank)
        out[self.idx] = self.own[:, k]
        return out


def page_rows(feats: Sequence[LineFeatures | None]) -> PageRows:
    """The indexes and `own_rows` of a page's non-blank lines (read once, then by the kind test,
    the rule pass and the feature rows)."""
    idx = list(itertools.compress(range(len(feats)), map(operator.is_not, feats, _NONES)))
    rows = feats if len(idx) == len(feats) else list(map(feats.__getitem__, idx))
    return PageRows(idx, own_rows(rows))  # type: ignore[arg-type]


def reason_codes(rule_reason: Sequence[str]) -> np.ndarray:
    """The index in REASONS of each rule pass reason, -1 for the others (cues, blank...)."""
    return np.fromiter(map(_REASON_CODE.get, rule_reason, _MINUS_ONES), np.int64, len(rule_reason))


_FIRST_ELEVEN = operator.itemgetter(slice(0, 11))
_PROSE = operator.attrgetter("prose")
_CUE = operator.attrgetter("cue")
_ZEROS = itertools.repeat(0)
_MINUS_ONES = itertools.repeat(-1)
_NONES = itertools.repeat(None)


def _shift(a: np.ndarray, k: int, fill: float) -> np.ndarray:
    """a[i - k] (k > 0: the previous line), `fill` past the edges."""
    out = np.full_like(a, fill)
    if k > 0 and k < len(a):
        out[k:] = a[:-k]
    elif k < 0 and -k < len(a):
        out[:k] = a[-k:]
    return out


@dataclass(frozen=True, slots=True)
class LineColumns:
    """What the feature rows read of each non-blank line (of one page, or of several pages end
    to end): its stripped text, its features, and the rule pass's weight, run of short lines,
    table mark, bulleted run, region rank, keep decision and reason."""

    texts: Sequence[str]
    feats: Sequence[LineFeatures]
    weights: Sequence[float]
    runs: Sequence[int]
    tables: Sequence[bool]
    list_runs: Sequence[int]
    region_rank: Sequence[int]
    rule_keep: Sequence[bool]
    rule_reason: Sequence[str]

    @staticmethod
    def joined(pages: Sequence[LineColumns]) -> LineColumns:
        """The columns of `pages` end to end."""
        return LineColumns(
            *(list(itertools.chain.from_iterable(map(getter, pages))) for getter in _COLUMN_GETTERS)
        )


_COLUMN_GETTERS = tuple(operator.attrgetter(name) for name in LineColumns.__slots__)


def feature_matrix(
    cols: LineColumns, region_scores: Sequence[float], word_score: np.ndarray | None = None
) -> np.ndarray:
    """One row of `FEATURE_NAMES` per non-blank line of one page (`region_scores`: its regions'
    scores; `word_score`: each line's word evidence, zeros when None)."""
    n = len(cols.feats)
    ws = np.zeros(n) if word_score is None else word_score
    return pages_matrix(cols, ws, [n], [region_scores])


def pages_matrix(
    cols: LineColumns,
    word_score: np.ndarray,
    sizes: Sequence[int],
    region_scores: Sequence[Sequence[float]],
    own: np.ndarray | None = None,
    reason: np.ndarray | None = None,
) -> np.ndarray:
    """`feature_matrix` of several pages at once, their lines end to end in `cols` (page p
    holds sizes[p] lines; region_scores[p] its regions' scores): the same rows, computed with a few
    numpy operations per call instead of about a hundred per page. What reads a page as a whole
    (neighbours, windows, distances, position, page statistics) stays within each page. `own`
    and `reason`: the lines' `own_rows` and `reason_codes` when the caller has them."""
    from cleanse.classify.window_kernel import window_means  # here: loads numba

    texts, feats, weights, runs = cols.texts, cols.feats, cols.weights, cols.runs
    tables, list_runs, region_rank = cols.tables, cols.list_runs, cols.region_rank
    rule_keep, rule_reason = cols.rule_keep, cols.rule_reason
    n = len(feats)
    if n == 0:
        return np.zeros((0, len(FEATURE_NAMES)))
    bounds = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=bounds[1:])
    page_of = np.repeat(np.arange(len(sizes)), sizes)  # each line's page
    first_line = bounds[:-1][page_of]
    pos = np.arange(n) - first_line  # each line's index in its page
    lines_in = np.asarray(sizes, dtype=np.int64)[page_of]
    # One row of `out` per feature, filled in place; returned transposed (lines, features),
    # column-major, as the model reads columns.
    out = np.empty((len(FEATURE_NAMES), n), dtype=np.float64)
    own = own_rows(feats) if own is None else own
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
    reason = reason_codes(rule_reason) if reason is None else reason
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
    # The neighbours' rows, a[i - k] for k in (1, -1, 2, -2), as slices of one padded block,
    # then -1 (0 for the weight) where the neighbour lies on another page.
    padded = np.full((6, n + 4), -1.0)
    padded[5] = 0.0
    padded[:5, 2 : n + 2] = (prose, log_words, end_punct, keep, cue > 0)
    padded[5, 2 : n + 2] = weight
    after_last = lines_in - 1 - pos  # lines below each line on its page
    for k in (1, -1, 2, -2):
        out[row : row + 6] = padded[:, 2 - k : 2 - k + n]
        off_page = pos < k if k > 0 else after_last < -k
        out[row : row + 5, off_page] = -1.0
        out[row + 5, off_page] = 0.0
        row += 6
    out[row] = window_means(prose, bounds, 3)
    out[row + 1] = window_means(prose, bounds, 10)
    out[row + 2] = window_means(keep, bounds, 5)
    out[row + 3] = window_means(weight, bounds, 5)
    out[row + 4] = window_means(log_words, bounds, 3)
    row += len(_WINDOWS)
    _position_rows(out[row : row + len(_POSITION)], texts, own, out[0], rank, bounds, pos, lines_in)
    row += len(_POSITION)
    prose_line = prose >= 0.5
    has_stops = own[:, 2] >= 0
    ws_rows = out[row + len(_DOC) :]
    ws_rows[0] = word_score
    for k, (a, b) in enumerate(itertools.pairwise(bounds.tolist())):
        if a == b:
            continue
        scores = region_scores[k]
        total = float(chars[a:b].sum())
        top = max(scores) if scores else 0.0
        page_rank = rank[a:b]
        out[row : row + len(_DOC), a:b] = np.array(
            [
                np.log1p(b - a),
                float(chars[a:b][prose_line[a:b]].sum()) / total if total else 0.0,
                float(prose[a:b].mean()),
                float((page_rank >= 0).mean()),
                float(len(scores)),
                float(has_stops[a:b].any()),
                np.log1p(top),
            ]
        )[:, None]
        ws_rows[5, a:b] = float(word_score[a:b].mean())
    ws_rows[1] = np.where(pos >= 1, _shift(word_score, 1, 0.0), 0.0)
    ws_rows[2] = np.where(after_last >= 1, _shift(word_score, -1, 0.0), 0.0)
    ws_rows[3] = window_means(word_score, bounds, 1)
    ws_rows[4] = window_means(word_score, bounds, 10)
    return out.T  # (lines, features); column-major, as the model reads columns


def _position_rows(
    out: np.ndarray,
    texts: Sequence[str],
    own: np.ndarray,
    log_chars: np.ndarray,
    rank: np.ndarray,
    bounds: np.ndarray,
    pos: np.ndarray,
    lines_in: np.ndarray,
) -> None:
    """The _POSITION rows of the lines of the pages bounds[p]:bounds[p + 1] into `out`."""
    from cleanse.classify.window_kernel import distances  # here: loads numba

    n = len(pos)
    chars, words, prose, cue = own[:, 0], own[:, 1], own[:, 11], own[:, 12]
    idx = pos.astype(np.float64)
    page_of = np.repeat(np.arange(len(bounds) - 1), np.diff(bounds))
    # The best region's first and last line on each page (-1: the page has none).
    first = np.full(len(bounds) - 1, -1.0)
    last = np.full(len(bounds) - 1, -1.0)
    best = (rank == 0).nonzero()[0]
    if len(best):
        pages = page_of[best]
        first[pages[::-1]] = idx[best[::-1]]  # the last write of a page wins: its first line
        last[pages] = idx[best]
    first_l, last_l = first[page_of], last[page_of]
    has_best = first_l >= 0
    out[0] = idx / np.maximum(lines_in - 1, 1)
    span = np.maximum(last_l - first_l, 1.0)
    out[1] = np.where(
        has_best,
        np.log1p(np.maximum(first_l - idx, 0) + np.maximum(idx - last_l, 0)),
        0.0,
    )
    out[2] = has_best & (idx < first_l)
    out[3] = has_best & (idx > last_l)
    out[4] = np.where(has_best, np.clip((idx - first_l) / span, -1.0, 2.0), -1.0)
    tail = cue == CUE_CODES["tail"]
    tails = np.cumsum(tail)
    before_page = np.concatenate(([0], tails))[bounds[:-1]][page_of]
    np.log1p(tails - tail - before_page, out=out[5])
    prose_line = prose >= 0.5
    # A 'related'/'comments' header with no paragraph since: the lines below are its links.
    lines = np.arange(n)
    start = bounds[:-1][page_of]
    last_tail = np.maximum.accumulate(np.where(tail, lines, -1))
    last_prose = np.maximum.accumulate(np.where(prose_line & (words >= 15), lines, -1))
    tail_on_page = last_tail >= start
    out[6] = tail_on_page & ((last_prose < start) | (last_tail >= last_prose))
    above, below = distances(prose_line, bounds)
    np.log1p(np.minimum(above, 50).astype(np.float64), out=out[7])
    np.log1p(np.minimum(below, 50).astype(np.float64), out=out[8])
    for k, (a, b) in enumerate(itertools.pairwise(bounds.tolist())):
        if a == b:
            continue
        page_texts = texts[a:b]
        counts = Counter(page_texts)
        repeats = np.fromiter(map(counts.__getitem__, page_texts), np.float64, b - a)
        np.log1p(repeats - 1, out=out[9, a:b])
        median = float(np.median(chars[a:b]))
        np.subtract(log_chars[a:b], np.log1p(median), out=out[10, a:b])
        if first[k] < 0:
            out[1, a:b] = np.log1p(b - a)


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


def _window_mean(a: np.ndarray, half: int) -> np.ndarray:
    c = np.concatenate(([0.0], np.cumsum(a)))
    n = len(a)
    idx = np.arange(n)
    lo = np.maximum(idx - half, 0)
    hi = np.minimum(idx + half + 1, n)
    return cast(np.ndarray, (c[hi] - c[lo]) / (hi - lo))  # c[hi]: Any to numpy
