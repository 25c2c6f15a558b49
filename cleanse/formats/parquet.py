"""Parquet in and out (pyarrow, the `parquet` extra), streamed so memory is bounded by a batch.

Reading goes row group by row group (`iter_batches`); every column is kept, in its order, with
its value as pyarrow gives it. Writing keeps the input's schema (types, order, metadata); columns
that cleaning adds (`--annotate`'s `duplicate`, extracted values) come after it as text. A Parquet
file cannot be truncated or appended to, so each checkpoint writes the rows since the last one as
a part file in a hidden folder beside the output; closing copies the parts' row groups, in order,
into the output file. A resumed run drops the parts after its checkpoint and writes them again,
so its output is the same bytes as an uninterrupted run's.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from cleanse.durable import publish
from cleanse.errors import ConfigError
from cleanse.formats.records import Record, Refusal
from cleanse.formats.registry import require
from cleanse.formats.table_rows import TableKind, table_rows

__all__ = ["ParquetFileWriter", "read_parquet", "read_schema"]

READ_ROWS = 256  # rows converted to Python at a time, within a row group (1024: 36 MB more)
READ_BUFFER = 1 << 20  # bytes of a column chunk read at a time
NOT_PARQUET = "input.not-parquet"  # a .parquet file that is not Parquet
CORRUPT_PARQUET = "input.corrupt-parquet"  # a Parquet file whose data cannot be decoded
PARTS_SUFFIX = ".cleanse-parts"
_PARQUET = TableKind("file", "Parquet", CORRUPT_PARQUET, "copy or export the file again")


def _arrow() -> tuple[Any, Any]:
    """pyarrow and pyarrow.parquet, or MissingExtraError naming the `parquet` extra."""
    pa = require("parquet")
    import pyarrow.parquet as pq

    return pa, pq


def read_parquet(stream: IO[bytes], text_field: str) -> Iterator[Record | Refusal]:
    """One Record per row, every column kept in order; a Refusal for a file that is not Parquet,
    lacks the text column, or breaks midway (the rows before the break are kept)."""
    pa, pq = _arrow()
    try:
        # pre_buffer=False: read a row group's columns when it is reached, not all at once;
        # buffer_size: a column of a row group a piece at a time, not whole (64 MB and more).
        table = pq.ParquetFile(stream, pre_buffer=False, buffer_size=READ_BUFFER)
    except (pa.ArrowException, OSError) as exc:
        error = f"this is not a Parquet file ({exc}); rename it, or move it out of SRC"
        yield Refusal(NOT_PARQUET, error)
        return
    batches = table.iter_batches(batch_size=READ_ROWS)  # lazy: reads as it is iterated
    yield from table_rows(pa, table.schema_arrow.names, batches, text_field, _PARQUET)


def read_schema(path: str | Path | IO[bytes]) -> Any:
    """The Arrow schema of a Parquet file (what its cleaned copy is written with)."""
    _, pq = _arrow()
    return pq.read_schema(path)


class ParquetFileWriter:
    """Writes one output Parquet file as part files, one per checkpoint, then joins them.

    schema: the input's schema (None: inferred from the first rows written, then kept).
    """

    def __init__(self, path: Path, schema: Any = None, parts: int = 0) -> None:
        self.pa, self.pq = _arrow()
        self.path = path
        self.parts_dir = path.with_name(f".{path.name}{PARTS_SUFFIX}")
        self.schema = schema
        self.parts = parts
        self.rows: list[dict[str, Any]] = []
        self.parts_dir.mkdir(parents=True, exist_ok=True)

    @classmethod
    def resume(cls, path: Path, schema: Any, state: dict[str, Any]) -> ParquetFileWriter:
        """Continue after a checkpoint: parts written after it are removed, the schema restored."""
        writer = cls(path, schema, int(state["parts"]))
        missing = [part for part in writer._part_paths() if not part.exists()]
        if missing:
            msg = f"{path}: cannot resume, the part file {missing[0]} is gone; run again without --resume"
            raise ConfigError(msg)
        for part in sorted(writer.parts_dir.glob("part-*.parquet")):
            if _part_number(part) >= writer.parts:
                part.unlink()
        for part in writer._part_paths():
            writer.schema = writer._grown(writer.schema, writer.pq.read_schema(part))
        return writer

    def write(self, record: dict[str, Any]) -> None:
        """Hold one row until the next checkpoint."""
        self.rows.append(record)

    def checkpoint(self) -> dict[str, Any]:
        """Write the rows held as the next part file, durably; the state `resume` needs."""
        if self.rows:
            table = self._table(self.rows)
            part = self.parts_dir / f"part-{self.parts:06d}.parquet"
            tmp = part.with_name(f".{part.name}")
            self.pq.write_table(table, tmp)
            publish(tmp, part)
            self.schema = self._grown(self.schema, table.schema)
            self.parts += 1
            self.rows = []
            del table
            # Encoding a batch's part takes a few times its size from Arrow's allocator, which
            # keeps it for later; what is written is not needed again.
            self.pa.default_memory_pool().release_unused()
        return {"parts": self.parts}

    def close(self, temporary: Path) -> None:
        """Join the parts' row groups, in order, into `temporary` and rename it to the output
        path. The parts stay: a resume from a checkpoint taken before may need them."""
        self.checkpoint()
        parts = [self.pq.ParquetFile(part) for part in self._part_paths()]
        schema = self.schema if self.schema is not None else self.pa.schema([])
        with self.pq.ParquetWriter(temporary, schema) as out:
            for part in parts:
                for group in range(part.num_row_groups):
                    out.write_table(self._conform(part.read_row_group(group), schema))
        publish(temporary, self.path, sync_folder=False)  # its folder: at the writer's checkpoint

    def abandon(self) -> None:
        """Drop the rows held (the parts written stay for a resume)."""
        self.rows = []

    def _part_paths(self) -> list[Path]:
        return [self.parts_dir / f"part-{n:06d}.parquet" for n in range(self.parts)]

    def _table(self, rows: list[dict[str, Any]]) -> Any:
        """The rows as a table: the known columns with their types, then new columns."""
        pa = self.pa
        known = list(self.schema) if self.schema is not None else []
        names = {field.name for field in known}
        new = list(dict.fromkeys(key for row in rows for key in row if key not in names))
        fields, arrays = [], []
        for field in known:
            fields.append(field)
            arrays.append(
                self._column(field.name, [row.get(field.name) for row in rows], field.type)
            )
        for name in new:
            values = [row.get(name) for row in rows]
            inferred = self.schema is None
            array = self._column(name, values, None) if inferred else _as_text(pa, values)
            fields.append(pa.field(name, array.type))
            arrays.append(array)
        metadata = self.schema.metadata if self.schema is not None else None
        return pa.Table.from_arrays(arrays, schema=pa.schema(fields, metadata=metadata))

    def _column(self, name: str, values: list[Any], kind: Any) -> Any:
        """An Arrow array of a column's values; a clear error when they do not fit its type."""
        pa = self.pa
        try:
            return pa.array(values, type=kind)
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            if kind is None:  # inferred from records whose values differ in type: keep them as text
                return _as_text(pa, values)
            msg = (
                f"{self.path}: the values of column {name!r} do not fit its type {kind} ({exc}); "
                "write JSON lines instead with --format jsonl"
            )
            raise ConfigError(msg) from exc

    def _grown(self, schema: Any, seen: Any) -> Any:
        """`schema` with the columns of `seen` it lacks appended (the first part's, if None)."""
        if schema is None:
            return seen
        names = set(schema.names)
        extra = [field for field in seen if field.name not in names]
        return self.pa.schema(list(schema) + extra, metadata=schema.metadata) if extra else schema

    def _conform(self, table: Any, schema: Any) -> Any:
        """A part's row group with the final schema's columns: missing ones as nulls, in order."""
        pa = self.pa
        arrays = [
            table.column(field.name)
            if field.name in table.column_names
            else pa.nulls(len(table), field.type)
            for field in schema
        ]
        return pa.Table.from_arrays(arrays, schema=schema)


def _as_text(pa: Any, values: list[Any]) -> Any:
    """Values as a text column: strings as they are, others as JSON, None as null."""
    return pa.array(
        [
            v if v is None or isinstance(v, str) else json.dumps(v, ensure_ascii=False, default=str)
            for v in values
        ],
        type=pa.string(),
    )


def _part_number(path: Path) -> int:
    return int(path.stem.removeprefix("part-"))
