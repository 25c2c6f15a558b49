"""The line classifier's decision on one line (`LineVerdict`): keep or drop, the reason, the scores."""

from __future__ import annotations

from typing import NamedTuple


class _VerdictFields(NamedTuple):
    keep: bool
    reason: str
    scores: dict[str, float]


class LineVerdict(_VerdictFields):
    """The classifier's decision on one line: keep it or not, why, and the scores behind it.

    An immutable named tuple: one is built for every line of every page, and a frozen dataclass
    cost several times more to build. `scores` defaults to a new empty dict. The classifier's own
    loops build verdicts with `tuple.__new__(LineVerdict, (keep, reason, scores))`, which skips
    this constructor's Python frame.
    """

    __slots__ = ()

    def __new__(
        cls, keep: bool, reason: str, scores: dict[str, float] | None = None
    ) -> LineVerdict:
        return tuple.__new__(cls, (keep, reason, {} if scores is None else scores))

    @property
    def score(self) -> float | None:
        """The number behind the verdict: the model's content probability when the model
        decided, else how prose-like the line is (None for a blank line or mode 'off')."""
        value = self.scores.get("p_content", self.scores.get("prose"))
        return None if value is None else round(value, 4)
