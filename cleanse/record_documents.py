"""A record's fields to a Document: its id, its text, its site, and the other fields kept as
metadata in their order; a record without usable text comes back as a Rejected record with the
reason and what to do. Every reader of records (JSON lines, Parquet, WET/WARC) goes through `record_document`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from cleanse.decode import is_blank
from cleanse.document import Document, Item, Rejected
from cleanse.records import json_type

__all__ = ["EMPTY", "MISSING_TEXT", "TEXT_NOT_STRING", "ReadConfig", "record_document"]

MISSING_TEXT = "input.missing-text"  # a record whose text field is absent or null
TEXT_NOT_STRING = "input.text-not-string"  # a record whose text field is a number, list...
EMPTY = "input.empty"  # a file or text with nothing but whitespace or invisible characters


@dataclass(frozen=True, slots=True)
class ReadConfig:
    """How records map to documents.

    text_field: the JSONL field holding the text; id_field: the field holding a record's id
    (records without it get `file:line`); site_from: `auto` (a `site` field, else the host of a
    `url` field, else the top-level folder of a .txt tree), `folder`, or the name of a JSONL field;
    include / exclude: globs choosing the files of a folder SRC (see cleanse.walk).
    """

    text_field: str = "text"
    id_field: str = "id"
    site_from: str = "auto"
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


def record_document(
    record: dict[str, Any],
    fallback_id: str,
    config: ReadConfig,
    *,
    folder: str | None = None,
    flags: tuple[str, ...] = (),
    source: str = "",
    location: Mapping[str, Any] | None = None,
) -> Item:
    """The Document of one JSON record: its id, text and site, the other fields kept as metadata.

    A record without a string text field comes back Rejected, with the reason and, in its detail,
    `location` (the `path` and `line` it was read from).
    """
    doc_id = _id_text(record.get(config.id_field), fallback_id)
    text = record.get(config.text_field)
    # The record keeps its key order; the writer puts the cleaned text back in its place.
    meta = {key: (None if key == config.text_field else value) for key, value in record.items()}
    site = _site(record, folder, config)
    where = dict(location or {})
    if not isinstance(text, str) or is_blank(text):
        reason, error = _text_problem(record, config.text_field)
        detail = {**where, "error": error}
        return Rejected(doc_id, reason, detail, location=where, source=source, site=site, meta=meta)
    return Document.from_text(
        doc_id, text, meta, site=site, flags=flags, source=source, location=where
    )


def _id_text(value: object, fallback: str) -> str:
    """A record's id as text: a string as it is, another value as its JSON text (`12`, `true`,
    `{"a": 1}`, never a Python repr), the fallback for a missing or null id.

    >>> _id_text(12, "f:1"), _id_text(True, "f:1"), _id_text({"a": 1}, "f:1"), _id_text(None, "f:1")
    ('12', 'true', '{"a": 1}', 'f:1')
    """
    if value is None:
        return fallback
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (ValueError, RecursionError):  # NaN from a library caller, or nesting too deep
        return str(value)


def _text_problem(record: dict[str, Any], field: str) -> tuple[str, str]:
    """The reason and error for a record whose text field is missing, null, not a string or blank."""
    value = record.get(field)
    if isinstance(value, str):
        error = (
            f"the field {field!r} is empty or holds only whitespace or invisible characters; "
            "remove the record or export its text again"
        )
        return EMPTY, error
    if value is None:
        state = "is null" if field in record else "is missing"
        error = (
            f"the field {field!r} {state}; if the text is under another name, give that name "
            "with --text-field"
        )
        return MISSING_TEXT, error
    error = (
        f"the field {field!r} holds {json_type(value)}, not a string; export the text as one "
        "string, or give the field that holds it with --text-field"
    )
    return TEXT_NOT_STRING, error


def _site(record: dict[str, Any], folder: str | None, config: ReadConfig) -> str | None:
    if config.site_from == "folder":
        return folder
    if config.site_from != "auto":
        value = record.get(config.site_from)
        return _host(value) if isinstance(value, str) else None
    site = record.get("site")
    if isinstance(site, str) and site:
        return _host(site)
    url = record.get("url")
    if isinstance(url, str) and url:
        return _host(url)
    return folder


def _host(value: str) -> str:
    """A bare host name from a URL or a site name: lower case, without `www.`."""
    host = urlsplit(value).hostname if "://" in value else value
    return (host or value).lower().removeprefix("www.")
