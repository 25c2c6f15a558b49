"""The rule engine's later passes look only at the lines the pass before edited.

That is a shortcut, not a change of meaning: the outcome (lines, changes in order, extracted
values, removal, flags) equals that of passes over every line, which is what the engine did before.
"""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import example, given
from hypothesis import strategies as st

from cleanse.packs import load_rules
from cleanse.rule_engine import RuleRunner
from cleanse.ruletest import examples

# Rules whose second pass has work: the line stage's edit exposes a doubled capital at the start
# of the line, which the artifact stage repairs in the next pass, and the repaired line is one a
# drop rule (with drop_next) takes.
SECOND_PASS_RULES = """
[[rule]]
id = "mine.start-capital"
stage = "artifacts"
action = "replace"
pattern = '^(?<c>\\p{Lu})\\g<c>'
replace = '\\g<c>'
tests.fix = [["LLater", "Later"]]
tests.keep = ["Later"]

[[rule]]
id = "mine.ad-prefix"
stage = "lines"
action = "replace"
pattern = '^Ad: '
replace = ''
tests.fix = [["Ad: Later", "Later"]]
tests.keep = ["Bad: Later"]

[[rule]]
id = "mine.menu"
stage = "lines"
action = "drop_line"
pattern = '^Menu$'
drop_next = '^Home$'
tests.drop = ["Menu"]
tests.keep = ["Menu of the day"]
"""
RULES = load_rules()
RULE_TEXTS = sorted(
    {t for rule in RULES.rules for ex in examples(rule) for t in (ex.text, ex.expected) if t}
)
DAMAGE = ["« cDes", "“LLa", "qquand", "Ttthe", "»Il", "CCleaner", "", " ", "Share", "Tweet", "Menu"]
LINE = st.one_of(
    st.sampled_from(RULE_TEXTS),
    st.sampled_from(DAMAGE),
    st.lists(st.sampled_from(RULE_TEXTS + DAMAGE), min_size=2, max_size=4).map(" ".join),
)


class EveryLinePasses(RuleRunner):
    """The engine as it was: every pass looks at every line."""

    def _next_pass(self, state: object) -> Sequence[int]:
        return range(len(state.texts))  # type: ignore[attr-defined]


def _outcome(runner: RuleRunner, lines: list[tuple[int, str]]) -> tuple[object, ...]:
    out = runner.run(lines)
    return out.lines, out.changes, out.extracted, out.removed_by, out.flags, out.timeouts


@given(st.lists(LINE, max_size=25), st.sampled_from([None, "fr", "en"]))
@example(["« cDes inquiétudes", "Partager sur Facebook", "qquand il vint", "»Il dit"], "fr")
@example(["“LLa ville", "Share this:", "Tweet", "Posted by admin", "CCleaner"], "en")
def test_later_passes_on_edited_lines_give_the_outcome_of_full_passes(texts, lang):
    rules = [rule for rule in RULES.rules if rule.applies_to(lang, None)]
    lines = list(enumerate(texts, start=1))
    fast = _outcome(RuleRunner(rules, lang, timeout=1.0), lines)
    assert fast == _outcome(EveryLinePasses(rules, lang, timeout=1.0), lines)


@given(
    st.lists(
        st.sampled_from(["Ad: MMenu", "Ad: Ad: HHome", "Home", "Ad: LLater", "Menu", "", "x"]),
        max_size=12,
    )
)
@example(["Ad: MMenu", "", "Home", "Ad: LLater"])
def test_second_passes_with_work_give_the_outcome_of_full_passes(tmp_path_factory, texts):
    path = tmp_path_factory.mktemp("rules") / "mine.toml"
    path.write_text(SECOND_PASS_RULES, encoding="utf-8")
    rules = load_rules([path], builtin=False).rules
    lines = list(enumerate(texts, start=1))
    fast = _outcome(RuleRunner(rules, None, timeout=1.0), lines)
    assert fast == _outcome(EveryLinePasses(rules, None, timeout=1.0), lines)


def test_a_second_pass_repairs_what_the_first_pass_exposed(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(SECOND_PASS_RULES, encoding="utf-8")
    runner = RuleRunner(load_rules([path], builtin=False).rules, None, timeout=1.0)
    out = runner.run([(1, "Ad: MMenu"), (2, "Home"), (3, "Ad: LLater"), (4, "kept")])
    assert out.lines == [(3, "Later"), (4, "kept")]
    assert [(c.rule, c.line) for c in out.changes] == [
        ("mine.ad-prefix", 1), ("mine.ad-prefix", 3),
        ("mine.start-capital", 1), ("mine.start-capital", 3),
        ("mine.menu", 1), ("mine.menu", 2),
    ]  # fmt: skip
