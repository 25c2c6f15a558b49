"""Counts for summary.json: documents in, kept, changed and removed; lines and characters per rule.

A rule id doubles as the statistics key, so every number can be traced to the rule file that
produced it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from cleanse.document import CHANGED, KEPT, REMOVED, Document


class Stats:
    """Accumulates what happened to every document of a run."""

    def __init__(self) -> None:
        self.documents: Counter[str] = Counter()
        self.removed_by: Counter[str] = Counter()
        self.flags: Counter[str] = Counter()
        self.languages: Counter[str] = Counter()
        self.rules: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self.chars_in = 0
        self.chars_out = 0
        self.extra: dict[str, Any] = {}

    def add(self, doc: Document, original_chars: int) -> None:
        """Count one document after every stage ran on it."""
        self.documents["in"] += 1
        self.documents[doc.status] += 1
        self.chars_in += original_chars
        if doc.removed is not None:
            self.removed_by[doc.removed] += 1
        else:
            self.chars_out += len(doc.text)
        self.languages[doc.lang or "und"] += 1
        for flag in doc.flags:
            self.flags[flag.split(":")[0]] += 1
        for change in doc.changes:
            counts = self.rules[change.rule]
            counts["changes"] += 1
            if change.after is None:
                counts["lines_removed"] += 1
                counts["chars_removed"] += len(change.before)
            else:
                counts["chars_removed"] += max(0, len(change.before) - len(change.after))

    def to_json(self) -> dict[str, Any]:
        """The summary as plain data."""
        docs = {key: self.documents.get(key, 0) for key in ("in", KEPT, CHANGED, REMOVED)}
        out: dict[str, Any] = {
            "documents": docs,
            "removed_by": dict(sorted(self.removed_by.items())),
            "characters": {"in": self.chars_in, "out": self.chars_out},
            "rules": {rule: dict(sorted(c.items())) for rule, c in sorted(self.rules.items())},
            "flags": dict(sorted(self.flags.items())),
            "languages": dict(sorted(self.languages.items())),
        }
        out.update(self.extra)
        return out
