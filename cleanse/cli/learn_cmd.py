"""`cleanse rules learn`: mine the lines each site repeats into candidate rules to review."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from cleanse.cli import options
from cleanse.durable import atomic_file
from cleanse.learn import LearnConfig
from cleanse.rules import parse_rule_file

if TYPE_CHECKING:
    from cleanse.cli.commands import Command


def add_learn_options(parser: argparse.ArgumentParser) -> None:
    """--min-docs and --min-share, shared by `rules learn` and `run --learn`."""
    defaults = LearnConfig()
    group = parser.add_argument_group("learning")
    group.add_argument(
        "--min-docs", type=options.MIN_DOCS, default=defaults.min_docs, metavar="N",
        help=f"a template line must recur in at least N documents of a site (default: {defaults.min_docs})",
    )  # fmt: skip
    group.add_argument(
        "--min-share", type=options.SHARE, default=defaults.min_share, metavar="F",
        help="... and in at least this share of the site's documents "
        f"(default: {defaults.min_share})",
    )  # fmt: skip


def build(parser: argparse.ArgumentParser, command: Command) -> None:
    """Add the flags of `rules learn` to its parser."""
    parser.description = (
        command.help[0].upper() + command.help[1:] + ". A site is the `site` or `url` field "
        "of a JSONL record, or the top-level folder of a .txt tree (see --site-from). Lines are "
        "compared after digits, dates and counters are normalised; lines found in the body of "
        "articles (syndicated sentences) are never proposed. Review the file, set "
        'status = "stable" on the rules you keep, and pass it with --rules.'
    )
    parser.add_argument("src", metavar="SRC", help="a folder of .txt/.jsonl files or one such file")
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        type=Path,
        metavar="FILE",
        help="candidate rule file to write (.toml)",
    )
    options.add_input_options(parser)
    add_learn_options(parser)
    parser.set_defaults(handler=learn_command)


def learn_config(args: argparse.Namespace) -> LearnConfig:
    """LearnConfig from the parsed flags."""
    return LearnConfig(min_docs=args.min_docs, min_share=args.min_share)


def learn_command(args: argparse.Namespace) -> int:
    """Handler of `rules learn`."""
    from cleanse.job import learn_from  # here: the job module loads the whole engine

    learned = learn_from(args.src, options.read_config(args), learn_config(args))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(args.output) as fh:  # never half a rule file under its name
        fh.write(learned.to_toml().encode("utf-8"))
    parse_rule_file(args.output)  # what we write must load
    sites = len({rule.site for rule in learned})
    print(
        f"cleanse: {len(learned)} candidate rules for {sites} site(s) written to {args.output}; "
        'review them, set status = "stable" on those you keep, then use --rules',
        file=sys.stderr,
    )
    return 0
