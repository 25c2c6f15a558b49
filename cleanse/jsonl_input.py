"""Read JSON lines (a file, compressed or not, or stdin) as documents, one per non-blank line.

A line that is not a JSON object becomes a Rejected record (`input.malformed-json`) and reading
goes on; a stream that breaks (a cut-off or damaged gzip or zstd file, an I/O error) ends with one
Rejected record saying how many lines were read. A line written in `writers.json_line`'s form keeps
its bytes (`RecordMeta`), so an unchanged record is copied to the output as it came.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeAlias

from cleanse.decode import BINARY_PROBE, decode_bytes, sniff_binary, wide_encoding
from cleanse.document import Change, Document, Item, Rejected
from cleanse.formats.compression import (
    STREAM_ERRORS,
    break_kind,
    compression_label,
    open_reader,
    starts_like,
)
from cleanse.formats.registry import open_input
from cleanse.input_origin import (
    BINARY,
    UNREADABLE,
    Origin,
    explain_os_error,
    not_compressed,
    rejected_input,
)
from cleanse.record_documents import ReadConfig, record_document
from cleanse.records import (
    REPLACED_SURROGATES,
    UNUSUAL_ESCAPE_RE,
    RecordError,
    RecordMeta,
    canonical_record,
    line_parts,
    parse_record,
    replace_lone_surrogates,
)
from cleanse.remote import RemoteFile

__all__ = ["jsonl_line_document", "read_jsonl", "read_jsonl_file", "refuse_start"]

MALFORMED_JSON = "input.malformed-json"  # a JSONL line that is not a JSON object

# What JSONL is read from: a file, stdin, or a gzip stream over a file.
ByteStream: TypeAlias = IO[bytes] | io.BufferedIOBase


@dataclass(frozen=True, slots=True)
class _StreamBreak:
    """A stream failed while reading line `line`, with the error that stopped it."""

    line: int
    error: Exception


def read_jsonl_file(
    path: Path | RemoteFile,
    origin: Origin,
    config: ReadConfig,
    compression: str | None = None,
    *,
    pipe_ok: bool = False,
) -> Iterator[Item]:
    """The documents of a JSON lines file: .jsonl, .ndjson, compressed or not."""
    try:
        raw = open_input(path, pipe_ok=pipe_ok)
    except OSError as exc:
        yield rejected_input(UNREADABLE, origin, "cannot open the file: " + explain_os_error(exc))
        return
    with raw:
        if compression is not None and not starts_like(raw, compression):
            yield not_compressed(origin, compression, "jsonl")
            return
        stream = open_reader(raw, compression)
        refusal = refuse_start(stream, origin, compression)
        if refusal is not None:
            yield refusal
            return
        yield from read_jsonl(stream, origin, config, compression)


def refuse_start(stream: Any, origin: Origin, compression: str | None) -> Rejected | None:
    """A Rejected record when a JSONL file is refused from its first bytes: binary data, or a
    stream that fails at once; else None (nothing is consumed)."""
    try:
        kind = sniff_binary(stream.peek(BINARY_PROBE))
    except STREAM_ERRORS as exc:
        return _broken_stream(_StreamBreak(1, exc), origin, compression)
    if kind is None:
        return None
    todo = (
        "decompress or convert it before piping it in"
        if origin.name == "stdin"
        else "move it out of SRC"
    )
    return rejected_input(BINARY, origin, f"this looks like {kind}, not JSON lines; {todo}")


def read_jsonl(
    stream: ByteStream, origin: Origin, config: ReadConfig, compression: str | None = None
) -> Iterator[Item]:
    """One Document per non-blank line; a stream that breaks ends with one Rejected record."""
    for item in _raw_lines(stream):
        if isinstance(item, _StreamBreak):
            yield _broken_stream(item, origin, compression)
            return
        number, raw = item
        if number == 1 and wide_encoding(raw):
            yield from _wide_documents(raw, origin, config)
            return
        decoded = decode_bytes(raw)
        # Plain UTF-8 only: a BOM is a flag-less decoding too, but not the bytes written back.
        plain = decoded.flag is None and not raw.startswith(codecs.BOM_UTF8)
        # A line of plain UTF-8 without a \u escape holds no surrogate escape to look for.
        escaped = not plain or UNUSUAL_ESCAPE_RE.search(raw) is not None
        # A line in json_line's form is parsed with its text decoded once (canonical_record).
        quick = None if escaped else canonical_record(decoded.text, config.text_field)
        parts: tuple[str, str, str] | None = None
        if quick is None:
            doc, record = _line_document(
                number, decoded.text, decoded.flag, origin, config, escaped
            )
        else:
            record, parts = quick
            doc = _record_document(number, record, decoded.flag, origin, config)
        if plain and isinstance(doc, Document) and not doc.flags and record is not None:
            if quick is None and not escaped:
                parts = line_parts(decoded.text, record, config.text_field)
            meta = RecordMeta(doc.meta, raw, doc.lines, doc.final_newline, doc.flags, parts)
            # Set in place: nothing else holds this new document yet (dataclasses.replace
            # would build it again, a tenth of the reading time).
            object.__setattr__(doc, "meta", meta)
        if doc is not None:
            yield doc


def _raw_lines(stream: ByteStream) -> Iterator[tuple[int, bytes] | _StreamBreak]:
    """Numbered lines of a stream, then a _StreamBreak if reading failed.

    The first line of a UTF-16 or UTF-32 file comes with the rest of the file: its newlines are
    several bytes long, so it can only be split after decoding.
    """
    number = 0
    try:
        for number, raw in enumerate(stream, start=1):
            if number == 1 and wide_encoding(raw):
                yield number, raw + stream.read()
                return
            yield number, raw
    except STREAM_ERRORS as exc:
        yield _StreamBreak(number + 1, exc)


def _wide_documents(data: bytes, origin: Origin, config: ReadConfig) -> Iterator[Item]:
    """The documents of a whole UTF-16 or UTF-32 JSONL file, decoded before it is split."""
    decoded = decode_bytes(data)
    for number, line in enumerate(decoded.text.split("\n"), start=1):
        doc = jsonl_line_document(number, line, decoded.flag, origin, config)
        if doc is not None:
            yield doc


def _broken_stream(item: _StreamBreak, origin: Origin, compression: str | None = None) -> Rejected:
    """The Rejected record that ends a stream which failed at line `item.line`."""
    done = f"the lines before line {item.line} were read"
    kind = break_kind(item.error)
    label = compression_label(compression) if compression else "gzip"
    if kind == "truncated":
        error = f"the compressed file ends mid-stream; {done}; copy or compress it again"
        return rejected_input(f"input.truncated-{label}", origin, error, item.line)
    if kind == "corrupt":
        error = f"the compressed data is damaged ({item.error}); {done}; copy or compress it again"
        return rejected_input(f"input.corrupt-{label}", origin, error, item.line)
    assert isinstance(item.error, OSError)  # the only other error _raw_lines catches
    error = f"reading failed: {explain_os_error(item.error)}; {done}"
    return rejected_input(UNREADABLE, origin, error, item.line)


def jsonl_line_document(
    number: int, text: str, flag: str | None, origin: Origin, config: ReadConfig
) -> Item | None:
    """The Document of one JSONL line, a Rejected one if it is not a JSON object, None if blank."""
    return _line_document(number, text, flag, origin, config)[0]


def _line_document(
    number: int,
    text: str,
    flag: str | None,
    origin: Origin,
    config: ReadConfig,
    escaped: bool = True,
) -> tuple[Item | None, dict[str, Any] | None]:
    """`jsonl_line_document` and the record parsed from the line (None if there is none);
    `escaped` False says that the line holds no \\u escape (no lone surrogate to replace)."""
    if not text or text.isspace():  # what strip() would empty, without copying the line
        return None, None
    try:
        record = parse_record(text)
    except RecordError as exc:
        return rejected_input(MALFORMED_JSON, origin, str(exc), number), None
    replaced: list[Change] = []
    if escaped:
        record, replaced = replace_lone_surrogates(record, text, config.text_field)
    extra = (REPLACED_SURROGATES,) if replaced else ()
    doc = _record_document(number, record, flag, origin, config, extra)
    if replaced and isinstance(doc, Document):
        return doc.with_changes(replaced), record
    return doc, record


def _record_document(
    number: int,
    record: dict[str, Any],
    flag: str | None,
    origin: Origin,
    config: ReadConfig,
    extra: tuple[str, ...] = (),
) -> Item:
    """The Document (or Rejected record) of the record on line `number`."""
    flags: tuple[str, ...] = ((flag,) if flag else ()) + extra
    return record_document(
        record,
        f"{origin.name}:{number}",
        config,
        folder=origin.folder,
        flags=flags,
        source=origin.source,
        location={"path": origin.name, "line": number},
    )
