"""The classifier's scores rounded for the audit, many at a time, to the very floats `round` gives.

Each line the classifier drops carries some ten scores in its audit entry, rounded to three
decimals; `round` on each of them cost more than writing them. `rounded_scores` rounds all the
scores of a document's dropped lines at once with numpy, and gives each value `round(value, 3)`
would: numpy scales, rounds to an integer and divides back, which is that value wherever the
scaling cannot have carried the value across a half (checked, and left to `round` where it can).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# How close to a half the scaled value may be before its rounding is left to `round`: the
# scaling errs by less than 1e-9 for the values let through (|scaled| < 2**40).
_HALF_DOUBT = 1e-6
_LARGEST = 2.0**40


def round_floats(values: Sequence[float], digits: int) -> list[float]:
    """`[round(v, digits) for v in values]` for Python floats, computed with numpy.

    `round` rounds the exact binary value to the nearest multiple of 10**-digits (ties to even) and
    gives the float nearest that decimal. numpy's `rint(v * 10**digits) / 10**digits` is the same
    float when the product's own rounding has not moved it to the other side of a half: the
    integer is then the same, and both divide it by 10**digits correctly rounded. Values near a
    half, very large ones and those that are not finite are given to `round` itself.

    >>> round_floats([0.0005, 0.0015, 2.675, -0.0004, 1e300, float("nan")], 3)
    [0.001, 0.002, 2.675, -0.0, 1e+300, nan]
    """
    import numpy as np  # loaded by the classifier already

    if not values:
        return []
    array = np.array(values, dtype=np.float64)
    scale = 10.0**digits
    with np.errstate(all="ignore"):  # inf and nan are left to `round` below
        scaled = array * scale
        rounded = np.rint(scaled) / scale
        out: list[float] = rounded.tolist()
        sure = (np.abs(scaled - np.floor(scaled) - 0.5) > _HALF_DOUBT) & (np.abs(scaled) < _LARGEST)
    doubtful = np.flatnonzero(~sure).tolist()
    for k in doubtful:
        out[k] = round(values[k], digits)
    # Rounded values repeat (0.325, -0.7, 1.0): equal ones share one float object, as `round`
    # through a memo gave them, so that the audit entries waiting to be written hold a few
    # hundred floats a document, not one per score. Zeros (0.0 == -0.0) and the values `round`
    # gave keep their own.
    shared: dict[float, float] = {}
    canonical = list(map(shared.setdefault, out, out))
    for k in [*np.flatnonzero(rounded == 0).tolist(), *doubtful]:
        canonical[k] = out[k]
    return canonical


def rounded_scores(scores: Sequence[Mapping[str, Any]], digits: int = 3) -> list[dict[str, Any]]:
    """`{key: round(value, digits)}` of each of `scores`, in order, the floats rounded together
    (round_floats) and any other value (an int, a numpy scalar) by its own `round`.

    >>> rounded_scores([{"prose": 0.12345, "words": 3}, {"p": 0.9996}])
    [{'prose': 0.123, 'words': 3}, {'p': 1.0}]
    """
    values: list[Any] = []
    for one in scores:
        values.extend(one.values())
    if set(map(type, values)) <= {float}:  # the classifier's scores: rebuilt in C
        done = round_floats(values, digits)
        out, start = [], 0
        for one in scores:
            end = start + len(one)
            out.append(dict(zip(one, done[start:end], strict=True)))
            start = end
        return out
    floats = iter(round_floats([v for v in values if type(v) is float], digits))
    return [
        {k: next(floats) if type(v) is float else round(v, digits) for k, v in one.items()}
        for one in scores
    ]
