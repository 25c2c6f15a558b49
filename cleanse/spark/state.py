"""A Document as one JSON string: how documents travel between Spark stages.

Plain JSON (ASCII-escaped, so a lone surrogate survives the trip through Spark's UTF-8 strings),
never a pickle: the state is readable, versioned by its field names, and decodes to an equal
Document, so the audit written from it matches the local engine's byte for byte.
"""

from __future__ import annotations

import json
from typing import Any

from cleanse.document import Change, Document


def dump(doc: Document) -> str:
    """The document's whole state as a JSON string."""
    state: dict[str, Any] = {
        "id": doc.id,
        "text": doc.text,
        "meta": dict(doc.meta),
        "lang": doc.lang,
        "site": doc.site,
        "source": doc.source,
        "extracted": dict(doc.extracted),
        "line_numbers": list(doc.line_numbers),
        "annotations": dict(doc.annotations),
        "changes": [
            [
                c.stage,
                c.rule,
                c.line,
                c.before,
                c.after,
                None if c.detail is None else dict(c.detail),
            ]
            for c in doc.changes
        ],
        "flags": list(doc.flags),
        "removed": doc.removed,
        "removed_detail": None if doc.removed_detail is None else dict(doc.removed_detail),
        "location": dict(doc.location),
    }
    return json.dumps(state, ensure_ascii=True, separators=(",", ":"))


def load(text: str) -> Document:
    """The Document `dump` wrote.

    >>> doc = Document("a", "x\\ny", {"n": 1}, line_numbers=(1, 3), flags=("f",))
    >>> load(dump(doc)) == doc
    True
    """
    s = json.loads(text)
    changes = tuple(Change(*c) for c in s["changes"])
    return Document(
        s["id"],
        s["text"],
        s["meta"],
        lang=s["lang"],
        site=s["site"],
        source=s["source"],
        extracted=s["extracted"],
        line_numbers=tuple(s["line_numbers"]),
        annotations=s["annotations"],
        changes=changes,
        flags=tuple(s["flags"]),
        removed=s["removed"],
        removed_detail=s["removed_detail"],
        location=s["location"],
    )
