"""Page-relative features for the line model: where a line stands against the other lines of its
own page (its length, stop words, digits and prose as percentiles of the page's), where it sits in
the page's characters and how far it is from the page's densest block of text, how often its shape
repeats on the page, and whether it reads as a measure or a price ("86 x 54 x 6 mm", "$7 to $10")
rather than a counter. A catalogue's short lines are short for any site, but long for their page.

Computed once per page from the context matrix (cleanse.classify.context) and the line texts, with
numpy; `PAGE_FEATURES` is part of the contract with `weights.json`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

PAGE_FEATURES = (
    "chars_pct",
    "stop_pct",
    "digit_pct",
    "prose_pct",
    "stop_vs_median",
    "char_pos",
    "dist_longest",
    "dist_dense",
    "dense_share",
    "similar_len",
    "shape_repeats",
    "first_word_repeats",
    "measure",
)

# A quantity with its unit, a price, a size "86 x 54": what a spec sheet or a price list holds.
_SP = r"[^\S\n]?"  # a space or none (never a line break: the page is scanned in one pass)
MEASURE_RE = re.compile(
    rf"[$€£¥₹]{_SP}\d"
    rf"|\d{_SP}(?:(?:x|×|by){_SP}\d|(?:[$€£¥₹]|usd|eur|gbp"
    r"|mm|cm|km|m|in|inch(?:es)?|ft|\"|kg|g|mg|lbs?|oz|ml|cl|l|gb|mb|tb|kb|ghz|mhz|hz|w|kw|v|mah"
    r"|wh|kwh|°c|°f|px|dpi|rpm|mph|km/h|pounds|ounces|grams|liters|litres|watts)(?!\w))",
    re.IGNORECASE,
)
# An attribution under a quote or a testimonial: '— RD, 2023', '– J. Smith, 2021'.
ATTRIBUTION_RE = re.compile(r"^\s*[—–-]{1,2}\s*[^\W\d_]")
DIGIT_RE = re.compile(r"[0-9]")
FIRST_WORD_RE = re.compile(r"^\S{0,40}", re.MULTILINE)
_SHAPE_CHARS = 80  # a line's shape: its first characters
_DENSE_HALF = 3  # the densest block: the 7-line window holding the most characters
_SIMILAR = 0.15  # lines within this of a line's log length are "of its length"


def reads_as_content(text: str) -> bool:
    """Whether a short line of digits and symbols is a measure, a price or an attribution (content
    of a spec sheet, a price list, a testimonial) rather than a counter."""
    return MEASURE_RE.search(text) is not None or ATTRIBUTION_RE.match(text) is not None


def _percentile(a: np.ndarray) -> np.ndarray:
    """Each value's rank among the page's, in [0, 1] (ties get their mean rank)."""
    n = len(a)
    if n < 2:
        return np.full(n, 0.5)
    s = np.sort(a)
    lo = np.searchsorted(s, a, side="left")
    hi = np.searchsorted(s, a, side="right")
    return (lo + hi - 1) / (2.0 * (n - 1))


def _log_counts(keys: Sequence[str]) -> np.ndarray:
    counts = Counter(keys)
    return np.log1p(np.array([counts[k] - 1 for k in keys], dtype=np.float64))


def _shapes(texts: Sequence[str]) -> tuple[list[str], list[str]]:
    """Each line's shape (its first characters, lower-cased, digits as 0: '4.5 (22K)' and
    '3.9 (18K)' share one) and its shape's first word; one pass over the page."""
    page = DIGIT_RE.sub("0", "\n".join(t[:_SHAPE_CHARS] for t in texts).lower())
    return page.split("\n"), FIRST_WORD_RE.findall(page)


def _measures(texts: Sequence[str], digit_ratio: np.ndarray) -> np.ndarray:
    """1.0 on the lines with digits (of at most 120 characters) where MEASURE_RE matches; one
    pass over them."""
    digits = digit_ratio.tolist()
    short = [t if d > 0 and len(t) <= 120 else "" for t, d in zip(texts, digits, strict=True)]
    starts = np.cumsum([0] + [len(t) + 1 for t in short])
    out = np.zeros(len(texts))
    hits = [m.start() for m in MEASURE_RE.finditer("\n".join(short))]
    if hits:
        out[np.searchsorted(starts, hits, side="right") - 1] = 1.0
    return out


def page_columns(
    texts: Sequence[str],
    log_chars: np.ndarray,
    stop_ratio: np.ndarray,
    digit_ratio: np.ndarray,
    prose: np.ndarray,
) -> list[np.ndarray]:
    """The `PAGE_FEATURES` columns of one page's non-blank lines (`texts`, stripped, and their
    own features as arrays)."""
    n = len(texts)
    if n == 0:
        return [np.zeros(0) for _ in PAGE_FEATURES]
    chars = np.expm1(log_chars)
    total = float(chars.sum()) or 1.0
    idx = np.arange(n, dtype=np.float64)
    longest = float(np.argmax(chars))
    c = np.concatenate(([0.0], np.cumsum(chars)))
    lo = np.maximum(np.arange(n) - _DENSE_HALF, 0)
    hi = np.minimum(np.arange(n) + _DENSE_HALF + 1, n)
    block = c[hi] - c[lo]
    dense = float(np.argmax(block))
    s = np.sort(log_chars)
    similar = (
        np.searchsorted(s, log_chars + _SIMILAR, side="right")
        - np.searchsorted(s, log_chars - _SIMILAR, side="left")
    ) / n
    shapes, first_words = _shapes(texts)
    return [
        _percentile(log_chars),
        _percentile(stop_ratio),
        _percentile(digit_ratio),
        _percentile(prose),
        stop_ratio - float(np.median(stop_ratio)),
        (c[:-1] + chars / 2.0) / total,
        np.sign(idx - longest) * np.log1p(np.abs(idx - longest)),
        np.sign(idx - dense) * np.log1p(np.abs(idx - dense)),
        block / total,
        similar,
        _log_counts(shapes),
        _log_counts(first_words),
        _measures(texts, digit_ratio),
    ]
