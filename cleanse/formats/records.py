"""What a format reader yields: records (the fields of one document, in their order) and
refusals (an input, or a part of one, that cannot be read, with its reason and what to do).

`read_records` sends a file to the reader of its format: Parquet, WET, WARC, HTML or Arrow (text and
JSON lines are read by cleanse.readers). Each reader is a generator over a byte stream that never
raises for bad data: it ends with a Refusal instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from cleanse.formats.registry import Detected

__all__ = ["Record", "Refusal", "read_records"]

UNSUPPORTED = "input.unsupported-format"  # a file whose format cleanse does not read


@dataclass(frozen=True, slots=True)
class Record:
    """One document's fields in their order, and where it was: `unit` (`row`, `record`) and its
    1-based `number` in the file (None: the file is one document); `flags`: facts the document
    carries into its audit (`extracted-html`: its text is an HTML page's extracted main text)."""

    fields: dict[str, Any]
    number: int | None
    unit: str
    flags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Refusal:
    """An input that cannot be read, or the point where reading it stopped.

    reason: an `input.*` reason; error: what is wrong and what to do; number/unit: where (None:
    the whole file).
    """

    reason: str
    error: str
    number: int | None = None
    unit: str = "record"


def read_records(found: Detected, stream: IO[bytes], text_field: str) -> Iterator[Record | Refusal]:
    """The records of a Parquet, WET, WARC, HTML or Arrow file, in file order (`stream` is already
    decompressed)."""
    name = found.format.name
    if name == "parquet":
        from cleanse.formats import parquet

        yield from parquet.read_parquet(stream, text_field)
    elif name in ("wet", "warc"):
        from cleanse.formats import warc

        yield from warc.read_warc(stream, text_field, converted=name == "wet")
    elif name == "html":
        from cleanse.formats import html

        yield from html.read_html(stream, text_field)
    elif name == "arrow":
        from cleanse.formats import arrow

        yield from arrow.read_arrow(stream, text_field)
    else:
        msg = f"no record reader for {name}"
        raise ValueError(msg)
