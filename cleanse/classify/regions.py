"""Find the content regions of a page: the stretches of lines where prose outweighs furniture.

Each line gets a weight (positive for prose, by length; negative for a short or cue line), and the
best-scoring contiguous segments are the regions (maximum-sum subarrays, found one after another:
each the best segment avoiding the lines of those found before). A short line between two
paragraphs costs little and stays inside; twenty menu lines do not. The scan is compiled
(cleanse.classify.layout_kernel).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def find_regions(
    weights: Sequence[float] | np.ndarray,
    min_score: float,
    min_share: float,
    max_regions: int = 8,
) -> list[tuple[int, int, float]]:
    """Return the content regions, best first, as (start, end_exclusive, score): segments
    scoring at least `min_score` and at least `min_share` of the best segment's score.

    >>> find_regions([5, -1, -1, -1, -1, -1, -1, 4], 1.0, 0.5)
    [(0, 1, 5.0), (7, 8, 4.0)]
    >>> find_regions([-1, 2, -0.5, 3, -4, 1], 0.5, 0.0)
    [(1, 4, 4.5), (5, 6, 1.0)]
    """
    from cleanse.classify.layout_kernel import best_regions  # here: loads numba

    return best_regions(np.asarray(weights, dtype=np.float64), min_score, min_share, max_regions)
