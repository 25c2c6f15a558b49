"""Read documents from a .txt tree, JSONL / JSONL.gz files, a single file, or JSONL on stdin.

Documents come out lazily in a deterministic order (sorted relative paths, then line order). Bad
input never stops a run: a malformed JSON line, a record without text or a binary file becomes a
Document that is already `removed`, with the reason, so the audit accounts for it.
"""

from __future__ import annotations

import gzip
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from cleanse.decode import decode_bytes, looks_binary
from cleanse.document import Document
from cleanse.errors import InputError

STDIN = "-"
TEXT_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
MALFORMED_JSON = "input.malformed-json"
MISSING_TEXT = "input.missing-text"
BINARY = "input.binary"


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


def input_kind(path: Path) -> str:
    """`txt` or `jsonl` for a file name, else raise InputError naming the accepted suffixes."""
    name = path.name.lower()
    if name.endswith(TEXT_SUFFIXES):
        return "txt"
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    msg = f"{path}: cannot read this kind of file; give .txt, .jsonl or .jsonl.gz files, or a folder of them"
    raise InputError(msg)


def list_inputs(src: Path) -> list[Path]:
    """Input files under a folder (sorted, hidden entries skipped), or the file itself."""
    if not src.exists():
        msg = f"{src}: no such file or folder"
        raise InputError(msg)
    if src.is_file():
        input_kind(src)
        return [src]
    files = []
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        if path.name.lower().endswith(TEXT_SUFFIXES + JSONL_SUFFIXES):
            files.append(path)
    return files


def read_documents(src: str | Path, config: ReadConfig | None = None) -> Iterator[Document]:
    """Every document under `src` (a folder, a file, or `-` for JSONL on stdin), in order."""
    config = config or ReadConfig()
    if str(src) == STDIN:
        yield from _read_jsonl(sys.stdin.buffer, "stdin", "stdin.jsonl", None, config)
        return
    root = Path(src)
    for path in list_inputs(root):
        rel = path.name if root.is_file() else path.relative_to(root).as_posix()
        folder = None if root.is_file() else _top_folder(rel)
        if input_kind(path) == "txt":
            yield _read_txt(path, rel, folder, config)
        else:
            opener = gzip.open if path.name.lower().endswith(".gz") else open
            with opener(path, "rb") as stream:
                yield from _read_jsonl(stream, rel, rel, folder, config)


def _top_folder(rel: str) -> str | None:
    parts = rel.split("/")
    return parts[0] if len(parts) > 1 else None


def _read_txt(path: Path, rel: str, folder: str | None, config: ReadConfig) -> Document:
    data = path.read_bytes()
    site = folder if config.site_from in ("auto", "folder") else None
    if looks_binary(data):
        return Document(id=rel, text="", meta={}, site=site, removed=BINARY, source=rel)
    decoded = decode_bytes(data)
    flags = (decoded.flag,) if decoded.flag else ()
    return Document(id=rel, text=decoded.text, meta={}, site=site, flags=flags, source=rel)


def _read_jsonl(
    stream: BinaryIO, label: str, rel: str, folder: str | None, config: ReadConfig
) -> Iterator[Document]:
    for number, raw in enumerate(stream, start=1):
        if not raw.strip():
            continue
        fallback_id = f"{label}:{number}"
        decoded = decode_bytes(raw)
        flags = (decoded.flag,) if decoded.flag else ()
        try:
            record = json.loads(decoded.text)
        except json.JSONDecodeError as exc:
            detail = {"error": f"line {number}: {exc.msg} at column {exc.colno}"}
            yield Document(fallback_id, "", {}, removed=MALFORMED_JSON, removed_detail=detail, source=rel)
            continue
        if not isinstance(record, dict):
            detail = {"error": f"line {number}: a JSON object is expected"}
            yield Document(fallback_id, "", {}, removed=MALFORMED_JSON, removed_detail=detail, source=rel)
            continue
        yield record_document(record, fallback_id, config, folder=folder, flags=flags, source=rel)

def record_document(
    record: dict[str, Any],
    fallback_id: str,
    config: ReadConfig,
    *,
    folder: str | None = None,
    flags: tuple[str, ...] = (),
    source: str = "",
) -> Document:
    """The Document of one JSON record: its id, text and site, the other fields kept as metadata.

    A record without a string text field comes back removed, with the reason.
    """
    doc_id = record.get(config.id_field)
    doc_id = fallback_id if doc_id is None else str(doc_id)
    text = record.get(config.text_field)
    # The record keeps its key order; the writer puts the cleaned text back in its place.
    meta = {key: (None if key == config.text_field else value) for key, value in record.items()}
    site = _site(record, folder, config)
    if not isinstance(text, str):
        detail = {"error": f"no string field {config.text_field!r} (see --text-field)"}
        return Document(doc_id, "", meta, site=site, removed=MISSING_TEXT, removed_detail=detail, source=source)
    return Document(doc_id, text, meta, site=site, flags=flags, source=source)


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
