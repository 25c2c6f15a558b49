"""The keep decision on a page dump, and the guard that stops it from gutting the page.

A line is kept when the line model gives it a content probability at least the threshold (or,
without a model, when the rule pass keeps it); the model may not drop a long paragraph the rule
pass keeps as content. The guard then checks the page as a whole: the kept lines must hold
MASS_SHARE of the content the model expects on the page (else its most probable lines are added);
a page the model mostly keeps lowers the bar for the rest of its lines; a page the model is
unsure of as a whole keeps a lower threshold, half its characters, a share of its lines and (when
it is sure of almost nothing) its lines above its median probability, most probable first; and
when the decision would drop most of the page's prose-like characters, it backs off and keeps
them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import numpy as np

PROSE_LIKE = 0.5  # a line at least this prose-like counts for the guard
MIN_PROSE_KEPT = 0.5  # keep at least this share of the page's prose-like characters
# The model may be unsure of every line of a listing or a spec sheet (all under the threshold):
# the kept lines must hold at least this share of the page's expected content characters (each
# line's characters times its content probability), else the most probable lines are added until
# they do. Picked on domain-held-out predictions (benchmarks/README.md).
MASS_SHARE = 0.6
# A page whose lines at the threshold already hold MOSTLY_KEPT of its characters is, by the
# model's own account, mostly content: there a line scoring MOSTLY_KEPT_P or more is kept too
# (the model's scale is set over all pages; on a page of content a doubtful line is more likely
# content than on the average page). Picked on domain-held-out predictions (benchmarks/README.md).
MOSTLY_KEPT = 0.75
MOSTLY_KEPT_P = 0.2
# A page the model is unsure of as a whole (under UNSURE_PAGE of its lines at CONFIDENT or more:
# a catalogue, a spec sheet, a listing of short records) keeps:
# - every line at UNSURE_THRESHOLD or more (on such pages the model's probabilities are squeezed
#   towards 0: out of fold, on pages under 2 % confident lines, lines scoring 0.25-0.325 are
#   content 85-89 % of the time) that the rule pass did not drop for a named reason (after the
#   article's end, a related box, a slideshow, a share / navigation / notice / credit cue);
# - at least CHAR_FLOOR of its characters, its most probable lines first, but never a line under
#   FLOOR_MIN_P (what the model is sure is furniture).
# There the model's ranking is the only evidence, and a page emptied is the worst outcome.
# When, besides, its lines at the threshold hold under SPARSE_KEPT of its characters (not an
# article whose paragraphs pass it), such a page also keeps:
# - at least LINE_FLOOR of its lines, most probable first, never one under LINE_FLOOR_MIN_P nor one
#   the rule pass dropped for a named reason: catalogue items are short lines, so half the
#   characters may still be a handful of them, while the rule pass names what an article's page
#   holds around the text;
# - where the model is confident of almost nothing (under RELATIVE_UNSURE of the lines at
#   CONFIDENT), every line scoring at least RELATIVE times the page's median probability (and
#   RELATIVE_MIN_P): there the model's scale means little, its order on the page does (0: off).
# All picked on domain-held-out predictions (benchmarks/README.md).
CONFIDENT = 0.6
UNSURE_PAGE = 0.06
UNSURE_THRESHOLD = 0.25
CHAR_FLOOR = 0.5
FLOOR_MIN_P = 0.15
SPARSE_KEPT = 0.6
LINE_FLOOR = 0.3
LINE_FLOOR_MIN_P = 0.02
RELATIVE = 1.0
RELATIVE_MIN_P = 0.05
RELATIVE_UNSURE = 0.01


PROTECTED_WORDS = 15  # the model never drops a paragraph this long the rule pass keeps as content


def page_keeps(
    rule_keep: Sequence[bool],
    proba: np.ndarray | None,
    threshold: float,
    prose: np.ndarray,
    chars: np.ndarray,
    protected: np.ndarray | None = None,
    floor_ok: np.ndarray | None = None,
) -> list[bool]:
    """Keep decisions for the non-blank lines of one page dump, guard included; `protected`
    marks the lines the model may not drop (paragraphs of the rule pass's content regions),
    `floor_ok` the lines the unsure threshold and the line floor may add (those the rule pass
    did not drop for a named reason; None: all)."""
    if proba is None:
        keep = np.asarray(rule_keep, dtype=bool)
        return cast("list[bool]", guarded(keep, prose, chars).tolist())  # tolist: Any to numpy
    return model_keeps(proba, threshold, prose, chars, protected, floor_ok)[0]


def model_keeps(
    proba: np.ndarray,
    threshold: float,
    prose: np.ndarray,
    chars: np.ndarray,
    protected: np.ndarray | None = None,
    floor_ok: np.ndarray | None = None,
) -> tuple[list[bool], np.ndarray]:
    """`page_keeps` with the model's probabilities, and `unsure_keeps` (computed once for both)."""
    unsure = unsure_keeps(proba, chars, threshold, floor_ok)
    keep = (proba >= threshold) | unsure
    if protected is not None:
        keep = keep | protected
    return cast("list[bool]", guarded(keep, prose, chars).tolist()), unsure


def unsure_keeps(
    proba: np.ndarray,
    chars: np.ndarray,
    threshold: float | None = None,
    floor_ok: np.ndarray | None = None,
) -> np.ndarray:
    """The lines kept because the model is unsure: those holding MASS_SHARE of the page's
    expected content; on a page `threshold` mostly keeps, those at MOSTLY_KEPT_P; on a page with
    few confident lines, those at UNSURE_THRESHOLD (among `floor_ok`) and those holding
    CHAR_FLOOR of its characters, and where besides `threshold` keeps little, those holding
    LINE_FLOOR of its lines (most probable first, among `floor_ok`) and, when it is confident of
    almost no line, those at or above its median probability (RELATIVE)."""
    keep = (
        expected_mass(proba, chars, MASS_SHARE)
        if MASS_SHARE > 0.0
        else np.zeros(len(proba), dtype=bool)
    )
    if threshold is not None and _kept_share(proba >= threshold, chars) >= MOSTLY_KEPT:
        keep |= proba >= MOSTLY_KEPT_P
    if CHAR_FLOOR > 0.0 and unsure_page(proba):
        ok = np.ones(len(proba), dtype=bool) if floor_ok is None else floor_ok
        keep |= (proba >= UNSURE_THRESHOLD) & ok
        keep |= char_floor(proba, chars, CHAR_FLOOR, FLOOR_MIN_P)
        if threshold is None or _kept_share(proba >= threshold, chars) < SPARSE_KEPT:
            keep |= line_floor(proba, LINE_FLOOR, LINE_FLOOR_MIN_P) & ok
            if RELATIVE > 0.0 and float((proba >= CONFIDENT).mean()) < RELATIVE_UNSURE:
                keep |= proba >= max(RELATIVE * float(np.median(proba)), RELATIVE_MIN_P)
    return keep


def _kept_share(keep: np.ndarray, chars: np.ndarray) -> float:
    total = float(chars.sum())
    return float(chars[keep].sum()) / total if total else 0.0


def unsure_page(proba: np.ndarray) -> bool:
    """Whether the model is confident of almost no line of the page (under UNSURE_PAGE of its
    lines score CONFIDENT or more)."""
    return bool(len(proba)) and float((proba >= CONFIDENT).mean()) < UNSURE_PAGE


def char_floor(proba: np.ndarray, chars: np.ndarray, share: float, min_p: float) -> np.ndarray:
    """The most probable lines that hold `share` of the page's characters, less those under
    `min_p`."""
    total = float(chars.sum())
    if total <= 0.0:
        return np.zeros(len(proba), dtype=bool)
    order = np.argsort(-proba, kind="stable")
    k = min(int(np.searchsorted(np.cumsum(chars[order]), share * total)), len(order) - 1)
    chosen = np.zeros(len(proba), dtype=bool)
    chosen[order[: k + 1]] = True
    return chosen & (proba >= min_p)


def line_floor(proba: np.ndarray, share: float, min_p: float) -> np.ndarray:
    """The most probable `share` of the page's lines (rounded up), less those under `min_p`."""
    chosen = np.zeros(len(proba), dtype=bool)
    k = int(np.ceil(share * len(proba)))
    if k > 0:
        chosen[np.argsort(-proba, kind="stable")[:k]] = True
    return chosen & (proba >= min_p)


def expected_mass(proba: np.ndarray, chars: np.ndarray, share: float) -> np.ndarray:
    """The most probable lines that hold `share` of the page's expected content characters
    (each line's characters weighted by its content probability)."""
    mass = proba * chars
    total = float(mass.sum())
    if total <= 0.0:
        return np.zeros(len(proba), dtype=bool)
    order = np.argsort(-proba, kind="stable")
    cum = np.cumsum(mass[order])
    k = min(int(np.searchsorted(cum, share * total)), len(order) - 1)
    return cast(np.ndarray, proba >= proba[order[k]])  # a scalar of an untyped array is Any


def guarded(keep: np.ndarray, prose: np.ndarray, chars: np.ndarray) -> np.ndarray:
    """`keep`, plus every prose-like line when it would keep under MIN_PROSE_KEPT of them."""
    like = prose >= PROSE_LIKE
    total = float(chars[like].sum())
    if total == 0.0 or float(chars[like & keep].sum()) >= MIN_PROSE_KEPT * total:
        return keep
    return keep | like
