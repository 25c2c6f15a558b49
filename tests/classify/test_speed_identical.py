"""The fast paths of the classifier (per-line cache, named-tuple features, ASCII shortcuts) compute
exactly what the plain path computes, on real pages.

The digests are those printed by `python benchmarks/classify_hash.py` (a sample of
../shared/eval/wcxb-dev, readability-pages and four novels): `features` was derived before the
speed work and must never change unless cleanse/classify/features.py (or patterns.py) or the
language guess changes on purpose (last: one language guess, cleanse.lang, for pages given as `und`);
`verdicts` is re-derived with the same command whenever weights.json is refitted or the guard
changes on purpose (last: the unsure threshold, line floor and mostly-kept rule of
cleanse.classify.guard).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from cleanse.classify import classify_lines, wordscore
from cleanse.classify import features as features_module
from cleanse.classify.features import line_features, lines_features
from cleanse.classify.stopwords import stopwords_for

REPO = Path(__file__).resolve().parents[2]
WCXB = REPO.parent / "shared" / "eval" / "wcxb-dev"

FEATURES_SHA256 = "1067fd02447c1a5ba79215ed14ee36d870565faa1cda1a49b310be7c1b4d1746"
VERDICTS_SHA256 = "52ab8f7e8ae1686fda10bd3c3db68f8f375efba4909219e134e15cdcaa3510d3"

needs_data = pytest.mark.skipif(
    not (WCXB / "index.jsonl").is_file(), reason="../shared/eval/wcxb-dev is not present"
)


def _hash_module():  # benchmarks/ is not a package
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import classify_hash
    finally:
        sys.path.pop(0)
    return classify_hash


@needs_data
def test_features_and_verdicts_on_real_pages_are_the_stored_ones() -> None:
    features_module.clear_cache()
    wordscore.clear_cache()
    got = _hash_module().fingerprints(300)
    assert got["features"] == FEATURES_SHA256, "line_features changed on real pages"
    assert got["page-features"] == FEATURES_SHA256, "lines_features differs from line_features"
    assert got["verdicts"] == VERDICTS_SHA256, (
        "classify_lines changed on real pages; after a refit, re-derive the digest with "
        "`python benchmarks/classify_hash.py`"
    )


LINES = [
    "Home",
    "",
    "Share on Facebook",
    "  Home  ",
    "The council voted on Tuesday to close the old bridge to cars.",
    "Élection présidentielle : les résultats",
    "東京都は新しい計画を発表した。",
    "x" * 5000,
    "Home",
]


def test_cached_features_equal_the_plain_computation() -> None:
    stops = stopwords_for("en")
    features_module.clear_cache()
    for _ in range(2):  # cold, then from the cache
        got = lines_features(LINES, stops)
        want = [line_features(s, stops) if (s := line.strip()) else None for line in LINES]
        assert got == want


def test_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(features_module, "_CACHE_MAX_CHARS", 1_000)
    features_module.clear_cache()
    lines = [f"Menu item number {i}" for i in range(500)]
    assert lines_features(lines, None) == [line_features(s, None) for s in lines]
    assert sum(len(c) for c in features_module._cache.values()) < 100


def test_verdicts_do_not_depend_on_what_was_classified_before() -> None:
    page = ["Home", "News", "Sport", "Contact", "Sign in",
            "The council voted on Tuesday to close the old bridge to cars, after an "
            "inspection found that two of its supports had cracked during the winter.",
            "Share on Facebook"]
    features_module.clear_cache()
    wordscore.clear_cache()
    cold = classify_lines(page, "en")
    classify_lines(LINES, "en")
    warm = classify_lines(page, "en")
    assert cold == warm
