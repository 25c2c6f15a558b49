"""The line classifier's decision on one line (`LineVerdict`): keep or drop, the reason, the scores."""

from __future__ import annotations

from typing import Any, NamedTuple, Protocol


class ScoreSource(Protocol):
    """Where a verdict's scores come from when they are not a dict of its own: its page's table
    (cleanse.classify.score_table), read by line."""

    def scores(self, row: int) -> dict[str, float]:
        """The scores of line `row`, as a new dict."""

    def score(self, row: int) -> float | None:
        """`LineVerdict.score` of line `row`."""


class _VerdictFields(NamedTuple):
    keep: bool
    reason: str
    # The scores dict itself (row None), or the table they are read from (row: the line).
    source: Any
    row: int | None


class LineVerdict(_VerdictFields):
    """The classifier's decision on one line: keep it or not, why, and the scores behind it.

    An immutable named tuple: one is built for every line of every page, and a frozen dataclass
    cost several times more to build. `scores` defaults to a new empty dict. The classifier's
    own loops build verdicts with `tuple.__new__(LineVerdict, (keep, reason, source, row))`,
    which skips this constructor's Python frame; on a page dump the source is the page's score
    table and `scores` builds the line's dict from it when read (a new dict at each read), so
    the dicts of the lines no one reads are never built.
    """

    __slots__ = ()

    def __new__(
        cls, keep: bool, reason: str, scores: dict[str, float] | None = None
    ) -> LineVerdict:
        return tuple.__new__(cls, (keep, reason, {} if scores is None else scores, None))

    @property
    def scores(self) -> dict[str, float]:
        """The numbers behind the verdict, by name (empty for a blank line or mode 'off')."""
        source, row = self[2], self[3]
        return source if row is None else source.scores(row)  # type: ignore[no-any-return]

    @property
    def score(self) -> float | None:
        """The number behind the verdict: the model's content probability when the model
        decided, else how prose-like the line is (None for a blank line or mode 'off')."""
        source, row = self[2], self[3]
        if row is not None:
            return source.score(row)  # type: ignore[no-any-return]
        value = source.get("p_content", source.get("prose"))
        return None if value is None else round(value, 4)

    def decided(self, keep: bool, reason: str) -> LineVerdict:
        """The same line and scores with another decision."""
        return tuple.__new__(LineVerdict, (keep, reason, self[2], self[3]))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LineVerdict):
            return (self[0], self[1], self.scores) == (other[0], other[1], other.scores)
        if isinstance(other, tuple):
            return (self[0], self[1], self.scores) == other
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = None  # type: ignore[assignment]  # it holds a dict, as before

    def __repr__(self) -> str:
        return f"LineVerdict(keep={self[0]!r}, reason={self[1]!r}, scores={self.scores!r})"

    def __getnewargs__(self) -> tuple[bool, str, dict[str, float]]:
        return (self[0], self[1], self.scores)
