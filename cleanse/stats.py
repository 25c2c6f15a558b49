"""Counts for summary.json: documents in, written, removed and rejected; lines and characters per rule.

A rule id doubles as the statistics key, so every number can be traced to the rule file that
produced it. Every document read is counted exactly once: `in = written + removed + rejected`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from cleanse.document import CHANGED, KEPT, REJECTED, REMOVED, Document, Item

WRITTEN = "written"
_SUMMED = (
    "items", "duplicates", "exact", "near", "clusters", "candidate_pairs", "verified_pairs",
    "without_words",
)  # fmt: skip


class Stats:
    """Accumulates what happened to every document of a run (and can be saved and restored)."""

    def __init__(self) -> None:
        self.documents: Counter[str] = Counter()
        self.removed_by: Counter[str] = Counter()
        self.rejected_by: Counter[str] = Counter()
        self.flags: Counter[str] = Counter()
        self.languages: Counter[str] = Counter()
        self.rules: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self.duplicates: dict[str, Any] = {}
        self.chars_in = 0
        self.chars_out = 0
        self.extra: dict[str, Any] = {}

    def add(self, doc: Item, original_chars: int) -> None:
        """Count one document (or rejected input) after every stage ran on it."""
        self.documents["in"] += 1
        self.documents[doc.status] += 1
        self.chars_in += original_chars
        if not isinstance(doc, Document):
            self.rejected_by[doc.reason] += 1
        elif doc.removed is not None:
            self.removed_by[doc.removed] += 1
        else:
            self.documents[WRITTEN] += 1
            self.chars_out += doc.chars
        if isinstance(doc, Document):
            self.languages[doc.lang or "und"] += 1
        for flag in doc.flags:
            self.flags[flag.split(":")[0]] += 1
        for change in doc.changes:
            counts = self.rules[change.rule]
            counts["changes"] += 1
            if change.after is None:
                counts["lines_removed"] += change.before.count("\n") + 1  # a wrapped paragraph
                counts["chars_removed"] += len(change.before)
            else:
                counts["chars_removed"] += max(0, len(change.before) - len(change.after))

    def add_duplicates(self, clusters: dict[str, Any]) -> None:
        """Add one batch's duplicate statistics (per level) to the run's."""
        for level, block in clusters.items():
            total = self.duplicates.setdefault(level, {"cluster_sizes": {}})
            for key in _SUMMED:
                total[key] = total.get(key, 0) + int(block.get(key, 0))
            sizes = total["cluster_sizes"]
            for size, count in block.get("cluster_sizes", {}).items():
                sizes[size] = sizes.get(size, 0) + count
            total["cluster_sizes"] = dict(sorted(sizes.items(), key=lambda kv: int(kv[0])))

    @property
    def rejected(self) -> int:
        """Inputs that could not be read as documents."""
        return self.documents.get(REJECTED, 0)

    def to_json(self) -> dict[str, Any]:
        """The summary as plain data."""
        keys = ("in", WRITTEN, KEPT, CHANGED, REMOVED, REJECTED)
        docs = {key: self.documents.get(key, 0) for key in keys}
        out: dict[str, Any] = {
            "documents": docs,
            "removed_by": dict(sorted(self.removed_by.items())),
            "rejected_by": dict(sorted(self.rejected_by.items())),
            "characters": {"in": self.chars_in, "out": self.chars_out},
            "rules": {rule: dict(sorted(c.items())) for rule, c in sorted(self.rules.items())},
            "flags": dict(sorted(self.flags.items())),
            "languages": dict(sorted(self.languages.items())),
        }
        out.update(self.extra)
        if self.duplicates:
            out["duplicates"] = {**out.get("duplicates", {}), **self.duplicates}
        return out

    def state(self) -> dict[str, Any]:
        """Everything counted so far, as plain data for a checkpoint (see `restore`)."""
        return {
            "documents": dict(self.documents),
            "removed_by": dict(self.removed_by),
            "rejected_by": dict(self.rejected_by),
            "flags": dict(self.flags),
            "languages": dict(self.languages),
            "rules": {rule: dict(c) for rule, c in self.rules.items()},
            "duplicates": self.duplicates,
            "chars": [self.chars_in, self.chars_out],
        }

    @classmethod
    def restore(cls, state: dict[str, Any]) -> Stats:
        """The Stats a checkpoint's `state()` describes."""
        stats = cls()
        stats.documents.update(state["documents"])
        stats.removed_by.update(state["removed_by"])
        stats.rejected_by.update(state["rejected_by"])
        stats.flags.update(state["flags"])
        stats.languages.update(state["languages"])
        for rule, counts in state["rules"].items():
            stats.rules[rule].update(counts)
        stats.duplicates = state["duplicates"]
        stats.chars_in, stats.chars_out = state["chars"]
        return stats
