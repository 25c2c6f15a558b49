"""What a cleaning worker sends back for a document, and how the parent rebuilds it.

A worker cleans documents the parent still holds, so it sends back only what cleaning changed
(`changes_of`): nothing for a document left alone, the fields that differ for one it changed.
The parent applies them to its own copy (`apply_changes`), so a document keeps every object
cleaning left alone, its lines above all. `cleanse.cleaning_stage` uses both ends, in one
process too, so that either way the same documents come out.
"""

from __future__ import annotations

import dataclasses
import operator
from typing import Any, TypeAlias

from cleanse.document import Change, Document, Item

# What a worker sends back for a document (see `changes_of`).
Changes: TypeAlias = Item | dict[str, Any] | None


# Document fields whose values are compared by equality in `changes_of`: strings, numbers, None,
# and tuples of strings or numbers. Any other field counts as unchanged only when it is the same
# object, or empty in both, so no value is ever replaced by an equal one of another kind.
_PLAIN_FIELDS = frozenset(
    ("id", "lines", "lang", "site", "source", "line_numbers", "final_newline", "flags", "status",
     "removed")
)  # fmt: skip
_FIELDS = tuple(f.name for f in dataclasses.fields(Document) if f.name != "meta")


def changes_of(doc: Item, cleaned: Item) -> Changes:
    """What `doc` cleaned into `cleaned` comes back as from a worker: None for the same
    document, the fields whose values differ (a dict: `apply_changes` rebuilds the document from
    `doc` and them), or the item itself when it is not a Document (a rejected input).

    So a document cleaning left alone comes back without its lines, and the changes cleaning
    appended come back as plain tuples (`APPENDED`), which cost a third of the objects' pickling
    (a frozen dataclass is unpickled by a Python-level `__setstate__`). `meta` is never compared:
    the parent keeps the record's other fields (see `clean_documents`).
    """
    if cleaned is doc:
        return None
    if not isinstance(cleaned, Document) or not isinstance(doc, Document):
        return cleaned
    changed: dict[str, Any] = {}
    for name in _FIELDS:
        new, old = getattr(cleaned, name), getattr(doc, name)
        if new is old or (type(new) is type(old) and _same(name, old, new)):
            continue
        if name == "changes" and _appended_to(old, new):
            changed[APPENDED] = [_change_fields(c) for c in new[len(old) :]]
        else:
            changed[name] = new
    return changed or None


# The key of `changes_of` for the changes appended to the document's own, as tuples of fields.
APPENDED = "changes+"
_change_fields = operator.attrgetter(*(f.name for f in dataclasses.fields(Change)))


def _appended_to(old: tuple[Change, ...], new: tuple[Change, ...]) -> bool:
    return (
        len(new) > len(old)
        and all(a is b for a, b in zip(old, new, strict=False))
        and all(type(c) is Change for c in new[len(old) :])
    )


def _same(name: str, old: Any, new: Any) -> bool:
    if name in _PLAIN_FIELDS:
        return bool(old == new)
    return not old and not new


def apply_changes(doc: Item, changes: Changes) -> Item:
    """The cleaned document that `changes` (from `changes_of`) describes, rebuilt from `doc`."""
    if changes is None:
        return doc
    if isinstance(changes, dict):
        if APPENDED in changes:
            fields = {k: v for k, v in changes.items() if k != APPENDED}
            appended = tuple(Change(*values) for values in changes[APPENDED])
            return dataclasses.replace(doc, changes=doc.changes + appended, **fields)
        return dataclasses.replace(doc, **changes)
    return changes
