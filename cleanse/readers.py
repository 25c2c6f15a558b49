"""Read documents from a folder tree, a single file, or JSONL on stdin.

Text files are read here, JSON lines (plain, gzip or zstd) by cleanse.jsonl_input; Parquet, WET, WARC and HTML files by the
readers of cleanse.formats, whose registry tells which file holds what. A file in a folder that
no reader takes is rejected as `input.unsupported-format`, never skipped in silence.
Documents come out lazily in a deterministic order (sorted relative paths, then line order; see
cleanse.walk for how folders and links are walked). Bad input never stops a run: an input that
cannot be read as a document (binary, empty, unreadable, malformed JSON, a cut-off gzip...)
becomes a Rejected record with an `input.*` reason and a `detail` naming its `path`, its `line`
(JSONL) and what to do (`error`), so the audit accounts for every input.
"""

from __future__ import annotations

import dataclasses
import gzip
import io
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from cleanse.decode import decode_bytes, is_blank, sniff_binary
from cleanse.document import Document, Item
from cleanse.formats.compression import (
    STREAM_ERRORS,
    break_kind,
    compression_label,
    open_reader,
    starts_like,
)
from cleanse.formats.records import UNSUPPORTED, Record, Refusal, read_records
from cleanse.formats.registry import Detected, accepted_suffixes, detect, open_input
from cleanse.input_origin import (
    BINARY,
    UNREADABLE,
    Origin,
    explain_os_error,
    not_compressed,
    printable_name,
    rejected_input,
    top_folder,
)
from cleanse.jsonl_input import read_jsonl, read_jsonl_file, refuse_start
from cleanse.record_documents import EMPTY, ReadConfig, record_document
from cleanse.remote import RemoteFile
from cleanse.walk import InputFile, input_kind, list_inputs

__all__ = [
    "STDIN",
    "InputFile",
    "ReadConfig",
    "input_kind",
    "list_inputs",
    "read_documents",
    "read_inputs",
    "record_document",
]

STDIN = "-"
GZIP_MAGIC = b"\x1f\x8b"


def read_documents(src: str | Path, config: ReadConfig | None = None) -> Iterator[Item]:
    """Every document under `src` (a folder, a file, or `-` for JSONL on stdin), in order.

    Inputs that cannot be read come out as Rejected records; only a missing or unlistable SRC
    raises (InputError).
    """
    config = config or ReadConfig()
    if str(src) == STDIN:
        yield from _read_stdin(config)
        return
    yield from read_inputs(list_inputs(src, config.include, config.exclude), config)


def _read_stdin(config: ReadConfig) -> Iterator[Item]:
    """The documents of JSONL on stdin, sniffed as a file is: gzip is decompressed, other binary
    data (another archive format, an image) is one rejected input."""
    raw: io.BufferedReader = sys.stdin.buffer  # type: ignore[assignment]
    if not hasattr(raw, "peek"):  # a replaced stdin (tests, embedding) may not buffer
        raw = io.BufferedReader(raw)
    origin = Origin("stdin", "stdin.jsonl")
    gzipped = raw.peek(len(GZIP_MAGIC))[: len(GZIP_MAGIC)] == GZIP_MAGIC
    stream = gzip.GzipFile(fileobj=raw) if gzipped else raw
    compression = "gz" if gzipped else None
    refusal = refuse_start(stream, origin, compression)
    if refusal is not None:
        yield refusal
        return
    yield from read_jsonl(stream, origin, config, compression)


def read_inputs(inputs: Iterable[InputFile], config: ReadConfig) -> Iterator[Item]:
    """The documents of inputs `list_inputs` found, in order (for callers that listed them)."""
    for found in inputs:
        yield from _read_input(found, config)


def _read_input(found: InputFile, config: ReadConfig) -> Iterator[Item]:
    """The documents of one listed input."""
    name = printable_name(found.rel)
    origin = Origin(name, found.rel, top_folder(name))
    detected = detect(found.path.name)
    if found.error is not None:
        yield rejected_input(
            UNREADABLE, origin, "cannot list this folder: " + explain_os_error(found.error)
        )
    elif detected is None:
        error = f"cleanse does not read this kind of file; it reads {accepted_suffixes()}"
        error += "; rename it if it holds one of those, or leave it out with --exclude"
        yield rejected_input(UNSUPPORTED, origin, error)
    elif detected.format.name == "txt":
        yield _read_txt(found.path, origin, config, detected.compression, pipe_ok=found.given)
    elif detected.format.name == "jsonl":
        yield from read_jsonl_file(
            found.path, origin, config, detected.compression, pipe_ok=found.given
        )
    else:
        yield from _read_records(found.path, detected, origin, config)


def _read_records(
    path: Path | RemoteFile, detected: Detected, origin: Origin, config: ReadConfig
) -> Iterator[Item]:
    """The documents of a file read by a format reader of cleanse.formats (Parquet, WARC...)."""
    try:
        raw = open_input(path)
    except OSError as exc:
        yield rejected_input(UNREADABLE, origin, "cannot open the file: " + explain_os_error(exc))
        return
    with raw:
        if detected.compression is not None and not starts_like(raw, detected.compression):
            yield not_compressed(origin, detected.compression, detected.format.name)
            return
        gzip_read_by_format = detected.compression == "gz" and detected.format.reads_gzip
        stream = raw if gzip_read_by_format else open_reader(raw, detected.compression)
        for item in read_records(detected, stream, config.text_field):  # type: ignore[arg-type]
            if isinstance(item, Refusal):
                yield rejected_input(item.reason, origin, item.error, item.number, item.unit)
                continue
            yield reader_record_document(item, origin, config)


def reader_record_document(item: Record, origin: Origin, config: ReadConfig) -> Item:
    """The Document of a format reader's record; a file that is one document is named by its path."""
    if item.number is None:
        location: dict[str, Any] = {"path": origin.name}
        fallback = origin.name
    else:
        location = {"path": origin.name, item.unit: item.number}
        fallback = f"{origin.name}:{item.number}"
    doc = record_document(
        item.fields, fallback, config, folder=origin.folder, flags=item.flags, source=origin.source,
        location=location,
    )  # fmt: skip
    if item.number is None and doc.site is None and config.site_from in ("auto", "folder"):
        doc = dataclasses.replace(doc, site=origin.folder)
    return doc


def _read_txt(
    path: Path | RemoteFile,
    origin: Origin,
    config: ReadConfig,
    compression: str | None = None,
    *,
    pipe_ok: bool = False,
) -> Item:
    """The Document of a text file (plain, .gz or .zst), or its Rejected record when it is
    unreadable, binary or empty."""
    try:
        with open_input(path, pipe_ok=pipe_ok) as raw:
            if compression is not None and not starts_like(raw, compression):
                return not_compressed(origin, compression, "txt")
            try:
                data = open_reader(raw, compression).read()
            except STREAM_ERRORS as exc:
                broken = break_kind(exc)
                if compression is None or broken == "unreadable":
                    raise
                label = compression_label(compression)
                error = f"the compressed data is {broken} ({exc}); copy or compress it again"
                return rejected_input(f"input.{broken}-{label}", origin, error)
    except OSError as exc:
        return rejected_input(UNREADABLE, origin, "cannot read the file: " + explain_os_error(exc))
    kind = sniff_binary(data)
    if kind is not None:
        error = f"this looks like {kind}, not text; move it out of SRC or convert it to text"
        return rejected_input(BINARY, origin, error)
    decoded = decode_bytes(data)
    if is_blank(decoded.text):
        error = (
            "the file is empty or holds only whitespace or invisible characters; "
            "remove it or export it again"
        )
        return rejected_input(EMPTY, origin, error)
    site = origin.folder if config.site_from in ("auto", "folder") else None
    flags = (decoded.flag,) if decoded.flag else ()
    location = {"path": origin.name}
    return Document.from_text(
        origin.name,
        decoded.text,
        {},
        site=site,
        flags=flags,
        source=origin.source,
        location=location,
    )
