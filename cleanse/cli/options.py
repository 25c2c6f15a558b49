"""Option groups shared by several commands, and the one place flags become configs."""

from __future__ import annotations

import argparse
from pathlib import Path

from cleanse.clean import CleanConfig
from cleanse.dedup import DedupConfig
from cleanse.packs import load_rules
from cleanse.parallel import default_workers
from cleanse.readers import ReadConfig
from cleanse.rules import STATUSES, RuleSet


def add_rule_options(parser: argparse.ArgumentParser) -> None:
    """--rules, --no-builtin-rules, --rule-status, --classify, --lang."""
    group = parser.add_argument_group("rules")
    group.add_argument(
        "--rules", metavar="PATH", action="append", type=Path, default=[],
        help="a rule file or folder of *.toml rule files, loaded after the built-in packs (repeatable)",
    )  # fmt: skip
    group.add_argument(
        "--no-builtin-rules", action="store_true",
        help="load only the files given with --rules",
    )  # fmt: skip
    group.add_argument(
        "--rule-status", metavar="STATUS", default="stable",
        help=f"comma-separated statuses to apply, among {', '.join(STATUSES)} (default: stable)",
    )  # fmt: skip
    group.add_argument(
        "--classify", choices=("auto", "article", "page", "off"), default="auto",
        help="boilerplate line classifier: auto tells extracted articles (light touch) from raw "
        "page dumps (menus, footers, related links removed); off keeps every line the rules keep",
    )  # fmt: skip
    group.add_argument(
        "--lang", metavar="CODE",
        help="language of every document (e.g. fr, en); default: detected per document",
    )  # fmt: skip


def add_input_options(parser: argparse.ArgumentParser) -> None:
    """--text-field, --id-field, --site-from."""
    group = parser.add_argument_group("input")
    group.add_argument("--text-field", default="text", help="JSONL field holding the text (default: text)")
    group.add_argument(
        "--id-field", default="id",
        help="JSONL field holding a record's id (default: id; records without one get FILE:LINE)",
    )  # fmt: skip
    group.add_argument(
        "--site-from", default="auto", metavar="auto|folder|FIELD",
        help="where a document's site comes from, for site-scoped rules (default: auto = the "
        "`site` or `url` field, else the top-level folder of a .txt tree)",
    )  # fmt: skip


def add_dedup_options(parser: argparse.ArgumentParser, *, with_switch: bool) -> None:
    """--threshold, --level, --keep, --annotate, --index (and --no-dedup for `run`)."""
    defaults = DedupConfig()
    group = parser.add_argument_group(
        "duplicates",
        "Two texts are near duplicates when the Jaccard similarity of their word 5-gram sets "
        "(character 5-grams for short text and scripts without spaces) reaches --threshold; every "
        "MinHash LSH candidate is verified against it before anything is removed.",
    )
    if with_switch:
        group.add_argument("--no-dedup", action="store_true", help="clean only; skip the duplicate stages")
    group.add_argument(
        "--threshold", type=float, default=defaults.threshold, metavar="J",
        help=f"Jaccard similarity at or above which texts are duplicates (default: {defaults.threshold}, "
        "about 2%% of words changed, or a tenth of the text added or cut)",
    )  # fmt: skip
    group.add_argument(
        "--level", choices=("both", "paragraph", "document"), default=defaults.level,
        help="deduplicate paragraphs (within and across documents), whole documents, or both (default)",
    )  # fmt: skip
    group.add_argument(
        "--keep", choices=("first", "longest", "none"), default=defaults.keep,
        help="which member of a cluster stays: first seen (default), longest, or none; `longest` "
        "chooses within a batch (--batch-mb): a copy kept by an earlier batch stays",
    )  # fmt: skip
    group.add_argument(
        "--annotate", action="store_true",
        help="keep every record and add a `duplicate` field describing its status (JSONL output)",
    )  # fmt: skip
    group.add_argument(
        "--index", metavar="DIR",
        help="persistent duplicate index: deduplicate against everything earlier runs kept, then "
        "add what this run keeps; refused if it was built with other settings",
    )  # fmt: skip
    group.add_argument("--num-perm", type=int, default=defaults.num_perm, metavar="N", help=argparse.SUPPRESS)


def dedup_config(args: argparse.Namespace) -> DedupConfig:
    """DedupConfig from the parsed flags."""
    return DedupConfig(threshold=args.threshold, level=args.level, keep=args.keep, num_perm=args.num_perm)


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """--overwrite, --resume, --strict: what to do with an occupied DEST and with rejected input."""
    group = parser.add_argument_group(
        "output and failures",
        "A run refuses a DEST that is not empty. Inputs that cannot be read (binary files, broken "
        "JSON, truncated .gz, unreadable files...) are skipped and listed in the audit with status "
        "`rejected`, their path and what to do; the run goes on.",
    )
    group.add_argument(
        "--overwrite", action="store_true",
        help="write into a DEST that is not empty; files of the same name are replaced, "
        "other files are left as they are",
    )  # fmt: skip
    group.add_argument(
        "--resume", action="store_true",
        help="continue a run that was killed or interrupted, from its last checkpoint (same "
        "command, same inputs; a run stopped before its first checkpoint starts over); the "
        "result equals an uninterrupted run",
    )  # fmt: skip
    group.add_argument(
        "--wait", action="store_true",
        help="when another run is writing to DEST (or to the --index), wait for it to end "
        "instead of refusing; its PID is named either way",
    )  # fmt: skip
    group.add_argument(
        "--strict", action="store_true",
        help="exit with status 1 when any input was rejected (default: report them and exit 0)",
    )  # fmt: skip
    group.add_argument(
        "--batch-mb", type=float, default=32.0, metavar="MB",
        help="input megabytes handled per batch (default: 32): memory use grows with it; a "
        "checkpoint is taken after each batch. Duplicates are found across batches",
    )  # fmt: skip


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """--workers, --quiet, --verbose."""
    group = parser.add_argument_group("execution")
    group.add_argument(
        "--workers", "-j", type=int, default=default_workers(), metavar="N",
        help="worker processes (default: all cores); the output does not depend on it",
    )  # fmt: skip
    group.add_argument("--quiet", "-q", action="store_true", help="no progress bar, no summary on stderr")
    group.add_argument("--verbose", "-v", action="count", default=0, help="log diagnostics")


def rule_statuses(args: argparse.Namespace) -> tuple[str, ...]:
    """The statuses given to --rule-status."""
    return tuple(s.strip() for s in args.rule_status.split(",") if s.strip())


def clean_config(args: argparse.Namespace) -> CleanConfig:
    """CleanConfig from the parsed flags."""
    return CleanConfig(lang=args.lang, statuses=rule_statuses(args), classify=args.classify)


def read_config(args: argparse.Namespace) -> ReadConfig:
    """ReadConfig from the parsed flags."""
    return ReadConfig(text_field=args.text_field, id_field=args.id_field, site_from=args.site_from)


def ruleset(args: argparse.Namespace) -> RuleSet:
    """Load (and check) the rule files the flags name."""
    return load_rules(args.rules, builtin=not args.no_builtin_rules)
