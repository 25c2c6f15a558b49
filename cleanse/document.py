"""The records that flow through cleanse: a Document, the Changes made to it, and why.

A Document is immutable; each stage returns a new one with its changes appended, so the audit of a
document is simply its `changes` tuple, in the order the stages ran.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

KEPT = "kept"
CHANGED = "changed"
REMOVED = "removed"
REJECTED = "rejected"
REJECTED_PREFIX = "input."  # reasons of inputs that could not be read as documents


@dataclass(frozen=True, slots=True)
class Change:
    """One edit: which stage and rule made it, on which input line, and the text before and after.

    `line` is the 1-based line number in the input document (None for whole-document changes);
    `after` is None when the line (or document) was dropped.
    """

    stage: str
    rule: str
    line: int | None
    before: str
    after: str | None
    detail: Mapping[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """The change as a plain dict for audit.jsonl."""
        out: dict[str, Any] = {
            "stage": self.stage,
            "rule": self.rule,
            "line": self.line,
            "before": self.before,
            "after": self.after,
        }
        if self.detail:
            out.update(self.detail)
        return out


@dataclass(frozen=True, slots=True)
class Document:
    """A text with a stable id, the metadata it came with, and everything done to it so far.

    `meta` holds the record's other fields (JSONL) and is written back unchanged; `site` scopes
    site-specific rules; `source` is the input file (relative to SRC) that the writer mirrors;
    `extracted` holds values rules moved out of the text (e.g. a byline); `line_numbers` maps each
    line of the current text to its line in the input, so later stages can report input lines;
    `annotations` are decisions recorded instead of applied (`--annotate`), written with the record.
    `removed` holds the reason (a rule id) when the whole document is dropped; a reason starting
    with `input.` means the input itself could not be read as a document (it is `rejected`), and
    `removed_detail` then says where (`path`, `line`) and what to do (`error`).
    `flags` note facts worth auditing that are not edits, such as a fallback decoding.
    `location` says where the document was read: `path` (relative to SRC, as in its id) and, for
    JSONL, the `line`; the audit names it, so records whose ids repeat across files stay apart.
    """

    id: str
    text: str
    meta: Mapping[str, Any] = field(default_factory=dict)
    lang: str | None = None
    site: str | None = None
    source: str = ""
    extracted: Mapping[str, str] = field(default_factory=dict)
    line_numbers: tuple[int, ...] = ()
    annotations: Mapping[str, Any] = field(default_factory=dict)

    def numbered_lines(self) -> list[tuple[int, str]]:
        """The text's lines with their line numbers in the input (1, 2, … before any cleaning)."""
        lines = self.text.removesuffix("\n").split("\n") if self.text else []
        if len(self.line_numbers) == len(lines):
            return list(zip(self.line_numbers, lines, strict=True))
        return list(enumerate(lines, start=1))

    changes: tuple[Change, ...] = ()
    flags: tuple[str, ...] = ()
    removed: str | None = None
    removed_detail: Mapping[str, Any] | None = None
    location: Mapping[str, Any] = field(default_factory=dict)

    @property
    def status(self) -> str:
        """`kept`, `changed`, `removed` or `rejected`, as written to the audit."""
        if self.removed is not None:
            return REJECTED if self.removed.startswith(REJECTED_PREFIX) else REMOVED
        return CHANGED if self.changes else KEPT

    def evolve(self, **updates: Any) -> Document:
        """A copy with some fields replaced (a shorthand for dataclasses.replace)."""
        return dataclasses.replace(self, **updates)

    def with_changes(self, text: str, changes: list[Change], **updates: Any) -> Document:
        """A copy with new text and `changes` appended to the audit."""
        return dataclasses.replace(
            self, text=text, changes=self.changes + tuple(changes), **updates
        )

    def audit(self) -> dict[str, Any]:
        """The document's line in audit.jsonl."""
        out: dict[str, Any] = {
            "id": self.id,
            **self.location,
            "status": self.status,
            "lang": self.lang,
        }
        if self.removed is not None:
            out["reason"] = self.removed
            if self.removed_detail:
                out.update(self.removed_detail)
        if self.flags:
            out["flags"] = list(self.flags)
        if self.extracted:
            out["extracted"] = dict(self.extracted)
        out.update(self.annotations)
        out["changes"] = [change.to_json() for change in self.changes]
        return out
