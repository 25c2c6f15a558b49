"""Banding: the chosen bands x rows reach the stated recall at the threshold."""

from __future__ import annotations

import pytest
from datasketch.lsh import _optimal_param

from cleanse.dedup import DedupConfig
from cleanse.dedup.bands import candidate_probability, choose_bands, format_curves, s_curve
from cleanse.errors import ConfigError


@pytest.mark.parametrize("threshold", [0.5, 0.7, 0.8, 0.9])
@pytest.mark.parametrize("num_perm", [64, 128, 256])
def test_recall_at_threshold(threshold: float, num_perm: int) -> None:
    bands, rows = choose_bands(threshold, num_perm, 0.99)
    assert bands * rows <= num_perm
    assert candidate_probability(threshold, bands, rows) >= 0.99
    if rows < num_perm:  # one more row would miss the target: the sharpest curve that qualifies
        more = rows + 1
        assert candidate_probability(threshold, num_perm // more, more) < 0.99 or more > num_perm


def test_better_than_datasketch_default_at_threshold() -> None:
    theirs = _optimal_param(0.8, 128, 0.5, 0.5)
    assert theirs == (9, 13)
    assert candidate_probability(0.8, *theirs) == pytest.approx(0.40, abs=0.01)
    assert DedupConfig().banding == (21, 6)
    assert candidate_probability(0.8, 21, 6) > 0.998
    table = format_curves({"cleanse": (21, 6), "datasketch": theirs}, marks=(0.8,))
    assert "0.800" in table


def test_curve_is_monotone_and_unreachable_recall_refused() -> None:
    probs = [p for _, p in s_curve(21, 6)]
    assert probs == sorted(probs) and probs[0] == 0.0 and probs[-1] == 1.0
    with pytest.raises(ConfigError, match="num_perm"):
        choose_bands(0.2, 16, 0.999999999)
