"""The records that flow through cleanse: a Document of numbered lines, the Changes made to it,
and a Rejected record for an input that could not be read as a document.

A Document is immutable; each stage returns a new one with its changes appended, so the audit of a
document is simply its `changes` tuple, in the order the stages ran. Its content is its lines,
each with its line number in the input; the text is joined only where it is read and written.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeAlias, TypeGuard

KEPT = "kept"
CHANGED = "changed"
REMOVED = "removed"
REJECTED = "rejected"
STATUSES = (KEPT, CHANGED, REMOVED)  # the statuses of a Document; a Rejected one is REJECTED


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


def split_lines(text: str) -> tuple[tuple[str, ...], bool]:
    """A text as its lines (split on LF only, so nothing is lost) and whether it ends with LF.

    >>> split_lines("a\\r\\nb\\n"), split_lines(""), split_lines("\\n")
    ((('a\\r', 'b'), True), ((), False), (('',), True))
    """
    if not text:
        return (), False
    ends = text.endswith("\n")
    return tuple((text[:-1] if ends else text).split("\n")), ends


def text_chars(lines: tuple[str, ...], final_newline: bool) -> int:
    """The length of the text of these lines (see `Document.text`), without joining them.

    >>> text_chars(("ab", "c"), True), text_chars((), False)
    (5, 0)
    """
    if not lines:
        return 0
    return sum(map(len, lines)) + len(lines) - 1 + final_newline


class MetaOfRead(dict[str, Any]):
    """A document's metadata that also holds the lines the document was read with, whether its
    text ended with LF and that text's length (`chars`, counted once when it was read).

    `Document.chars` answers `chars` while the document still has those very lines (`lines` is
    the same tuple, not an equal one) and the same final LF: tuples and strings cannot change,
    so its text is then the text counted. A document with other lines (cleaned, or built again
    with equal ones) is counted anew. cleanse.records.RecordMeta, the metadata of a JSONL
    record, is one; a copy (`dict(meta)`, pickling) is a plain dict.
    """

    __slots__ = ("chars", "final_newline", "lines")

    def __init__(
        self, fields: Mapping[str, Any], lines: tuple[str, ...], final_newline: bool
    ) -> None:
        super().__init__(fields)
        self.lines = lines
        self.final_newline = final_newline
        self.chars = text_chars(lines, final_newline)

    def read_with(self, lines: tuple[str, ...], final_newline: bool) -> bool:
        """Whether a document with these lines and final LF still has the text it was read with:
        the very tuple of lines read (not an equal one) and the same final LF."""
        return lines is self.lines and final_newline == self.final_newline


@dataclass(frozen=True, slots=True)
class Document:
    """Numbered lines with a stable id, the metadata they came with, and everything done so far.

    `lines` are the text's lines without their LF; `line_numbers` holds each one's line in the
    input (1, 2, … before any cleaning; as many as `lines`, filled in when left empty), so every
    stage reports input lines; `final_newline`: whether the text ends with LF. Use `from_text` to
    make one from a text, and `text` to read it joined.
    `meta` holds the record's other fields (JSONL) and is written back unchanged; `site` scopes
    site-specific rules; `source` is the input file (relative to SRC) that the writer mirrors;
    `extracted` holds values rules moved out of the text (e.g. a byline);
    `annotations` are decisions recorded instead of applied (`--annotate`), written with the record.
    `status` is set by the stage that decides it: `kept`, `changed` (a stage recorded changes) or
    `removed` (the whole document is dropped; `removed` then holds the reason, a rule id, and
    `removed_detail` what the audit adds, such as what it duplicates).
    `flags` note facts worth auditing that are not edits, such as a fallback decoding.
    `location` says where the document was read: `path` (relative to SRC, as in its id) and, for
    JSONL, the `line`; the audit names it, so records whose ids repeat across files stay apart.
    """

    id: str
    lines: tuple[str, ...] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)
    lang: str | None = None
    site: str | None = None
    source: str = ""
    extracted: Mapping[str, str] = field(default_factory=dict)
    line_numbers: tuple[int, ...] = ()
    final_newline: bool = False
    annotations: Mapping[str, Any] = field(default_factory=dict)
    changes: tuple[Change, ...] = ()
    flags: tuple[str, ...] = ()
    status: str = KEPT
    removed: str | None = None
    removed_detail: Mapping[str, Any] | None = None
    location: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if isinstance(self.lines, str):  # Document(id, text): a text is made with from_text
            msg = f"{self.id}: lines must be a tuple of strings; use Document.from_text(id, text)"
            raise TypeError(msg)
        if len(self.line_numbers) != len(self.lines):
            if self.line_numbers:
                msg = f"{self.id}: {len(self.lines)} lines but {len(self.line_numbers)} numbers"
                raise ValueError(msg)
            object.__setattr__(self, "line_numbers", tuple(range(1, len(self.lines) + 1)))
        if (self.status == REMOVED) != (self.removed is not None) or self.status not in STATUSES:
            msg = f"{self.id}: status {self.status!r} with removal reason {self.removed!r}"
            raise ValueError(msg)
        if self.status == KEPT and self.changes:
            msg = f"{self.id}: status {KEPT!r} with {len(self.changes)} changes"
            raise ValueError(msg)

    @classmethod
    def from_text(
        cls, id: str, text: str, meta: Mapping[str, Any] | None = None, **fields: Any
    ) -> Document:
        """The Document of a text as read: its lines numbered 1, 2, …

        >>> Document.from_text("d", "a\\nb\\n").lines
        ('a', 'b')
        """
        lines, final_newline = split_lines(text)
        return cls(id, lines, {} if meta is None else meta, final_newline=final_newline, **fields)

    @property
    def text(self) -> str:
        """The lines joined into one text (for writing it, or for callers of the library)."""
        joined = "\n".join(self.lines)
        return joined + "\n" if self.final_newline else joined

    @property
    def chars(self) -> int:
        """The length of `text`, without joining it (counted when it was read, while the
        document has the very lines it was read with: see MetaOfRead; a run asks for it several
        times per document)."""
        meta = self.meta
        if isinstance(meta, MetaOfRead) and meta.read_with(self.lines, self.final_newline):
            return meta.chars
        return text_chars(self.lines, self.final_newline)

    def numbered_lines(self) -> list[tuple[int, str]]:
        """The lines with their line numbers in the input."""
        return list(zip(self.line_numbers, self.lines, strict=True))

    def evolve(self, **updates: Any) -> Document:
        """A copy with some fields replaced (a shorthand for dataclasses.replace)."""
        return dataclasses.replace(self, **updates)

    def with_changes(self, changes: Sequence[Change], **updates: Any) -> Document:
        """A copy with `changes` appended to the audit: its status is `changed` when it has any."""
        if not changes:
            return dataclasses.replace(self, **updates) if updates else self
        status = CHANGED if self.status == KEPT else self.status
        return dataclasses.replace(
            self, changes=self.changes + tuple(changes), status=status, **updates
        )

    def with_lines(
        self,
        numbered: Sequence[tuple[int, str]],
        changes: Sequence[Change],
        final_newline: bool | None = None,
        **updates: Any,
    ) -> Document:
        """A copy holding the (input number, text) lines `numbered`, with `changes` appended.

        A text that ends with LF keeps it (or takes `final_newline`), unless nothing is left.
        """
        lines = tuple(text for _, text in numbered)
        numbers = tuple(number for number, _ in numbered)
        ends = self.final_newline if final_newline is None else final_newline
        if not lines or lines == ("",):  # nothing left: an empty text
            lines, numbers, ends = (), (), False
        return self.with_changes(
            changes, lines=lines, line_numbers=numbers, final_newline=ends, **updates
        )

    def remove(self, reason: str, detail: Mapping[str, Any] | None = None) -> Document:
        """A copy removed whole: `reason` is the rule id, `detail` what the audit adds."""
        return dataclasses.replace(self, status=REMOVED, removed=reason, removed_detail=detail)

    def reject(self, reason: str, detail: Mapping[str, Any]) -> Rejected:
        """The Rejected record of this input: it could not be cleaned as a document."""
        return Rejected(
            self.id, reason, detail, location=self.location, source=self.source, site=self.site,
            meta=self.meta, flags=self.flags, changes=self.changes,
        )  # fmt: skip

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


@dataclass(frozen=True, slots=True)
class Rejected:
    """An input that could not be read (or cleaned) as a document: binary, empty, malformed...

    `reason` is an `input.*` id; `detail` says where (`path`, and `line` or another unit) and
    what to do (`error`). It keeps the id, `location`, `source`, `site` and `meta` it was read
    with, and the `flags` and `changes` made before it was rejected, so the audit accounts for it.
    Stages pass it on untouched; the writer skips it.
    """

    status: ClassVar[str] = REJECTED

    id: str
    reason: str
    detail: Mapping[str, Any]
    location: Mapping[str, Any] = field(default_factory=dict)
    source: str = ""
    site: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)
    flags: tuple[str, ...] = ()
    changes: tuple[Change, ...] = ()

    @property
    def chars(self) -> int:
        """A rejected input has no text."""
        return 0

    def audit(self) -> dict[str, Any]:
        """The input's line in audit.jsonl (as a Document's, with its reason)."""
        out: dict[str, Any] = {"id": self.id, **self.location, "status": REJECTED, "lang": None}
        out["reason"] = self.reason
        out.update(self.detail)
        if self.flags:
            out["flags"] = list(self.flags)
        out["changes"] = [change.to_json() for change in self.changes]
        return out


# What flows from the readers through the stages to the sinks.
Item: TypeAlias = Document | Rejected


def is_live(item: Item) -> TypeGuard[Document]:
    """True for a Document still in the corpus: neither removed by a stage nor a rejected input."""
    return isinstance(item, Document) and item.removed is None
