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

from cleanse.classify.byte_lines import EIGHT_BIT, LETTER_BYTES, encode_eight_bit
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


def remember_words(
    read: Sequence[tuple[list[str], list[list[bytes]]]], table: Mapping[str, float]
) -> None:
    """Score lines whose words were already read as bytes (cleanse.classify.line_table: the
    words of the lower-cased line in EIGHT_BIT, after LETTER_BYTES, of a line of at most
    MAX_CHARS characters, the words `_scores` reads) and keep the scores for `word_scores`."""
    if not table:
        return
    _use_table(table)
    for texts, words in read:
        if texts:
            _hold(dict(zip(texts, byte_word_scores(words, table), strict=True)))


def _use_table(table: Mapping[str, float]) -> None:
    global _cache_table, _cache_chars
    if table is not _cache_table:  # the cache holds the scores of one table
        _cache.clear()
        _cache_table, _cache_chars = table, 0


def _hold(computed: Mapping[str, float]) -> None:
    """Add new scores to the cache, within its bound."""
    global _cache_chars
    held = [t for t in computed if len(t) <= _CACHE_MAX_LINE]
    added = sum(map(len, held)) + 64 * len(held)
    if added <= _CACHE_MAX_CHARS:  # else a page of new lines alone would fill it: not kept
        if _cache_chars + added > _CACHE_MAX_CHARS:
            _cache.clear()
            _cache_chars = 0
        _cache.update({t: computed[t] for t in held})
        _cache_chars += added


_is_value = functools.partial(operator.is_not, None)
_REPEAT_HEAD = itertools.repeat(slice(MAX_CHARS))
_REPEAT_WORDS = itertools.repeat(slice(_MAX_WORDS))
_REPEAT_NAN = itertools.repeat(float("nan"))
_NONES = itertools.repeat(None)
_REPEAT_LETTERS = itertools.repeat(LETTER_BYTES)


def _scores(texts: list[str], table: Mapping[str, float]) -> list[float]:
    """Per text, the sum of its known words' values (added in order, as `sum` adds them) over
    their number, or 0.0. Texts in one byte per character are read as bytes (the words
    `line_words` finds, see cleanse.classify.line_table), all at once; the others one by one."""
    lows = list(map(str.lower, map(str.__getitem__, texts, _REPEAT_HEAD)))
    encoded = encode_eight_bit(lows)
    fits = list(map(operator.eq, map(len, encoded), map(len, lows)))
    if all(fits):
        return _byte_scores(encoded, table)
    out = [0.0] * len(texts)
    rows = list(itertools.compress(range(len(texts)), fits))
    if rows:
        got = _byte_scores(list(map(encoded.__getitem__, rows)), table)
        for i, score in zip(rows, got, strict=True):
            out[i] = score
    for i in itertools.compress(range(len(texts)), map(operator.not_, fits)):
        known = cast("list[float]", list(filter(_is_value, map(table.get, line_words(texts[i])))))
        out[i] = sum(known) / len(known) if known else 0.0
    return out


def _byte_scores(encoded: list[bytes], table: Mapping[str, float]) -> list[float]:
    words = map(bytes.split, map(bytes.translate, encoded, _REPEAT_LETTERS))
    return byte_word_scores(list(words), table)


def byte_word_scores(line_words: Sequence[list[bytes]], table: Mapping[str, float]) -> list[float]:
    """The score of each line from all its words, read as bytes (the lower-cased line's words in
    EIGHT_BIT, as `bytes.split` gives them after the LETTER_BYTES table; only the first
    _MAX_WORDS count) for a line of at most MAX_CHARS characters."""
    words = list(map(list.__getitem__, line_words, _REPEAT_WORDS))
    n = len(words)
    counts = np.fromiter(map(len, words), np.int64, n)
    flat = list(itertools.chain.from_iterable(words))
    values = np.fromiter(map(_byte_table(table).get, flat, _REPEAT_NAN), np.float64, len(flat))
    width = int(counts.max()) if n else 0
    found = ~np.isnan(values)
    rows = np.repeat(np.arange(n), counts)[found]
    cols = (np.arange(len(flat)) - np.repeat(np.cumsum(counts) - counts, counts))[found]
    grid = np.zeros((max(width, 1), n), dtype=np.float64)
    grid[cols, rows] = values[found]
    total = np.zeros(n, dtype=np.float64)
    for j in range(width):  # word by word: each line's values added left to right, as `sum`
        total += grid[j]
    k = np.bincount(rows, minlength=n)
    return np.where(k > 0, total / np.maximum(k, 1), 0.0).tolist()  # type: ignore[no-any-return]


def _byte_table(table: Mapping[str, float]) -> dict[bytes, float]:
    """`table` keyed by its words' bytes (the words of other characters cannot match)."""
    global _bytes_for, _bytes_of
    if table is not _bytes_for:
        _bytes_of = {}
        for word, value in table.items():
            key = word.encode(EIGHT_BIT, "ignore")
            if len(key) == len(word):
                _bytes_of[key] = value
        _bytes_for = table
    return _bytes_of


_bytes_for: Mapping[str, float] | None = None
_bytes_of: dict[bytes, float] = {}


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
