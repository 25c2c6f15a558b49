"""Where a document comes from, and the record of an input that could not be read.

Every reader names its documents and its refusals the same way: an `Origin` (the path relative to
SRC, the file the writer mirrors, the top-level folder), and for an input that is not a document a
Rejected record whose `detail` says where it is (`path`, `line`) and what to do (`error`).
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from typing import Any

from cleanse.document import Rejected
from cleanse.formats.compression import compression_label
from cleanse.formats.registry import NotRegularFileError

__all__ = [
    "BINARY",
    "UNREADABLE",
    "Origin",
    "explain_os_error",
    "not_compressed",
    "printable_name",
    "rejected_input",
    "top_folder",
]

# Reasons of inputs that could not be read as documents; each comes with path, line and error.
BINARY = "input.binary"  # an image, archive or other binary data
UNREADABLE = "input.unreadable"  # the OS refused: permissions, broken links, I/O errors
NOT_GZIP = "input.not-gzip"  # a .jsonl.gz file that is not gzip-compressed
TRUNCATED_GZIP = "input.truncated-gzip"  # a .jsonl.gz file that ends mid-stream
CORRUPT_GZIP = "input.corrupt-gzip"  # a .jsonl.gz file whose compressed data is damaged
# The same three for zstd: input.not-zstd, input.truncated-zstd, input.corrupt-zstd. A JSONL
# line that is not a JSON object: cleanse.jsonl_input. A record's missing, non-string or blank
# text (input.missing-text...): cleanse.record_documents.


@dataclass(frozen=True, slots=True)
class Origin:
    """Where documents come from: `name` names them in ids and in the `path` of rejects (the path
    relative to SRC, or `stdin`), `source` is the file the writer mirrors, `folder` the top-level
    folder (a .txt tree's site)."""

    name: str
    source: str
    folder: str | None = None


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


def not_compressed(origin: Origin, compression: str, fmt: str) -> Rejected:
    """The Rejected record of a file whose name claims a compression its bytes do not have."""
    label = compression_label(compression)
    plain = {"jsonl": ".jsonl if it holds JSON lines", "txt": ".txt if it holds text"}.get(
        fmt, "its name without the compression suffix"
    )
    error = f"the file is not {label}-compressed; rename it to {plain}"
    return rejected_input(f"input.not-{label}", origin, error)


def printable_name(rel: str) -> str:
    """A path as text UTF-8 can hold: the bytes of a file name that are not UTF-8 shown as `\\xe9`.

    >>> printable_name("caf\\udce9/a.txt")
    'caf\\\\xe9/a.txt'
    """
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def top_folder(rel: str) -> str | None:
    parts = rel.split("/")
    return parts[0] if len(parts) > 1 else None


def explain_os_error(exc: OSError) -> str:
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
