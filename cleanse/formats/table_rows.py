"""Rows of an Arrow-backed file (Parquet, a `save_to_disk` shard) as Records: what both readers
share once the file is open, the check for the text column and the batch loop.

A file without the text column is one Refusal; a file that breaks midway keeps the rows read
before the break and ends with a Refusal naming the first row that was not read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from cleanse.formats.records import Record, Refusal
from cleanse.record_documents import MISSING_TEXT

__all__ = ["TableKind", "table_rows"]


@dataclass(frozen=True, slots=True)
class TableKind:
    """How the messages name a kind of file: `holder` has the columns ("file"), `data` is what
    cannot be decoded ("Parquet"), `corrupt` the reason, `remedy` what the user can do."""

    holder: str
    data: str
    corrupt: str
    remedy: str


def table_rows(
    pa: Any,
    names: Sequence[str],
    batches: Iterable[Any],
    text_field: str,
    kind: TableKind,
) -> Iterator[Record | Refusal]:
    """One Record per row of `batches` (Arrow record batches, read lazily), every column kept in
    order; a Refusal if `text_field` is not among the columns `names`, or when a batch cannot be
    decoded."""
    if text_field not in names:
        error = (
            f"the {kind.holder} has no column {text_field!r} (its columns: {', '.join(names)}); "
            "give the column that holds the text with --text-field"
        )
        yield Refusal(MISSING_TEXT, error)
        return
    number = 0
    try:
        for batch in batches:
            for row in batch.to_pylist():
                number += 1
                yield Record(row, number, "row")
    except (pa.ArrowException, OSError) as exc:
        error = (
            f"the {kind.data} data cannot be decoded ({exc}); the rows before row {number + 1} "
            f"were read; {kind.remedy}"
        )
        yield Refusal(kind.corrupt, error, number + 1, "row")
