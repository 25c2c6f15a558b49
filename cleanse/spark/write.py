"""Outputs of a Spark run: records and audit lines as columns (for Parquet and the library),
and the driver-side writer that streams the settled documents, in corpus order, through the
local engine's CorpusWriter, audit and summary, so both engines write the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, TYPE_CHECKING

from cleanse.document import is_live
from cleanse.output_records import json_line, to_record
from cleanse.report import audit_fields
from cleanse.spark import state
from cleanse.stats import Stats
from cleanse.writers import CorpusWriter

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame

OUTPUT_SCHEMA = "n long, id string, status string, text string, record string, audit string"


def output_columns(settled: DataFrame, text_field: str) -> DataFrame:
    """Rows (n, id, status, text, record, audit); `text` and `record` are null for documents not
    written (removed or rejected)."""

    def convert(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa

        for batch in batches:
            status, text, record, audit = [], [], [], []
            for s, chars_in in zip(
                batch.column("state").to_pylist(), batch.column("chars_in").to_pylist(), strict=True
            ):
                doc = state.load(s)
                out = doc if is_live(doc) else None
                status.append(doc.status)
                text.append(None if out is None else out.text)
                record.append(
                    None if out is None else json_line(to_record(out, text_field)).rstrip("\n")
                )
                audit.append(json_line(doc.audit() | audit_fields(doc, chars_in)).rstrip("\n"))
            yield pa.RecordBatch.from_arrays(
                [batch.column("n"), batch.column("id")]
                + [pa.array(c, pa.string()) for c in (status, text, record, audit)],
                names=["n", "id", "status", "text", "record", "audit"],
            )

    return settled.mapInArrow(convert, OUTPUT_SCHEMA)


def stream_outputs(
    settled: DataFrame, writer: CorpusWriter | None, audit: IO[str] | None, stats: Stats
) -> None:
    """Write every document in corpus order (written ones to `writer`) and count it in `stats`."""
    for row in (
        settled.select("n", "chars_in", "state")
        .orderBy("n")
        .toLocalIterator(prefetchPartitions=True)
    ):
        doc = state.load(row["state"])
        if writer is not None:
            writer.write(doc)
        stats.add(doc, row["chars_in"])
        if audit is not None:
            audit.write(json_line(doc.audit() | audit_fields(doc, row["chars_in"])))
