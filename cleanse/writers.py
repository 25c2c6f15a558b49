"""Write kept documents where the user asked: mirroring SRC's layout under DEST, one file, or stdout.

A .txt document becomes a file of the same relative path; JSONL and Parquet records go back into a file of
the same name, in input order, every field kept and the cleaned text in place (WET, WARC and HTML
inputs, and --format / --compression, change the ending: see cleanse.formats). Files are written under
a temporary name and renamed when complete, so an interrupted run never leaves half a file behind.

`checkpoint()` makes everything written so far durable (file contents, with fsync, and the names
of files published, with an fsync of their folders) and returns where the open file stands;
`CorpusWriter.resume` continues from such a state after a killed run. A .jsonl.gz file is written
as one gzip member (.zst: one zstd frame) per checkpoint (readers see one stream), and a Parquet
file as one part file per checkpoint, so that a resumed file and one written without interruption
are the same bytes.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from cleanse.document import Document, Item
from cleanse.durable import fsync_dir, publish, sync_filesystem, temporary_name, write_atomic
from cleanse.errors import ConfigError
from cleanse.formats.compression import open_member
from cleanse.formats.parquet import PARTS_SUFFIX, ParquetFileWriter, read_schema
from cleanse.formats.registry import WriteConfig, detect, output_name, require
from cleanse.output_records import copied_line, output_text, record_line, to_record
from cleanse.remote import RemoteFile, is_remote, join

STDOUT = "-"
STDOUT_NAME = "<stdout>"  # how errors name standard output
WRITE_BUFFER = 1 << 20  # bytes a JSONL output gathers per write to its file


class CorpusWriter:
    """Writes documents in the order they come; one output file is open at a time.

    dest: DEST folder (mirror=True), a single output file (mirror=False), or `-` for stdout.
    Each output's format and compression follow its input's (see cleanse.formats.registry's
    `output_name`) unless `output` says otherwise; a Parquet output keeps the schema of its input
    file under `src`. form: what a single output file holds, `jsonl`, `parquet` or `txt`
    (default: what its name says).
    """

    def __init__(
        self,
        dest: str | Path,
        *,
        mirror: bool,
        text_field: str = "text",
        form: str | None = None,
        output: WriteConfig | None = None,
        src: str | Path | None = None,
    ) -> None:
        self.dest = dest
        self.mirror = mirror
        self.text_field = text_field
        self.form = form
        self.output = output or WriteConfig()
        self.src = Path(src) if src is not None and str(src) != "-" else None
        self.src_url = str(src) if is_remote(src) else None  # SRC on a remote store
        self._path: Path | None = None
        self._compression: str | None = None
        self._raw: IO[bytes] | None = None  # the temporary file of the open JSONL output
        self._member: IO[bytes] | None = None  # the layer over it (a gzip member, a zstd frame)
        self._parquet: ParquetFileWriter | None = None  # the open Parquet output
        # Part folders of Parquet outputs completed since the last checkpoint, and before it: a
        # checkpoint may point into the first, so they go only once a later one is taken.
        self._parts_pending: list[Path] = []
        self._parts_done: list[Path] = []
        self._folders: set[Path] = set()  # where files were published since the last checkpoint
        self._unsynced_files = False  # .txt files published since then (synced all at once)
        self.files_written = 0
        self._last_target: tuple[str, tuple[Path, str, str | None]] | None = None
        if self.output.format == "parquet" or self._single_output()[1] == "parquet":
            if str(dest) == STDOUT:
                msg = "Parquet cannot be written to stdout; give a DEST folder or a .parquet file"
                raise ConfigError(msg)
            require("parquet", "--format parquet")

    def write(self, doc: Item, extra: Mapping[str, Any] | None = None) -> None:
        """Write one kept document (removed ones are skipped unless `extra` annotates them;
        rejected inputs always are)."""
        if not isinstance(doc, Document) or (doc.removed is not None and extra is None):
            return
        if str(self.dest) == STDOUT:
            with naming_path(STDOUT_NAME):
                sys.stdout.write(record_line(to_record(doc, self.text_field, extra)))
            return
        path, fmt, compression = self._target(doc.source)
        with naming_path(path):
            self._write(doc, extra, path, fmt, compression)

    def _target(self, source: str) -> tuple[Path, str, str | None]:
        """The output file, format and compression of a document read from `source` (the last
        answer is kept: consecutive documents mostly come from one input)."""
        if self._last_target is not None and self._last_target[0] == source:
            return self._last_target[1]
        if self.mirror:
            rel, fmt, compression = output_name(source, self.output)
            target = (Path(self.dest) / rel, fmt, compression)
        else:
            _, fmt, compression = self._single_output()
            target = (Path(self.dest), fmt, compression)
        self._last_target = (source, target)
        return target

    def _write(
        self,
        doc: Document,
        extra: Mapping[str, Any] | None,
        path: Path,
        fmt: str,
        compression: str | None,
    ) -> None:
        """Write one document into the output file `path` of format `fmt`."""
        if fmt == "jsonl":
            self._switch(path, compression)
            line = copied_line(doc, self.text_field, extra)
            if line is None:
                line = record_line(to_record(doc, self.text_field, extra)).encode("utf-8")
            self._layer().write(line)
        elif fmt == "parquet":
            if self._parquet is None or path != self._path:
                self._switch(None, None)
                self._parquet = ParquetFileWriter(path, self._input_schema(doc.source))
                self._path = path
            self._parquet.write(to_record(doc, self.text_field, extra))
        else:
            self._switch(None, None)
            write_atomic(path, output_text(doc), compression, sync=False)
            self._unsynced_files = True
            self.files_written += 1

    def checkpoint(self) -> dict[str, Any]:
        """Make what was written durable; the state `resume` needs to continue from here."""
        if str(self.dest) == STDOUT:
            with naming_path(STDOUT_NAME):
                sys.stdout.flush()
            return {"files_written": self.files_written}
        with naming_path(self._path or Path(self.dest)):
            return self._checkpoint()

    def _checkpoint(self) -> dict[str, Any]:
        for folder in self._parts_done:  # the checkpoint saved after them points past them
            shutil.rmtree(folder, ignore_errors=True)
        self._parts_done, self._parts_pending = self._parts_pending, []
        self._end_member()
        self._sync_published()
        if self._parquet is not None:
            state = self._parquet.checkpoint()
            return {"files_written": self.files_written, "path": str(self._path), **state}
        if self._raw is None or self._path is None:
            return {"files_written": self.files_written}
        self._raw.flush()
        os.fsync(self._raw.fileno())
        return {
            "files_written": self.files_written,
            "path": str(self._path),
            "bytes": self._raw.tell(),
            "compression": self._compression,
        }

    @classmethod
    def resume(
        cls,
        dest: str | Path,
        state: dict[str, Any],
        *,
        mirror: bool,
        text_field: str = "text",
        form: str | None = None,
        output: WriteConfig | None = None,
        src: str | Path | None = None,
    ) -> CorpusWriter:
        """A writer that continues from `checkpoint()`'s state, dropping whatever came after it."""
        writer = cls(dest, mirror=mirror, text_field=text_field, form=form, output=output, src=src)
        writer.files_written = int(state["files_written"])
        if writer.mirror and Path(dest).is_dir():
            # Part folders of Parquet outputs the killed session completed: removed at the end.
            writer._parts_done = sorted(Path(dest).rglob(f".*{PARTS_SUFFIX}"))
        if "parts" in state:
            path = Path(state["path"])
            source = writer._source_of(path)
            schema = writer._input_schema(source) if source is not None else None
            writer._parquet = ParquetFileWriter.resume(path, schema, state)
            writer._path = path
            writer._parts_done = [d for d in writer._parts_done if d != writer._parquet.parts_dir]
        elif "path" in state:
            path = Path(state["path"])
            if not temporary_name(path).exists() and path.exists():
                # Completed after the checkpoint, before the next one: take it up again.
                path.replace(temporary_name(path))
            raw = temporary_name(path).open("r+b")
            raw.truncate(int(state["bytes"]))
            raw.seek(0, os.SEEK_END)
            writer._path, writer._raw = path, raw
            writer._compression = state.get("compression")
        return writer

    def _single_output(self) -> tuple[str, str, str | None]:
        """The name, format and compression of a single-file DEST (by its name)."""
        if self.mirror or str(self.dest) == STDOUT:
            return str(self.dest), "jsonl", None
        found = detect(Path(self.dest).name)
        compression = found.compression if found is not None else None
        if self.form is not None:  # decided by cleanse.layout from DEST's name and SRC's format
            return str(self.dest), self.form, compression
        if found is None:
            return str(self.dest), "txt", None
        fmt = self.output.format if self.output.format != "auto" else found.format.writes_as
        return str(self.dest), fmt, compression

    def _input_schema(self, source: str) -> Any:
        """The schema of the Parquet or Arrow input `source` (None for other inputs)."""
        if self.src_url is not None:
            return self._remote_schema(source)
        if self.src is None:
            return None
        path = self.src / source if self.src.is_dir() else self.src
        found = detect(path.name)
        if found is not None and found.format.name == "arrow":
            from cleanse.formats import arrow

            return arrow.read_schema(path)
        if found is None or found.format.name != "parquet":
            return None
        return read_schema(path)

    def _remote_schema(self, source: str) -> Any:
        """The schema of a Parquet input on a remote store (a folder SRC is mirrored)."""
        assert self.src_url is not None
        url = join(self.src_url, source) if self.mirror else self.src_url
        found = detect(url.rsplit("/", 1)[-1])
        if found is None or found.format.name != "parquet":
            return None
        with RemoteFile(url, 0).open() as stream:
            return read_schema(stream)

    def _source_of(self, path: Path) -> str | None:
        """The input a mirrored Parquet output was written from (for its schema on resume)."""
        if self.src_url is not None:
            if self.mirror:
                return path.relative_to(Path(self.dest)).as_posix()
            return self.src_url.rsplit("/", 1)[-1]
        if self.src is None:
            return None
        if not self.mirror or not self.src.is_dir():
            return self.src.name
        rel = path.relative_to(Path(self.dest)).as_posix()
        for source in (rel, rel.removesuffix(".parquet") + ".arrow"):  # a save_to_disk shard's
            if (self.src / source).exists():
                return source
        return None

    def _layer(self) -> IO[bytes]:
        if self._member is None:
            assert self._raw is not None and self._path is not None
            self._member = open_member(self._raw, self._compression)
        return self._member

    def _end_member(self) -> None:
        if self._member is None:
            return
        self._member.flush()
        if self._member is not self._raw:
            self._member.close()  # writes the member's trailer; the file under it stays open
        self._member = None

    def _switch(self, path: Path | None, compression: str | None) -> None:
        if (path == self._path or _same_file(path, self._path)) and self._parquet is None:
            return
        self._finish()
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        self._raw = temporary_name(path).open("wb", buffering=WRITE_BUFFER)
        self._path, self._compression = path, compression

    def _finish(self) -> None:
        if self._parquet is not None and self._path is not None:
            self._parquet.close(temporary_name(self._path))
            self._parts_pending.append(self._parquet.parts_dir)
            self._folders.add(self._path.parent)
            self.files_written += 1
            self._parquet = None
        self._end_member()
        if self._raw is not None and self._path is not None:
            self._raw.close()
            # Its folder is synced at the next checkpoint, with every folder written since.
            publish(temporary_name(self._path), self._path, sync_folder=False)
            self._folders.add(self._path.parent)
            self.files_written += 1
        self._raw = self._path = None

    def close(self) -> None:
        """Complete the file being written. Parquet part folders stay until `discard_parts`."""
        with naming_path(
            STDOUT_NAME if str(self.dest) == STDOUT else self._path or Path(self.dest)
        ):
            self._finish()
            if str(self.dest) == STDOUT:
                sys.stdout.flush()
            else:
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

    def discard_parts(self) -> None:
        """Remove the part folders of completed Parquet outputs (once the run is recorded as
        complete: until then a resume may need them)."""
        for folder in self._parts_done + self._parts_pending:
            shutil.rmtree(folder, ignore_errors=True)
        self._parts_done, self._parts_pending = [], []

    def abandon(self) -> Path | None:
        """Close the open file without publishing it (after an error: it stays a temporary file,
        whose name is returned; a Parquet output's parts stay for a resume). A write that fails
        again while closing is ignored: the first error is the one to report."""
        left = temporary_name(self._path) if self._path is not None else None
        with contextlib.suppress(OSError, ValueError):
            if self._member is not None:
                self._member.flush()
        with contextlib.suppress(OSError):
            if self._raw is not None:
                self._raw.close()
        if self._parquet is not None:
            self._parquet.abandon()
        self._member = self._raw = self._path = None
        self._parquet = None
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
