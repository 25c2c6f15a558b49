"""Read documents from a folder tree, a single file, or JSONL on stdin.

Text and JSON lines (plain, gzip or zstd) are read here; Parquet, WET, WARC and HTML files by the
readers of cleanse.formats, whose registry tells which file holds what. A file in a folder that
no reader takes is rejected as `input.unsupported-format`, never skipped in silence.
Documents come out lazily in a deterministic order (sorted relative paths, then line order; see
cleanse.walk for how folders and links are walked). Bad input never stops a run: an input that
cannot be read as a document (binary, empty, unreadable, malformed JSON, a cut-off gzip...)
becomes a Rejected record with an `input.*` reason and a `detail` naming its `path`, its `line`
(JSONL) and what to do (`error`), so the audit accounts for every input.
"""

from __future__ import annotations

import codecs
import dataclasses
import errno
import gzip
import io
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeAlias

from cleanse.decode import BINARY_PROBE, decode_bytes, is_blank, sniff_binary, wide_encoding
from cleanse.document import Change, Document, Item, Rejected
from cleanse.formats.compression import (
    STREAM_ERRORS,
    break_kind,
    compression_label,
    open_reader,
    starts_like,
)
from cleanse.formats.records import UNSUPPORTED, Record, Refusal, read_records
from cleanse.formats.registry import (
    Detected,
    NotRegularFileError,
    accepted_suffixes,
    detect,
    open_input,
)
from cleanse.record_documents import EMPTY, ReadConfig, record_document
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

# What JSONL is read from: a file, stdin, or a gzip stream over a file.
ByteStream: TypeAlias = IO[bytes] | io.BufferedIOBase

# Reasons of inputs that could not be read as documents; each comes with path, line and error.
MALFORMED_JSON = "input.malformed-json"  # a JSONL line that is not a JSON object
BINARY = "input.binary"  # an image, archive or other binary data
UNREADABLE = "input.unreadable"  # the OS refused: permissions, broken links, I/O errors
NOT_GZIP = "input.not-gzip"  # a .jsonl.gz file that is not gzip-compressed
TRUNCATED_GZIP = "input.truncated-gzip"  # a .jsonl.gz file that ends mid-stream
CORRUPT_GZIP = "input.corrupt-gzip"  # a .jsonl.gz file whose compressed data is damaged
# The same three for zstd: input.not-zstd, input.truncated-zstd, input.corrupt-zstd. A record's
# missing, non-string or blank text (input.missing-text...): cleanse.record_documents.


@dataclass(frozen=True, slots=True)
class Origin:
    """Where documents come from: `name` names them in ids and in the `path` of rejects (the path
    relative to SRC, or `stdin`), `source` is the file the writer mirrors, `folder` the top-level
    folder (a .txt tree's site)."""

    name: str
    source: str
    folder: str | None = None


@dataclass(frozen=True, slots=True)
class _StreamBreak:
    """A stream failed while reading line `line`, with the error that stopped it."""

    line: int
    error: Exception


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
    refusal = _refuse_start(stream, origin, compression)
    if refusal is not None:
        yield refusal
        return
    yield from _read_jsonl(stream, origin, config, compression)


def read_inputs(inputs: Iterable[InputFile], config: ReadConfig) -> Iterator[Item]:
    """The documents of inputs `list_inputs` found, in order (for callers that listed them)."""
    for found in inputs:
        yield from _read_input(found, config)


def _read_input(found: InputFile, config: ReadConfig) -> Iterator[Item]:
    """The documents of one listed input."""
    name = _printable(found.rel)
    origin = Origin(name, found.rel, top_folder(name))
    detected = detect(found.path.name)
    if found.error is not None:
        yield rejected_input(
            UNREADABLE, origin, "cannot list this folder: " + _explain(found.error)
        )
    elif detected is None:
        error = f"cleanse does not read this kind of file; it reads {accepted_suffixes()}"
        error += "; rename it if it holds one of those, or leave it out with --exclude"
        yield rejected_input(UNSUPPORTED, origin, error)
    elif detected.format.name == "txt":
        yield _read_txt(found.path, origin, config, detected.compression, pipe_ok=found.given)
    elif detected.format.name == "jsonl":
        yield from _read_jsonl_file(
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
        yield rejected_input(UNREADABLE, origin, "cannot open the file: " + _explain(exc))
        return
    with raw:
        if detected.compression is not None and not starts_like(raw, detected.compression):
            yield _not_compressed(origin, detected.compression, detected.format.name)
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


def _not_compressed(origin: Origin, compression: str, fmt: str) -> Rejected:
    """The Rejected record of a file whose name claims a compression its bytes do not have."""
    label = compression_label(compression)
    plain = {"jsonl": ".jsonl if it holds JSON lines", "txt": ".txt if it holds text"}.get(
        fmt, "its name without the compression suffix"
    )
    error = f"the file is not {label}-compressed; rename it to {plain}"
    return rejected_input(f"input.not-{label}", origin, error)


def _printable(rel: str) -> str:
    """A path as text UTF-8 can hold: the bytes of a file name that are not UTF-8 shown as `\\xe9`.

    >>> _printable("caf\\udce9/a.txt")
    'caf\\\\xe9/a.txt'
    """
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def top_folder(rel: str) -> str | None:
    parts = rel.split("/")
    return parts[0] if len(parts) > 1 else None


def rejected_input(
    reason: str, origin: Origin, error: str, line: int | None = None, unit: str = "line"
) -> Rejected:
    """The record of an input that could not be read: where it is and what to do."""
    detail: dict[str, Any] = {"path": origin.name}
    if line is not None:
        detail[unit] = line
    detail["error"] = error
    doc_id = origin.name if line is None else f"{origin.name}:{line}"
    location = {key: detail[key] for key in ("path", unit) if key in detail}
    return Rejected(doc_id, reason, detail, location=location, source=origin.source)


def _explain(exc: OSError) -> str:
    """Why the OS refused, and what to do about it, in one sentence."""
    cause = exc.strerror or str(exc) or type(exc).__name__
    if exc.errno is not None and exc.errno in errno.errorcode:
        cause = f"{cause} [{errno.errorcode[exc.errno]}]"
    if isinstance(exc, PermissionError):
        advice = "give the user running cleanse read access, or move it out of SRC"
    elif isinstance(exc, FileNotFoundError):
        advice = "it is a broken link or was deleted during the run; fix or remove it"
    elif exc.errno == errno.ELOOP:
        advice = "a symbolic link points to itself or in a circle; fix or remove it"
    elif exc.errno == errno.ENAMETOOLONG:
        advice = (
            "its path is longer than the system allows (about 4,096 bytes, 255 per name); "
            "move it to a shallower folder, or give that folder itself as SRC"
        )
    elif isinstance(exc, NotRegularFileError):
        advice = "reading it could block forever; move it out of SRC"
    else:
        advice = "the disk or network failed while reading; check it and run again"
    return f"{cause}; {advice}"


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
                return _not_compressed(origin, compression, "txt")
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
        return rejected_input(UNREADABLE, origin, "cannot read the file: " + _explain(exc))
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


def _read_jsonl_file(
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
        yield rejected_input(UNREADABLE, origin, "cannot open the file: " + _explain(exc))
        return
    with raw:
        if compression is not None and not starts_like(raw, compression):
            yield _not_compressed(origin, compression, "jsonl")
            return
        stream = open_reader(raw, compression)
        refusal = _refuse_start(stream, origin, compression)
        if refusal is not None:
            yield refusal
            return
        yield from _read_jsonl(stream, origin, config, compression)


def _refuse_start(stream: Any, origin: Origin, compression: str | None) -> Rejected | None:
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


def _read_jsonl(
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
    error = f"reading failed: {_explain(item.error)}; {done}"
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
