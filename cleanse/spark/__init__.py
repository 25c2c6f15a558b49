"""The Spark engine: the local engine's cleaning and duplicate stages, run by Apache Spark.

`cleanse run SRC DEST --engine spark [--master URL] [--spark-conf key=value]` on the command
line; `clean_frame_records(df, ...)` (cleanse.spark.frame) for a DataFrame in and out. Needs the
`spark` extra (pyspark, pyarrow) and a Java 17 runtime; nothing here imports pyspark until used.
"""

from __future__ import annotations

from typing import Any

__all__ = ["clean_frame_records", "run_spark_job"]


def __getattr__(name: str) -> Any:
    if name == "clean_frame_records":
        from cleanse.spark.frame import clean_frame_records

        return clean_frame_records
    if name == "run_spark_job":
        from cleanse.spark.job import run_spark_job

        return run_spark_job
    msg = f"module 'cleanse.spark' has no attribute {name!r}"
    raise AttributeError(msg)
