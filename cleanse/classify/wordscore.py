"""Word evidence for the line model: how much more often a word shows in content lines than in
page furniture, learned across many sites ('privacy', 'cart', 'subscribe' lean one way; 'because',
'however' the other). A line's score is the mean of its known words' log-odds.

The table is fitted by `benchmarks/fit_classifier.py` and shipped inside `weights.json`.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Mapping, Sequence
from typing import cast

import numpy as np

from cleanse.classify.patterns import WORD_RE

_MAX_CHARS = 400  # a line's first characters say enough about its words
_MAX_WORDS = 40


def line_words(text: str) -> list[str]:
    """The lower-cased words of a line that the score looks at."""
    low = text[:_MAX_CHARS].lower()
    # On ASCII text the letters WORD_RE takes are a-z (the text is lower-cased): the same words.
    return (_ASCII_WORD_RE if low.isascii() else WORD_RE).findall(low)[:_MAX_WORDS]


_ASCII_WORD_RE = re.compile(r"[a-z]+")


def word_scores(texts: Sequence[str], table: Mapping[str, float]) -> np.ndarray:
    """Per line, the mean log-odds (content vs furniture) of its words found in `table`; 0 for a
    line with none of them.

    >>> word_scores(["Privacy policy", "because the rain", "xyz"], {"privacy": -2.0, "because": 1.0})
    array([-2.,  1.,  0.])
    """
    if not table:
        return np.zeros(len(texts))
    global _cache_table, _cache_chars
    if table is not _cache_table:  # the cache holds the scores of one table
        _cache.clear()
        _cache_table, _cache_chars = table, 0
    cache = _cache
    found = list(map(cache.get, texts))
    todo = list(dict.fromkeys(t for t, v in zip(texts, found, strict=True) if v is None))
    if todo:
        # Each line's known values in order, summed by `sum` as one line at a time would.
        known = cast(
            "list[list[float]]",
            [list(filter(_is_value, map(table.get, words))) for words in map(line_words, todo)],
        )
        scores = [
            s / k if k else 0.0 for s, k in zip(map(sum, known), map(len, known), strict=True)
        ]
        computed = dict(zip(todo, scores, strict=True))
        for text, score in computed.items():
            if len(text) <= _CACHE_MAX_LINE:
                if _cache_chars > _CACHE_MAX_CHARS:
                    cache.clear()
                    _cache_chars = 0
                cache[text] = score
                _cache_chars += len(text) + 64
        get = computed.get
        found = [v if v is not None else get(t) for t, v in zip(texts, found, strict=True)]
    return np.array(found, dtype=np.float64)


_is_value = functools.partial(operator.is_not, None)


# Scores of lines already seen (menus and footers repeat), for the last table used; bounded.
_CACHE_MAX_CHARS = 4_000_000
_CACHE_MAX_LINE = 2_000
_cache: dict[str, float] = {}
_cache_table: Mapping[str, float] | None = None
_cache_chars = 0


def clear_cache() -> None:
    """Empty the score cache (benchmarks time cold runs)."""
    global _cache_table, _cache_chars
    _cache.clear()
    _cache_table, _cache_chars = None, 0
