"""Word frequency ranks per language, the evidence behind guarded artifact repairs.

The lists in `cleanse/data/lexicon/` are built by `scripts/build_lexicon.py` from public-domain
novels; rank 1 is the most frequent word. A repair such as `qquand` -> `quand` is trusted only when
the repaired word ranks high and the observed one is not a word at all.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Lower-cased words of one language mapped to their frequency rank (1 = most frequent)."""

    lang: str
    ranks: dict[str, int]

    def rank(self, word: str) -> int | None:
        """The word's rank, or None when the word is unknown (case is ignored)."""
        return self.ranks.get(word.lower())


@functools.cache
def load_lexicon(lang: str) -> Lexicon | None:
    """The shipped lexicon of a language, or None when cleanse has none for it.

    >>> load_lexicon("fr").rank("quand") < 200, load_lexicon("fr").rank("qquand"), load_lexicon("xx")
    (True, None, None)
    """
    if not lang.isalpha():
        return None
    source = resources.files("cleanse") / "data" / "lexicon" / f"{lang}.txt"
    if not source.is_file():
        return None
    words = [w for w in source.read_text(encoding="utf-8").splitlines() if w and w[0] != "#"]
    return Lexicon(lang, {word: rank for rank, word in enumerate(words, start=1)})
