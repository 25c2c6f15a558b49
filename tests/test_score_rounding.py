"""cleanse.score_rounding gives the very floats `round` gives (the audit's bytes depend on it)."""

from __future__ import annotations

import math
import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse.score_rounding import round_floats, rounded_scores


def _same(one: list[float], other: list[float]) -> bool:
    """Equal as floats and as their repr (so -0.0 differs from 0.0, and nan equals nan)."""
    return [repr(v) for v in one] == [repr(v) for v in other]


def test_halves_and_their_neighbours_round_as_round_does() -> None:
    """Values at and next to each half of the last digit, where the scaling can err, across the
    magnitudes of scores, signs included."""
    values = []
    for m in range(-3000, 3000):
        half = (m + 0.5) / 1000
        values += [half, math.nextafter(half, math.inf), math.nextafter(half, -math.inf)]
        values += [m / 1000, (m + 0.4999999) / 1000, (m + 0.5000001) / 1000]
    for digits in (3, 4):
        assert _same(round_floats(values, digits), [round(v, digits) for v in values])


def test_random_floats_and_odd_values_round_as_round_does() -> None:
    rng = random.Random(17)
    values = [rng.uniform(-5, 5) for _ in range(50_000)]
    values += [rng.random() * 10.0 ** rng.randint(-12, 15) for _ in range(20_000)]
    values += [0.0, -0.0, 1e300, -1e300, math.inf, -math.inf, math.nan, 5e-324, 2.0**40 + 0.5]
    values += np.round(np.linspace(0, 1, 20_001), 4).tolist()  # values with few decimals
    assert _same(round_floats(values, 3), [round(v, 3) for v in values])


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=40))
def test_any_float_rounds_as_round_does(values: list[float]) -> None:
    assert _same(round_floats(values, 3), [round(v, 3) for v in values])


def test_scores_keep_their_keys_order_and_types() -> None:
    scores = [
        {"prose": 0.12345, "words": 3, "weight": np.float64(0.0015), "flag": True},
        {},
        {"p_content": 0.9995, "threshold": 0.325},
    ]
    out = rounded_scores(scores)
    expected = [{k: round(v, 3) for k, v in one.items()} for one in scores]
    assert out == expected
    assert [[type(v) for v in one.values()] for one in out] == [
        [type(v) for v in one.values()] for one in expected
    ]
    assert [list(one) for one in out] == [list(one) for one in scores]


def test_zeros_keep_their_sign_among_shared_values() -> None:
    """Equal rounded values share one object, but 0.0 and -0.0 (equal as keys) stay apart."""
    values = [0.0001, -0.0001, 0.325, 0.3251, -0.0, 0.0, -0.0004, 0.0004, 0.0005, -0.0005]
    assert _same(round_floats(values, 3), [round(v, 3) for v in values])
    out = round_floats([0.3251, 0.3249, 0.325], 3)
    assert out[0] is out[1] is out[2]
