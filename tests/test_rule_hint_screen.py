"""The rule engine's screen of `contains` hints (RuleRunner._screen, cleanse.rule_prefilter.screen_pass) changes no outcome.

Each pass searches the joined lines once per hinted rule and leaves out the rules whose hint no
line holds; a line the pass has edited is tested on its own again, since an edit can bring a hint
together ("you hhave" losing a doubled letter). The engine with the screen and without it (every
rule's hint tested on every line, as before) must give the same lines, changes, flags and
extracted values: on real text in documents of 40 lines, and on generated documents made of the
rules' own examples, their hints and doubled letters.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse.packs import load_rules
from cleanse.rule_engine import RuleRunner
from cleanse.rule_prefilter import UNSCREENED, screen_pass
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
        monkeypatch.setattr(runner, "_screen", lambda state, todo: UNSCREENED)
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


def _held_line_by_line(texts: list[str], todo: list[int], hinted: list) -> dict[int, frozenset]:
    out = {}
    for i in todo:
        ids = frozenset(r.id for r in hinted if any(n in texts[i].lower() for n in r.contains))
        if ids:
            out[i] = ids
    return out


HINTED = [r for r in RULES if r.contains and r.stage in ("artifacts", "lines")]
# Hints no pack has, that the join could make: a line break, one at an end of a hint.
HINTED += [
    dataclasses.replace(HINTED[0], id=f"test.joined-{k}", contains=hint)
    for k, hint in enumerate([("\n",), ("©\n", "\nco"), ("a\na",)])
]
SCREEN_PIECES = [
    *sorted({n for r in HINTED for n in r.contains}), "İ", "ΟΔΟΣ", "Σ", "\n", "a", " ", "COPY",
    "RIGHT", "©\n2024", "İl vous reste", "x", "",
]  # fmt: skip


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    st.lists(
        st.lists(st.sampled_from(SCREEN_PIECES), max_size=5).map("".join), min_size=1, max_size=8
    ),
    st.data(),
)
def test_the_screen_gives_each_lines_own_answer(texts: list[str], data: st.DataObject) -> None:
    """screen_pass on the joined lines says, for every line, exactly which hinted rules' hints
    its own lower case holds: with hints split by the join, a capital İ that lowers to two
    characters, a final sigma, lines that hold "\\n" themselves, and any subset of the lines."""
    todo = sorted(data.draw(st.sets(st.integers(0, len(texts) - 1))))
    screen = screen_pass(texts, todo, HINTED)
    expected = _held_line_by_line(texts, todo, HINTED)
    assert screen.held == expected
    assert screen.absent == frozenset(
        r.id for r in HINTED if not any(r.id in ids for ids in expected.values())
    )
