"""The column-by-column line features (cleanse.classify.line_table) equal the per-line reference
(`features.line_features`) row for row, value and type: on real pages, on hostile lines, and on
random text over an alphabet of the characters each shortcut depends on (ASCII against the rest,
Unicode spaces, digits and capitals of other scripts, CJK marks, case changes that change length).
The word scores of a page, computed at once, equal the per-line formula as well.
"""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse.classify import features as features_module
from cleanse.classify import wordscore
from cleanse.classify.features import WORD_RE, line_features, lines_features
from cleanse.classify.line_table import lines_table
from cleanse.classify.stopwords import stopwords_for

REPO = Path(__file__).resolve().parents[2]
WCXB_DOCS = REPO.parent / "shared" / "eval" / "wcxb-dev" / "docs"
CORPORA = REPO.parent / "shared" / "corpora"

HOSTILE = [
    "Share on Facebook",
    "Related articles",
    "12 comments",
    "2 comments on “These Weeks in Firefox”",
    "3 réponses à « Le projet »",
    "By John Smith",
    "by the time we left, the rain had stopped",
    "Photo: Reuters",
    "New LeaderReuters TV",
    "© 2023 Example Inc. All rights reserved.",
    "We use cookies to improve your experience. By continuing you accept them.",
    "Sign up for our newsletter",
    "2023",
    "3/50 Star Wars boosts economy",
    "4 sur 10",
    "Reply",
    "John says:",
    "Marie · 10 mars 2017 à 12:20",
    "WEB18-Facebook-1160x768.jpg",
    "March 3, 2024",
    "12 ▲",
    "| • |",
    "— Ah !",
    "* * *",
    "[5]",
    "Home | News | Sport | Weather",
    "- item one",
    "1) first point",
    "visit www.example.com or https://example.org/page",
    "Élection présidentielle : les résultats",
    "東京都は新しい計画を発表した。次の会議は来月。",
    "DeepMind表示，新模型已经发布。",
    "ΟΔΟΣ ΣΟΦΟΚΛΕΟΥΣ",  # final sigma when lower-cased
    "İstanbul İzmir",  # lower() makes two characters of one
    "KELVIN K and ſ long s",  # characters IGNORECASE ties to ASCII letters
    "x² + y² = z²",  # superscripts: letters for WORD_RE, not digits
    "٣ تعليقات",  # Arabic-Indic digit
    "a\u2003b\u3000c\x1cd\x85e",  # Unicode spaces that str.split and \\s share
    "\t|\ttabs\xa0and\u202fnarrow spaces",
    "-" * 50,
    "x" * 5000,
    ("The council voted on Tuesday. " * 60).strip(),
    "Mr. Smith went to Washington. He said “no.” Then he left!",
    "Il a dit : « non ». Puis il est parti…",
    "word_with_underscores and d1g1ts",
    "Illustrations: Getty",  # a 13-letter cue word
    "illustrationsx and thethethethethethe the",  # longer words that start like listed ones
    'He left." Then \'she\' said: "yes.") [end.] ok',  # closers after sentence marks
    "A\x1cB\x1dC\x1eD\x1fE \x0bF\x0cG",  # ASCII separators str.split and \\s take as spaces
    # Windows-1252 beyond Latin-1 (read as bytes), its letters that are no case pair (ª º µ),
    # numbers that are letters for WORD_RE (¹ ¼), and bytes it leaves undefined (\x81).
    "Œuvres d’Émile — Ÿves ŠŽšž ªº µ ¹¼ €5 ™ ‰ ƒ ˆ˜ ‹x› ×÷ ¿¡ Þþ Ðð",
    "L’ŒUVRE\xa0: 12 € — « Ça » \x81\x8d fin…",
]

ALPHABET = (
    string.ascii_letters
    + string.digits
    + " .!?:;,-/|'\"()[]*+@©&_"
    + "éÉàçœßſKİıΣσςÀ²³٣١"
    + "•▪·›»–—…“”’«»"
    + "ŠšŽžŸÿªºµ¹¼€™‰‹ƒˆ˜†×÷¿¡ÞþÐðŒ"  # Windows-1252, read as bytes
    + "\t\xa0\u2009\u202f\u2003\u3000\x1c\x85\x81\ufffe"
    + "東京都は。！？）」』】계획"
)


def _rows(lines: list[str], stops: frozenset[str] | None) -> tuple[list[str], list[str]]:
    stripped = [s for line in lines if (s := line.strip())]
    want = [repr(tuple(line_features(s, stops))) for s in stripped]
    got = [repr(tuple(f)) for f in lines_table(stripped, stops)]
    return want, got


@pytest.mark.parametrize("lang", ["en", "fr", None])
def test_hostile_lines_equal_the_reference(lang: str | None) -> None:
    stops = stopwords_for(lang) if lang else None
    want, got = _rows(HOSTILE, stops)
    assert got == want


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=120), min_size=1, max_size=30))
def test_random_lines_equal_the_reference(lines: list[str]) -> None:
    for stops in (stopwords_for("en"), stopwords_for("fr"), None):
        want, got = _rows(lines, stops)
        assert got == want


def test_page_path_with_its_cache_equals_the_reference() -> None:
    stops = stopwords_for("en")
    page = ["", *HOSTILE, "  Home  ", "Home", "", *HOSTILE[:5]]
    features_module.clear_cache()
    for _ in range(2):  # cold, then from the cache
        got = lines_features(page, stops)
        assert got == [line_features(s, stops) if (s := x.strip()) else None for x in page]


def test_cache_is_bounded_with_page_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(features_module, "_CACHE_MAX_CHARS", 1_000)
    features_module.clear_cache()
    for k in range(5):
        lines = [f"Menu item number {k} {i}" for i in range(200)]
        assert lines_features(lines, None) == [line_features(s, None) for s in lines]
    assert sum(len(c) for c in features_module._cache.values()) < 100


def test_bad_pages_equal_the_reference() -> None:
    """The shapes of the bad-input tests (tests/classify/test_bad_pages.py), smaller."""
    stops = stopwords_for("en")
    long_line = ("word " * 200_000).strip()  # one 1 MB line
    one_words = [f"item{i}" for i in range(5_000)]
    no_spaces = ["東京都は新しい計画を発表した。" * 200, "ภาษาไทยไม่มีช่องว่างระหว่างคำ" * 100]
    for page in ([long_line], one_words, no_spaces):
        want, got = _rows(page, stops)
        assert got == want


def _reference_score(text: str, table: dict[str, float]) -> float:
    words = WORD_RE.findall(text[:400].lower())[:40]
    known = [v for v in map(table.get, words) if v is not None]
    return sum(known) / len(known) if known else 0.0


def test_word_scores_equal_the_per_line_formula() -> None:
    table = {"share": -1.25, "because": 0.75, "the": 0.1, "privacy": -2.0, "été": 0.3, "京": 0.2}
    texts = [s for line in HOSTILE if (s := line.strip())] + ["Share the privacy because été"] * 3
    wordscore.clear_cache()
    for _ in range(2):  # cold, then from the cache
        got = wordscore.word_scores(texts, table).tolist()
        assert got == [_reference_score(t, table) for t in texts]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=120), min_size=1, max_size=30))
def test_random_word_scores_equal_the_per_line_formula(lines: list[str]) -> None:
    """The bytes path adds each line's values in the per-line order: the same floats, bit for
    bit (signed zeros included)."""
    texts = [s for line in lines if (s := line.strip())]
    words = sorted({w for t in texts for w in WORD_RE.findall(t[:400].lower())})
    table = {w: ((-1) ** k) * (0.1 + k / 7.0) for k, w in enumerate(words) if k % 3}
    table["zéro"] = -0.0
    wordscore.clear_cache()
    got = wordscore.word_scores(texts, table).tolist()
    assert list(map(repr, got)) == [repr(_reference_score(t, table)) for t in texts]


def _fresh_scores(lines: list[str], table: dict[str, float]) -> list[str]:
    """The word scores of the non-blank `lines`, caches emptied first (the classifier's path)."""
    texts = [s for line in lines if (s := line.strip())]
    features_module.clear_cache()
    wordscore.clear_cache()
    return list(map(repr, wordscore.word_scores(texts, table).tolist()))


def test_word_scores_of_hostile_long_and_wordy_lines_equal_the_per_line_formula() -> None:
    table = {"share": -1.25, "because": 0.75, "the": 0.1, "privacy": -2.0, "été": 0.3, "x": 1.0}
    # Over 400 characters, 'privacy' past them: not counted.
    long = ("a" * 30 + " ") * 13 + "privacy"
    many = " ".join(["because"] * 30 + ["share"] * 30)  # over 40 words: the first 40 count
    lines = [*HOSTILE, long, many, "  Share the privacy because été  ", "", "x " * 100]
    texts = [s for line in lines if (s := line.strip())]
    assert _fresh_scores(lines, table) == [repr(_reference_score(t, table)) for t in texts]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=500), min_size=1, max_size=30))
def test_random_long_lines_word_scores_equal_the_formula(lines: list[str]) -> None:
    texts = [s for line in lines if (s := line.strip())]
    words = sorted({w for t in texts for w in WORD_RE.findall(t[:400].lower())})
    table = {w: ((-1) ** k) * (0.1 + k / 7.0) for k, w in enumerate(words) if k % 3}
    table["zéro"] = -0.0
    assert _fresh_scores(lines, table) == [repr(_reference_score(t, table)) for t in texts]


needs_data = pytest.mark.skipif(
    not WCXB_DOCS.is_dir() or not CORPORA.is_dir(), reason="../shared data is not present"
)


@needs_data
def test_real_pages_and_novels_equal_the_reference() -> None:
    pages = sorted(WCXB_DOCS.glob("*.raw.txt"))[::40]  # 34 pages of every kind
    novel = sorted((CORPORA / "eltec-fra").glob("*.txt"))[0]
    docs = [(p.read_text(encoding="utf-8").split("\n"), "en") for p in pages]
    docs.append((novel.read_text(encoding="utf-8").split("\n")[:3000], "fr"))
    for lines, lang in docs:
        want, got = _rows(lines, stopwords_for(lang))
        assert got == want


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.text(alphabet="ab\n\x00©.", max_size=8), max_size=12),
    st.lists(st.text(alphabet="ab\n\x00©.", min_size=1, max_size=3), min_size=1, max_size=3),
    st.data(),
)
def test_contains_any_is_the_substring_test_of_each_value(
    values: list[str], parts: list[str], data: st.DataObject
) -> None:
    """The values searched joined (cleanse.classify.line_table._contains_any): each value holds
    a part exactly when `in` says so, separators in the values or the parts included."""
    import numpy as np

    from cleanse.classify.line_table import _contains_any

    where = np.array(
        data.draw(st.lists(st.booleans(), min_size=len(values), max_size=len(values))), dtype=bool
    )
    got = _contains_any(values, where, len(values), parts).tolist()
    want = [bool(w) and any(p in v for p in parts) for v, w in zip(values, where, strict=True)]
    assert got == want
