"""A Document (or a Rejected input) as one JSON string: how documents travel between Spark stages.

Plain JSON (ASCII-escaped, so a lone surrogate survives the trip through Spark's UTF-8 strings),
never a pickle: the state is readable, versioned by its field names, and decodes to an equal
Document, so the audit written from it matches the local engine's byte for byte.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from cleanse.document import Change, Document, Item, Rejected

if TYPE_CHECKING:
    import pyarrow as pa


def _changes(changes: tuple[Change, ...]) -> list[list[Any]]:
    return [
        [c.stage, c.rule, c.line, c.before, c.after, None if c.detail is None else dict(c.detail)]
        for c in changes
    ]


def dump(doc: Item) -> str:
    """The document's (or rejected input's) whole state as a JSON string."""
    state: dict[str, Any]
    if isinstance(doc, Rejected):
        state = {
            "rejected": True,
            "id": doc.id,
            "reason": doc.reason,
            "detail": dict(doc.detail),
            "location": dict(doc.location),
            "source": doc.source,
            "site": doc.site,
            "meta": dict(doc.meta),
            "flags": list(doc.flags),
            "changes": _changes(doc.changes),
        }
        return json.dumps(state, ensure_ascii=True, separators=(",", ":"))
    state = {
        "id": doc.id,
        "lines": list(doc.lines),
        "line_numbers": list(doc.line_numbers),
        "final_newline": doc.final_newline,
        "meta": dict(doc.meta),
        "lang": doc.lang,
        "site": doc.site,
        "source": doc.source,
        "extracted": dict(doc.extracted),
        "annotations": dict(doc.annotations),
        "changes": _changes(doc.changes),
        "flags": list(doc.flags),
        "status": doc.status,
        "removed": doc.removed,
        "removed_detail": None if doc.removed_detail is None else dict(doc.removed_detail),
        "location": dict(doc.location),
    }
    return json.dumps(state, ensure_ascii=True, separators=(",", ":"))


def load(text: str) -> Item:
    """The Document (or Rejected record) `dump` wrote.

    >>> doc = Document("a", ("x", "y"), {"n": 1}, line_numbers=(1, 3), flags=("f",))
    >>> load(dump(doc)) == doc
    True
    """
    s = json.loads(text)
    changes = tuple(Change(*c) for c in s["changes"])
    if s.get("rejected"):
        return Rejected(
            s["id"], s["reason"], s["detail"], location=s["location"], source=s["source"],
            site=s["site"], meta=s["meta"], flags=tuple(s["flags"]), changes=changes,
        )  # fmt: skip
    return Document(
        s["id"],
        tuple(s["lines"]),
        s["meta"],
        lang=s["lang"],
        site=s["site"],
        source=s["source"],
        extracted=s["extracted"],
        line_numbers=tuple(s["line_numbers"]),
        final_newline=s["final_newline"],
        annotations=s["annotations"],
        changes=changes,
        flags=tuple(s["flags"]),
        status=s["status"],
        removed=s["removed"],
        removed_detail=s["removed_detail"],
        location=s["location"],
    )


def with_states(batch: pa.RecordBatch, states: list[str] | pa.Array) -> pa.RecordBatch:
    """A batch of document rows (`n`, `chars_in`, `id`, `state`) with its states replaced."""
    import pyarrow as pa  # on executors only

    return pa.RecordBatch.from_arrays(
        [
            batch.column("n"),
            batch.column("chars_in"),
            batch.column("id"),
            states if isinstance(states, pa.Array) else pa.array(states, pa.string()),
        ],
        names=["n", "chars_in", "id", "state"],
    )
