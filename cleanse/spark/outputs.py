"""Where a Spark run writes, decided (and an occupied output refused) before any work.

DEST ending in `.parquet` is a folder of Parquet parts written by Spark, local or on a Hadoop
URI; any other DEST is local and planned as the local engine plans it (cleanse.layout). The
report goes to a local folder; when it belongs on a URI (--report s3a://…, or beside a Parquet
DEST on one), the run writes it to a local staging folder and `publish` uploads each file
through the JVM's Hadoop FileSystem once the run is done (cleanse.spark.hadoop.upload).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cleanse.errors import InputError
from cleanse.job import JobConfig
from cleanse.layout import (
    REPORT_DIRNAME,
    REPORT_FILES,
    Layout,
    folder_layout,
    plan_layout,
    refuse_occupied,
    single_file_layout,
)
from cleanse.spark.paths import is_uri, local_path, native_src, reads_natively, uri_scheme

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


@dataclass(frozen=True, slots=True)
class Outputs:
    """The run's layout (its report folder local: the staging folder when `report_uri` is set),
    whether DEST is Spark's Parquet, and the URI the report is uploaded to."""

    layout: Layout
    parquet: bool
    report_uri: str | None = None

    def publish(self, spark: SparkSession) -> None:
        """Upload the report written locally to `report_uri`, then drop the staging folder."""
        if self.report_uri is None:
            return
        from cleanse.spark.hadoop import upload

        assert self.layout.report is not None
        for path in sorted(self.layout.report.iterdir()):
            if path.is_file():
                upload(spark, path, f"{self.report_uri.rstrip('/')}/{path.name}")
        self.discard()

    def discard(self) -> None:
        """Remove the staging folder (after an error too)."""
        if self.report_uri is not None and self.layout.report is not None:
            shutil.rmtree(self.layout.report, ignore_errors=True)


def needs_spark(config: JobConfig) -> bool:
    """Whether planning the outputs needs the JVM (a URI to look at)."""
    parquet = config.dest.rstrip("/").lower().endswith(".parquet")
    return is_uri(config.dest) or is_uri(config.report) or (not parquet and _src_uri(config))


def _src_uri(config: JobConfig) -> bool:
    """Whether SRC is on a store only Hadoop sees (a file:// SRC is planned as its path)."""
    return reads_natively(config.src) and uri_scheme(config.src) not in (None, "file")


def plan_outputs(config: JobConfig, spark: SparkSession | None) -> Outputs:
    """The outputs of a run; `spark` is needed when `needs_spark(config)`."""
    parquet = config.dest.rstrip("/").lower().endswith(".parquet")
    if parquet:
        layout = _parquet_layout(config, spark)
    elif _src_uri(config):
        assert spark is not None
        from cleanse.spark.hadoop import is_folder

        src = native_src(config.src)
        report = None if is_uri(config.report) else config.report
        plan = folder_layout if is_folder(spark, src) else single_file_layout
        layout = plan(src, config.dest, report)
    else:  # a path, or a file:// URL: planned (and checked for overlaps) as its path
        report = None if is_uri(config.report) else config.report
        layout = plan_layout(local_path(config.src, "SRC"), config.dest, report)
    if not config.overwrite and not parquet:
        refuse_occupied(layout)  # an occupied DEST or report folder raises, saying what to do
    report_uri = config.report if is_uri(config.report) else None
    if report_uri is None and parquet and is_uri(config.dest) and not config.report:
        report_uri = f"{config.dest.rstrip('/')}/{REPORT_DIRNAME}"
    if report_uri is None:
        return Outputs(layout, parquet)
    assert spark is not None
    from cleanse.spark.hadoop import holds_anything

    if not config.overwrite and holds_anything(spark, report_uri, REPORT_FILES):
        msg = (
            f"the report folder {report_uri} holds another run's report; pass --overwrite to "
            "replace it, or choose another --report folder"
        )
        raise InputError(msg)
    staging = Path(tempfile.mkdtemp(prefix="cleanse-report-"))
    return Outputs(Layout(layout.dest, layout.mirror, staging, layout.form), parquet, report_uri)


def _parquet_layout(config: JobConfig, spark: SparkSession | None) -> Layout:
    """A folder of Parquet parts written by Spark; the report inside it unless --report."""
    if is_uri(config.dest):
        src = native_src(config.src) if reads_natively(config.src) else config.src
        inside = config.dest.rstrip("/") + "/"
        if inside.startswith(src.rstrip("/") + "/"):
            msg = (
                f"DEST {config.dest} is inside SRC {config.src}; choose an output outside the input"
            )
            raise InputError(msg)
        assert spark is not None
        from cleanse.spark.hadoop import holds_anything

        if not config.overwrite and holds_anything(spark, config.dest):
            msg = f"DEST {config.dest} is not empty; pass --overwrite to write over it"
            raise InputError(msg)
        report = Path(config.report) if config.report and not is_uri(config.report) else None
        return Layout(config.dest, True, report)
    if uri_scheme(config.src) in (None, "file"):
        source, dest = Path(local_path(config.src, "SRC")).resolve(), Path(config.dest).resolve()
        if dest == source or source in dest.parents:
            msg = (
                f"DEST {config.dest} is inside SRC {config.src}; choose an output outside the input"
            )
            raise InputError(msg)
    dest_path = Path(config.dest)
    if dest_path.exists() and not config.overwrite and any(dest_path.iterdir()):
        msg = f"DEST {config.dest} is not empty; pass --overwrite to write over it"
        raise InputError(msg)
    report = Path(config.report) if config.report and not is_uri(config.report) else None
    return Layout(config.dest, True, report or dest_path / REPORT_DIRNAME)
