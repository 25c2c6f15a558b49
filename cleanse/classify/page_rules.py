"""The hand-set rule pass on page dumps: weigh every line, find the content regions and the page
context (the header that ends the article, 'Related' link boxes, slideshows, region titles), then
give each line a verdict. The fitted model (cleanse.classify.model) reads these as features."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cleanse.classify.config import ClassifyConfig
from cleanse.classify.context import (
    OWN_BULLET,
    OWN_CUE,
    OWN_DIGITS,
    OWN_PROSE,
    OWN_WORDS,
    PageRows,
    page_rows,
)
from cleanse.classify.features import LineFeatures
from cleanse.classify.regions import find_regions
from cleanse.classify.score_table import AFTER_END, IN_REGION, OUTSIDE, PageScores
from cleanse.classify.verdict import LineVerdict

# Cues that drop a line even inside a content region (a share bar between two paragraphs).
_HARD_CUES = frozenset(
    {"tail", "share", "nav", "counter", "social", "notice", "byline", "credit", "date"}
)
# Cues of furniture that sits next to the article (dropped anyway): cheap when finding regions, so
# a byline or a share bar does not cut the lead paragraph off the body.
_SOFT_CUES = frozenset({"byline", "credit", "date", "share", "social"})


@dataclass(slots=True)
class PageLayout:
    """What the rule pass sees on a page: line weights, runs of short lines, tables, bulleted
    runs, the content regions (rank of each line's region, -1 outside) and the region titles."""

    weights: list[float]
    runs: list[int]
    tables: list[bool]
    list_runs: list[int]
    region_rank: list[int]
    region_scores: list[float]
    titles: set[int]
    end: int  # the line that ends the article (a comments or related header), or len(lines)
    gallery: list[bool]  # lines of a slideshow: counters 'k/n' with their captions and credits
    boxes: list[bool]  # the links under a 'Related' / 'Read more' header inside a region


def page_layout(
    feats: Sequence[LineFeatures | None], cfg: ClassifyConfig, rows: PageRows | None = None
) -> PageLayout:
    """Run the hand-set rule pass: weigh every line and find the content regions. Each line's
    weight when finding regions: prose counts by length, other lines by their run
    (cleanse.classify.layout_kernel, compiled: the same floats as the rules written out).
    `rows`: the page's `page_rows` when the caller has them."""
    from cleanse.classify import layout_kernel as lk  # here: loads numba

    rows = page_rows(feats) if rows is None else rows
    blank, prose, words, digits, bullet, cue = _columns(feats, rows)
    runs_a, tables_a = lk.short_runs(blank, prose < cfg.min_prose, digits, cfg.min_table_numeric)
    list_runs_a = lk.bullet_runs(blank, bullet)
    params = (cfg.min_prose, cfg.gap_penalty, cfg.tail_penalty, cfg.cue_penalty)
    weights_a = lk.line_weights(
        blank, prose, words, cue, runs_a, list_runs_a, tables_a, params, _HARD_CUES, _SOFT_CUES
    )
    runs, tables, list_runs = runs_a.tolist(), tables_a.tolist(), list_runs_a.tolist()
    gallery = _slideshows(feats)
    if any(gallery):
        # A slideshow's captions are prose but not the article's: they neither make a region
        # nor cut one (the text often goes on below the slideshow).
        weights_a[np.array(gallery)] = 0.0
    weights = weights_a.tolist()
    regions = _near_regions(
        feats, find_regions(weights_a, cfg.min_region_score, 0.0, max_regions=12), cfg
    )
    end = _article_end(feats, weights, regions, cfg)
    if end < len(feats):
        # Nothing after a comment section's or a related block's header belongs to the article.
        regions = [(a, min(b, end), sc) for a, b, sc in regions if a < end]
    rank = [-1] * len(feats)
    titles: set[int] = set()
    for k, (start, stop, _score) in enumerate(regions):
        rank[start:stop] = [k] * (stop - start)
        title = _title_before(feats, start, runs)
        if title is not None:
            titles.add(title)
    scores = [r[2] for r in regions]
    boxes = _boxes(feats, rank, weights)
    return PageLayout(weights, runs, tables, list_runs, rank, scores, titles, end, gallery, boxes)


def _near_regions(
    feats: Sequence[LineFeatures | None],
    candidates: Sequence[tuple[int, int, float]],
    cfg: ClassifyConfig,
) -> list[tuple[int, int, float]]:
    """Keep the best region and every candidate scoring `min_region_share` of it, or lying close
    above or below it (at most `near_lines` lines apart, no 'Related'/'Comments' header between):
    a lead paragraph cut off from the body by a video player or a share bar."""
    if not candidates:
        return []
    best = candidates[0]
    out = [best]
    for cand in candidates[1:]:
        if cand[2] >= cfg.min_region_share * best[2]:
            out.append(cand)
            continue
        lo, hi = (cand[1], best[0]) if cand[1] <= best[0] else (best[1], cand[0])
        between = [f for f in feats[lo:hi] if f is not None]
        if len(between) <= cfg.near_lines and not any(f.cue == "tail" for f in between):
            out.append(cand)
    return out


def _article_end(
    feats: Sequence[LineFeatures | None],
    weights: Sequence[float],
    regions: Sequence[tuple[int, int, float]],
    cfg: ClassifyConfig,
) -> int:
    """Index of the first header that ends the article (comments, other articles) after the start
    of the best region, or len(feats) when there is none.

    A header is not the end when the article goes on below it: a 'Recommended' box inside the
    text is followed by more paragraphs, as long as what came before, without the furniture of
    comments ('Reply', 'X says:', dated signatures).
    """
    if not regions:
        return len(feats)
    start = regions[0][0]
    for i in range(start + 1, len(feats)):
        f = feats[i]
        if f is None or not f.ends_article:
            continue
        before = sum(w for w in weights[start:i] if w > 0)
        if not _continues(feats, weights, i + 1, before, cfg):
            return i
    return len(feats)


def _continues(
    feats: Sequence[LineFeatures | None],
    weights: Sequence[float],
    start: int,
    before: float,
    cfg: ClassifyConfig,
) -> bool:
    """Whether a stretch of prose below `start`, before the next ending header, weighs as much as
    `before` (the article above) and shows no comment furniture."""
    prose = 0.0
    for j in range(start, len(feats)):
        g = feats[j]
        if g is None:
            continue
        if g.ends_article or g.comment_meta:
            return False
        if weights[j] > 0:
            prose += weights[j]
            if prose >= max(before * cfg.continue_share, cfg.min_region_score):
                return True
    return False


def rule_verdicts(
    feats: Sequence[LineFeatures | None], lay: PageLayout, cfg: ClassifyConfig
) -> list[LineVerdict]:
    """The rule pass's verdict on each line of a page (also the model's strongest feature)."""
    keeps, reasons, kinds = rule_decisions(feats, lay, cfg)
    return scored_verdicts(feats, lay, keeps, reasons, kinds)


def rule_decisions(
    feats: Sequence[LineFeatures | None], lay: PageLayout, cfg: ClassifyConfig
) -> tuple[list[bool], list[str], list[int]]:
    """`rule_verdicts` without their scores: per line, keep or not, the reason, and which scores
    the verdict holds (IN_REGION, OUTSIDE or AFTER_END; see `scored_verdicts`)."""
    n = len(feats)
    # Filled by index (no call per line): blank lines stay (True, 'blank', IN_REGION).
    keeps, reasons, kinds = [True] * n, ["blank"] * n, [IN_REGION] * n
    rank, runs, end = lay.region_rank, lay.runs, lay.end
    gallery, boxes, tables, titles = lay.gallery, lay.boxes, lay.tables, lay.titles
    min_prose, outside_prose = cfg.min_prose, cfg.outside_min_prose
    outside_words = cfg.outside_min_words
    for i, f in enumerate(feats):
        if f is None:
            continue
        cue = f.cue
        if gallery[i]:
            keeps[i], reasons[i] = False, "slideshow"
        elif boxes[i]:
            keeps[i], reasons[i] = False, "related-box"
        elif rank[i] >= 0:
            if tables[i] and cue in ("counter", "date"):
                reasons[i] = "table-cell"
            elif cue in _HARD_CUES and f.prose < outside_prose:
                keeps[i], reasons[i] = False, cue
            elif f.prose >= min_prose:
                reasons[i] = "content"
            else:
                reasons[i] = "in-region"
        elif i >= end and not cue:
            keeps[i], reasons[i], kinds[i] = False, "after-end", AFTER_END
        else:
            kinds[i] = OUTSIDE
            if i in titles:
                reasons[i] = "title"
            elif cue:
                keeps[i], reasons[i] = False, cue
            elif f.prose >= outside_prose and f.n_words >= outside_words:
                reasons[i] = "prose-outside"
            elif runs[i] >= 5:
                keeps[i], reasons[i] = False, "menu-run"
            elif f.prose >= min_prose:
                keeps[i], reasons[i] = False, "prose-orphan"
            else:
                keeps[i], reasons[i] = False, "short-orphan"
    return keeps, reasons, kinds


def scored_verdicts(
    feats: Sequence[LineFeatures | None],
    lay: PageLayout,
    keeps: Sequence[bool],
    reasons: Sequence[str],
    kinds: Sequence[int],
    p_content: Sequence[float] | None = None,
    threshold: float = 0.0,
) -> list[LineVerdict]:
    """The verdicts with their scores (cleanse.classify.score_table.PageScores: the line's own,
    its weight, whether it lies in a region, its run outside the regions, how far after the
    article's end; with the model, `p_content`, aligned with the lines, and the `threshold`),
    read from the page's columns when someone asks for them. A blank line's scores are empty."""
    table = PageScores(feats, lay.weights, lay.region_rank, lay.runs, lay.end, kinds, p_content,
                       threshold)  # fmt: skip
    return list(
        map(
            tuple.__new__,
            itertools.repeat(LineVerdict),
            zip(keeps, reasons, itertools.repeat(table), range(len(feats)), strict=False),
        )
    )


def _boxes(
    feats: Sequence[LineFeatures | None],
    rank: Sequence[int],
    weights: Sequence[float],
    max_lines: int = 10,
) -> list[bool]:
    """Mark the link boxes inside regions: the short lines right under a 'Related', 'Read more' or
    'Recommended' header, up to the next paragraph, a numbered or bulleted line (the article's
    own list goes on) or `max_lines` lines."""
    marks = [False] * len(feats)
    for i, f in enumerate(feats):
        if f is None or not f.links_header or rank[i] < 0:
            continue
        seen = 0
        j = i + 1
        while j < len(feats) and seen < max_lines:
            g = feats[j]
            if g is not None:
                if weights[j] > 0 or g.bullet:
                    break
                seen += 1
            j += 1
        if j < len(feats) and seen < max_lines:  # the box closes before the region goes on
            marks[i + 1 : j] = [True] * (j - i - 1)
    return marks


def _slideshows(feats: Sequence[LineFeatures | None], min_slides: int = 3) -> list[bool]:
    """Mark the slideshows of a page: from the first to the last of at least `min_slides` counters
    'k/n' of the same n, going up, plus the caption lines that follow the last one (as many as
    the typical gap between two counters)."""
    marks = [False] * len(feats)
    by_total: dict[int, list[tuple[int, int]]] = {}
    for i, f in enumerate(feats):
        if f is not None and f.slide is not None:
            by_total.setdefault(f.slide[1], []).append((i, f.slide[0]))
    for hits in by_total.values():
        if len({k for _, k in hits}) < min_slides:
            continue
        ups = sum(1 for (_, a), (_, b) in itertools.pairwise(hits) if b > a)
        if ups < (len(hits) - 1) * 0.8:
            continue  # not a sequence: dates or scores that happen to share a denominator
        gaps = sorted(j - i for (i, _), (j, _) in itertools.pairwise(hits))
        first, last = hits[0][0], hits[-1][0] + gaps[len(gaps) // 2]
        marks[first : min(last, len(feats))] = [True] * (min(last, len(feats)) - first)
    return marks


def _title_before(
    feats: Sequence[LineFeatures | None], start: int, runs: Sequence[int]
) -> int | None:
    """The headline of a region: a heading-like line just above it, past a byline, a dateline or
    share buttons (a lead paragraph cut off from its title by page furniture)."""
    seen = 0
    i = start - 1
    while i >= 0 and seen < 4:
        f = feats[i]
        i -= 1
        if f is None:
            continue
        seen += 1
        if f.cue in _SOFT_CUES or (f.separators >= 2 and f.digit_ratio > 0.05):
            continue
        if f.cue or not 3 <= f.n_words <= 25 or (f.end_punct == 1.0 and f.n_words > 12):
            return None
        return i + 1
    return None


# What `_columns` gives a blank line: prose -1 marks it.
def _columns(
    feats: Sequence[LineFeatures | None], rows: PageRows
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(blank, prose, n_words, digit_ratio, bullet, cue code) of each line, as arrays (a blank
    line's prose is -1)."""
    n = len(feats)
    prose = rows.column(OWN_PROSE, n, -1.0)
    words = rows.column(OWN_WORDS, n, 0.0)
    digits = rows.column(OWN_DIGITS, n, 0.0)
    bullet = rows.column(OWN_BULLET, n, 0.0) > 0.0
    cue = rows.column(OWN_CUE, n, 0.0).astype(np.int64)
    return prose < 0.0, prose, words, digits, bullet, cue
