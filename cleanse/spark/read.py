"""Input for the Spark engine: a DataFrame of documents, one row each, in corpus order.

A local SRC: executors read the input files with cleanse's own readers (so ids, decoding and
every rejection are those of the local engine, for every format it reads). A Hadoop URI: Spark
reads it (cleanse.spark.native_read), to the same documents. Row `n` is the document's place in the corpus
(files in path order, records in file order), computed from per-file counts: never an
engine-generated number, so the same input gives the same `n` on every run and every cluster.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cleanse.readers import ReadConfig, read_inputs, record_document
from cleanse.spark import state
from cleanse.walk import InputFile, list_inputs

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

DOCS_SCHEMA = "n long, chars_in long, id string, state string"
PARTITION_BYTES = 64 << 20  # input bytes per partition of the document frame


def read_source(
    spark: SparkSession, src: str, config: ReadConfig, partitions: int | None = None
) -> DataFrame:
    """Every document under SRC as rows (n, chars_in, id, state), range-partitioned by n into
    `partitions` (None: one per 64 MB of input, at least two per core). Spark reads SRC itself
    when it is a Hadoop URI (see cleanse.spark.paths.reads_natively), else the executors do."""
    from cleanse.spark.paths import native_src, reads_natively

    parallelism = spark.sparkContext.defaultParallelism
    if reads_natively(src):
        from cleanse.spark.native_read import read_native

        docs, files = read_native(spark, native_src(src), config)
        size = sum(file.size for file in files)
        return docs.repartitionByRange(partitions or _default(size, parallelism), "n")
    if partitions is None:
        root = Path(src)
        size = sum(
            p.stat().st_size for p in ([root] if root.is_file() else root.rglob("*")) if p.is_file()
        )
        partitions = _default(size, parallelism)
    return read_files(spark, src, config, partitions)


def _default(size: int, parallelism: int) -> int:
    return max(2 * parallelism, size // PARTITION_BYTES + 1)


def list_sources(src: Path) -> list[InputFile]:
    """The input files under SRC, listed as the local engine lists them."""
    return list_inputs(src)


def _plain(record: dict[str, Any]) -> dict[str, Any]:
    """A Parquet row as JSON values (timestamps and bytes as text), so the writer can write it."""
    out = {}
    for key, value in record.items():
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        elif value is not None and not isinstance(value, str | int | float | bool | list | dict):
            value = str(value)
        out[key] = value
    return out


def _read_file(
    task: tuple[int, InputFile], config: ReadConfig
) -> Iterator[tuple[int, int, int, str, str]]:
    number, found = task
    for row, doc in enumerate(read_inputs([found], config)):
        yield number, row, doc.chars, doc.id, state.dump(doc)


def read_files(spark: SparkSession, src: str, config: ReadConfig, partitions: int) -> DataFrame:
    """Every document under SRC as rows (n, chars_in, id, state), range-partitioned by n."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    inputs = list_sources(Path(src))
    tasks = list(enumerate(inputs))
    rdd = spark.sparkContext.parallelize(tasks, max(1, len(tasks))).flatMap(
        lambda task: _read_file(task, config)
    )
    rows = spark.createDataFrame(rdd, "file int, row long, chars_in long, id string, state string")
    rows = rows.persist(StorageLevel.MEMORY_AND_DISK)
    counts: dict[int, int] = dict(rows.groupBy("file").count().collect())
    offsets, total = [], 0
    for number in range(len(tasks)):
        offsets.append((number, total))
        total += counts.get(number, 0)
    starts = spark.createDataFrame(offsets, "file int, start long")
    docs = rows.join(F.broadcast(starts), "file").select(
        (F.col("start") + F.col("row")).alias("n"), "chars_in", "id", "state"
    )
    return docs.repartitionByRange(partitions, "n")


def frame_documents(df: DataFrame, config: ReadConfig, order_by: list[str]) -> DataFrame:
    """A user's DataFrame of records as rows (n, chars_in, id, state), `n` from `order_by`.

    Each row becomes a record (all its columns), then a Document as a JSONL line would; a row
    without an id gets its place in the order as its id.
    """
    ordered = df.orderBy(*order_by)
    columns = ordered.columns

    def to_row(pair: tuple[Any, int]) -> tuple[int, int, str, str]:
        record, n = pair
        doc = record_document(_plain(dict(zip(columns, record, strict=True))), str(n), config)
        return n, doc.chars, doc.id, state.dump(doc)

    rdd = ordered.rdd.map(tuple).zipWithIndex().map(to_row)
    return df.sparkSession.createDataFrame(rdd, DOCS_SCHEMA)
