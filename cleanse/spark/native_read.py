"""SRC behind a Hadoop URI, read by Spark itself: the documents the local engine reads, in its
order, with its ids and its rejections.

The driver lists SRC (cleanse.spark.hadoop); every file keeps its place in that list. Then:
- Parquet: spark.read.parquet with the files' merged schema (every column, its type and order);
  each row, with its file and row number (`_metadata.row_index`), becomes a record on the
  executors, as the local Parquet reader makes it (id column, else `file:row`).
- JSON lines (plain .jsonl/.ndjson): spark.read.text, split on LF only, each line as its raw
  bytes. A first pass (in the JVM alone) counts the lines of each file split, so an executor
  knows the number of every line it reads; it then decodes and parses the line with the local
  reader's own line code (a malformed line is rejected and counted, `file:line` ids). A file that
  is binary, or UTF-16/32 (whose newlines are not one byte), is read whole instead, as the
  local reader reads it.
- Anything else (.txt, compressed JSON lines, WARC, HTML, Arrow): spark's binaryFile source,
  each file's bytes fed to the local reader on an executor (so a file must fit in a task's
  memory, 2 GB at most). A file no reader takes is rejected by the driver without being read.
A document's place `n` then comes from counts per file split, as cleanse.spark.read does.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from cleanse.decode import BINARY_PROBE, decode_bytes, sniff_binary, wide_encoding
from cleanse.document import Item
from cleanse.formats.records import Record, Refusal
from cleanse.formats.registry import detect
from cleanse.formats.table_rows import table_rows
from cleanse.readers import ReadConfig, read_inputs, reader_record_document
from cleanse.spark import state
from cleanse.spark.hadoop import HadoopFile, file_key, list_files
from cleanse.walk import InputFile

# The local reader's own steps, so that a line, a row or a refusal becomes the same document.
from cleanse.input_origin import Origin, rejected_input, top_folder  # isort: skip
from cleanse.jsonl_input import jsonl_line_document  # isort: skip
from cleanse.formats.parquet import _PARQUET as PARQUET_KIND

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame, SparkSession

#: One document: its file's place in the listing, the split of the file it was read from (its
#: first byte; 0 for a file read whole or by rows), its place `k` in that split.
ROWS_SCHEMA = "file int, part long, k long, chars_in long, id string, state string"
_GLOB = re.compile(r"([\\\[\]{}*?])")
_PATH, _PART, _RAW, _ROW = "__cleanse_path", "__cleanse_part", "__cleanse_raw", "__cleanse_row"
Row = tuple[int, int, int, int, str | None, str | None]


def spark_path(uri: str) -> str:
    """A file's URI with Hadoop's glob characters escaped: spark.read takes it as a pattern."""
    return _GLOB.sub(r"\\\1", uri)


@dataclass(frozen=True, slots=True)
class _Bytes:
    """A file's bytes (from binaryFile) in the shape the local readers open: a name and open()."""

    name: str
    data: bytes

    def open(self) -> io.BufferedReader:
        return io.BufferedReader(io.BytesIO(self.data))


def _origin(rel: str) -> Origin:
    """Where a file's documents come from, named by its path relative to SRC, as locally."""
    return Origin(rel, rel, top_folder(rel))


def _row(number: int, part: int, k: int, doc: Item) -> Row:
    return number, part, k, doc.chars, doc.id, state.dump(doc)


class _Listing:
    """What executors need of the listing (each file's place, name, and whether it is SRC
    itself), shipped once to each executor as a broadcast, not with every task."""

    def __init__(self, spark: SparkSession, files: list[HadoopFile]) -> None:
        places = {file.key: number for number, file in enumerate(files)}
        names = [(file.rel, file.given) for file in files]
        self.shared = spark.sparkContext.broadcast((places, names))

    def place(self, path: str) -> int:
        """The place of the file Spark names (`file:/a%20b`)."""
        return int(self.shared.value[0][file_key(path)])

    def origin(self, number: int) -> Origin:
        return _origin(self.shared.value[1][number][0])

    def given(self, number: int) -> bool:
        return bool(self.shared.value[1][number][1])


def read_native(
    spark: SparkSession, src: str, config: ReadConfig
) -> tuple[DataFrame, list[HadoopFile]]:
    """Rows (n, chars_in, id, state) of every document under the Hadoop URI `src`, and the files
    listed (not yet partitioned: the caller range-partitions by n)."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    files = list_files(spark, src, config.include, config.exclude)
    kinds = {number: _kind(file) for number, file in enumerate(files)}
    pick = [n for n, kind in kinds.items() if kind == "lines"]
    listing = _Listing(spark, files)
    parts, driver_rows = [], [_unread(n, files[n], config) for n, k in kinds.items() if k is None]
    whole = [n for n, kind in kinds.items() if kind == "whole"]
    if pick:
        lines = _lines(spark, files, listing, pick, config).persist(StorageLevel.MEMORY_AND_DISK)
        marked = {r["file"] for r in lines.where("part < 0").select("file").distinct().collect()}
        whole += sorted(marked)
        parts.append(lines.where("part >= 0").where(~F.col("file").isin(list(marked))))
    if whole:
        parts.append(_whole(spark, files, listing, sorted(whole), config))
    tables = [n for n, kind in kinds.items() if kind == "parquet"]
    if tables:
        frame, refused = _parquet(spark, files, listing, tables, config)
        driver_rows += refused
        if frame is not None:
            parts.append(frame)
    parts.append(spark.createDataFrame(driver_rows, ROWS_SCHEMA))
    rows = parts[0]
    for part in parts[1:]:
        rows = rows.unionByName(part)
    rows = rows.persist(StorageLevel.MEMORY_AND_DISK)
    counts = sorted(rows.groupBy("file", "part").count().collect())
    if pick:
        lines.unpersist()  # held in `rows` now
    starts, total = [], 0
    for file, part, count in counts:
        starts.append((file, part, total))
        total += count
    offsets = spark.createDataFrame(starts, "file int, part long, start long")
    docs = rows.join(F.broadcast(offsets), ["file", "part"]).select(
        (F.col("start") + F.col("k")).alias("n"), "chars_in", "id", "state"
    )
    return docs, files


def _kind(file: HadoopFile) -> str | None:
    """How a file is read: `parquet`, `lines`, `whole`, or None (no reader takes it)."""
    found = detect(file.rel.rsplit("/", 1)[-1])
    if found is None:
        return None
    if found.compression is None and found.format.name in ("parquet", "jsonl"):
        return "parquet" if found.format.name == "parquet" else "lines"
    return "whole"


def _unread(number: int, file: HadoopFile, config: ReadConfig) -> Row:
    """The rejection of a file no reader takes (the local reader refuses it by its name)."""
    found = InputFile(cast(Any, _Bytes(file.rel.rsplit("/", 1)[-1], b"")), file.rel)
    (doc,) = list(read_inputs([found], config))
    return _row(number, 0, 0, doc)


def _whole(
    spark: SparkSession, files: list[HadoopFile], listing: _Listing, numbers: list[int],
    config: ReadConfig,
) -> DataFrame:  # fmt: skip
    """The documents of files read whole, each by the local reader on an executor."""
    read = spark.read.format("binaryFile").load([spark_path(files[n].uri) for n in numbers])

    def documents(path: str, data: bytes) -> Iterator[Row]:
        number = listing.place(path)
        rel = listing.origin(number).source
        bytes_file = cast(Any, _Bytes(rel.rsplit("/", 1)[-1], data))
        found = InputFile(bytes_file, rel, None, listing.given(number))
        for k, doc in enumerate(read_inputs([found], config)):
            yield _row(number, 0, k, doc)

    rdd = read.select("path", "content").rdd.flatMap(lambda r: documents(r[0], bytes(r[1])))
    return spark.createDataFrame(rdd, ROWS_SCHEMA)


def _lines(
    spark: SparkSession, files: list[HadoopFile], listing: _Listing, numbers: list[int],
    config: ReadConfig,
) -> DataFrame:  # fmt: skip
    """The documents of JSON lines files, a line at a time; a marker row (part -1) for each file
    that must be read whole (binary, or UTF-16/32)."""
    from pyspark.sql import functions as F

    text = (
        spark.read.option("lineSep", "\n")
        .text([spark_path(files[n].uri) for n in numbers])
        .select(
            F.col("_metadata.file_path").alias(_PATH),
            F.col("_metadata.file_block_start").alias(_PART),
            F.col("value").cast("binary").alias(_RAW),
        )
    )
    before: dict[tuple[int, int], int] = {}  # lines of the file before each split
    counted: dict[int, int] = {}
    sizes: dict[int, int] = {}  # bytes of the lines read, newlines left out
    found = text.groupBy(_PATH, _PART).agg(F.count("*"), F.sum(F.length(_RAW))).collect()
    for number, part, count, size in sorted((listing.place(r[0]), r[1], r[2], r[3]) for r in found):
        before[(number, part)] = counted.get(number, 0)
        counted[number] = counted.get(number, 0) + count
        sizes[number] = sizes.get(number, 0) + (size or 0)
    # The last line of a file that does not end with a newline is the only one read without one
    # (Hadoop leaves out a UTF-8 byte-order mark: 3 bytes more in the file).
    unended = {n: counted[n] for n in counted if files[n].size - sizes[n] - counted[n] in (-1, 2)}

    def convert(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa

        split = _SplitReader(listing, before, unended, config)
        for batch in batches:
            rows = split.read(*(batch.column(c).to_pylist() for c in (_PATH, _PART, _RAW)))
            yield _batch(pa, rows)
        yield _batch(pa, split.finish())

    return text.mapInArrow(convert, ROWS_SCHEMA)


def _batch(pa: Any, rows: list[Row]) -> Any:
    """Rows as an Arrow batch of ROWS_SCHEMA."""
    columns = list(zip(*rows, strict=True)) if rows else [()] * 6
    types = (pa.int32(), pa.int64(), pa.int64(), pa.int64(), pa.string(), pa.string())
    return pa.RecordBatch.from_arrays(
        [pa.array(list(values), kind) for values, kind in zip(columns, types, strict=True)],
        names=["file", "part", "k", "chars_in", "id", "state"],
    )


class _SplitReader:
    """Lines of file splits, in order, to documents: numbered from the lines before the split,
    blank ones skipped, and the first bytes of each file checked as the local reader checks them."""

    def __init__(
        self, listing: _Listing, before: dict[tuple[int, int], int], unended: dict[int, int],
        config: ReadConfig,
    ) -> None:  # fmt: skip
        self.listing, self.before, self.config = listing, before, config
        self.unended = unended  # files whose last line has no newline: that line's number
        self.at: tuple[int, int] | None = None
        self.line = self.k = 0
        self.probe: bytearray | None = None  # the first bytes of a file, until checked

    def read(self, paths: list[str], parts: list[int], raws: list[bytes]) -> list[Row]:
        out: list[Row] = []
        for path, part, raw in zip(paths, parts, raws, strict=True):
            number = self.listing.place(path)
            if self.at != (number, part):
                out += self._check()
                self.at, self.k = (number, part), 0
                self.line = self.before[(number, part)]
                self.probe = bytearray() if part == 0 else None
            self.line += 1
            if self.unended.get(number) != self.line:
                raw += b"\n"  # as the local reader reads a line: with its newline
            if self.probe is not None:
                if self.line == 1 and wide_encoding(raw):
                    self.probe = None
                    out.append((number, -1, -1, 0, None, None))
                else:
                    self.probe += raw
                    if len(self.probe) >= BINARY_PROBE:
                        out += self._check()
            decoded = decode_bytes(raw)
            origin = self.listing.origin(number)
            doc = jsonl_line_document(self.line, decoded.text, decoded.flag, origin, self.config)
            if doc is not None:
                out.append(_row(number, part, self.k, doc))
                self.k += 1
        return out

    def finish(self) -> list[Row]:
        """What is left to say once the last line of the task's splits is read."""
        return self._check()

    def _check(self) -> list[Row]:
        """A marker row when the probed first bytes of a file look binary."""
        probe, self.probe = self.probe, None
        if probe is None or self.at is None or sniff_binary(bytes(probe[:BINARY_PROBE])) is None:
            return []
        return [(self.at[0], -1, -1, 0, None, None)]


def _parquet(
    spark: SparkSession, files: list[HadoopFile], listing: _Listing, numbers: list[int],
    config: ReadConfig,
) -> tuple[DataFrame | None, list[Row]]:  # fmt: skip
    """The documents of Parquet files, one per row; without the text column, one rejection per
    file (as the local reader gives)."""
    from pyspark.sql import functions as F

    table = spark.read.option("mergeSchema", "true").parquet(
        *[spark_path(files[n].uri) for n in numbers]
    )
    names = list(table.columns)
    if config.text_field not in names:
        import pyarrow as pa

        (refusal,) = list(table_rows(pa, names, [], config.text_field, PARQUET_KIND))
        assert isinstance(refusal, Refusal)
        return None, [
            _row(n, 0, 0, rejected_input(refusal.reason, _origin(files[n].rel), refusal.error))
            for n in numbers
        ]
    columns = [F.col("`" + name.replace("`", "``") + "`") for name in names]
    rows = table.select(
        *columns,
        F.col("_metadata.file_path").alias(_PATH),
        F.col("_metadata.row_index").alias(_ROW),
    )

    def convert(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa

        for batch in batches:
            paths = batch.column(_PATH).to_pylist()
            numbers = batch.column(_ROW).to_pylist()
            records = pa.Table.from_batches([batch]).select(names).to_pylist()
            out = []
            for path, row, fields in zip(paths, numbers, records, strict=True):
                number = listing.place(path)
                doc = reader_record_document(
                    Record(fields, row + 1, "row"), listing.origin(number), config
                )
                out.append(_row(number, 0, row, doc))
            yield _batch(pa, out)

    return rows.mapInArrow(convert, ROWS_SCHEMA), []
