"""The input texts of a few documents of a finished run, read back from its SRC.

The audit names where each document came from: its file (`path`, relative to SRC) and, in JSON
lines, its line. So the texts of the clusters the report shows are found by reading only those
lines' JSON: the other lines of their files are passed over as bytes, and the files the audit
does not name are not opened. A document not found that way (a text, Parquet or WARC file, a
UTF-16 JSON lines file, a line that no longer holds it) is looked up by reading SRC in order, as
the run did, up to SCAN_LIMIT documents.
"""

from __future__ import annotations

from pathlib import Path

from cleanse.decode import decode_bytes, wide_encoding
from cleanse.document import Document
from cleanse.formats.compression import STREAM_ERRORS, open_reader, starts_like
from cleanse.formats.registry import detect, open_input
from cleanse.input_origin import Origin, top_folder
from cleanse.jsonl_input import jsonl_line_document
from cleanse.readers import InputFile, ReadConfig, list_inputs, read_documents

SCAN_LIMIT = 200_000  # documents read from SRC in order, at most, to find the ones left


def read_texts(
    src: Path, places: dict[str, tuple[object, object]], read: ReadConfig
) -> dict[str, str]:
    """The input text of each document of `places` (id -> the audit's `path` and `line`)."""
    found = _read_lines(src, places, read)
    rest = set(places) - set(found)
    if rest:
        found.update(_scan(src, rest, read))
    return found


def _read_lines(
    src: Path, places: dict[str, tuple[object, object]], read: ReadConfig
) -> dict[str, str]:
    """The documents whose JSON lines the audit names, reading only those lines' JSON."""
    wanted: dict[str, dict[int, str]] = {}  # file -> line -> id
    for doc_id, (path, line) in places.items():
        if isinstance(path, str) and isinstance(line, int) and line >= 1:
            wanted.setdefault(path, {})[line] = doc_id
    if not wanted:
        return {}
    found: dict[str, str] = {}
    for listed in list_inputs(src, read.include, read.exclude):
        # A name the audit holds as it is (a file name that is not UTF-8 is not: left to the scan).
        lines = wanted.get(listed.rel)
        detected = detect(listed.path.name)
        if lines and listed.error is None and detected and detected.format.name == "jsonl":
            try:
                found.update(_jsonl_lines(listed, detected.compression, lines, read))
            except STREAM_ERRORS:  # unreadable now: the scan reports nothing either
                continue
    return found


def _jsonl_lines(
    listed: InputFile, compression: str | None, lines: dict[int, str], read: ReadConfig
) -> dict[str, str]:
    """The texts on the given lines of one JSON lines file, for the ids the lines should hold."""
    found: dict[str, str] = {}
    origin = Origin(listed.rel, listed.rel, top_folder(listed.rel))
    last = max(lines)
    with open_input(listed.path) as raw:
        if compression is not None and not starts_like(raw, compression):
            return found
        for number, data in enumerate(open_reader(raw, compression), start=1):
            if number == 1 and wide_encoding(data):  # split only once decoded: left to the scan
                return found
            doc_id = lines.get(number)
            if doc_id is not None:
                decoded = decode_bytes(data)
                doc = jsonl_line_document(number, decoded.text, decoded.flag, origin, read)
                if isinstance(doc, Document) and doc.id == doc_id:
                    found[doc_id] = doc.text
            if number >= last:
                break
    return found


def _scan(src: Path, ids: set[str], read: ReadConfig) -> dict[str, str]:
    """The input text of each id, looked up as a file first, else by reading SRC in order."""
    found: dict[str, str] = {}
    for doc_id in ids:
        path = src / doc_id if src.is_dir() else src
        if doc_id.endswith(".txt") and path.is_file() and path.suffix == ".txt":
            for doc in read_documents(path, read):
                found[doc_id] = doc.text if isinstance(doc, Document) else ""
    rest = ids - set(found)
    if rest:
        for count, doc in enumerate(read_documents(src, read)):
            if doc.id in rest:
                found[doc.id] = doc.text if isinstance(doc, Document) else ""
                rest.discard(doc.id)
            if not rest or count >= SCAN_LIMIT:
                break
    return found
