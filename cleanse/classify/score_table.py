"""The scores behind a document's verdicts, held once per document instead of a dict per line.

A page dump's verdicts read their scores from the page's columns (the lines' features, the rule
pass's weights, regions and runs, the model's probabilities): `PageScores.scores(i)` builds line
i's dict when someone reads it (the audit of a dropped line, `cleanse explain`, a benchmark), the
same dict `page_rules.scored_verdicts` built for every line before. `audit_scores` gives the audit
entries of many dropped lines at once, column by column, the floats rounded together
(cleanse.score_rounding): the same values and the same keys in the same order as rounding each
line's dict.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Sequence
from typing import Any, cast

import numpy as np

from cleanse.classify.features import LineFeatures
from cleanse.classify.verdict import LineVerdict
from cleanse.score_rounding import round_floats, rounded_scores

# What a page line's scores hold besides its own: `run` outside the regions, and `after_end` too
# for a line after the article's end (page_rules.rule_decisions' third list).
IN_REGION, OUTSIDE, AFTER_END = 0, 1, 2

_OWN = ("prose", "words", "stop", "end_punct")
_PAGE = (*_OWN, "weight", "region")
# The keys of a page line's scores, by (kind, model).
_PAGE_KEYS = {
    (IN_REGION, False): _PAGE,
    (OUTSIDE, False): (*_PAGE, "run"),
    (AFTER_END, False): (*_PAGE, "run", "after_end"),
    (IN_REGION, True): (*_PAGE, "p_content", "threshold"),
    (OUTSIDE, True): (*_PAGE, "run", "p_content", "threshold"),
    (AFTER_END, True): (*_PAGE, "run", "after_end", "p_content", "threshold"),
}
_ARTICLE_KEYS = (*_OWN, "article")
_OWN_VALUES = operator.itemgetter(12, 1, 2, 3)  # prose, n_words, stop_ratio, end_punct
_PROSE = operator.itemgetter(12)


class PageScores:
    """The scores of a page dump's lines: the line's own (prose, words, stop words, end
    punctuation), its weight and whether it lies in a region; outside the regions its run, and
    after the article's end how far after; with the model, `p_content` (aligned with the lines,
    blank lines included) and the `threshold`. A blank line's scores are empty."""

    __slots__ = ("end", "feats", "kinds", "p_content", "rank", "runs", "threshold", "weights")

    def __init__(
        self,
        feats: Sequence[LineFeatures | None],
        weights: Sequence[float],
        rank: Sequence[int],
        runs: Sequence[int],
        end: int,
        kinds: Sequence[int],
        p_content: Sequence[float] | None,
        threshold: float,
    ) -> None:
        self.feats, self.weights, self.rank, self.runs = feats, weights, rank, runs
        self.end, self.kinds, self.p_content, self.threshold = end, kinds, p_content, threshold

    def scores(self, row: int) -> dict[str, float]:
        f = self.feats[row]
        if f is None:
            return {}
        scores = {
            "prose": f.prose,
            "words": f.n_words,
            "stop": f.stop_ratio,
            "end_punct": f.end_punct,
            "weight": self.weights[row],
            "region": float(self.rank[row] >= 0),
        }
        kind = self.kinds[row]
        if kind:
            scores["run"] = float(self.runs[row])
            if kind == AFTER_END:
                scores["after_end"] = float(row - self.end)
        if self.p_content is not None:
            scores["p_content"] = self.p_content[row]
            scores["threshold"] = self.threshold
        return scores

    def score(self, row: int) -> float | None:
        f = self.feats[row]
        if f is None:
            return None
        return round(f.prose if self.p_content is None else self.p_content[row], 4)

    def audit(self, rows: Sequence[int], digits: int) -> tuple[list[float], list[dict[str, Any]]]:
        """`score` of each of `rows` and their scores rounded to `digits`, computed by column
        (the rows are non-blank lines)."""
        feats = cast("list[LineFeatures]", list(map(self.feats.__getitem__, rows)))
        own = list(zip(*map(_OWN_VALUES, feats), strict=True)) if rows else [(), (), (), ()]
        kinds = list(map(self.kinds.__getitem__, rows))
        columns: list[Sequence[float]] = [
            *own,
            list(map(self.weights.__getitem__, rows)),
            [1.0 if self.rank[i] >= 0 else 0.0 for i in rows],
        ]
        outside = [i for i, kind in zip(rows, kinds, strict=True) if kind]
        after = [i for i, kind in zip(rows, kinds, strict=True) if kind == AFTER_END]
        columns.append([float(self.runs[i]) for i in outside])
        columns.append([float(i - self.end) for i in after])
        model = self.p_content is not None
        if self.p_content is not None:
            columns.append(list(map(self.p_content.__getitem__, rows)))
            columns.append([self.threshold] * len(rows))
        flat = list(itertools.chain.from_iterable(columns))
        if not set(map(type, flat)) <= {float}:
            return _each(self, rows, digits)
        done = round_floats(flat, digits)
        rounded, start = [], 0
        for column in columns:
            rounded.append(done[start : start + len(column)])
            start += len(column)
        # Each kind of line holds its own keys: its dicts are built together, by column, then
        # put back in the rows' order.
        kinds_a = np.asarray(kinds, dtype=np.int64)
        run_at = np.cumsum(kinds_a != IN_REGION) - 1  # a row's place among the outside rows
        after_at = np.cumsum(kinds_a == AFTER_END) - 1
        base, tail = rounded[:6], rounded[8:]
        places: list[np.ndarray] = []
        dicts: list[dict[str, Any]] = []
        for kind in (IN_REGION, OUTSIDE, AFTER_END):
            at = (kinds_a == kind).nonzero()[0]
            if not len(at):
                continue
            picked = at.tolist()
            cols = [list(map(c.__getitem__, picked)) for c in base]
            if kind != IN_REGION:
                cols.append(list(map(rounded[6].__getitem__, run_at[at].tolist())))
            if kind == AFTER_END:
                cols.append(list(map(rounded[7].__getitem__, after_at[at].tolist())))
            cols += [list(map(c.__getitem__, picked)) for c in tail]
            keys = itertools.repeat(_PAGE_KEYS[kind, model])
            places.append(at)
            dicts += map(dict, map(zip, keys, zip(*cols, strict=True)))
        if len(places) > 1:
            order = np.argsort(np.concatenate(places), kind="stable").tolist()
            dicts = list(map(dicts.__getitem__, order))
        source = columns[8] if self.p_content is not None else columns[0]
        return round_floats(source, 4), dicts


class ArticleScores:
    """The scores of an extracted article's lines: the line's own, and `article` 1.0."""

    __slots__ = ("feats",)

    def __init__(self, feats: Sequence[LineFeatures | None]) -> None:
        self.feats = feats

    def scores(self, row: int) -> dict[str, float]:
        f = self.feats[row]
        if f is None:
            return {}
        return {
            "prose": f.prose,
            "words": f.n_words,
            "stop": f.stop_ratio,
            "end_punct": f.end_punct,
            "article": 1.0,
        }

    def score(self, row: int) -> float | None:
        f = self.feats[row]
        return None if f is None else round(f.prose, 4)

    def audit(self, rows: Sequence[int], digits: int) -> tuple[list[float], list[dict[str, Any]]]:
        """`score` of each of `rows` and their scores rounded to `digits` (non-blank lines)."""
        feats = cast("list[LineFeatures]", list(map(self.feats.__getitem__, rows)))
        flat = [*itertools.chain.from_iterable(map(_OWN_VALUES, feats)), 1.0]
        if not set(map(type, flat)) <= {float}:
            return _each(self, rows, digits)
        done = round_floats(flat, digits)
        one = done[-1]
        out = [
            dict(zip(_ARTICLE_KEYS, (*done[k : k + 4], one), strict=True))
            for k in range(0, 4 * len(rows), 4)
        ]
        return round_floats(list(map(_PROSE, feats)), 4), out


def _each(
    source: PageScores | ArticleScores, rows: Sequence[int], digits: int
) -> tuple[list[float], list[dict[str, Any]]]:
    """The audit line by line (a value that is not a float: a threshold given as an int)."""
    scores = rounded_scores([source.scores(i) for i in rows], digits)
    return [cast(float, source.score(i)) for i in rows], scores  # non-blank lines: a float


def audit_scores(
    verdicts: Sequence[LineVerdict], rows: Sequence[int], digits: int = 3
) -> tuple[list[float | None], list[dict[str, Any]]]:
    """The `score` of each of `verdicts[rows]` and its scores with every value rounded to
    `digits` (cleanse.score_rounding.rounded_scores), for the audit of the dropped lines: by
    column when they read one table (a document's verdicts), else verdict by verdict."""
    picked = list(map(verdicts.__getitem__, rows))
    source = picked[0].source if picked else None
    if isinstance(source, PageScores | ArticleScores):
        lines = [r for v in picked if v.source is source and (r := v.row) is not None]
        if len(lines) == len(picked) and None not in map(source.feats.__getitem__, lines):
            score, scores = source.audit(lines, digits)
            return list[float | None](score), scores
    return [v.score for v in picked], rounded_scores([v.scores for v in picked], digits)
