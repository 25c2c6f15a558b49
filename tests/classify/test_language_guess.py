"""One language guess: the line classifier's stop words follow cleanse.lang.detect_language, the
guess that also chooses the rule packs (they used to be two guessers that disagreed on real
sentences: 'Il a dit que la maison est à vendre depuis un an.' was French for one, `und` for the
other)."""

from __future__ import annotations

import pytest

from cleanse.classify import ClassifyConfig, classify_lines
from cleanse.classify.features import WORD_RE
from cleanse.classify.stopwords import stopwords_for
from cleanse.lang import detect_language

SENTENCES = [
    "Il a dit que la maison est à vendre depuis un an.",
    "A casa de Maria fica perto do rio e ela vai lá todos os dias com o filho.",
    "Die Kinder spielen im Garten, weil die Sonne scheint.",
    "Le président a déclaré que la visite était pour les deux pays et qu'elle aurait lieu en mai.",
    "The minister said that the policy was not ready for the vote, and that it would be delayed.",
    "La casa de María está cerca del río y ella va allí todos los días con su hijo.",
]


def _stop_score(text: str) -> float:
    """The stop-word share the classifier saw on a page of one line given as `und`."""
    (verdict,) = classify_lines([text], "und", ClassifyConfig(mode="article"))
    return verdict.scores["stop"]


@pytest.mark.parametrize("text", SENTENCES)
def test_classifier_reads_stop_words_of_the_language_cleanse_detects(text: str) -> None:
    lang = detect_language(text)
    stops = stopwords_for(lang)
    words = WORD_RE.findall(text.lower())
    want = -1.0 if stops is None else sum(w in stops for w in words) / len(words)
    assert _stop_score(text) == pytest.approx(want), lang


def test_a_given_language_is_not_guessed_again() -> None:
    text = "Il a dit que la maison est à vendre depuis un an."
    (verdict,) = classify_lines([text], "en", ClassifyConfig(mode="article"))
    assert verdict.scores["stop"] < _stop_score(SENTENCES[3])
