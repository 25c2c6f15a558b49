"""The command-line side of the Spark engine: --engine, --master, --spark-conf, and the handler
`cleanse run|clean|dedup` hands off to when --engine spark is given."""

from __future__ import annotations

import argparse

from cleanse.spark.session import DEFAULT_MASTER, parse_conf


def add_engine_options(parser: argparse.ArgumentParser) -> None:
    """--engine, --master, --spark-conf, --partitions."""
    group = parser.add_argument_group("engine")
    group.add_argument(
        "--engine", choices=("local", "spark"), default="local",
        help="local: this machine's processes (default); spark: Apache Spark (pip install "
        "'cleanse[spark]' and a Java 17 runtime), same outputs",
    )  # fmt: skip
    group.add_argument(
        "--master", default=DEFAULT_MASTER, metavar="URL",
        help=f"with --engine spark: the Spark master (default {DEFAULT_MASTER}; spark://host:7077, yarn, k8s://…)",
    )  # fmt: skip
    group.add_argument(
        "--spark-conf", action="append", default=[], metavar="KEY=VALUE",
        help="with --engine spark: a Spark setting (repeatable), e.g. spark.executor.memory=8g",
    )  # fmt: skip
    group.add_argument(
        "--partitions", type=int, default=None, metavar="N",
        help="with --engine spark: partitions of the document frame (default: one per 64 MB, at least 2 per core)",
    )  # fmt: skip


def run_spark_command(args: argparse.Namespace) -> int:
    """`cleanse run|clean|dedup … --engine spark`."""
    # Imported here: `cleanse --help` loads no engine.
    from cleanse.clean import CleanConfig
    from cleanse.cli import jobs, learn_cmd, options
    from cleanse.dedup.config import ANNOTATION
    from cleanse.job import JobConfig
    from cleanse.rules import RuleSet
    from cleanse.spark.job import SparkOptions, run_spark_job

    conf = parse_conf(args.spark_conf)
    cleaning = args.stages in ("run", "clean")
    deduplicating = args.stages == "dedup" or (args.stages == "run" and not args.no_dedup)
    config = JobConfig(
        src=args.src,
        dest=args.dest,
        report=args.report,
        clean=cleaning,
        read=options.read_config(args),
        cleaning=options.clean_config(args) if cleaning else CleanConfig(),
        workers=1,
        learn=learn_cmd.learn_config(args) if cleaning and args.learn else None,
        dedup=options.dedup_config(args) if deduplicating else None,
        index=args.index if deduplicating else None,
        annotate=deduplicating and args.annotate,
        annotate_field=args.annotate_field if deduplicating else ANNOTATION,
        overwrite=args.overwrite,
        resume=args.resume,
        batch_chars=max(1, int(args.batch_mb * 1_000_000)),
    )
    ruleset = options.ruleset(args) if cleaning else RuleSet(())
    spark_options = SparkOptions(args.master, conf, args.partitions)
    stats, layout = run_spark_job(config, ruleset, spark_options)
    if not args.quiet:
        jobs.print_summary(stats, str(layout.report) if layout.report else None)
    if stats.rejected and args.strict:
        import sys

        print(f"cleanse: error: {stats.rejected} inputs rejected (--strict)", file=sys.stderr)
        return 1
    return 0
