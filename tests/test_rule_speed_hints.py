"""Speed hints inside rule patterns change no match.

The doubled-initial and doubled-capital rules start with `\\b(?=(?<pair>[^\\W\\d_])(?i:\\g<pair>))`: a
word starting with a letter written twice. The rest of each pattern demands that already (a word
boundary, then the letter `c` and `(?i:\\g<c>)`; or a capital after a space, a quote or the start,
then `\\g<c>`), so the prefix only lets the regex engine give up at once at the other positions
(2.6 times faster on real text), and lets the rule engine skip the rule on lines without such a
pair (cleanse.rule_prefilter). Here the pattern without it is the reference.
"""

from __future__ import annotations

from pathlib import Path

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse.packs import load_rules

HINT = r"\b(?=(?<pair>[^\W\d_])(?i:\g<pair>))"
HINTED = [r for r in load_rules(check=False).rules if r.pattern.pattern.startswith(HINT)]
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
# Letters that double, vowels, capitals, accents, apostrophes, quotes, a ligature and full-case
# folds (ß, ſ, K sign), digits, punctuation and spaces.
ALPHABET = "qQdDlLmMsSaAeEéÉßſKkﬁ’'«»“\"-/@._# \u00a0.!?0"


def spans(pattern: regex.Pattern[str], text: str) -> list[tuple[tuple[int, int], str | None]]:
    return [(m.span(), m.group("token")) for m in pattern.finditer(text)]


def without_hint(pattern: regex.Pattern[str]) -> regex.Pattern[str]:
    return regex.compile(pattern.pattern.removeprefix(HINT), pattern.flags)


def test_the_hinted_rules_are_the_doubled_letters() -> None:
    assert sorted(r.id for r in HINTED) == [
        "en.artifact.doubled-capital",
        "en.artifact.doubled-initial",
        "fr.artifact.doubled-capital",
        "fr.artifact.doubled-initial",
    ]


def test_hint_changes_no_match_on_real_text() -> None:
    lines = [
        line
        for path in sorted(SEEDS.glob("*.txt"))
        for line in path.read_text(encoding="utf-8").split("\n")
    ]
    lines += [text for rule in HINTED for pair in rule.tests.fix for text in pair] + [
        t for r in HINTED for t in r.tests.keep
    ]
    for rule in HINTED:
        reference = without_hint(rule.pattern)
        for line in lines:
            for text in (line, line.lower(), line.upper(), line.title()):
                assert spans(rule.pattern, text) == spans(reference, text), (rule.id, text)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.text(alphabet=ALPHABET, max_size=40))
def test_hint_changes_no_match_on_any_text(text: str) -> None:
    for rule in HINTED:
        assert spans(rule.pattern, text) == spans(without_hint(rule.pattern), text)


# -- `contains` hints: a rule is tried only on lines whose lower case holds one of its strings ----

WITH_CONTAINS = [r for r in load_rules(check=False).rules if r.contains]
# Around the two colon hints: colons of other scripts and widths, the headlines' words and signs.
COLON_ALPHABET = ":：꞉∶﹕ abcLlive updatesThe dernières nouvellesÉ.!?\u00a0\t"


def hint_holds(rule, text: str) -> bool:
    lowered = text.lower()
    return any(needle in lowered for needle in rule.contains)


def test_the_colon_rules_are_hinted() -> None:
    colon = sorted(r.id for r in WITH_CONTAINS if r.contains == (":",))
    assert colon == ["en.related.latest-updates", "fr.related.dernieres-nouvelles"]
    # Their patterns demand a ":" outside any optional part; lower case keeps it (str.lower maps
    # each character on its own, and ":" to itself), so the hint holds wherever they can match.
    assert ":".lower() == ":"


def test_no_rule_matches_where_its_hint_fails_on_real_text() -> None:
    readmes = [SEEDS.parent / "README.md", SEEDS.parent / "benchmarks" / "README.md"]
    lines = [
        ln
        for p in [*sorted(SEEDS.glob("*.txt")), *readmes]
        for ln in p.read_text(encoding="utf-8").split("\n")
    ]
    lines += [t for r in load_rules(check=False).rules for t in [*r.tests.drop, *r.tests.keep]]
    lines += [t for r in load_rules(check=False).rules for pair in r.tests.fix for t in pair]
    matched = 0
    for rule in WITH_CONTAINS:
        for line in lines:
            for text in (line, line.strip(), line.upper(), line.title()):
                if rule.pattern.search(text):
                    matched += 1
                    assert hint_holds(rule, text), (rule.id, text)
    assert matched > 20


@settings(max_examples=600, deadline=None, derandomize=True)
@given(
    st.text(alphabet=COLON_ALPHABET, max_size=60),
    st.sampled_from(["War: ", "Guerre en Ukraine : ", ""]),
)
def test_no_colon_rule_matches_without_a_colon(text: str, head: str) -> None:
    for rule in WITH_CONTAINS:
        for candidate in (text, head + text, head + "latest updates", head + "dernières nouvelles"):
            if rule.pattern.search(candidate):
                assert hint_holds(rule, candidate), (rule.id, candidate)
