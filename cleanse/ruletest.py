"""Run the examples embedded in rule files: what a rule must change, and what it must leave alone.

One checker serves `cleanse rules test`, the loader and the test suite. Each example runs the rule
alone through the same engine that cleans documents, in the rule's first language.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from cleanse.rule_engine import LENGTHENS_FLAG, RuleRunner
from cleanse.rule_state import OVER_BUDGET_FLAG
from cleanse.rules import ANY_LANG, Rule, RuleSet

EXAMPLE_TIMEOUT = 1.0
TIMED_OUT = "<timed out>"  # what `run_example` returns when the rule ran over EXAMPLE_TIMEOUT
LENGTHENS = "<lengthens>"  # ... and when its replacement would make the line longer than rules may


@dataclass(frozen=True, slots=True)
class Example:
    """One embedded example: its kind (fix, drop or keep), input and expected output."""

    rule: Rule
    kind: str
    text: str
    expected: str | None  # None: the whole text must go

    @property
    def name(self) -> str:
        """A stable test id such as `fr.share.partager/keep/0`."""
        return f"{self.rule.id}/{self.kind}"


@dataclass(frozen=True, slots=True)
class Failure:
    """A failing example and the message that names file, rule id and example."""

    example: Example
    got: str | None

    @property
    def message(self) -> str:
        """What went wrong, where, and what was expected."""
        ex = self.example
        where = f"{ex.rule.source}: rule {ex.rule.id!r}: {ex.kind} example {ex.text!r}"
        if self.got == TIMED_OUT:
            return (
                f"{where} timed out after {EXAMPLE_TIMEOUT} s: the pattern backtracks "
                "catastrophically on it; rewrite it so that each character can be matched one "
                "way only (e.g. a+$ instead of (a+)+$)"
            )
        if self.got == LENGTHENS:
            return (
                f"{where}: the replacement makes the line longer (expected {ex.expected!r}); rules "
                "only shorten lines (at most one space may be added per match): replace each "
                "match with less than it matched, using each group of the pattern at most once"
            )
        want = "to be dropped" if ex.expected is None else repr(ex.expected)
        got = "it was dropped" if self.got is None else f"got {self.got!r}"
        if ex.kind == "keep":
            want = "to be left alone"
        return f"{where} expected {want}, {got}"


def examples(rule: Rule) -> Iterator[Example]:
    """Every example of a rule, in file order."""
    for before, after in rule.tests.fix:
        yield Example(rule, "fix", before, after)
    for text in rule.tests.drop:
        yield Example(rule, "drop", text, None)
    for text in rule.tests.keep:
        yield Example(rule, "keep", text, text)


def run_example(example: Example) -> str | None:
    """The text after the rule ran alone on the example (None when everything was dropped)."""
    rule = example.rule
    lang = rule.lang[0] if rule.lang[0] != ANY_LANG else None
    runner = RuleRunner([rule], lang, EXAMPLE_TIMEOUT)
    outcome = runner.run(list(enumerate(example.text.split("\n"), start=1)))
    if outcome.removed_by is not None or not outcome.lines:
        return None
    if outcome.timeouts or OVER_BUDGET_FLAG in outcome.flags:
        return TIMED_OUT
    if any(flag.startswith(LENGTHENS_FLAG + ":") for flag in outcome.flags):
        return LENGTHENS
    return "\n".join(text for _, text in outcome.lines)


def check_example(example: Example) -> Failure | None:
    """None when the example holds, else the Failure."""
    got = run_example(example)
    return None if got == example.expected else Failure(example, got)


def check_rules(ruleset: RuleSet) -> list[Failure]:
    """Every failing example of every rule in the set."""
    failures = []
    for rule in ruleset.rules:
        for example in examples(rule):
            failure = check_example(example)
            if failure is not None:
                failures.append(failure)
    return failures
