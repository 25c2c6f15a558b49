"""Guess the language of a document from its most common function words.

Enough to choose rule packs: it counts, over the first few thousand characters, how many words
belong to each language's short list of frequent function words, and answers `und` when no language
clearly wins. Give `--lang` to skip the guess.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import chain

import regex

UNDETERMINED = "und"
SAMPLE_CHARS = 4000
_MIN_HITS = 3
_WORD_RE = regex.compile(r"\p{L}+")
_ASCII_WORD_RE = re.compile(r"[A-Za-z]+")  # _WORD_RE on ASCII text

# Frequent function words of each language; "a", "de", "la", frequent in several of them, are left
# out, and a word listed under two languages counts for both.
_MARKERS = {
    "fr": "le les des est une pour dans qui que pas sur avec sont mais nous vous cette ces aux "
    "leur ont été fait être comme plus elle ils du au",
    "en": "the and of to is was that with for are this have from which by be were has it "
    "their they not his her been would",
    "de": "der die und ist nicht mit sich auf dem den des ein eine auch für von zu wird sind "
    "werden wurde oder aber bei nach",
    "es": "el los las es una por para con del que se su sus pero como más fue está son muy "
    "también entre sobre hay esta",
    "it": "il gli della delle che non per una sono con dei nel alla anche questo essere più "
    "stato come dal sul ma ha",
    "pt": "os das dos uma para com não por mais como mas foi são seu sua também pelo pela "
    "está ao isso muito nos",
    "nl": "het een van en niet zijn dat voor met ook aan wordt maar bij nog werd door naar "
    "deze heeft worden om",
}
# The languages cleanse knows (what detect_language can answer, besides `und`).
LANGUAGES = tuple(_MARKERS)


def _build_words() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for lang, words in _MARKERS.items():
        for word in words.split():
            table[word] = (*table.get(word, ()), lang)
    return table


_WORDS = _build_words()


def detect_language(text: str, sample_chars: int = SAMPLE_CHARS) -> str:
    """The ISO 639-1 code of the text's language among fr, en, de, es, it, pt, nl, else `und`,
    read from its first `sample_chars` characters. The one language guess of cleanse: the rule
    packs and the line classifier's stop words both follow it.

    >>> detect_language("Le président a déclaré que la visite était pour les deux pays.")
    'fr'
    >>> detect_language("The minister said that the policy was not ready for the vote.")
    'en'
    >>> detect_language("12 345")
    'und'
    """
    sample = text[:sample_chars]
    # On ASCII text the letters are A-Z and a-z, which `re` finds several times faster.
    words = (_ASCII_WORD_RE if sample.isascii() else _WORD_RE).findall(sample)
    # The words' lower case, their languages and the count of each, all in C: the findall is
    # most of the cost.
    hits = Counter(chain.from_iterable(filter(None, map(_WORDS.get, map(str.lower, words)))))
    if not hits:
        return UNDETERMINED
    ranked = sorted(hits.items(), key=lambda item: (-item[1], item[0]))
    best, count = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    # A clear winner only: enough evidence, and well ahead of the next language.
    if count < _MIN_HITS or count < 2 * runner_up:
        return UNDETERMINED
    return best
