"""The rule engine's regex calls, each within what is left of a document's time budget.

`TimedSearch` holds the budget of the document under way (`deadline`, None while the whole step
runs under one alarm, see cleanse.rule_engine.RuleRunner._guarded) and the rules that ran over
(`overtime`). Its calls (`_search`, `_search_with`, `_replace`, `_gate_hit`) give each regex call
a timeout of its own on the slow path: a call that runs over skips its rule for the rest of the
document, and one cut short by the end of the budget stops the rules (`OverBudget`).
"""

from __future__ import annotations

import regex

from cleanse.lexicon import Lexicon
from cleanse.rule_state import Outcome
from cleanse.rules import Rule
from cleanse.watchdog import cpu_clock

# The per-call timeout on the slow path: the rule timeout plus one second per this many
# characters of the text searched (the document's budget counts its characters the same way).
CHARS_PER_SECOND_FLOOR = 100_000
GATE = "<gate>"  # the union of the unhinted drop rules; never reported, see _gate_hit
# Rules only shorten lines, except by one whitespace character per match (the space
# fr.artifact.glued-closing-guillemet puts after a glued »). A replacement that would add more, or
# add anything but whitespace, is not made: the line is left as it was, the rule is skipped for the
# rest of the document, and the document is flagged `rule-lengthens:<rule id>`.
LENGTHENS_FLAG = "rule-lengthens"
_clock = cpu_clock
_SPACE_RE = regex.compile(r"\s+")


class OverBudget(Exception):  # noqa: N818 (a signal inside the rule engine, never seen outside)
    """Raised when the redo of a document has spent its budget."""


class TimedSearch:
    """Regex calls within a document's budget (see the module's docstring)."""

    def __init__(self, lexicon: Lexicon | None, timeout: float) -> None:
        self.lexicon = lexicon
        self.timeout = timeout
        # Of the document under way: None on the fast path (under the alarm), else when the
        # redo's budget ends; and the rules that ran over (both live in its RuleState).
        self.deadline: float | None = None
        self.overtime: set[str] = set()
        self.line_gate: regex.Pattern[str] | None = None
        self._capped = False  # the last call's timeout was cut to what was left of the budget

    def _limit(self, text: str) -> float | None:
        """The timeout of one regex call on `text`: None on the fast path (under the alarm), else
        the per-call limit cut to what is left of the budget. Raises OverBudget when none is."""
        if self.deadline is None:
            return None
        left = self.deadline - _clock()
        if left <= 0:
            raise OverBudget
        per_call = self.timeout + len(text) / CHARS_PER_SECOND_FLOOR
        self._capped = left < per_call
        return min(per_call, left)

    def _timed_out(self, name: str, outcome: Outcome) -> None:
        """A call ran over: skip that rule for the document, or stop if the budget is spent."""
        if name != GATE:
            outcome.timeouts.append(name)
        self.overtime.add(name)
        if self._capped:
            raise OverBudget

    def _gate_hit(self, text: str, outcome: Outcome) -> bool:
        """Whether the union of the unhinted drop rules matches `text`.

        When the union runs over its time, it is given up for the document and the rules are
        asked one by one, so that the one that runs over is the one named.
        """
        if self.line_gate is None or GATE in self.overtime:
            return True
        try:
            return self.line_gate.search(text, timeout=self._limit(text)) is not None
        except TimeoutError:
            self._timed_out(GATE, outcome)
            return True

    def _replace(self, rule: Rule, text: str, outcome: Outcome) -> str:
        assert rule.replace is not None  # checked by the loader
        if rule.id in self.overtime:
            return text
        template = rule.replace
        guard, lexicon = rule.guard, self.lexicon
        # Characters added beyond what was matched, and matches replaced: checked at each match,
        # so that a replacement that multiplies the text stops before it takes the memory.
        grown = replaced = 0

        def replacement(match: regex.Match[str]) -> str:
            nonlocal grown, replaced
            if guard is not None and not _guard_allows(guard.max_rank, lexicon, match):
                return str(match.group(0))
            new = str(match.expand(template))
            replaced += 1
            grown += len(new) - (match.end() - match.start())
            if grown > replaced:
                raise _Lengthens
            return new

        new: str | None
        try:
            new = str(rule.pattern.sub(replacement, text, timeout=self._limit(text)))
        except TimeoutError:
            self._timed_out(rule.id, outcome)
            return text
        except _Lengthens:
            new = None
        if new is None or (len(new) > len(text) and _visible(new) > _visible(text)):
            self.overtime.add(rule.id)
            outcome.flags.append(f"{LENGTHENS_FLAG}:{rule.id}")
            return text
        return new

    def _search(self, rule: Rule, text: str, outcome: Outcome) -> regex.Match[str] | None:
        return self._search_with(rule.id, rule.pattern, text, outcome)

    def _search_with(
        self, name: str, pattern: regex.Pattern[str], text: str, outcome: Outcome
    ) -> regex.Match[str] | None:
        if name in self.overtime:
            return None
        try:
            return pattern.search(text, timeout=self._limit(text))
        except TimeoutError:
            self._timed_out(name, outcome)
            return None


class _Lengthens(Exception):  # noqa: N818 (a signal inside _replace, never seen outside)
    """Raised by a replacement that would make its line longer than rules may."""


def _guard_allows(max_rank: int, lexicon: Lexicon | None, match: regex.Match[str]) -> bool:
    """A guarded repair is made when its `word` ranks within `max_rank` and `token` is no word."""
    if lexicon is None:
        return False
    rank = lexicon.rank(match.group("word"))
    return rank is not None and rank <= max_rank and lexicon.rank(match.group("token")) is None


def _visible(text: str) -> int:
    """The number of characters of `text` that are not whitespace."""
    return len(text) - sum(len(run) for run in _SPACE_RE.findall(text))
