"""One document under the rule engine (cleanse.rule_engine): its lines, what the rules did to
them so far, and the blank-line tidying that follows a drop."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cleanse.document import Change

# Flag of a document whose rule work ran out of its time budget: the rest of it was left as it was.
OVER_BUDGET_FLAG = "rules-over-budget"


@dataclass(slots=True)
class Outcome:
    """What the rules did to a document: surviving lines, changes, extracted values, removal."""

    lines: list[tuple[int, str]]
    changes: list[Change] = field(default_factory=list)
    extracted: dict[str, str] = field(default_factory=dict)
    removed_by: str | None = None
    timeouts: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)  # e.g. rule-lengthens:<id>


@dataclass(slots=True)
class RuleState:
    """One document under the rules: line numbers, texts, which lines are alive, and what the
    rules did so far. The caller may edit `texts` between passes (ftfy does) and must then name
    those lines in the next pass's `todo`."""

    numbers: list[int]
    texts: list[str]
    alive: list[bool]
    outcome: Outcome
    # Indexes of the lines edited in the current pass (and still alive): the next pass's work.
    edited: set[int] = field(default_factory=set)
    # The rules (and the gate) that ran over their time: skipped for the rest of the document.
    overtime: set[str] = field(default_factory=set)
    # None while passes run under one alarm; once one rang, when the redo's budget ends.
    deadline: float | None = None

    @classmethod
    def of(cls, lines: Sequence[tuple[int, str]]) -> RuleState:
        numbers, texts = [n for n, _ in lines], [t for _, t in lines]
        return cls(numbers, texts, [True] * len(lines), Outcome(lines=[]))

    def next_alive_nonblank(self, index: int) -> int | None:
        for j in range(index + 1, len(self.texts)):
            if self.alive[j] and self.texts[j].strip():
                return j
        return None

    @property
    def over_budget(self) -> bool:
        return OVER_BUDGET_FLAG in self.outcome.flags


@dataclass(frozen=True, slots=True)
class SavedState:
    """What a pass may change in a RuleState, kept to undo it when the alarm rings."""

    texts: list[str]
    alive: list[bool]
    changes: int
    extracted: dict[str, str]
    removed_by: str | None
    timeouts: int
    flags: int

    @classmethod
    def of(cls, state: RuleState) -> SavedState:
        out = state.outcome
        return cls(
            state.texts.copy(), state.alive.copy(), len(out.changes), dict(out.extracted),
            out.removed_by, len(out.timeouts), len(out.flags),
        )  # fmt: skip

    def restore(self, state: RuleState) -> None:
        out = state.outcome
        state.texts[:], state.alive[:] = self.texts, self.alive
        del out.changes[self.changes :], out.timeouts[self.timeouts :], out.flags[self.flags :]
        out.extracted.clear()
        out.extracted.update(self.extracted)
        out.removed_by = self.removed_by


def tidy_lines(rows: Iterable[tuple[int, str, bool]]) -> list[tuple[int, str]]:
    """The alive (number, text) rows, without the blank lines a drop would leave doubled or at an end.

    A document nothing was dropped from comes back exactly as it went in.

    >>> tidy_lines([(1, "a", True), (2, "", True), (3, "x", False), (4, "", True), (5, "b", True)])
    [(1, 'a'), (2, ''), (5, 'b')]
    """
    out: list[tuple[int, str]] = []
    gap = False  # a dropped line lies between the last non-blank emitted line and this one
    for number, text, alive in rows:
        if not alive:
            gap = True
            continue
        blank = not text.strip()
        if blank and gap and (not out or not out[-1][1].strip()):
            continue
        out.append((number, text))
        if not blank:
            gap = False
    if gap:
        while out and not out[-1][1].strip():
            out.pop()
    return out
