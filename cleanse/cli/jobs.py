"""`cleanse run`, `cleanse clean`: read SRC, run the stages, write DEST and the report."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from cleanse.cli import blas_threads, collector, options
from cleanse.spark import cli as spark_cli

if TYPE_CHECKING:
    from cleanse.cli.commands import Command
    from cleanse.learn import LearnConfig
    from cleanse.stats import Stats

SRC_HELP = (
    "a folder (searched recursively) of .txt, JSON lines (.jsonl, .ndjson, .json.gz; gzip or "
    "zstd), Parquet, WET/WARC or HTML files, one such file, or - for JSONL on stdin"
)
DEST_HELP = "output folder mirroring SRC, or the output file of a single-file SRC, or - for JSONL on stdout (see below)"
PATHS_EPILOG = """\
where the output goes (like cp):
  SRC a folder        DEST is a folder (created if new) mirroring SRC: each file keeps its
                      relative path and format; a DEST naming a file (out.jsonl) is refused
  SRC one file        DEST an existing folder, or ending with /: DEST/<SRC's name>
  (or - for stdin)    DEST any other path: that file, in the format its name says:
                        .jsonl / .jsonl.gz  JSONL records (a .txt SRC becomes one record)
                        .txt                the text of a .txt SRC; refused for JSONL input
                        other or no suffix  SRC's format (JSONL records stay JSONL, uncompressed)
  DEST -              JSONL on stdout
the report (report.html, summary.json, audit.jsonl, checkpoints) goes beside the output,
never into the working folder: DEST/.cleanse/ for a folder, .cleanse/<output file name>/ next
to a single output file, so runs writing different files into one folder never share a report.
--resume finds it there. An existing output file, a DEST folder that is not empty and a report
folder holding another run's report are refused unless --overwrite; output and report never
overlap SRC.
"""


def build(parser: argparse.ArgumentParser, command: Command) -> None:
    """Add the flags of `run`, `clean` or `dedup` (`command.name`) to its parser."""
    name = command.name
    parser.description = command.help[0].upper() + command.help[1:] + "."
    parser.epilog = PATHS_EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("src", metavar="SRC", help=SRC_HELP)
    parser.add_argument("dest", metavar="DEST", help=DEST_HELP)
    parser.add_argument(
        "--report", metavar="DIR",
        help="where summary.json and audit.jsonl go (default: beside the output, see below); "
        "refused if it overlaps SRC or holds another run's report (unless --overwrite)",
    )  # fmt: skip
    options.add_input_options(parser)
    if name in ("run", "clean"):
        options.add_rule_options(parser)
        parser.add_argument(
            "--learn", action="store_true",
            help="first learn each site's template lines from SRC (as `cleanse rules learn` "
            "does), then drop them in this run; see --min-docs and --min-share",
        )  # fmt: skip
        from cleanse.cli import learn_cmd  # here: `cleanse dedup` learns nothing

        learn_cmd.add_learn_options(parser)
    if name in ("run", "dedup"):
        options.add_dedup_options(parser, with_switch=name == "run")
    options.add_output_options(parser)
    options.add_run_options(parser)
    spark_cli.add_engine_options(parser)
    parser.set_defaults(handler=run_command, stages=name)


def run_command(args: argparse.Namespace) -> int:
    """Handler of `run`, `clean` and `dedup`."""
    if args.engine == "spark":
        return spark_cli.run_spark_command(args)
    with collector.quiet_imports():
        blas_threads.import_numpy_one_blas_thread()
        # Imported here, not at the top: `cleanse --help` should not load the engine (numpy, numba).
        import cleanse.job  # noqa: F401 - loaded with the collector paused, then set aside

        if args.stages == "dedup" or (args.stages == "run" and not args.no_dedup):
            from cleanse.dedup.jit import kernels_only

            kernels_only()  # this process runs no numba code but cleanse's kernels (imports numba)
    try:
        return _run_local(args)
    finally:
        collector.job_done()


def _run_local(args: argparse.Namespace) -> int:
    """`run_command` on the local engine."""
    from cleanse.clean_config import CleanConfig
    from cleanse.cli import progress_display
    from cleanse.dedup.config import ANNOTATION
    from cleanse.job import JobConfig, run_job
    from cleanse.rules import RuleSet

    if args.workers < 1:
        args.workers = 1
    cleaning = args.stages in ("run", "clean")
    deduplicating = args.stages == "dedup" or (args.stages == "run" and not args.no_dedup)
    config = JobConfig(
        src=args.src,
        dest=args.dest,
        report=args.report,
        clean=cleaning,
        read=options.read_config(args),
        output=options.write_config(args),
        cleaning=options.clean_config(args) if cleaning else CleanConfig(),
        workers=args.workers,
        progress=progress_display.reporter(args.quiet, args.progress_every),
        learn=_learn_config(args) if cleaning and args.learn else None,
        dedup=options.dedup_config(args) if deduplicating else None,
        index=args.index if deduplicating else None,
        annotate=deduplicating and args.annotate,
        annotate_field=args.annotate_field if deduplicating else ANNOTATION,
        overwrite=args.overwrite,
        resume=args.resume,
        wait=args.wait,
        batch_chars=max(1, int(args.batch_mb * 1_000_000)),
    )
    stats, layout = run_job(config, options.ruleset(args) if cleaning else RuleSet(()))
    if not args.quiet:
        print_summary(stats, str(layout.report) if layout.report else None)
    if stats.rejected and stats.rejected == stats.documents["in"]:
        print(f"cleanse: error: {all_rejected(stats, config.read.text_field)}", file=sys.stderr)
        return 1
    if stats.rejected and args.strict:
        print(f"cleanse: error: {stats.rejected} inputs rejected (--strict)", file=sys.stderr)
        return 1
    return 0


def _learn_config(args: argparse.Namespace) -> LearnConfig:
    from cleanse.cli import learn_cmd

    return learn_cmd.learn_config(args)


# Why every input may have been rejected, and what to do, per reason.
_ALL_REJECTED_HINTS = {
    "input.missing-text": "no record has the text field {field!r}: give the field that holds the "
    "text with --text-field",
    "input.text-not-string": "the field {field!r} holds no string in any record: give the field "
    "that holds the text with --text-field",
    "input.malformed-json": "no line is a JSON object: check that SRC holds JSON lines",
    "input.binary": "the inputs are binary data, not text: decompress or convert them first",
    "input.empty": "every input is empty",
}


def all_rejected(stats: Stats, text_field: str) -> str:
    """Why a run that rejected every input wrote nothing: the busiest reason and its fix."""
    reason, count = stats.rejected_by.most_common(1)[0]
    hint = _ALL_REJECTED_HINTS.get(reason, "the audit says why for each").format(field=text_field)
    return (
        f"every input was rejected ({stats.rejected}), nothing was written; "
        f"{reason} ({count}): {hint}"
    )


def print_summary(stats: Stats, report: str | None) -> None:
    """A few lines on stderr: what happened, the busiest rules, where the report is."""
    from cleanse.report import REPORT_NAME

    summary = stats.to_json()
    docs = summary["documents"]
    chars = summary["characters"]
    removed_chars = chars["in"] - chars["out"]
    share = 100.0 * removed_chars / chars["in"] if chars["in"] else 0.0
    lines_removed = sum(c.get("lines_removed", 0) for c in summary["rules"].values())
    err = sys.stderr
    print(
        f"cleanse: {docs['in']} documents: {docs['kept']} kept as is, {docs['changed']} changed, "
        f"{docs['removed']} removed, {docs['rejected']} rejected; {lines_removed} lines and "
        f"{removed_chars:,} characters removed ({share:.1f}%)",
        file=err,
    )
    dups = summary.get("duplicates")
    if dups:
        print(f"cleanse: duplicates: {_describe_duplicates(dups)}", file=err)
    busiest = sorted(summary["rules"].items(), key=lambda kv: (-kv[1].get("changes", 0), kv[0]))[:5]
    if busiest:
        listed = ", ".join(f"{rule} ({counts['changes']})" for rule, counts in busiest)
        print(f"cleanse: most active rules: {listed}", file=err)
    if summary["removed_by"]:
        listed = ", ".join(f"{reason} ({n})" for reason, n in summary["removed_by"].items())
        print(f"cleanse: documents removed by: {listed}", file=err)
    if summary["rejected_by"]:
        listed = ", ".join(f"{reason} ({n})" for reason, n in summary["rejected_by"].items())
        where = (
            "status `rejected` in the audit"
            if report
            else "no report written: --report DIR lists each"
        )
        print(f"cleanse: inputs rejected ({where}): {listed}", file=err)
    if report:
        print(
            f"cleanse: report: {report}/{REPORT_NAME} (open it in a browser); data: summary.json, audit.jsonl",
            file=err,
        )


def _describe_duplicates(dups: dict[str, Any]) -> str:
    """One line on the duplicate stages from summary.json's `duplicates` block."""
    parts = []
    for key in ("document", "paragraph"):
        block = dups.get(key)
        if isinstance(block, dict) and "duplicates" in block:
            count, clusters = block["duplicates"], block.get("clusters", 0)
            parts.append(f"{_count(count, key)} in {_count(clusters, 'cluster')}")
    verb = "annotated" if dups.get("annotate") else "removed"
    return (", ".join(parts) + f" {verb}") if parts else "none found"


def _count(n: int, noun: str) -> str:
    """`n` and the noun, plural unless n is 1: "1 cluster", "3 paragraphs", "0 documents".

    >>> _count(1, "cluster"), _count(3, "paragraph"), _count(1200, "document")
    ('1 cluster', '3 paragraphs', '1,200 documents')
    """
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"
