"""Word evidence for the line model: how much more often a word shows in content lines than in
page furniture, learned across many sites ('privacy', 'cart', 'subscribe' lean one way; 'because',
'however' the other). A line's score is the mean of its known words' log-odds.

The table is fitted by `benchmarks/fit_classifier.py` and shipped inside `weights.json`.
"""

from __future__ import annotations

import functools
import itertools
import operator
import re
from collections.abc import Mapping, Sequence
from typing import cast

import numpy as np

from cleanse.classify.patterns import WORD_RE

MAX_CHARS = 400  # a line's first characters say enough about its words
_MAX_WORDS = 40


def line_words(text: str) -> list[str]:
    """The lower-cased words of a line that the score looks at."""
    low = text[:MAX_CHARS].lower()
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
    _use_table(table)
    found = list(map(_cache.get, texts))
    todo = list(dict.fromkeys(itertools.compress(texts, map(operator.is_, found, _NONES))))
    if todo:
        computed = dict(zip(todo, _scores(todo, table), strict=True))
        _hold(computed)
        found = list(map(computed.get, texts, found))  # a new line's score, else the cached one
    return np.array(found, dtype=np.float64)


def _use_table(table: Mapping[str, float]) -> None:
    global _cache_table, _cache_chars
    if table is not _cache_table:  # the cache holds the scores of one table
        _cache.clear()
        _cache_table, _cache_chars = table, 0


def _hold(computed: Mapping[str, float]) -> None:
    """Add new scores to the cache, within its bound."""
    global _cache_chars
    held = list(itertools.compress(computed, map(_CACHE_MAX_LINE.__ge__, map(len, computed))))
    added = sum(map(len, held)) + 64 * len(held)
    if added <= _CACHE_MAX_CHARS:  # else a page of new lines alone would fill it: not kept
        if _cache_chars + added > _CACHE_MAX_CHARS:
            _cache.clear()
            _cache_chars = 0
        _cache.update(computed if len(held) == len(computed) else {t: computed[t] for t in held})
        _cache_chars += added


_is_value = functools.partial(operator.is_not, None)
_REPEAT_HEAD = itertools.repeat(slice(MAX_CHARS))
_NONES = itertools.repeat(None)


def _scores(texts: list[str], table: Mapping[str, float]) -> list[float]:
    """Per text, the sum of its known words' values (added in order, as `sum` adds them) over
    their number, or 0.0: the compiled pass (cleanse.classify.line_kernel) for the texts it
    handles, the others one by one."""
    heads = list(map(str.__getitem__, texts, _REPEAT_HEAD))
    from cleanse.classify import line_kernel  # here: numba loads with the first page classified

    scores, done = line_kernel.line_scores(heads, table, _MAX_WORDS)
    out: list[float] = scores.tolist()
    for i in (~done).nonzero()[0].tolist():
        known = cast("list[float]", list(filter(_is_value, map(table.get, line_words(texts[i])))))
        out[i] = sum(known) / len(known) if known else 0.0
    return out


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
