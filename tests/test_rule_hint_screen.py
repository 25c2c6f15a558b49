"""The rule engine's screen of `contains` hints (RuleRunner._absent_hints) changes no outcome.

Each pass searches the joined lines once per hinted rule and leaves out the rules whose hint no
line holds; a line the pass has edited is tested on its own again, since an edit can bring a hint
together ("you hhave" losing a doubled letter). The engine with the screen and without it (every
rule's hint tested on every line, as before) must give the same lines, changes, flags and
extracted values: on real text in documents of 40 lines, and on generated documents made of the
rules' own examples, their hints and doubled letters.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse.packs import load_rules
from cleanse.rule_engine import RuleRunner
from cleanse.rule_state import RuleState

ROOT = Path(__file__).resolve().parent.parent
RULES = load_rules(check=False).rules
EXAMPLES = sorted(
    {t for r in RULES for t in [*r.tests.drop, *r.tests.keep]}
    | {t for r in RULES for pair in r.tests.fix for t in pair}
)
PIECES = [
    *EXAMPLES, *sorted({n for r in RULES for n in r.contains}), "", " ", "you hhave 3 free articles left",
    "Subscribe to continue rreading.", "Il vous rreste 80 % de cet article à lire", "___", "qquand",
    "© 2024", "Topic: Latest updates", "Guerre : dernières nouvelles", "« Il est venu »", "Partager",
]  # fmt: skip


def outcome(
    lang: str | None, lines: list[str], screen: bool, monkeypatch: pytest.MonkeyPatch
) -> tuple:
    rules = [r for r in RULES if r.applies_to(lang, None)]
    runner = RuleRunner(rules, lang, timeout=5.0)
    if not screen:
        monkeypatch.setattr(runner, "_absent_hints", lambda state, todo: frozenset())
    out = runner.run(list(enumerate(lines, start=1)))
    changes = [(c.stage, c.rule, c.line, c.before, c.after) for c in out.changes]
    return out.lines, changes, out.flags, out.extracted, out.removed_by


def real_documents() -> list[list[str]]:
    files = [
        *sorted((ROOT / "seeds").glob("*.txt")),
        ROOT / "README.md",
        ROOT / "benchmarks" / "README.md",
    ]
    lines = [ln for p in files for ln in p.read_text(encoding="utf-8").split("\n")]
    return [lines[k : k + 40] for k in range(0, len(lines), 40)]


@pytest.mark.parametrize("lang", ["en", "fr", None])
def test_same_outcome_on_real_documents(lang: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    screened = 0
    for doc in real_documents():
        with_screen = outcome(lang, doc, True, monkeypatch)
        assert outcome(lang, doc, False, monkeypatch) == with_screen, doc
        screened += 1
    assert screened > 50


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(PIECES), max_size=12), st.sampled_from(["en", "fr"]))
def test_same_outcome_on_documents_of_examples(lines: list[str], lang: str) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        with_screen = outcome(lang, lines, True, monkeypatch)
        assert outcome(lang, lines, False, monkeypatch) == with_screen


def test_an_edit_that_makes_a_hint_is_seen_in_the_same_pass() -> None:
    """The doubled-initial repair makes "il vous reste" on a line no hint matched when the pass
    began: the paywall rule still runs on it in that pass."""
    rules = [r for r in RULES if r.applies_to("fr", None)]
    runner = RuleRunner(rules, "fr", timeout=5.0)
    state = RuleState.of([(1, "Un article."), (2, "Il vous rreste 80 % de cet article à lire")])
    runner.apply_pass(state)
    assert [c.rule for c in state.outcome.changes] == [
        "fr.artifact.doubled-initial",
        "fr.paywall.reste-a-lire",
    ]
