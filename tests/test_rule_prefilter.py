"""The doubled-initial prefilter (cleanse.rule_prefilter) never skips a line a rule would change.

The claim: wherever `PAIR_HINT` (compiled as the rules are, `regex` VERSION1) matches, the `re`
prefilter says a pair may be there. It is checked on real lines in four casings, on generated
text over an alphabet of full-case folds, marks, joiners and quotes, on every character that
folds to or from an ASCII letter, and through the engine: rules run with and without the
prefilter give the same changes on the same lines.
"""

from __future__ import annotations

import json
import string
import sys
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse import rule_engine, rule_prefilter
from cleanse.packs import load_rules
from cleanse.rule_engine import RuleRunner
from cleanse.rule_prefilter import PAIR_HINT, may_hold_pair, opens_with_pair_hint

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FTFY_CASES = ROOT / "tests" / "data" / "ftfy-cases.jsonl"
HINT_RE = regex.compile(PAIR_HINT, regex.VERSION1)
RULES = load_rules(check=False).rules
# Doubled letters, folds of ASCII letters (ſ, K sign, ß, ẞ, İ, ı, ﬀ, ﬁ, ǰ), Greek with the
# ypogegrammeni mark that folds to ι, marks, joiners and connectors (word characters for regex),
# ² (a digit for re, not for regex), quotes, apostrophes, no-break spaces, Cyrillic, digits.
ALPHABET = (
    "qQsSkKlLtTiIjJfFhHaAéÉçÇ"
    "ſKßẞİıﬀﬁǰẖ"
    "ιΙ\u0345\u0301\u200c\u200d‿²µªº"
    "’'«»“\"-/@._# \u00a0\t.!?0"
    "ДдЖж"
)


def hint_positions(text: str) -> bool:
    return HINT_RE.search(text) is not None


def real_lines() -> list[str]:
    """Real text kept in the repository (the tests must not depend on data beside it): the seeds,
    the project's own READMEs (English prose and commands), ftfy's cases (damaged and repaired),
    and the rules' own examples."""
    files = [*sorted(SEEDS.glob("*.txt")), ROOT / "README.md", ROOT / "benchmarks" / "README.md"]
    lines = [ln for p in files for ln in p.read_text(encoding="utf-8").split("\n")]
    for case in FTFY_CASES.read_text(encoding="utf-8").strip("\n").split("\n"):
        record = json.loads(case)
        lines += [record["original"], record["fixed"]]
    lines += [t for r in RULES for pair in r.tests.fix for t in pair] + [
        t for r in RULES for t in r.tests.keep
    ]
    return lines


def test_the_hinted_rules_are_the_doubled_letters() -> None:
    assert sorted(r.id for r in RULES if opens_with_pair_hint(r)) == [
        "en.artifact.doubled-capital",
        "en.artifact.doubled-initial",
        "fr.artifact.doubled-capital",
        "fr.artifact.doubled-initial",
    ]


def test_no_hint_match_is_skipped_on_real_lines() -> None:
    lines = real_lines()
    assert len(lines) > 3_000
    skipped = 0
    for line in lines:
        for text in (line, line.lower(), line.upper(), line.title()):
            if not may_hold_pair(text):
                skipped += 1
                assert not hint_positions(text), text
    assert skipped > len(lines)  # the prefilter does skip most lines


@settings(max_examples=3000, deadline=None, derandomize=True)
@given(st.text(alphabet=ALPHABET, max_size=30))
def test_no_hint_match_is_skipped_on_generated_text(text: str) -> None:
    if hint_positions(text):
        assert may_hold_pair(text), text


@settings(max_examples=1000, deadline=None, derandomize=True)
@given(st.text(min_size=1, max_size=12))
def test_no_hint_match_is_skipped_on_any_characters(text: str) -> None:
    if hint_positions(text):
        assert may_hold_pair(text), text


def _cased(c: str) -> bool:
    return c.lower() != c or c.upper() != c or c.casefold() != c or c.title() != c


@pytest.fixture(scope="module")
def code_points() -> list[str]:
    return [chr(c) for c in range(0x80, sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]


def test_the_ascii_folds_are_every_character_that_folds_to_ascii(code_points: list[str]) -> None:
    folds = regex.compile(f"[{rule_prefilter._ASCII_FOLDS}]")
    for c in code_points:
        maps = (c.lower(), c.upper(), c.casefold(), c.title(), c.swapcase())
        related = any(ch in string.ascii_letters for m in maps for ch in m)
        assert bool(folds.fullmatch(c)) == related, hex(ord(c))


def test_regex_pairs_an_ascii_letter_only_with_the_ascii_folds(code_points: list[str]) -> None:
    folds = regex.compile(f"[{rule_prefilter._ASCII_FOLDS}]")
    cased = [c for c in code_points if _cased(c) or c == "\u0345"]
    for letter in string.ascii_letters:
        for text in (
            "".join(f"\n{letter}{c}" for c in cased),
            "".join(f"\n{c}{letter}" for c in cased),
        ):
            for match in HINT_RE.finditer(text):
                pair = text[match.start() : match.start() + 2]
                other = pair[1] if pair[0] == letter else pair[0]
                assert folds.fullmatch(other), (letter, hex(ord(other)))


def test_the_non_word_characters_are_no_word_and_no_case(code_points: list[str]) -> None:
    not_word = regex.compile(f"[{rule_prefilter._NOT_WORD}]")
    members = [c for c in code_points if not_word.fullmatch(c)]
    assert "«" in members and "\u00a0" in members and "’" in members
    for c in members:
        assert regex.match(r"\w", c, regex.VERSION1) is None, hex(ord(c))
        assert not _cased(c), hex(ord(c))
    # and no character folds into one of them
    for c in code_points:
        assert not any(
            not_word.fullmatch(ch) for ch in c.casefold() + c.lower() + c.upper() if ch != c
        ), hex(ord(c))


def _outcome(rules: list, lang: str, lines: list[str]) -> tuple:
    runner = RuleRunner(rules, lang, timeout=5.0)
    out = runner.run(list(enumerate(lines, start=1)))
    return out.lines, [(c.rule, c.line, c.before, c.after) for c in out.changes], out.flags


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_engine_changes_the_same_lines_without_the_prefilter(
    lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = [r for r in RULES if r.applies_to(lang, None)]
    lines = real_lines()[:20_000]
    lines += [
        "pendant qquand un accord",
        "TThe ministry said",
        "“LLa Corée",
        "Ddans la soirée",
        "wwhen ſſo",
    ]
    with_prefilter = _outcome(rules, lang, lines)
    monkeypatch.setattr(rule_engine, "may_hold_pair", lambda text: True)
    assert _outcome(rules, lang, lines) == with_prefilter
    assert any(rule.endswith("doubled-initial") for rule, *_ in with_prefilter[1])
