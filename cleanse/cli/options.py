"""Option groups shared by several commands, and the one place flags become configs."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from cleanse.lang import LANGUAGES, UNDETERMINED
from cleanse.rules import STATUSES

# The modules of the job's settings (duplicates, formats, workers, cleaning) are imported by the
# functions that use them: `cleanse rules list` builds its flags from this module and needs none.
if TYPE_CHECKING:
    from cleanse.clean_config import CleanConfig
    from cleanse.dedup.config import DedupConfig
    from cleanse.formats.registry import WriteConfig
    from cleanse.readers import ReadConfig
    from cleanse.rules import RuleSet

# -- values checked when the flags are parsed (a bad one exits 2, naming the flag, before any work) --


def lang_code(value: str) -> str:
    """A language code cleanse knows, or `und`, in any case: 'FR' -> 'fr'.

    >>> lang_code("FR")
    'fr'
    """
    code = value.strip().lower()
    if code not in (*LANGUAGES, UNDETERMINED):
        msg = (
            f"unknown language {value!r}; use one of {', '.join(LANGUAGES)} "
            f"or {UNDETERMINED} (no language rules), or leave --lang out to detect it per document"
        )
        raise argparse.ArgumentTypeError(msg)
    return code


def _number(
    kind: Callable[[str], float], low: float, high: float, *, open_low: bool = False
) -> Callable[[str], float]:
    """An argparse type: a finite number of `kind` in [low, high] (or (low, high] with `open_low`)."""
    shown = f"{'(' if open_low else '['}{_show(low)}, {_show(high)}]"
    name = "an integer" if kind is int else "a number"

    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            msg = f"{text!r} is not {name}: give {name} in {shown}"
            raise argparse.ArgumentTypeError(msg) from None
        if not (
            math.isfinite(value) and (low < value if open_low else low <= value) and value <= high
        ):
            msg = f"{text!r} is out of range: give {name} in {shown}"
            raise argparse.ArgumentTypeError(msg)
        return value

    parse.__name__ = "integer" if kind is int else "number"
    return parse


def _show(bound: float) -> str:
    """1000000.0 -> '1,000,000', 0.0 -> '0'."""
    return f"{int(bound):,}" if float(bound).is_integer() else f"{bound:g}"


WORKERS = _number(int, 1, 1024)
BATCH_MB = _number(float, 0.0, 1_000_000.0, open_low=True)  # up to a terabyte per batch
SHARE = _number(float, 0.0, 1.0, open_low=True)  # --threshold, --min-share
NUM_PERM = _number(int, 16, 1024)
MIN_DOCS = _number(int, 2, 10**9)


def statuses(value: str) -> str:
    """A comma-separated list of rule statuses (kept as given; see rule_statuses)."""
    given = [s.strip() for s in value.split(",") if s.strip()]
    unknown = [s for s in given if s not in STATUSES]
    if not given or unknown:
        msg = f"{value!r}: give comma-separated statuses among {', '.join(STATUSES)}"
        raise argparse.ArgumentTypeError(msg)
    return value


def field_name(value: str) -> str:
    """A non-empty JSONL field name."""
    if not value:
        msg = "the field name is empty; give the name of a JSONL field"
        raise argparse.ArgumentTypeError(msg)
    return value


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
        "--rule-status", metavar="STATUS", default="stable", type=statuses,
        help=f"comma-separated statuses to apply, among {', '.join(STATUSES)} (default: stable)",
    )  # fmt: skip
    group.add_argument(
        "--classify", choices=("auto", "article", "page", "off"), default="auto",
        help="boilerplate line classifier. auto (default): an extracted text (a news article as "
        "extracted, a novel, a poem: mostly paragraphs, or no menu, share bar, notice or repeated "
        "label at all) only loses share buttons and bare counters; a raw page dump (a news page "
        "with its menus, a forum thread page) is judged line by line by the fitted line model: "
        "menus, footers, related links and comment forms go, its text stays, and it is never "
        "emptied. article: the light touch on every document. page: the page-dump treatment on "
        "every document (a novel keeps its paragraphs but may lose short dialogue lines). off: "
        "keep every line the rules keep",
    )  # fmt: skip
    group.add_argument(
        "--lang", metavar="CODE", type=lang_code,
        help=f"language of every document, in any case: {', '.join(LANGUAGES)}, or {UNDETERMINED} "
        "(no language rules); default: detected per document",
    )  # fmt: skip


def add_input_options(parser: argparse.ArgumentParser) -> None:
    """--text-field, --id-field, --site-from, --include, --exclude."""
    group = parser.add_argument_group("input")
    group.add_argument(
        "--text-field",
        default="text",
        type=field_name,
        help="JSONL field or Parquet column holding the text (default: text)",
    )
    group.add_argument(
        "--id-field", default="id", type=field_name,
        help="JSONL field holding a record's id (default: id; records without one get FILE:LINE)",
    )  # fmt: skip
    group.add_argument(
        "--site-from", default="auto", metavar="auto|folder|FIELD",
        help="where a document's site comes from, for site-scoped rules (default: auto = the "
        "`site` or `url` field, else the top-level folder of a .txt tree)",
    )  # fmt: skip
    group.add_argument(
        "--include", metavar="GLOB", action="append", default=[],
        help="read only the files of a folder SRC matching this glob (repeatable): matched "
        "against the path relative to SRC, and against the file name when it has no /; "
        "e.g. '*.parquet'. Files left out this way are not listed as rejected",
    )  # fmt: skip
    group.add_argument(
        "--exclude", metavar="GLOB", action="append", default=[],
        help="leave out the files of a folder SRC matching this glob (repeatable; as --include). "
        "Any other file cleanse cannot read is rejected as input.unsupported-format",
    )  # fmt: skip


def add_dedup_options(parser: argparse.ArgumentParser, *, with_switch: bool) -> None:
    """--threshold, --level, --keep, --annotate(-field), --index (and --no-dedup for `run`)."""
    from cleanse.dedup.config import ANNOTATION, DedupConfig

    defaults = DedupConfig()
    group = parser.add_argument_group(
        "duplicates",
        # wrapped here: the job commands' help keeps the layout of its texts (see jobs.build)
        "Two texts are near duplicates when the Jaccard similarity of their word\n"
        "5-gram sets (character 5-grams for short text and scripts without spaces)\n"
        "reaches --threshold; every MinHash LSH candidate is verified against it\n"
        "before anything is removed.",
    )
    if with_switch:
        group.add_argument(
            "--no-dedup", action="store_true", help="clean only; skip the duplicate stages"
        )
    group.add_argument(
        "--threshold", type=SHARE, default=defaults.threshold, metavar="J",
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
        help="keep every record and add a field describing its duplicate status (JSONL output); "
        "a record that already has that field is refused, never overwritten",
    )  # fmt: skip
    group.add_argument(
        "--annotate-field", metavar="NAME", default=ANNOTATION,
        help=f"the field --annotate adds (default: {ANNOTATION})",
    )  # fmt: skip
    group.add_argument(
        "--index", metavar="DIR",
        help="persistent duplicate index: deduplicate against everything earlier runs kept, then "
        "add what this run keeps; refused if it was built with other settings",
    )  # fmt: skip
    group.add_argument(
        "--num-perm", type=NUM_PERM, default=defaults.num_perm, metavar="N", help=argparse.SUPPRESS
    )


def dedup_config(args: argparse.Namespace) -> DedupConfig:
    """DedupConfig from the parsed flags."""
    from cleanse.dedup.config import DedupConfig

    return DedupConfig(
        threshold=args.threshold, level=args.level, keep=args.keep, num_perm=args.num_perm
    )


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """--overwrite, --resume, --strict: what to do with an occupied DEST and with rejected input."""
    from cleanse.formats.registry import COMPRESSIONS, OUTPUT_FORMATS

    group = parser.add_argument_group(
        "output and failures",
        "A run refuses a DEST folder that is not empty and an existing output file\n"
        "(see --overwrite and --resume). Inputs that cannot be read (binary files,\n"
        "broken JSON, truncated .gz, unreadable files...) are skipped and listed in\n"
        "the audit with status `rejected`, their path and what to do; the run goes on.",
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
        "--format", choices=("auto", *OUTPUT_FORMATS), default="auto", dest="output_format",
        help="output format: auto (default) writes each input in its own format (.txt, JSONL, "
        "Parquet; WET/WARC records as JSONL, an HTML page as .txt); jsonl or parquet for all",
    )  # fmt: skip
    group.add_argument(
        "--compression", choices=("auto", "none", *COMPRESSIONS), default="auto",
        help="compression of JSONL and text outputs: auto (default) keeps each input's; none, "
        "gz or zst (zst needs the zstd extra)",
    )  # fmt: skip
    group.add_argument(
        "--batch-mb", type=BATCH_MB, default=32.0, metavar="MB",
        help="input megabytes handled per batch (default: 32): memory use grows with it; a "
        "checkpoint is taken after each batch. Duplicates are found across batches",
    )  # fmt: skip


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """--workers, --quiet, --verbose."""
    from cleanse.parallel import default_workers

    group = parser.add_argument_group("execution")
    group.add_argument(
        "--workers", "-j", type=WORKERS, default=default_workers(), metavar="N",
        help="worker processes (default: all cores); the output does not depend on it",
    )  # fmt: skip
    group.add_argument(
        "--quiet", "-q", action="store_true", help="no progress bar, no summary on stderr"
    )
    group.add_argument(
        "--progress-every", type=float, default=30.0, metavar="SECONDS",
        help="when stderr is not a terminal (a log, nohup, CI), print a progress line this often "
        "(default: 30); on a terminal a bar per phase shows instead",
    )  # fmt: skip
    group.add_argument("--verbose", "-v", action="count", default=0, help="log diagnostics")


def rule_statuses(args: argparse.Namespace) -> tuple[str, ...]:
    """The statuses given to --rule-status."""
    return tuple(s.strip() for s in args.rule_status.split(",") if s.strip())


def clean_config(args: argparse.Namespace) -> CleanConfig:
    """CleanConfig from the parsed flags."""
    from cleanse.clean_config import CleanConfig

    return CleanConfig(lang=args.lang, statuses=rule_statuses(args), classify=args.classify)


def read_config(args: argparse.Namespace) -> ReadConfig:
    """ReadConfig from the parsed flags."""
    from cleanse.readers import ReadConfig  # here, like the engine: `--help` reads no input

    return ReadConfig(
        text_field=args.text_field,
        id_field=args.id_field,
        site_from=args.site_from,
        include=tuple(getattr(args, "include", ())),
        exclude=tuple(getattr(args, "exclude", ())),
    )


def write_config(args: argparse.Namespace) -> WriteConfig:
    """WriteConfig from the parsed flags."""
    from cleanse.formats.registry import WriteConfig

    return WriteConfig(format=args.output_format, compression=args.compression)


def ruleset(args: argparse.Namespace) -> RuleSet:
    """Load (and check) the rule files the flags name."""
    from cleanse.packs import load_rules  # here: running the examples loads the rule engine

    return load_rules(args.rules, builtin=not args.no_builtin_rules)
