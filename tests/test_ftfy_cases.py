"""ftfy's own mojibake cases (tests/data/ftfy-cases.jsonl) under cleanse's ftfy profile.

Three documented differences from ftfy's defaults: cleanse keeps curly quotes (uncurl_quotes=False)
and full-width forms (fix_character_width=False), and it removes the control characters ftfy leaves
in place (case ftfy-0142 expects a C1 control U+0081 to survive; in a corpus it is never text). So a case passes when our output, with only those
two typographic steps applied, equals ftfy's expected text. For the cases ftfy itself is known to
fail (`expect: fail`), cleanse must do exactly what ftfy's defaults do, no worse.
"""

from __future__ import annotations

import json
from pathlib import Path

import ftfy
import pytest

from cleanse.fix import CORPUS_PROFILE, LEFTOVER_CONTROL_RE, fix_line

# From ftfy's test suite (Apache-2.0): see tests/data/README.md for provenance and licence.
CASES_FILE = Path(__file__).resolve().parent / "data" / "ftfy-cases.jsonl"
CASES = [json.loads(line) for line in CASES_FILE.read_text(encoding="utf-8").split("\n") if line]
TYPOGRAPHY_ONLY = ftfy.TextFixerConfig(
    fix_encoding=False, unescape_html=False, uncurl_quotes=True, fix_character_width=True, normalization=None
)


def fix_text_by_lines(text: str) -> str:
    return "\n".join(fix_line(line)[0] for line in text.split("\n"))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case):
    ours = ftfy.fix_text(fix_text_by_lines(case["original"]), TYPOGRAPHY_ONLY)
    if case["expect"] == "pass":
        assert ours == LEFTOVER_CONTROL_RE.sub("", case["fixed"])
    else:
        assert ours == LEFTOVER_CONTROL_RE.sub("", ftfy.fix_text(case["original"]))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_shortcut_matches_full_ftfy(case):
    """Skipping ftfy on lines that cannot need it changes nothing."""
    full = ftfy.fix_text(case["original"], CORPUS_PROFILE)
    assert fix_text_by_lines(case["original"]) == LEFTOVER_CONTROL_RE.sub("", full)


def test_the_cases_cover_what_they_claim():
    """161 cases: negative ones that must not change, French ones, known ftfy failures."""
    assert len(CASES) == 161
    assert sum(c["is_noop"] for c in CASES) >= 30
    assert sum(c["lang_guess"] == "fr" for c in CASES) >= 10
    assert {c["expect"] for c in CASES} == {"pass", "fail"}


def test_profile_keeps_typography():
    text = "« Bonjour », dit-elle. “Quotes” and ‘single’ — ½ ² ﬁ"
    assert fix_text_by_lines(text) == text.replace("ﬁ", "fi")
