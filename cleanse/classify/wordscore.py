"""Word evidence for the line model: how much more often a word shows in content lines than in
page furniture, learned across many sites ('privacy', 'cart', 'subscribe' lean one way; 'because',
'however' the other). A line's score is the mean of its known words' log-odds.

The table is fitted by `benchmarks/fit_classifier.py` and shipped inside `weights.json`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from cleanse.classify.features import WORD_RE

_MAX_CHARS = 400  # a line's first characters say enough about its words
_MAX_WORDS = 40


def line_words(text: str) -> list[str]:
    """The lower-cased words of a line that the score looks at."""
    return WORD_RE.findall(text[:_MAX_CHARS].lower())[:_MAX_WORDS]


def word_scores(texts: Sequence[str], table: Mapping[str, float]) -> np.ndarray:
    """Per line, the mean log-odds (content vs furniture) of its words found in `table`; 0 for a
    line with none of them.

    >>> word_scores(["Privacy policy", "because the rain", "xyz"], {"privacy": -2.0, "because": 1.0})
    array([-2.,  1.,  0.])
    """
    out = np.zeros(len(texts))
    if not table:
        return out
    get = table.get
    for i, text in enumerate(texts):
        known = [v for v in map(get, line_words(text)) if v is not None]
        if known:
            out[i] = sum(known) / len(known)
    return out
