"""Read documents from a .txt tree, JSONL / JSONL.gz files, a single file, or JSONL on stdin.

Documents come out lazily in a deterministic order (sorted relative paths, then line order; see
cleanse.walk for how folders and links are walked). Bad input never stops a run: an input that
cannot be read as a document (binary, empty, unreadable, malformed JSON, a cut-off gzip...)
becomes a Document already `removed` with an `input.*` reason and a `removed_detail` naming its
`path`, its `line` (JSONL) and what to do (`error`), so the audit accounts for every input.
"""

from __future__ import annotations

import errno
import gzip
import io
import json
import stat
import sys
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeAlias
from urllib.parse import urlsplit

from cleanse.decode import BINARY_PROBE, decode_bytes, is_blank, sniff_binary, wide_encoding
from cleanse.document import Document
from cleanse.records import (
    REPLACED_SURROGATES,
    RecordError,
    json_type,
    parse_record,
    replace_lone_surrogates,
)
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
MISSING_TEXT = "input.missing-text"  # a record whose text field is absent or null
TEXT_NOT_STRING = "input.text-not-string"  # a record whose text field is a number, list...
BINARY = "input.binary"  # an image, archive or other binary data
EMPTY = "input.empty"  # a .txt file with nothing but whitespace
UNREADABLE = "input.unreadable"  # the OS refused: permissions, broken links, I/O errors
NOT_GZIP = "input.not-gzip"  # a .jsonl.gz file that is not gzip-compressed
TRUNCATED_GZIP = "input.truncated-gzip"  # a .jsonl.gz file that ends mid-stream
CORRUPT_GZIP = "input.corrupt-gzip"  # a .jsonl.gz file whose compressed data is damaged


@dataclass(frozen=True, slots=True)
class ReadConfig:
    """How records map to documents.

    text_field: the JSONL field holding the text; id_field: the field holding a record's id
    (records without it get `file:line`); site_from: `auto` (a `site` field, else the host of a
    `url` field, else the top-level folder of a .txt tree), `folder`, or the name of a JSONL field.
    """

    text_field: str = "text"
    id_field: str = "id"
    site_from: str = "auto"


@dataclass(frozen=True, slots=True)
class _Origin:
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


class _NotRegularFileError(OSError):
    """The path is a pipe, socket or device: reading it could block or never end."""


def read_documents(src: str | Path, config: ReadConfig | None = None) -> Iterator[Document]:
    """Every document under `src` (a folder, a file, or `-` for JSONL on stdin), in order.

    Inputs that cannot be read come out as rejected Documents; only a missing or unlistable SRC
    raises (InputError).
    """
    config = config or ReadConfig()
    if str(src) == STDIN:
        yield from _read_stdin(config)
        return
    yield from read_inputs(list_inputs(Path(src)), config)


def _read_stdin(config: ReadConfig) -> Iterator[Document]:
    """The documents of JSONL on stdin, sniffed as a file is: gzip is decompressed, other binary
    data (another archive format, an image) is one rejected input."""
    raw: io.BufferedReader = sys.stdin.buffer  # type: ignore[assignment]
    if not hasattr(raw, "peek"):  # a replaced stdin (tests, embedding) may not buffer
        raw = io.BufferedReader(raw)  # type: ignore[arg-type]
    origin = _Origin("stdin", "stdin.jsonl")
    gzipped = raw.peek(len(GZIP_MAGIC))[: len(GZIP_MAGIC)] == GZIP_MAGIC
    stream = gzip.GzipFile(fileobj=raw) if gzipped else raw
    refusal = _refuse_start(raw, stream, origin)
    if refusal is not None:
        yield refusal
        return
    yield from _read_jsonl(stream, origin, config)


def read_inputs(inputs: Iterable[InputFile], config: ReadConfig) -> Iterator[Document]:
    """The documents of inputs `list_inputs` found, in order (for callers that listed them)."""
    for found in inputs:
        yield from _read_input(found, config)


def _read_input(found: InputFile, config: ReadConfig) -> Iterator[Document]:
    """The documents of one listed input."""
    name = _printable(found.rel)
    origin = _Origin(name, found.rel, _top_folder(name))
    if found.error is not None:
        yield _rejected(UNREADABLE, origin, "cannot list this folder: " + _explain(found.error))
    elif input_kind(found.path) == "txt":
        yield _read_txt(found.path, origin, config, pipe_ok=found.given)
    else:
        yield from _read_jsonl_file(found.path, origin, config, pipe_ok=found.given)


def _printable(rel: str) -> str:
    """A path as text UTF-8 can hold: the bytes of a file name that are not UTF-8 shown as `\\xe9`.

    >>> _printable("caf\\udce9/a.txt")
    'caf\\\\xe9/a.txt'
    """
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _top_folder(rel: str) -> str | None:
    parts = rel.split("/")
    return parts[0] if len(parts) > 1 else None


def _rejected(reason: str, origin: _Origin, error: str, line: int | None = None) -> Document:
    """A Document standing for an input that could not be read: where it is and what to do."""
    detail: dict[str, Any] = {"path": origin.name}
    if line is not None:
        detail["line"] = line
    detail["error"] = error
    doc_id = origin.name if line is None else f"{origin.name}:{line}"
    location = {key: detail[key] for key in ("path", "line") if key in detail}
    return Document(
        doc_id, "", {}, removed=reason, removed_detail=detail, source=origin.source, location=location
    )


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
    elif isinstance(exc, _NotRegularFileError):
        advice = "reading it could block forever; move it out of SRC"
    else:
        advice = "the disk or network failed while reading; check it and run again"
    return f"{cause}; {advice}"


def _open_file(path: Path, *, pipe_ok: bool = False) -> io.BufferedReader:
    """Open a regular file for reading; pipes, sockets and devices raise _NotRegularFileError,
    except a named pipe given as SRC itself (`pipe_ok`): it is read as a stream, as stdin is."""
    mode = path.stat().st_mode
    if not (stat.S_ISREG(mode) or (pipe_ok and stat.S_ISFIFO(mode))):
        msg = "not a regular file but a pipe, socket or device"
        raise _NotRegularFileError(msg)
    return path.open("rb")


def _read_txt(path: Path, origin: _Origin, config: ReadConfig, *, pipe_ok: bool = False) -> Document:
    """The Document of a .txt file, or a rejected one when it is unreadable, binary or empty."""
    try:
        with _open_file(path, pipe_ok=pipe_ok) as stream:
            data = stream.read()
    except OSError as exc:
        return _rejected(UNREADABLE, origin, "cannot read the file: " + _explain(exc))
    kind = sniff_binary(data)
    if kind is not None:
        error = f"this looks like {kind}, not text; move it out of SRC or convert it to text"
        return _rejected(BINARY, origin, error)
    decoded = decode_bytes(data)
    if is_blank(decoded.text):
        error = (
            "the file is empty or holds only whitespace or invisible characters; "
            "remove it or export it again"
        )
        return _rejected(EMPTY, origin, error)
    site = origin.folder if config.site_from in ("auto", "folder") else None
    flags = (decoded.flag,) if decoded.flag else ()
    location = {"path": origin.name}
    return Document(
        origin.name, decoded.text, {}, site=site, flags=flags, source=origin.source, location=location
    )


def _read_jsonl_file(
    path: Path, origin: _Origin, config: ReadConfig, *, pipe_ok: bool = False
) -> Iterator[Document]:
    """The documents of a .jsonl or .jsonl.gz file."""
    try:
        raw = _open_file(path, pipe_ok=pipe_ok)
    except OSError as exc:
        yield _rejected(UNREADABLE, origin, "cannot open the file: " + _explain(exc))
        return
    with raw:
        stream = gzip.GzipFile(fileobj=raw) if path.name.lower().endswith(".gz") else raw
        refusal = _refuse_start(raw, stream, origin)
        if refusal is not None:
            yield refusal
            return
        yield from _read_jsonl(stream, origin, config)


def _refuse_start(
    raw: io.BufferedReader, stream: io.BufferedReader | gzip.GzipFile, origin: _Origin
) -> Document | None:
    """A rejected Document when a JSONL file is refused from its first bytes: a .gz that is not
    gzip, binary data, or a stream that fails at once; else None (nothing is consumed)."""
    try:
        if stream is not raw and not _starts_like_gzip(raw):
            error = "the file is not gzip-compressed; rename it to .jsonl if it holds JSON lines"
            return _rejected(NOT_GZIP, origin, error)
        kind = sniff_binary(stream.peek(BINARY_PROBE))
    except (OSError, EOFError, zlib.error) as exc:
        return _broken_stream(_StreamBreak(1, exc), origin)
    if kind is None:
        return None
    todo = "decompress or convert it before piping it in" if origin.name == "stdin" else "move it out of SRC"
    return _rejected(BINARY, origin, f"this looks like {kind}, not JSON lines; {todo}")


def _starts_like_gzip(raw: io.BufferedReader) -> bool:
    """True when a file starts with gzip's magic number, or is empty (no records either way)."""
    return raw.peek(len(GZIP_MAGIC))[: len(GZIP_MAGIC)] in (b"", GZIP_MAGIC)


def _read_jsonl(stream: ByteStream, origin: _Origin, config: ReadConfig) -> Iterator[Document]:
    """One Document per non-blank line; a stream that breaks ends with one rejected Document."""
    for item in _raw_lines(stream):
        if isinstance(item, _StreamBreak):
            yield _broken_stream(item, origin)
            return
        number, raw = item
        if number == 1 and wide_encoding(raw):
            yield from _wide_documents(raw, origin, config)
            return
        decoded = decode_bytes(raw)
        doc = _line_document(number, decoded.text, decoded.flag, origin, config)
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
    except (OSError, EOFError, zlib.error) as exc:
        yield _StreamBreak(number + 1, exc)


def _wide_documents(data: bytes, origin: _Origin, config: ReadConfig) -> Iterator[Document]:
    """The documents of a whole UTF-16 or UTF-32 JSONL file, decoded before it is split."""
    decoded = decode_bytes(data)
    for number, line in enumerate(decoded.text.split("\n"), start=1):
        doc = _line_document(number, line, decoded.flag, origin, config)
        if doc is not None:
            yield doc


def _broken_stream(item: _StreamBreak, origin: _Origin) -> Document:
    """The rejected Document that ends a stream which failed at line `item.line`."""
    done = f"the lines before line {item.line} were read"
    if isinstance(item.error, EOFError):
        error = f"the compressed file ends mid-stream; {done}; copy or compress it again"
        return _rejected(TRUNCATED_GZIP, origin, error, item.line)
    if isinstance(item.error, gzip.BadGzipFile | zlib.error):
        error = f"the compressed data is damaged ({item.error}); {done}; copy or compress it again"
        return _rejected(CORRUPT_GZIP, origin, error, item.line)
    assert isinstance(item.error, OSError)  # the only other error _raw_lines catches
    error = f"reading failed: {_explain(item.error)}; {done}"
    return _rejected(UNREADABLE, origin, error, item.line)


def _line_document(
    number: int, text: str, flag: str | None, origin: _Origin, config: ReadConfig
) -> Document | None:
    """The Document of one JSONL line, a rejected one if it is not a JSON object, None if blank."""
    if not text.strip():
        return None
    try:
        record = parse_record(text)
    except RecordError as exc:
        return _rejected(MALFORMED_JSON, origin, str(exc), number)
    flags: tuple[str, ...] = (flag,) if flag else ()
    record, replaced = replace_lone_surrogates(record, text, config.text_field)
    if replaced:
        flags += (REPLACED_SURROGATES,)
    doc = record_document(
        record,
        f"{origin.name}:{number}",
        config,
        folder=origin.folder,
        flags=flags,
        source=origin.source,
        location={"path": origin.name, "line": number},
    )
    return doc.evolve(changes=tuple(replaced)) if replaced and doc.removed is None else doc


def record_document(
    record: dict[str, Any],
    fallback_id: str,
    config: ReadConfig,
    *,
    folder: str | None = None,
    flags: tuple[str, ...] = (),
    source: str = "",
    location: Mapping[str, Any] | None = None,
) -> Document:
    """The Document of one JSON record: its id, text and site, the other fields kept as metadata.

    A record without a string text field comes back removed, with the reason and, in its detail,
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
        return Document(
            doc_id, "", meta, site=site, removed=reason, removed_detail=detail, source=source,
            location=where,
        )  # fmt: skip
    return Document(doc_id, text, meta, site=site, flags=flags, source=source, location=where)


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
