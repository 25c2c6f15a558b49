"""A document as the record cleanse writes: its input fields with the cleaned text in place, as a
line of JSONL (or, for a JSONL record nothing changed, the very line it was read from).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cleanse.decode import KEPT_ENDING_FLAGS
from cleanse.document import Document, Item
from cleanse.formats.jsonvalues import jsonable
from cleanse.records import ENCODE_JSON, RecordMeta, escape_line_breakers, record_parts


def json_line(value: Any) -> str:
    """`value` as one line of JSONL (UTF-8 kept readable, every line separator escaped).

    >>> json_line({"text": "a\u2028b"})
    '{"text": "a\\\\u2028b"}\\n'
    """
    return escape_line_breakers(ENCODE_JSON(value)) + "\n"


def record_line(record: dict[str, Any]) -> str:
    """A record as JSONL; values JSON has no type for (dates, decimals, bytes from Parquet) are
    written as text."""
    try:
        return json_line(record)
    except TypeError:
        return json_line(jsonable(record))


def copied_line(doc: Document, text_field: str, extra: Mapping[str, Any] | None) -> bytes | None:
    """The input line of a document read from JSONL, when writing its record would give those
    very bytes: the line is in the form `json_line` writes (checked when it was read, see
    records.line_parts), the document still has the lines it was read with, nothing adds to its
    record and its other fields still encode to what surrounds the text in the line (else None:
    the record is encoded).
    """
    meta = doc.meta
    if type(meta) is not RecordMeta or extra or doc.extracted or doc.annotations:
        return None
    if meta.parts is None or not meta.read_with(doc.lines, doc.final_newline):
        return None
    if doc.flags != meta.flags or text_field not in meta or meta.parts[0] != text_field:
        return None
    return meta.line if record_parts(meta, text_field) == meta.parts[1:] else None


def output_text(doc: Document) -> str:
    """The text to write: with the document's own line endings when it used CR LF (or CR)
    throughout, which cleaning turned into LF.

    >>> output_text(Document.from_text("d", "a\\nb\\n", flags=("line-endings-crlf",)))
    'a\\r\\nb\\r\\n'
    """
    for ending, flag in KEPT_ENDING_FLAGS.items():
        if flag in doc.flags:
            return doc.text.replace("\n", ending)
    return doc.text


def to_record(doc: Item, text_field: str, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The output JSON object of a document: its input fields, the cleaned text, extracted values
    (a rejected input's text is empty)."""
    text = output_text(doc) if isinstance(doc, Document) else ""
    if doc.meta:
        record = dict(doc.meta)
        record[text_field] = text
    else:
        record = {"id": doc.id, text_field: text}
    if isinstance(doc, Document):
        for key, value in doc.extracted.items():
            record.setdefault(key, value)
        record.update(doc.annotations)
    if extra:
        record.update(extra)
    return record
