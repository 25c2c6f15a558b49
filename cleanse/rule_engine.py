"""The rule engine: apply rules to the lines of one document and record every change they make.

Lines keep their input line numbers through every stage, so the audit can point at the line of
the file the user has. Stages run in the fixed order artifacts -> lines -> document. A pass runs
the first two over the lines asked for (`apply_pass`); passes repeat until one changes nothing, in
the cleaning loop (cleanse.clean, with ftfy between them) or in `RuleRunner.run`. A pass after the
first looks only at the lines the pass before edited: a line no rule touched keeps its text and is
left alone again. Within the lines stage, `replace` rules edit a line first; then the first rule
that drops it (or extracts it) decides, in file order. The document's state between passes is a
`cleanse.rule_state.RuleState`; its regex calls, each within the document's time budget, are
`cleanse.timed_search.TimedSearch`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import regex

from cleanse.document import Change
from cleanse.lexicon import load_lexicon
from cleanse.rule_prefilter import PassScreen, may_hold_pair, opens_with_pair_hint, screen_pass
from cleanse.rule_state import OVER_BUDGET_FLAG, Outcome, RuleState, SavedState, tidy_lines
from cleanse.rules import Rule
from cleanse.timed_search import (
    CHARS_PER_SECOND_FLOOR,
    GATE,
    LENGTHENS_FLAG,
    OverBudget,
    TimedSearch,
)
from cleanse.watchdog import Overtime, cpu_clock, time_limit

__all__ = ["CHARS_PER_SECOND_FLOOR", "LENGTHENS_FLAG", "MAX_PASSES", "REDO_BUDGETS", "RuleRunner"]

MAX_PASSES = 3
# A document's rule work has a budget: `timeout` seconds plus one per CHARS_PER_SECOND_FLOOR
# characters. It first runs under one alarm for that budget; if the alarm rings (or cannot be set),
# it is redone with a timeout on every regex call (`timeout` plus one second per that many
# characters of the text searched: cleanse.timed_search), which names the rule that ran over; that
# rule is skipped for the rest of the document. The redo has REDO_BUDGETS budgets in all (enough
# to name a few slow rules): when they run out, the rules stop for the rest of the document, which
# is flagged `rules-over-budget`. So one call of `run` costs at most 1 + REDO_BUDGETS budgets,
# however many lines or rules are slow. Budgets are CPU time of the thread cleaning the document
# (cleanse.watchdog), so that a loaded machine or a busy executor makes the same decisions as an
# idle one.
REDO_BUDGETS = 4
_clock = cpu_clock
_NOTHING: frozenset[str] = frozenset()


class RuleRunner(TimedSearch):
    """Runs a fixed sequence of rules over documents of one language and site.

    `run` applies them to a document until nothing changes. The cleaning loop (cleanse.clean)
    drives the same steps itself, with ftfy between passes: `RuleState.of(lines)`, `apply_pass`
    as often as lines change, then `document_stage` (it builds the surviving lines itself).
    """

    def __init__(self, rules: Sequence[Rule], lang: str | None, timeout: float) -> None:
        self.artifacts = [r for r in rules if r.stage == "artifacts"]
        # Each with whether it needs a doubled letter opening a word (cleanse.rule_prefilter).
        self._artifact_steps = [(r, opens_with_pair_hint(r)) for r in self.artifacts]
        line_rules = [r for r in rules if r.stage == "lines"]
        self.line_edits = [r for r in line_rules if r.action == "replace"]
        self.line_drops = [r for r in line_rules if r.action != "replace"]
        self.doc_rules = [r for r in rules if r.stage == "document"]
        self.hinted_drops = [r for r in self.line_drops if r.contains]
        self._hinted = [r for r in rules if r.contains and r.stage in ("artifacts", "lines")]
        super().__init__(load_lexicon(lang) if lang else None, timeout)
        self.line_gate = _build_gate([r for r in self.line_drops if not r.contains])
        self._lowered = ("", "")  # the last text lower-cased, and its lower case

    def run(self, lines: Sequence[tuple[int, str]]) -> Outcome:
        """Apply every stage to `lines` ((number, text) pairs) and return the outcome: passes of
        the artifact and line stages until one changes nothing (at most MAX_PASSES), then the
        document stage."""
        state = RuleState.of(lines)
        todo: Sequence[int] | None = None
        for _ in range(MAX_PASSES):
            todo = self.apply_pass(state, todo)
            if not todo:
                break
        return self.finish(state)

    def apply_pass(self, state: RuleState, todo: Sequence[int] | None = None) -> list[int]:
        """One pass of the artifact and line stages over the lines `todo` (indexes; None: all).

        Returns the lines it edited that are still alive, in order: the next pass's `todo`. A
        line that no rule changed or dropped gives the same (empty) result again, text unchanged:
        rules read one line at a time, and what a line's rule does to others (drop_next,
        drop_tail) only ever starts from a line whose own rule fires.
        """
        if state.over_budget:
            return []
        lines = range(len(state.texts)) if todo is None else todo

        def one_pass() -> None:
            state.edited = set()
            screen = self._screen(state, lines)
            self._artifacts(state, state.outcome, lines, screen)
            self._lines(state, state.outcome, lines, screen)

        self._guarded(state, one_pass)
        return self._next_pass(state)

    def finish(self, state: RuleState) -> Outcome:
        """The document stage, then the outcome with the surviving lines."""
        outcome = self.document_stage(state)
        if all(state.alive):  # what tidy_lines gives back when nothing was dropped
            outcome.lines = list(zip(state.numbers, state.texts, strict=True))
        else:
            outcome.lines = tidy_lines(zip(state.numbers, state.texts, state.alive, strict=True))
        return outcome

    def document_stage(self, state: RuleState) -> Outcome:
        """The document stage; the outcome without its surviving lines, for a caller that reads
        them from `state` itself (cleanse.clean, whose classifier reads every line)."""
        outcome = state.outcome
        if self.doc_rules and not state.over_budget:
            self._guarded(state, lambda: self._document(state, outcome))
        self._lowered = ("", "")  # do not keep a large text alive until the next document
        return outcome

    def _guarded(self, state: RuleState, step: Callable[[], None]) -> None:
        """Run `step` within the document's time budget.

        The fast path runs every pattern without a per-call timeout under one alarm for the
        budget; if the alarm rings, the step is undone and redone call by call, within
        REDO_BUDGETS more budgets for the rest of the document (see CHARS_PER_SECOND_FLOOR).
        """
        self.overtime = state.overtime
        budget = self.timeout + sum(map(len, state.texts)) / CHARS_PER_SECOND_FLOOR
        if state.deadline is None:
            saved = SavedState.of(state)
            armed = False
            try:
                # Overtime is caught around the whole block, leaving it included: the step is
                # then undone and redone, never lost with the document.
                with time_limit(budget) as armed:
                    if armed:
                        self.deadline = None
                        step()
            except Overtime:
                saved.restore(state)
            else:
                if armed:
                    return
            state.deadline = _clock() + REDO_BUDGETS * budget
        self.deadline = state.deadline
        try:
            step()
        except OverBudget:
            state.outcome.flags.append(
                OVER_BUDGET_FLAG
            )  # the rest of the document is left as it is

    def _next_pass(self, state: RuleState) -> list[int]:
        """The lines the next pass looks at: those edited in this one and still alive."""
        return sorted(i for i in state.edited if state.alive[i])

    # -- stages -------------------------------------------------------------------------------

    def _screen(self, state: RuleState, todo: Sequence[int]) -> PassScreen:
        """What the lines `todo` hold as the pass starts: which hinted rules' hints each holds, in
        lower case (cleanse.rule_prefilter.screen_pass: one scan of the joined lines per hint,
        where a line's own test was one call per line and rule). It holds for a line as long as
        the pass has not edited it."""
        return screen_pass(state.texts, todo, self._hinted)

    def _artifacts(
        self, state: RuleState, outcome: Outcome, todo: Sequence[int], screen: PassScreen
    ) -> None:
        # The hints are tested on each line's text as this stage finds it: no line was edited
        # yet in this pass, so the screen answers for them; the pair test, on the line's text as
        # the rule finds it (an earlier rule of this stage may have edited the line).
        steps = [step for step in self._artifact_steps if step[0].id not in screen.absent]
        if not steps:
            return
        held_of = screen.held
        # Whether every rule needs a hint or a doubled initial: then a line that holds no hint
        # (the screen says) and no pair (one may_hold_pair) is left out at once.
        needy = held_of is not None and all(r.contains or pair for r, pair in steps)
        if held_of is not None and needy and not any(pair for _, pair in steps):
            todo = [i for i in todo if i in held_of]  # hints only: the lines that hold one
        for i in todo:
            text = state.texts[i]
            if not state.alive[i] or not text:
                continue
            held = None if held_of is None else held_of.get(i, _NOTHING)
            lowered: str | None = None  # text.lower(), made when a hint is first tested
            checked: str | None = None  # the text last tested for a pair (rule_prefilter)
            paired = False
            if needy and not held:
                if not may_hold_pair(text):
                    continue
                checked, paired = text, True
            for rule, needs_pair in steps:
                if rule.contains:
                    if held is not None:
                        if rule.id not in held:
                            continue
                    else:
                        if lowered is None:
                            lowered = self._lower(text)
                        if not _holds_any(lowered, rule.contains):
                            continue
                if needs_pair:
                    if checked is not state.texts[i]:
                        checked = state.texts[i]
                        paired = may_hold_pair(checked)
                    if not paired:
                        continue
                new = self._replace(rule, state.texts[i], outcome)
                if new != state.texts[i]:
                    self._edit(state, i, rule, new, outcome)

    def _lines(
        self, state: RuleState, outcome: Outcome, todo: Sequence[int], screen: PassScreen
    ) -> None:
        """Replace rules first, then the rules that drop or extract whole lines.

        The screen (see _screen) is trusted only on lines this pass has not edited."""
        held_of, edited, texts, alive = screen.held, state.edited, state.texts, state.alive
        unhinted_edits = [r for r in self.line_edits if not r.contains]
        # The gate's search, when it runs under the alarm with no per-call timeout (see
        # _gate_hit): called here, without a frame per line, on the lines that hold no hint.
        gate = self.line_gate
        fast_gate = None
        if gate is not None and self.deadline is None and GATE not in self.overtime:
            fast_gate = gate.search
        for i in todo:
            if not alive[i]:
                continue
            stripped = texts[i].strip()
            if not stripped:
                continue
            held = None if held_of is None or i in edited else held_of.get(i, _NOTHING)
            if held is not None and not held and not unhinted_edits:
                # No hint on the line: no replace rule, and only the gate's drop rules, can fire.
                if fast_gate is None:
                    self._drop_unhinted(state, i, stripped, outcome)
                elif fast_gate(stripped) is not None:
                    self._drop_line(state, i, outcome, _NOTHING, gated=True)
                continue
            lowered: str | None = None  # the line's lower case, made when a hint is tested
            for rule in self.line_edits:
                if rule.contains:
                    if held is not None and rule.id not in held:
                        continue
                    if lowered is None:
                        lowered = self._lower(state.texts[i])
                    if not _holds_any(lowered, rule.contains):
                        continue
                new = self._replace(rule, state.texts[i], outcome)
                if new != state.texts[i]:
                    self._edit(state, i, rule, new, outcome)
                    if not state.alive[i]:
                        break
                    lowered, held = None, None  # of the new text, tested on its own
            if state.alive[i]:
                self._drop_line(state, i, outcome, None if i in edited else held)
        self._keep_repeated_extracts(state, outcome)

    def _keep_repeated_extracts(self, state: RuleState, outcome: Outcome) -> None:
        """An `extract` rule takes a value a document holds once (its byline). When it matched
        several lines, they are the credits of the items of a list (the posts of a thread, the
        entries of a listing), not the document's: they stay in the text, nothing is extracted."""
        extracts = {rule.id: rule.field for rule in self.line_drops if rule.action == "extract"}
        hits: dict[str, list[int]] = {}
        for k, change in enumerate(outcome.changes):
            if change.rule in extracts and change.after is None:
                hits.setdefault(change.rule, []).append(k)
        repeated = {rule for rule, found in hits.items() if len(found) > 1}
        if not repeated:
            return
        index: dict[int | None, int] = {number: i for i, number in enumerate(state.numbers)}
        for rule in repeated:
            for k in hits[rule]:
                state.alive[index[outcome.changes[k].line]] = True
            field = extracts[rule]
            assert field is not None  # checked by the loader
            outcome.extracted.pop(field, None)
        outcome.changes[:] = [
            c for c in outcome.changes if c.rule not in repeated or c.after is not None
        ]

    def _drop_unhinted(self, state: RuleState, i: int, stripped: str, outcome: Outcome) -> None:
        """`_drop_line` of a line that holds no rule's hint: only the gate's rules can drop it."""
        if self._gate_hit(stripped, outcome):
            self._drop_line(state, i, outcome, _NOTHING, gated=True)

    def _drop_line(
        self,
        state: RuleState,
        i: int,
        outcome: Outcome,
        held: frozenset[str] | None,
        gated: bool = False,
    ) -> None:
        """Drop (or extract) line i if a rule says so. `held`: the hinted rules whose hint the
        line may hold (see _screen; None: test them all); `gated`: the gate is known to hit."""
        stripped = state.texts[i].strip()
        lowered: str | None = None  # stripped.lower(), made when a hint is first tested
        # Rules with a `contains` hint are asked when the hint holds (not when the screen says
        # the line lacks it); the others share one search of the union of their patterns, and
        # are asked one by one only when it hits.
        hit = gated or self._gate_hit(stripped, outcome)
        for rule in self.line_drops if hit else self.hinted_drops:
            if rule.contains:
                if held is not None and rule.id not in held:
                    continue
                if lowered is None:
                    lowered = self._lower(stripped)
                if not _holds_any(lowered, rule.contains):
                    continue
            match = self._search(rule, stripped, outcome)
            if match is None:
                continue
            if rule.action == "extract":
                assert rule.field is not None  # checked by the loader
                value = match.group("value") if "value" in rule.pattern.groupindex else None
                outcome.extracted.setdefault(rule.field, (value or match.group(0)).strip())
            self._drop(state, i, rule, outcome)
            if rule.action == "drop_tail":
                for j in range(i + 1, len(state.texts)):
                    if state.alive[j] and state.texts[j].strip():
                        self._drop(state, j, rule, outcome)
            elif rule.drop_next is not None:
                following = state.next_alive_nonblank(i)
                if following is not None and self._search_with(
                    rule.id, rule.drop_next, state.texts[following].strip(), outcome
                ):
                    self._drop(state, following, rule, outcome)
            return

    def _document(self, state: RuleState, outcome: Outcome) -> None:
        if not self.doc_rules:
            return
        text = "\n".join(t for t, alive in zip(state.texts, state.alive, strict=True) if alive)
        for rule in self.doc_rules:
            if self._search(rule, text, outcome) is not None:
                outcome.removed_by = rule.id
                return

    # -- primitives ---------------------------------------------------------------------------

    def _edit(self, state: RuleState, i: int, rule: Rule, new: str, outcome: Outcome) -> None:
        after: str | None = new
        if not new.strip():
            state.alive[i] = False
            after = None
        outcome.changes.append(Change(rule.stage, rule.id, state.numbers[i], state.texts[i], after))
        state.texts[i] = new
        state.edited.add(i)

    def _drop(self, state: RuleState, i: int, rule: Rule, outcome: Outcome) -> None:
        state.alive[i] = False
        outcome.changes.append(Change(rule.stage, rule.id, state.numbers[i], state.texts[i], None))

    def _lower(self, text: str) -> str:
        """`text.lower()`, remembered for the next stage: on a 50 MB line each call costs 0.2 s."""
        if text is not self._lowered[0]:
            self._lowered = (text, text.lower())
        return self._lowered[1]


def _build_gate(rules: Sequence[Rule]) -> regex.Pattern[str] | None:
    """One pattern that matches wherever any of `rules` would: most lines then need one search.

    Each rule's pattern becomes an alternative in its own group (with VERSION1, inline flags stay
    inside their group). None when there is nothing to gate or the union does not compile.
    """
    if len(rules) < 2:
        return None
    try:
        return regex.compile("|".join(f"(?:{r.pattern.pattern})" for r in rules), regex.VERSION1)
    except regex.error:
        return None


def _holds_any(text: str, needles: tuple[str, ...]) -> bool:
    """True when `text` contains one of `needles` (a plain loop: faster than any() or a regex)."""
    for needle in needles:  # noqa: SIM110
        if needle in text:
            return True
    return False
