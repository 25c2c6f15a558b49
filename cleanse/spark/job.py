"""`cleanse run|clean|dedup SRC DEST --engine spark`: the local job's outputs, computed by Spark.

The corpus, audit.jsonl, summary.json and report.html are those `cleanse.job.run_job` writes
(the corpus as Parquet when DEST ends in `.parquet`). The whole input is settled as one batch:
it equals a local run whose --batch-mb holds the whole input.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cleanse.durable import temporary_name, write_atomic
from cleanse.errors import ConfigError
from cleanse.job import JobConfig
from cleanse.layout import Layout
from cleanse.readers import STDIN
from cleanse.report import write_report
from cleanse.rules import RuleSet
from cleanse.settings import run_settings
from cleanse.spark.index import (
    SparkIndex,
    discard_run,
    locked,
    new_run_folder,
    open_index,
    publish,
    write_run,
)
from cleanse.spark.outputs import needs_spark, plan_outputs
from cleanse.spark.paths import schema_source, with_spark_paths
from cleanse.spark.session import DEFAULT_MASTER, missing_requirements
from cleanse.stats import Stats
from cleanse.writers import CorpusWriter

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


@dataclass(frozen=True, slots=True)
class SparkOptions:
    """Where Spark runs: --master, --spark-conf pairs, and partitions of the document frame
    (None: one per 64 MB of input, at least two per core)."""

    master: str = DEFAULT_MASTER
    conf: Mapping[str, str] = field(default_factory=dict)
    partitions: int | None = None


def refuse_unsupported(config: JobConfig) -> None:
    """Refuse, before any work, what the Spark engine does not do (yet)."""
    problems = []
    if config.src == STDIN or config.dest == "-":
        problems.append("stdin/stdout (- as SRC or DEST): give paths")
    if config.resume:
        problems.append("--resume (Spark retries failed tasks itself; rerun the command)")
    if config.learn is not None:
        problems.append(
            "--learn (learn rules first with `cleanse rules learn`, then pass them with --rules)"
        )
    if problems:
        msg = "--engine spark does not support " + "; ".join(problems)
        raise ConfigError(msg)


def run_spark_job(
    config: JobConfig,
    ruleset: RuleSet,
    options: SparkOptions | None = None,
    spark: SparkSession | None = None,
) -> tuple[Stats, Layout]:
    """Run the job on Spark: in `spark`, or the active session, or one built from `options`
    (only a session built here is stopped at the end). With --index, the Parquet index is
    opened (and a run with other settings refused) before any work, held locked while the run
    works, and the run's entries join it once its outputs are written."""
    from cleanse.spark.frame import checkpoints
    from cleanse.spark.session import build_session

    options = options or SparkOptions()
    config = with_spark_paths(config)  # DEST, --report, --index local unless Spark writes them
    refuse_unsupported(config)
    started = time.monotonic()
    # Opened first: an index of another kind or built with other settings is refused before
    # any work is done.
    index = open_index(config.index, config.dedup) if config.index and config.dedup else None
    # Outputs on local paths are checked before Spark starts; URIs need its JVM to look at.
    outputs = None if needs_spark(config) else plan_outputs(config, None)
    settings = run_settings(config, ruleset) | {"engine": "spark", "master": options.master}
    if spark is None:
        problem = missing_requirements()
        if problem is not None:
            msg = f"--engine spark: {problem}"
            raise ConfigError(msg)
        from pyspark.sql import SparkSession

        spark = SparkSession.getActiveSession()  # a caller's session is used, and left running
    own = spark is None
    with contextlib.ExitStack() as stack:
        if index is not None:
            stack.enter_context(locked(index.root))
            assert config.index is not None and config.dedup is not None  # index is not None
            index = open_index(config.index, config.dedup)  # as it is now that this run holds it
        session = build_session(options.master, options.conf) if spark is None else spark
        stack.callback(_stop if own else _keep, session)
        outputs = outputs or plan_outputs(config, session)
        stack.callback(outputs.discard)
        stack.enter_context(checkpoints(session))  # a temporary checkpoint folder goes at the end
        layout = outputs.layout
        stats = _run(config, ruleset, session, layout, outputs.parquet, index, options.partitions)
        summary = stats.to_json() | {
            "settings": settings,
            "seconds": round(time.monotonic() - started, 3),
        }
        assert layout.report is not None
        write_atomic(
            layout.report / "summary.json", json.dumps(summary, ensure_ascii=False, indent=2) + "\n"
        )
        write_report(layout.report)
        outputs.publish(session)
    if outputs.report_uri is not None:  # the staging folder is gone; the report is on the store
        layout = dataclasses.replace(layout, report=None)
    return stats, layout


def _stop(session: SparkSession) -> None:
    session.stop()


def _keep(session: SparkSession) -> None:
    """A caller's session is left running."""


def _run(
    config: JobConfig, ruleset: RuleSet, session: SparkSession, layout: Layout,
    parquet_out: bool, index: SparkIndex | None, partitions: int | None,
) -> Stats:  # fmt: skip
    """Read, process and write on `session`; with `index`, then add this run to it."""
    from cleanse.spark.frame import process
    from cleanse.spark.read import read_source

    docs = read_source(session, config.src, config.read, partitions)
    settled, levels = process(
        docs, ruleset, config.cleaning if config.clean else None, config.dedup,
        annotate=config.annotate_field if config.annotate else None, index=index,
    )  # fmt: skip
    stats = Stats()
    if config.dedup is not None:
        stats.extra["duplicates"] = {
            "annotate": config.annotate,
            "params": config.dedup.params(),
        }
        if config.annotate:
            stats.extra["duplicates"]["annotate_field"] = config.annotate_field
        stats.add_duplicates({level: result.stats for level, result in levels.items()})
    run = new_run_folder(index) if index is not None else None
    try:
        counts = _write_index_run(index, run, levels) if index is not None and run else {}
        _write_outputs(config, layout, parquet_out, settled, stats)
        if index is not None and run:
            publish(index, run, counts)  # the run joins the index once its outputs are written
    except BaseException:
        if index is not None and run:
            discard_run(index, run)
        raise
    return stats


def _write_index_run(index: SparkIndex, run: str, levels: dict[str, Any]) -> dict[str, int]:
    """Write (not yet publish) what this run adds to the index; entries per level."""
    from cleanse.spark.index_items import new_entries

    counts = {}
    for level, result in levels.items():
        entries = new_entries(result.new, result.removals, result.fixed, index.count(level))
        entries = entries.persist()
        write_run(index, run, level, entries.drop("keys"), entries.select("entry", "keys"))
        counts[level] = entries.count()
        entries.unpersist()
    return counts


def _write_outputs(
    config: JobConfig, layout: Layout, parquet_out: bool, settled: Any, stats: Stats
) -> None:
    from cleanse.spark.write import output_columns, stream_outputs

    report = layout.report
    assert report is not None
    if parquet_out:
        written = output_columns(settled, config.read.text_field).where("record is not null")
        written.select("n", "id", "text", "record").write.mode("overwrite").parquet(config.dest)
        writer = None
    else:
        writer = CorpusWriter(
            layout.dest, mirror=layout.mirror, text_field=config.read.text_field, form=layout.form,
            output=config.output, src=schema_source(config.src),
        )  # fmt: skip
    report.mkdir(parents=True, exist_ok=True)  # after the Parquet write, which replaces DEST
    audit_path = temporary_name(report / "audit.jsonl")
    with audit_path.open("w", encoding="utf-8") as audit:
        try:
            stream_outputs(settled, writer, audit, stats)
        except BaseException:
            if writer is not None:
                writer.abandon()
            raise
    if writer is not None:
        writer.close()
        writer.discard_parts()  # Parquet outputs' part folders (a local run removes them too)
    os.replace(audit_path, report / "audit.jsonl")
