"""LSH banding: choose bands x rows for a stated recall at the threshold, and show the S-curve.

A pair with Jaccard `s` shares at least one of `b` bands of `r` rows with probability
1 - (1 - s**r)**b. We take the largest `r` (fewest false candidates) whose curve still gives the
stated recall at the threshold itself, so every pair at or above it is found at least that often.
"""

from __future__ import annotations

from cleanse.errors import ConfigError


def candidate_probability(similarity: float, bands: int, rows: int) -> float:
    """Probability that a pair of this Jaccard similarity becomes an LSH candidate.

    >>> round(candidate_probability(0.8, 9, 13), 2)  # datasketch's pick for 0.8 with 128 perms
    0.4
    >>> round(candidate_probability(0.8, 21, 6), 4)
    0.9983
    """
    return 1.0 - (1.0 - similarity**rows) ** bands


def choose_bands(threshold: float, num_perm: int, recall: float) -> tuple[int, int]:
    """Return (bands, rows) with the most rows whose recall at `threshold` is at least `recall`.

    >>> choose_bands(0.8, 128, 0.99)
    (21, 6)
    """
    best: tuple[int, int] | None = None
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        if candidate_probability(threshold, bands, rows) >= recall:
            best = (bands, rows)
    if best is None:
        msg = (
            f"no banding of {num_perm} permutations reaches recall {recall} at threshold "
            f"{threshold}; raise num_perm or lower recall"
        )
        raise ConfigError(msg)
    return best


def s_curve(bands: int, rows: int, points: int = 21) -> list[tuple[float, float]]:
    """(similarity, candidate probability) at evenly spaced similarities from 0 to 1."""
    return [
        (i / (points - 1), candidate_probability(i / (points - 1), bands, rows))
        for i in range(points)
    ]


def format_curves(curves: dict[str, tuple[int, int]], marks: tuple[float, ...] = ()) -> str:
    """A plain-text table of several S-curves side by side (one column per banding)."""
    sims = sorted({round(i / 20, 2) for i in range(21)} | {round(m, 3) for m in marks})
    names = list(curves)
    head = "jaccard  " + "  ".join(f"{n:>16}" for n in names)
    lines = [head, "-" * len(head)]
    for s in sims:
        cells = "  ".join(f"{candidate_probability(s, *curves[n]):16.4f}" for n in names)
        lines.append(f"{s:7.3f}  {cells}")
    return "\n".join(lines)
