"""The line classifier's decision on one line (`LineVerdict`): keep or drop, the reason, the scores."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class LineVerdict:
    """The classifier's decision on one line: keep it or not, why, and the scores behind it."""

    keep: bool
    reason: str
    scores: dict[str, float] = field(default_factory=dict)

    @property
    def score(self) -> float | None:
        """The number behind the verdict: the model's content probability when the model
        decided, else how prose-like the line is (None for a blank line or mode 'off')."""
        value = self.scores.get("p_content", self.scores.get("prose"))
        return None if value is None else round(value, 4)
