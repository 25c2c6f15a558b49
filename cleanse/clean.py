"""The cleaning stages for one document: ftfy line by line and the rule stages, in one loop.

`Cleaner` is the engine shared by the CLI, `Pipeline` and `clean_text`: it takes a Document and
returns a new one whose `changes` say what each stage did and why. Its loop (`Cleaner.clean`) is
the only "repeat until stable" of cleaning: ftfy is called once per round (it repeats its own
fixes), the rules make one pass per round, each over the lines the round before changed.
`Cleaner.clean_many` cleans many documents with the same results, their classifier calls made
together (cleanse.classify.classify_documents).
"""

from __future__ import annotations

import dataclasses
import functools
import operator
from collections.abc import Generator, Iterable, Iterator, Sequence
from pathlib import Path

from cleanse.classify import ClassifyConfig, LineVerdict, classify_documents
from cleanse.classify.score_table import audit_scores
from cleanse.clean_config import CleanConfig as CleanConfig  # re-exported: its old home
from cleanse.cycle_gc import paused_collection
from cleanse.decode import (
    KEPT_ENDING_FLAGS,
    LINE_ENDINGS_RULE,
    is_blank,
    line_endings,
    normalize_newlines,
)
from cleanse.document import Change, Document, Item, is_live, split_lines
from cleanse.fix import LEFTOVER_STEP, FixBudget, fix_line, leaves_alone
from cleanse.formats.html import EXTRACTED_HTML
from cleanse.lang import SAMPLE_CHARS, UNDETERMINED, detect_language
from cleanse.learn import LearnedRules
from cleanse.packs import load_rules
from cleanse.rule_engine import RuleRunner
from cleanse.rule_state import RuleState, tidy_lines
from cleanse.rules import RuleSet

EMPTY_INPUT = "input.empty"
# The classifier judges a line by its neighbours; with fewer lines than this there is too little
# context to call anything boilerplate, so short texts are left to the rule packs.
MIN_LINES_TO_CLASSIFY = 4
EMPTY_RESULT = "clean.empty-after-cleaning"
# Rounds of the cleaning loop (see Cleaner.clean) at most: ftfy and a pass of the rules over what
# the round before changed. Three language guesses of three passes each, as before the loop was one.
MAX_ROUNDS = 9
# Flags on a document: a rule ran over its time (`rule-timeout:<rule id>`, the line is left as it
# was), or ftfy's budget ran out (cleanse.fix.FixBudget; the rest only lost control characters).
TIMEOUT_FLAG = "rule-timeout"
FIX_BUDGET_FLAG = "fix-over-budget"
# What cleaning a document asks the classifier (its lines, their language, the settings), and the
# steps of cleaning one document: they yield each such question and get the verdicts back.
_Ask = tuple[list[str], str, ClassifyConfig]
_Steps = Generator[_Ask, list[LineVerdict], Item]


def _record_line_endings(text: str, changes: list[Change]) -> tuple[str, ...]:
    """Rules and the classifier see LF line ends. A text with one other kind of ending throughout
    gets a flag, and is written back with it; in a text that mixes kinds, the CR LF and lone CR
    endings become LF, recorded as one change per kind with their count."""
    if "\r" not in text:
        return ()
    counts = line_endings(text)
    used = [kind for kind, count in counts.items() if count]
    if len(used) == 1:
        return (KEPT_ENDING_FLAGS[used[0]],)
    for kind in ("\r\n", "\r"):
        if counts[kind]:
            changes.append(
                Change("fix", LINE_ENDINGS_RULE, None, kind, "\n", {"count": counts[kind]})
            )
    return ()


class Cleaner:
    """Cleans documents with one rule set and config; reusable and safe to copy to workers."""

    def __init__(
        self,
        ruleset: RuleSet,
        config: CleanConfig | None = None,
        learned: LearnedRules | None = None,
    ) -> None:
        self.config = config or CleanConfig()
        self.ruleset = ruleset.select(self.config.statuses)
        self.learned = learned
        self.classify_config = ClassifyConfig(mode=self.config.classify)
        # `auto` on a text an extractor made from HTML: it is an extract, not a page dump, and
        # the page treatment would cut its lists and short lines (benchmarks/html_eval.py).
        self.extract_config = ClassifyConfig(
            mode="article" if self.config.classify == "auto" else self.config.classify
        )
        self._runners: dict[tuple[str | None, str | None], RuleRunner] = {}

    def _runner(self, lang: str | None, site: str | None) -> RuleRunner:
        key = (lang, site)
        runner = self._runners.get(key)
        if runner is None:
            rules = [r for r in self.ruleset.rules if r.applies_to(lang, site)]
            runner = RuleRunner(rules, lang, self.config.rule_timeout)
            self._runners[key] = runner
        return runner

    def clean(self, doc: Document) -> Item:
        """Run ftfy and the rule stages on one document (Rejected when it holds no text)."""
        return self.clean_many([doc])[0]

    def clean_many(self, docs: Sequence[Document]) -> list[Item]:
        """`clean` of each document, the same results, with the classifier's questions of all of
        them answered together (cleanse.classify.classifier.classify_documents: its fixed costs
        are paid once per call, not once per document). The cycle collector is paused meanwhile
        (cleanse.cycle_gc: cleaning makes no reference cycles, and its passes cost a tenth of the
        time)."""
        with paused_collection():
            return self._clean_many(docs)

    def _clean_many(self, docs: Sequence[Document]) -> list[Item]:
        out: list[Item] = list(docs)
        waiting: list[tuple[int, _Steps, _Ask]] = []
        for k, doc in enumerate(docs):
            steps = self._cleaning(doc)
            try:
                waiting.append((k, steps, next(steps)))
            except StopIteration as done:
                out[k] = done.value
        while waiting:
            asked, waiting = waiting, []
            for config in (self.classify_config, self.extract_config):
                group = [w for w in asked if w[2][2] is config]
                if not group:
                    continue
                answers = classify_documents([(a[0], a[1]) for _, _, a in group], config)
                for (k, steps, _), verdicts in zip(group, answers, strict=True):
                    try:
                        waiting.append((k, steps, steps.send(verdicts)))
                    except StopIteration as done:
                        out[k] = done.value
        return out

    def _cleaning(self, doc: Document) -> _Steps:
        """The steps of `clean` on one document."""
        if doc.removed is not None:
            return doc
        changes: list[Change] = []
        if any("\r" in line for line in doc.lines):
            # CR LF or lone CR: the line ends are made LF over the whole text, and renumbered.
            text = doc.text
            flags = doc.flags + _record_line_endings(text, changes)
            split, ending = split_lines(normalize_newlines(text))
            lines = list(enumerate(split, start=1))
        else:
            flags, ending, lines = doc.flags, doc.final_newline, doc.numbered_lines()
        if all(is_blank(line) for _, line in lines):
            error = "the text is empty or holds only whitespace or invisible characters; remove it"
            return doc.reject(EMPTY_INPUT, {"path": doc.source or doc.id, "error": error})
        budget = FixBudget()
        lang = self.config.lang
        timeouts: set[str] = set()
        rule_flags: set[str] = set()
        found: dict[str, str] = {}
        # The one "repeat until stable" loop of cleaning. A round runs ftfy (one call: ftfy
        # repeats its own fixes until the text stops changing) and then one pass of the rules,
        # each over the lines the round before changed (every line in the first round). When a
        # round changes nothing, the repairs are stable: then the document rules, the learned
        # lines and the classifier run, and the language is guessed again from what is left (a
        # French article without its English menu); if it changed, the rounds start again over
        # every line with that language's rules, as cleaning the result again would.
        state = RuleState.of(lines)
        fix_todo: list[int] | None = None  # None: every line
        rule_todo: list[int] | None = None
        for round_number in range(1, MAX_ROUNDS + 1):
            fixed: list[int] = []
            if self.config.fix_encoding and (fix_todo is None or fix_todo):
                fixed, again = _fix_lines(state, changes, budget, fix_todo)
            else:
                again = []
            if lang is None:  # read from the repaired text, so that a second cleaning sees the same
                lang = detect_language(_head(_alive(state)))
            runner = self._runner(None if lang == UNDETERMINED else lang, doc.site)
            before = len(state.outcome.changes)
            todo = None if rule_todo is None else sorted({*rule_todo, *fixed})
            edited = runner.apply_pass(state, todo)
            changes += state.outcome.changes[before:]
            fix_todo = sorted({*edited, *again})
            rule_todo = edited
            if fix_todo and not state.over_budget and round_number < MAX_ROUNDS:
                continue  # the repairs are not stable yet
            outcome = runner.document_stage(state)  # the lines are built below, from state
            timeouts.update(outcome.timeouts)
            rule_flags.update(outcome.flags)
            found = {**outcome.extracted, **found}
            mark = len(changes)
            rows = list(zip(state.numbers, state.texts, state.alive, strict=True))
            rows = self._drop_learned(rows, doc.site, changes)
            lines = yield from self._classify(rows, lang, changes, EXTRACTED_HTML in doc.flags)
            if outcome.removed_by is not None or state.over_budget or round_number == MAX_ROUNDS:
                break
            if self.config.lang or not (outcome.changes or len(changes) > mark):
                break  # nothing left out that could change the language guess
            again_lang = detect_language(_head(lines))
            if again_lang == lang:
                break
            lang = again_lang
            state = RuleState.of(lines)
            fix_todo, rule_todo = [], None
        flags += (FIX_BUDGET_FLAG,) if budget.exceeded else ()
        flags += tuple(f"{TIMEOUT_FLAG}:{rule}" for rule in sorted(timeouts))
        flags += tuple(sorted(rule_flags))
        extracted = {**doc.extracted, **found}
        result = doc.with_lines(lines, changes, ending, lang=lang, flags=flags, extracted=extracted)
        if outcome.removed_by is not None:
            return result.remove(outcome.removed_by)
        if all(is_blank(line) for _, line in lines):
            return result.remove(EMPTY_RESULT)
        return result

    def _drop_learned(
        self, rows: list[tuple[int, str, bool]], site: str | None, changes: list[Change]
    ) -> list[tuple[int, str, bool]]:
        """Drop the lines that `cleanse run --learn` found repeated across the site's pages."""
        if self.learned is None or site is None:
            return rows
        out = []
        for number, text, alive in rows:
            rule = self.learned.matches(site, text) if alive and text.strip() else None
            if rule is not None:
                changes.append(Change("learned", rule, number, text, None))
            out.append((number, text, alive and rule is None))
        return out

    def _classify(
        self,
        rows: list[tuple[int, str, bool]],
        lang: str,
        changes: list[Change],
        extract: bool = False,
    ) -> Generator[_Ask, list[LineVerdict], list[tuple[int, str]]]:
        """Drop the lines the boilerplate classifier does not take for content (`extract`: the
        text is an HTML page's extracted main text). The classifier reads every line of the page,
        those the rules dropped included, as it did when it was fitted: it judges a line by its
        neighbours, and a rule that removes a menu line must not change its verdict on the
        paragraph next to it."""
        config = self.extract_config if extract else self.classify_config
        if config.mode == "off":
            return tidy_lines(rows)
        if sum(1 for _, text, alive in rows if alive and text.strip()) < MIN_LINES_TO_CLASSIFY:
            return tidy_lines(rows)
        verdicts = yield ([t for _, t, _ in rows], lang, config)
        keeps = list(map(_KEEP, verdicts))
        if all(keep or not alive for (_, _, alive), keep in zip(rows, keeps, strict=True)):
            return tidy_lines(rows)
        dropped = [
            k
            for k, ((_, _, alive), keep) in enumerate(zip(rows, keeps, strict=True))
            if alive and not keep
        ]
        # The scores of all the dropped lines read from the page's columns and rounded at once
        # (cleanse.classify.score_table).
        score, rounded = audit_scores(verdicts, dropped)
        for k, value, scores in zip(dropped, score, rounded, strict=True):
            number, text, _ = rows[k]
            reason = verdicts[k].reason
            detail = {"reason": reason, "score": value, "scores": scores}
            changes.append(Change("classify", f"classify.{reason}", number, text, None, detail))
        return tidy_lines(
            (number, text, alive and keep)
            for (number, text, alive), keep in zip(rows, keeps, strict=True)
        )


_KEEP = operator.attrgetter("keep")


def _head(lines: Iterable[tuple[int, str]], chars: int = SAMPLE_CHARS) -> str:
    """The first lines of a document, up to about `chars` characters (enough to tell its language)."""
    taken, size = [], 0
    for _, text in lines:
        taken.append(text)
        size += len(text) + 1
        if size >= chars:
            break
    return "\n".join(taken)


def _alive(state: RuleState) -> Iterator[tuple[int, str]]:
    """The alive (number, text) lines, made as they are asked for (_head takes the first few)."""
    return (
        (n, t) for n, t, alive in zip(state.numbers, state.texts, state.alive, strict=True) if alive
    )


def _fix_lines(
    state: RuleState, changes: list[Change], budget: FixBudget, only: list[int] | None
) -> tuple[list[int], list[int]]:
    """One round of ftfy over the lines `only` (indexes; None: every line), within the
    document's budget. Returns the lines it changed, and those of them that ftfy should see again
    (it left control characters whose removal can join new mojibake)."""
    fixed_lines, again = [], []
    for i in range(len(state.texts)) if only is None else only:
        text = state.texts[i]
        if leaves_alone(text):
            continue
        fixed, steps = fix_line(text, budget)
        if fixed != text:
            changes.append(Change("fix", "ftfy", state.numbers[i], text, fixed, {"steps": steps}))
            state.texts[i] = fixed
            fixed_lines.append(i)
            if LEFTOVER_STEP in steps:
                again.append(i)
    return fixed_lines, again


@functools.cache
def _default_cleaner(rule_paths: tuple[Path, ...], config: CleanConfig | None) -> Cleaner:
    return Cleaner(load_rules(list(rule_paths)), config)


def clean_text(
    text: str,
    lang: str | None = None,
    *,
    rules: Sequence[Path] = (),
    config: CleanConfig | None = None,
) -> str:
    """Clean one text with the built-in packs (plus `rules`); '' when the text is removed whole.

    >>> clean_text("« cDes inquiétudes subsistent »", lang="fr")
    '« Des inquiétudes subsistent »'
    """
    if lang is not None:
        config = dataclasses.replace(config or CleanConfig(), lang=lang)
    cleaner = _default_cleaner(tuple(Path(p) for p in rules), config)
    doc = cleaner.clean(Document.from_text("<text>", text))
    return doc.text if is_live(doc) else ""
