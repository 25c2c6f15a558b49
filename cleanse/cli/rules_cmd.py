"""`cleanse rules test|list`: check and show the rule packs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cleanse.cli import learn_cmd, options
from cleanse.errors import RuleFileError
from cleanse.packs import load_rules


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `rules` and its sub-commands."""
    parser = commands.add_parser(
        "rules", help="test, list (and learn) rules", description="Work with rule files."
    )
    sub = parser.add_subparsers(dest="rules_command", metavar="ACTION", required=True)

    test = sub.add_parser(
        "test", help="run every example embedded in rule files",
        description="Run the examples of the built-in packs, or of the files and folders given. "
        "Exits 1 when an example fails, naming file, rule id and example.",
    )  # fmt: skip
    test.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="rule files or folders (default: built-in packs)",
    )
    test.add_argument("--verbose", "-v", action="count", default=0, help="list every example")
    test.set_defaults(handler=test_command)

    listing = sub.add_parser("list", help="show rules with their stage, scope and status")
    options.add_rule_options(listing)
    listing.set_defaults(handler=list_command)

    learn_cmd.register(sub)


def test_command(args: argparse.Namespace) -> int:
    """Handler of `rules test`."""
    from cleanse.ruletest import check_example, examples  # here: they load the rule engine

    ruleset = load_rules(args.paths, builtin=not args.paths, check=False)
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
    # Listing never runs a pattern: neither the examples nor the backtracking probe are needed
    # (every command that applies rules still runs both).
    ruleset = load_rules(args.rules, builtin=not args.no_builtin_rules, check=False, probe=False)
    rows = [("ID", "STAGE", "ACTION", "LANG", "SITES", "STATUS", "NOTE")]
    for rule in ruleset.rules:
        if args.lang and not rule.applies_to(args.lang, None) and not rule.sites:
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
