"""Write kept documents where the user asked: mirroring SRC's layout under DEST, one file, or stdout.

A .txt document becomes a file of the same relative path; JSONL records go back into a file of the
same name, in input order, every field kept and the cleaned text in place. Files are written under
a temporary name and renamed when complete, so an interrupted run never leaves half a file behind.

`checkpoint()` makes everything written so far durable (file contents, with fsync, and the names
of files published, with an fsync of their folders) and returns where the open file stands;
`CorpusWriter.resume` continues from such a state after a killed run. A .jsonl.gz file is written
as one gzip member per checkpoint (readers see one stream), so that a resumed file and one written
without interruption are the same bytes.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gzip
import io
import json
import os
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from cleanse.decode import KEPT_ENDING_FLAGS
from cleanse.document import Document

STDOUT = "-"
STDOUT_NAME = "<stdout>"  # how errors name standard output
TMP_SUFFIX = ".cleanse-tmp"


# Characters that JSON allows raw in a string but that str.splitlines() and some JSONL tools take
# for line ends; written escaped so that one record is always one line.
_LINE_BREAKER_PAIRS = (("\u2028", "\\u2028"), ("\u2029", "\\u2029"), ("\x85", "\\u0085"))


def json_line(value: Any) -> str:
    """`value` as one line of JSONL (UTF-8 kept readable, every line separator escaped).

    >>> json_line({"text": "a\u2028b"})
    '{"text": "a\\\\u2028b"}\\n'
    """
    line = json.dumps(value, ensure_ascii=False)
    # str.translate looks every character up in a dict: ~10x slower than three searches.
    for raw, escaped in _LINE_BREAKER_PAIRS:
        if raw in line:
            line = line.replace(raw, escaped)
    return line + "\n"


def temporary_name(path: Path) -> Path:
    """Where `path` is written until it is complete: a hidden sibling."""
    return path.with_name(f".{path.name}{TMP_SUFFIX}")


def output_text(doc: Document) -> str:
    """The text to write: with the document's own line endings when it used CR LF (or CR)
    throughout, which cleaning turned into LF.

    >>> output_text(Document("d", "a\\nb\\n", flags=("line-endings-crlf",)))
    'a\\r\\nb\\r\\n'
    """
    for ending, flag in KEPT_ENDING_FLAGS.items():
        if flag in doc.flags:
            return doc.text.replace("\n", ending)
    return doc.text


def to_record(doc: Document, text_field: str, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The output JSON object of a document: its input fields, the cleaned text, extracted values."""
    if doc.meta:
        record = dict(doc.meta)
        record[text_field] = output_text(doc)
    else:
        record = {"id": doc.id, text_field: output_text(doc)}
    for key, value in doc.extracted.items():
        record.setdefault(key, value)
    record.update(doc.annotations)
    if extra:
        record.update(extra)
    return record


class CorpusWriter:
    """Writes documents in the order they come; one output file is open at a time.

    dest: DEST folder (mirror=True), a single output file (mirror=False), or `-` for stdout;
    form: what a single output file holds, `jsonl` records or `txt` (default: what its name says).
    """

    def __init__(
        self, dest: str | Path, *, mirror: bool, text_field: str = "text", form: str | None = None
    ) -> None:
        self.dest = dest
        self.mirror = mirror
        self.text_field = text_field
        self.form = form
        self._path: Path | None = None
        self._raw: IO[bytes] | None = None  # the temporary file of the open JSONL output
        self._member: IO[str] | None = None  # the text layer over it (a gzip member for .gz)
        self._folders: set[Path] = set()  # where files were published since the last checkpoint
        self._unsynced_files = False  # .txt files published since then (synced all at once)
        self.files_written = 0

    def write(self, doc: Document, extra: Mapping[str, Any] | None = None) -> None:
        """Write one kept document (removed ones are skipped unless `extra` annotates them)."""
        if doc.removed is not None and extra is None:
            return
        if str(self.dest) == STDOUT:
            with naming_path(STDOUT_NAME):
                sys.stdout.write(json_line(to_record(doc, self.text_field, extra)))
            return
        path = Path(self.dest) / doc.source if self.mirror else Path(self.dest)
        with naming_path(path):
            if self._holds_records(path):
                self._switch(path)
                self._text().write(json_line(to_record(doc, self.text_field, extra)))
            else:
                self._switch(None)
                write_atomic(path, output_text(doc), sync=False)
                self._unsynced_files = True
                self.files_written += 1

    def _holds_records(self, path: Path) -> bool:
        if self.form is not None and not self.mirror:
            return self.form == "jsonl"
        return path.name.lower().endswith((".jsonl", ".jsonl.gz"))

    def checkpoint(self) -> dict[str, Any]:
        """Make what was written durable; the state `resume` needs to continue from here."""
        if str(self.dest) == STDOUT:
            with naming_path(STDOUT_NAME):
                sys.stdout.flush()
            return {"files_written": self.files_written}
        with naming_path(self._path or Path(self.dest)):
            self._end_member()
            self._sync_published()
            if self._raw is None or self._path is None:
                return {"files_written": self.files_written}
            self._raw.flush()
            os.fsync(self._raw.fileno())
        return {"files_written": self.files_written, "path": str(self._path), "bytes": self._raw.tell()}

    @classmethod
    def resume(
        cls,
        dest: str | Path,
        state: dict[str, Any],
        *,
        mirror: bool,
        text_field: str = "text",
        form: str | None = None,
    ) -> CorpusWriter:
        """A writer that continues from `checkpoint()`'s state, dropping whatever came after it."""
        writer = cls(dest, mirror=mirror, text_field=text_field, form=form)
        writer.files_written = int(state["files_written"])
        if "path" in state:
            path = Path(state["path"])
            if not temporary_name(path).exists() and path.exists():
                # Published after the checkpoint (the run went on to the next file, or was
                # completing): take it back and continue it from the checkpoint.
                os.replace(path, temporary_name(path))
            raw = temporary_name(path).open("r+b")
            raw.truncate(int(state["bytes"]))
            raw.seek(0, os.SEEK_END)
            writer._path, writer._raw = path, raw
        return writer

    def _text(self) -> IO[str]:
        if self._member is None:
            assert self._raw is not None and self._path is not None
            layer: IO[bytes] = self._raw
            if self._path.name.lower().endswith(".gz"):
                # mtime=0 and no file name in the header: the same input gives the same bytes.
                layer = gzip.GzipFile(filename="", mode="wb", fileobj=self._raw, mtime=0)
            self._member = io.TextIOWrapper(layer, encoding="utf-8", newline="\n")  # type: ignore[arg-type]
        return self._member

    def _end_member(self) -> None:
        if self._member is None:
            return
        self._member.flush()
        inner = self._member.detach()
        if isinstance(inner, gzip.GzipFile):
            inner.close()  # writes the member's trailer; the file under it stays open
        self._member = None

    def _switch(self, path: Path | None) -> None:
        if path == self._path or _same_file(path, self._path):
            return
        self._finish()
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        self._raw = temporary_name(path).open("wb")
        self._path = path

    def _finish(self) -> None:
        self._end_member()
        if self._raw is not None and self._path is not None:
            self._raw.flush()
            os.fsync(self._raw.fileno())
            self._raw.close()
            os.replace(temporary_name(self._path), self._path)
            self._folders.add(self._path.parent)
            self.files_written += 1
        self._raw = self._path = None

    def close(self) -> None:
        """Complete the file being written, and make every file written durable."""
        with naming_path(STDOUT_NAME if str(self.dest) == STDOUT else self._path or Path(self.dest)):
            self._finish()
            if str(self.dest) == STDOUT:
                sys.stdout.flush()
            self._sync_published()

    def _sync_published(self) -> None:
        """Make the files published since the last call durable, names and contents.

        Many small .txt files are synced with one syncfs() of their file system: an fsync per
        file costs about 5 ms on a disk (6 s for 1,300 documents), a syncfs tens of ms.
        """
        if self._unsynced_files:
            sync_filesystem(Path(self.dest))
        else:
            for folder in sorted(self._folders):
                fsync_dir(folder)
        self._folders.clear()
        self._unsynced_files = False

    def abandon(self) -> Path | None:
        """Close the open file without publishing it (after an error: it stays a temporary file,
        whose name is returned). A write that fails again while closing is ignored: the first
        error is the one to report."""
        left = temporary_name(self._path) if self._path is not None else None
        with contextlib.suppress(OSError, ValueError):
            if self._member is not None:
                self._member.flush()
        with contextlib.suppress(OSError):
            if self._raw is not None:
                self._raw.close()
        self._member = self._raw = self._path = None
        return left


def _same_file(one: Path | None, other: Path | None) -> bool:
    """True when two paths name one file however they are written (a resumed run may give DEST
    as `out`, its checkpoint as `/home/me/out`)."""
    return one is not None and other is not None and os.path.abspath(one) == os.path.abspath(other)


@contextlib.contextmanager
def naming_path(path: str | Path) -> Iterator[None]:
    """Give an OSError raised inside the path it was writing, when it does not name one (a
    failed write or flush names none), so the error message can say where."""
    try:
        yield
    except OSError as exc:
        if exc.filename is None:
            exc.filename = str(path)
        raise


def write_atomic(path: Path, text: str, *, sync: bool = True) -> None:
    """Write `text` to `path` under its temporary name, then rename it into place.

    With `sync` the contents are fsynced before the rename and the new name after it; without,
    the caller makes them durable later (see `sync_filesystem`).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_name(path)
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(text)
            if sync:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)  # a full disk must not stay full of a half-written file
        raise
    if sync:
        fsync_dir(path.parent)


def sync_filesystem(path: Path) -> None:
    """Flush every file of the file system holding `path` to disk (syncfs; sync where absent)."""
    syncfs = getattr(_libc(), "syncfs", None)
    if syncfs is None:
        os.sync()
        return
    fd = os.open(path if path.is_dir() else path.parent, os.O_RDONLY)
    try:
        if syncfs(fd) != 0:
            os.sync()
    finally:
        os.close(fd)


@functools.cache
def _libc() -> Any:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def fsync_dir(path: Path) -> None:
    """Make the names in folder `path` durable (files created, renamed or removed there)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
