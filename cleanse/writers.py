"""Write kept documents where the user asked: mirroring SRC's layout under DEST, one file, or stdout.

A .txt document becomes a file of the same relative path; JSONL records go back into a file of the
same name, in input order, every field kept and the cleaned text in place. Files are written under
a temporary name and renamed when complete, so an interrupted run never leaves half a file behind.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from cleanse.document import Document

STDOUT = "-"


def to_record(doc: Document, text_field: str, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The output JSON object of a document: its input fields, the cleaned text, extracted values."""
    if doc.meta:
        record = dict(doc.meta)
        record[text_field] = doc.text
    else:
        record = {"id": doc.id, text_field: doc.text}
    for key, value in doc.extracted.items():
        record.setdefault(key, value)
    record.update(doc.annotations)
    if extra:
        record.update(extra)
    return record


class CorpusWriter:
    """Writes documents in the order they come; one output file is open at a time.

    dest: DEST folder (mirror=True), a single output file (mirror=False), or `-` for stdout.
    """

    def __init__(self, dest: str | Path, *, mirror: bool, text_field: str = "text") -> None:
        self.dest = dest
        self.mirror = mirror
        self.text_field = text_field
        self._path: Path | None = None
        self._tmp: Path | None = None
        self._stream: IO[str] | None = None
        self.files_written = 0

    def write(self, doc: Document, extra: Mapping[str, Any] | None = None) -> None:
        """Write one kept document (removed ones are skipped unless `extra` annotates them)."""
        if doc.removed is not None and extra is None:
            return
        if str(self.dest) == STDOUT:
            sys.stdout.write(json.dumps(to_record(doc, self.text_field, extra), ensure_ascii=False) + "\n")
            return
        path = Path(self.dest) / doc.source if self.mirror else Path(self.dest)
        if path.name.lower().endswith((".jsonl", ".jsonl.gz")):
            self._switch(path)
            assert self._stream is not None
            self._stream.write(json.dumps(to_record(doc, self.text_field, extra), ensure_ascii=False) + "\n")
        else:
            self._switch(None)
            _write_atomic(path, doc.text)
            self.files_written += 1

    def _switch(self, path: Path | None) -> None:
        if path == self._path:
            return
        self._finish()
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.cleanse-tmp")
        if path.name.lower().endswith(".gz"):
            self._stream = gzip.open(tmp, "wt", encoding="utf-8")  # noqa: SIM115 (closed in _finish)
        else:
            self._stream = tmp.open("w", encoding="utf-8")
        self._path, self._tmp = path, tmp

    def _finish(self) -> None:
        if self._stream is not None and self._path is not None and self._tmp is not None:
            self._stream.close()
            os.replace(self._tmp, self._path)
            self.files_written += 1
        self._stream = self._path = self._tmp = None

    def close(self) -> None:
        """Complete the file being written."""
        self._finish()
        if str(self.dest) == STDOUT:
            sys.stdout.flush()


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.cleanse-tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
