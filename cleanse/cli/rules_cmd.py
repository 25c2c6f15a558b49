"""`cleanse rules test|list`: check and show the rule packs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from cleanse.cli import options
from cleanse.cli.commands import RULES_ACTIONS, add_commands
from cleanse.errors import RuleFileError
from cleanse.packs import list_rules, load_rules
from cleanse.rules import ANY_LANG

if TYPE_CHECKING:
    from cleanse.cli.commands import Command


def build(parser: argparse.ArgumentParser, command: Command) -> None:
    """Add the actions of `rules` (test, list, learn), each built when it is the one given."""
    parser.description = "Work with rule files."
    add_commands(parser, RULES_ACTIONS, dest="rules_command", metavar="ACTION")


def build_test(parser: argparse.ArgumentParser, command: Command) -> None:
    """Add the flags of `rules test` to its parser."""
    parser.description = (
        "Run the examples of the built-in packs, or of the files and folders given. "
        "Exits 1 when an example fails, naming file, rule id and example."
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="rule files or folders (default: built-in packs)",
    )
    parser.add_argument("--verbose", "-v", action="count", default=0, help="list every example")
    parser.set_defaults(handler=test_command)


def build_list(parser: argparse.ArgumentParser, command: Command) -> None:
    """Add the flags of `rules list` to its parser."""
    parser.description = (
        "List the rules of the built-in packs and of the --rules files, whatever their status: "
        "id, stage, action, languages, sites, status and note. With --lang, only the rules that "
        "apply to that language (site-scoped rules are always listed). A --rules file that does "
        "not parse, or whose pattern does not compile, is refused as `cleanse run` refuses it; "
        "`cleanse rules test` runs the examples. --rule-status and --classify are accepted as "
        "for `run` and change nothing here."
    )
    options.add_rule_options(parser)
    parser.set_defaults(handler=list_command)


def test_command(args: argparse.Namespace) -> int:
    """Handler of `rules test`."""
    from cleanse.ruletest import check_example, examples  # here: they load the rule engine

    ruleset = load_rules(args.paths, builtin=not args.paths, check=False, cached=False)
    failed = total = 0
    for rule in ruleset.rules:
        for example in examples(rule):
            total += 1
            failure = check_example(example)
            if failure is not None:
                failed += 1
                print(f"FAIL {failure.message}", file=sys.stdout)
            elif args.verbose:
                print(f"ok   {example.name}: {example.text!r}")
    print(
        f"{total - failed} of {total} examples pass in {len(ruleset.rules)} rules from {len(ruleset.files)} files"
    )
    if failed:
        msg = f"{failed} example(s) failed"
        raise RuleFileError(msg)
    return 0


def list_command(args: argparse.Namespace) -> int:
    """Handler of `rules list`."""
    # Listing never runs a pattern: the built-in packs' are not even compiled (see list_rules).
    entries = list_rules(args.rules, builtin=not args.no_builtin_rules)
    rows = [("ID", "STAGE", "ACTION", "LANG", "SITES", "STATUS", "NOTE")]
    for rule in entries:
        # --lang: the rules of that language or of any; a site-scoped rule is always shown
        if (
            args.lang
            and not rule.sites
            and ANY_LANG not in rule.lang
            and args.lang not in rule.lang
        ):
            continue
        rows.append(
            (
                rule.id,
                rule.stage,
                rule.action,
                ",".join(rule.lang),
                ",".join(rule.sites) or "-",
                rule.status,
                rule.note,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(6)]
    for row in rows:
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:6])) + "  " + row[6])
    return 0
