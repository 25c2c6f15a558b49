"""Find the content regions of a page: the stretches of lines where prose outweighs furniture.

Each line gets a weight (positive for prose, by length; negative for a short or cue line), and the
best-scoring contiguous segments are the regions (maximum-sum subarrays, found one after another).
A short line between two paragraphs costs little and stays inside; twenty menu lines do not.
"""

from __future__ import annotations

from collections.abc import Sequence


def best_segment(weights: Sequence[float], taken: Sequence[bool]) -> tuple[int, int, float]:
    """Return (start, end_exclusive, score) of the best segment avoiding `taken` lines.

    >>> best_segment([-1, 2, -0.5, 3, -4, 1], [False] * 6)
    (1, 4, 4.5)
    """
    best = (0, 0, 0.0)
    run_start = 0
    run = 0.0
    for i, w in enumerate(weights):
        if taken[i]:
            run, run_start = 0.0, i + 1
            continue
        if run <= 0.0:
            run, run_start = 0.0, i
        run += w
        if run > best[2]:
            best = (run_start, i + 1, run)
    return best


def find_regions(
    weights: Sequence[float], min_score: float, min_share: float, max_regions: int = 8
) -> list[tuple[int, int, float]]:
    """Return the content regions, best first: segments scoring at least `min_score` and at least
    `min_share` of the best segment's score.

    >>> find_regions([5, -1, -1, -1, -1, -1, -1, 4], 1.0, 0.5)
    [(0, 1, 5.0), (7, 8, 4.0)]
    """
    taken = [False] * len(weights)
    regions: list[tuple[int, int, float]] = []
    top = 0.0
    for _ in range(max_regions):
        start, end, score = best_segment(weights, taken)
        if end <= start or score < min_score or score < min_share * top:
            break
        top = max(top, score)
        regions.append((start, end, score))
        for i in range(start, end):
            taken[i] = True
    return regions
