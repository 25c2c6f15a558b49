"""The cleaning stages for one document: ftfy line by line, then the rule stages.

`Cleaner` is the engine shared by the CLI, `Pipeline` and `clean_text`: it takes a Document and
returns a new one whose `changes` say what each stage did and why.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cleanse.apply import OVER_BUDGET_FLAG, RuleRunner, tidy_lines
from cleanse.classify import ClassifyConfig, classify_lines
from cleanse.decode import (
    KEPT_ENDING_FLAGS,
    LINE_ENDINGS_RULE,
    is_blank,
    line_endings,
    normalize_newlines,
)
from cleanse.document import Change, Document
from cleanse.errors import ConfigError
from cleanse.fix import FixBudget, fix_line
from cleanse.formats.html import EXTRACTED_HTML
from cleanse.lang import LANGUAGES, SAMPLE_CHARS, UNDETERMINED, detect_language
from cleanse.learn import LearnedRules
from cleanse.packs import load_rules
from cleanse.rules import STATUSES, RuleSet

EMPTY_INPUT = "input.empty"
# The classifier judges a line by its neighbours; with fewer lines than this there is too little
# context to call anything boilerplate, so short texts are left to the rule packs.
MIN_LINES_TO_CLASSIFY = 4
EMPTY_RESULT = "clean.empty-after-cleaning"
# Rules, learned lines and classifier run again (see Cleaner.clean) at most this many times in all.
MAX_ROUNDS = 3
# Flags on a document: a rule ran over its time (`rule-timeout:<rule id>`, the line is left as it
# was), or ftfy's budget ran out (cleanse.fix.FixBudget; the rest only lost control characters).
TIMEOUT_FLAG = "rule-timeout"
FIX_BUDGET_FLAG = "fix-over-budget"


@dataclass(frozen=True, slots=True)
class CleanConfig:
    """Settings of the cleaning stages.

    lang: force a language for every document (None: detect per document).
    fix_encoding: run ftfy (CORPUS_PROFILE in cleanse.fix) on every line.
    statuses: which rule statuses apply; `review` rules are candidates a person has not checked.
    rule_timeout: seconds one pattern may spend on one line (plus one per 100,000 characters)
    before it is skipped for the rest of the document, which is flagged `rule-timeout:<id>`.
    classify: the line classifier's mode: `auto` (tell an extracted article from a raw page
    dump; a text extracted from HTML, flagged `extracted-html`, is an article), `article`,
    `page`, or `off`.
    """

    lang: str | None = None
    fix_encoding: bool = True
    statuses: tuple[str, ...] = ("stable",)
    rule_timeout: float = 1.0
    classify: str = "auto"

    def __post_init__(self) -> None:
        if self.lang is not None:
            code = self.lang.strip().lower()
            if code not in (*LANGUAGES, UNDETERMINED):
                msg = (
                    f"unknown language {self.lang!r}; use one of {', '.join(LANGUAGES)} or "
                    f"{UNDETERMINED}, or None to detect it per document"
                )
                raise ConfigError(msg)
            object.__setattr__(self, "lang", code)  # frozen: normalised once, here
        unknown = set(self.statuses) - set(STATUSES)
        if unknown:
            msg = f"unknown rule status {sorted(unknown)}; use {', '.join(STATUSES)}"
            raise ConfigError(msg)
        if not self.rule_timeout > 0:
            msg = f"rule_timeout must be positive, got {self.rule_timeout}"
            raise ConfigError(msg)
        ClassifyConfig(mode=self.classify)  # validates the mode


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
            changes.append(Change("fix", LINE_ENDINGS_RULE, None, kind, "\n", {"count": counts[kind]}))
    return ()


class Cleaner:
    """Cleans documents with one rule set and config; reusable and safe to copy to workers."""

    def __init__(
        self, ruleset: RuleSet, config: CleanConfig | None = None, learned: LearnedRules | None = None
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

    def clean(self, doc: Document) -> Document:
        """Run ftfy and the rule stages on one document."""
        if doc.removed is not None:
            return doc
        text = normalize_newlines(doc.text)
        if is_blank(text):
            error = "the text is empty or holds only whitespace or invisible characters; remove it"
            return doc.evolve(removed=EMPTY_INPUT, removed_detail={"path": doc.source or doc.id, "error": error})
        ending = "\n" if text.endswith("\n") else ""
        lines = list(enumerate(text.removesuffix("\n").split("\n"), start=1))
        changes: list[Change] = []
        flags = doc.flags + _record_line_endings(doc.text, changes)
        budget = FixBudget()
        if self.config.fix_encoding:
            lines = _fix_lines(lines, changes, budget)
        # The language is read from the repaired text, so that a second pass sees what the first saw.
        lang = self.config.lang or detect_language(_head(lines))
        timeouts: set[str] = set()
        rule_flags: set[str] = set()
        found: dict[str, str] = {}
        for _ in range(MAX_ROUNDS):
            before = len(changes)
            outcome = self._runner(None if lang == UNDETERMINED else lang, doc.site).run(lines)
            changes += outcome.changes
            timeouts.update(outcome.timeouts)
            rule_flags.update(outcome.flags)
            found = {**outcome.extracted, **found}
            lines = self._drop_learned(outcome.lines, doc.site, changes)
            lines = self._classify(lines, lang, changes, EXTRACTED_HTML in doc.flags)
            if outcome.removed_by is not None or len(changes) == before:
                break
            if OVER_BUDGET_FLAG in outcome.flags:  # no second round for a document out of time
                break
            # Edits and drops can change what ftfy and the language guess see: mojibake unglued
            # from a guillemet ("»Ã©" -> "» Ã©"), a French article without its English menu. Then
            # the stages run again, as they would on cleaning the result, so cleaning is idempotent.
            edited = {c.line for c in changes[before:] if c.after is not None}
            refixed = len(changes)
            if self.config.fix_encoding:
                lines = _fix_lines(lines, changes, budget, only=edited)
            again = self.config.lang or detect_language(_head(lines))
            if again == lang and len(changes) == refixed:
                break
            lang = again
        flags += (FIX_BUDGET_FLAG,) if budget.exceeded else ()
        flags += tuple(f"{TIMEOUT_FLAG}:{rule}" for rule in sorted(timeouts))
        flags += tuple(sorted(rule_flags))
        extracted = {**doc.extracted, **found}
        cleaned = "\n".join(t for _, t in lines)
        cleaned = cleaned + ending if cleaned else ""
        numbers = tuple(n for n, _ in lines)
        result = doc.with_changes(
            cleaned, changes, lang=lang, flags=flags, extracted=extracted, line_numbers=numbers
        )
        if outcome.removed_by is not None:
            return result.evolve(removed=outcome.removed_by)
        if is_blank(cleaned):
            return result.evolve(removed=EMPTY_RESULT)
        return result


    def _drop_learned(
        self, lines: list[tuple[int, str]], site: str | None, changes: list[Change]
    ) -> list[tuple[int, str]]:
        """Drop the lines that `cleanse run --learn` found repeated across the site's pages."""
        if self.learned is None or site is None:
            return lines
        rows = []
        for number, text in lines:
            rule = self.learned.matches(site, text) if text.strip() else None
            if rule is not None:
                changes.append(Change("learned", rule, number, text, None))
            rows.append((number, text, rule is None))
        return tidy_lines(rows)

    def _classify(
        self, lines: list[tuple[int, str]], lang: str, changes: list[Change], extract: bool = False
    ) -> list[tuple[int, str]]:
        """Drop the lines the boilerplate classifier does not take for content (`extract`: the
        text is an HTML page's extracted main text)."""
        config = self.extract_config if extract else self.classify_config
        if config.mode == "off":
            return lines
        if sum(1 for _, text in lines if text.strip()) < MIN_LINES_TO_CLASSIFY:
            return lines
        verdicts = classify_lines([t for _, t in lines], lang, config)
        rows = []
        for (number, text), verdict in zip(lines, verdicts, strict=True):
            if not verdict.keep:
                detail = {
                    "reason": verdict.reason,
                    "score": verdict.score,
                    "scores": {k: round(v, 3) for k, v in verdict.scores.items()},
                }
                changes.append(Change("classify", f"classify.{verdict.reason}", number, text, None, detail))
            rows.append((number, text, verdict.keep))
        return tidy_lines(rows)


def _head(lines: list[tuple[int, str]], chars: int = SAMPLE_CHARS) -> str:
    """The first lines of a document, up to about `chars` characters (enough to tell its language)."""
    taken, size = [], 0
    for _, text in lines:
        taken.append(text)
        size += len(text) + 1
        if size >= chars:
            break
    return "\n".join(taken)


def _fix_lines(
    lines: list[tuple[int, str]],
    changes: list[Change],
    budget: FixBudget,
    only: set[int | None] | None = None,
) -> list[tuple[int, str]]:
    """The lines after ftfy (only those numbered in `only`, if given), within the document's budget."""
    fixed_lines = []
    for number, text in lines:
        fixed, steps = fix_line(text, budget) if only is None or number in only else (text, [])
        if fixed != text:
            changes.append(Change("fix", "ftfy", number, text, fixed, {"steps": steps}))
        fixed_lines.append((number, fixed))
    return fixed_lines


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
    doc = cleaner.clean(Document(id="<text>", text=text))
    return "" if doc.removed is not None else doc.text

