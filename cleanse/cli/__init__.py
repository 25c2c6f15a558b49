"""The `cleanse` command: a thin layer that turns flags into configs and calls the library.

Exit codes: 0 on success, 1 on errors (printed as one `cleanse: error: …` line), 2 on usage
errors. Only `CleanseError` is caught; anything else keeps its traceback, as a bug should.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from cleanse import __version__
from cleanse.cli import collector
from cleanse.cli.commands import COMMANDS, add_commands
from cleanse.errors import CleanseError

DESCRIPTION = """\
Turn scraped web text into a clean, deduplicated corpus, with a report of every change.

  cleanse run seeds/ out/            clean + deduplicate a folder, mirror it into out/
  cleanse explain seeds/001_*.txt    show what would change and which rule did it
  cleanse rules test                 run every example embedded in the rule files
  cleanse rules list --lang fr       the rules that apply to French documents
  cleanse report out/.cleanse        rebuild a run's HTML report (out/.cleanse/report.html)
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, one sub-parser per command (its flags added when it is given)."""
    parser = argparse.ArgumentParser(
        prog="cleanse",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"cleanse {__version__}")
    add_commands(parser, COMMANDS, dest="command", metavar="COMMAND")  # built when given
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    import logging  # here: `--help` and usage errors end in parse_args, and need no logging

    logging.basicConfig(
        level=logging.DEBUG if getattr(args, "verbose", 0) else logging.WARNING,
        format="cleanse: %(levelname)s: %(message)s",
    )
    try:
        return int(args.handler(args) or 0)
    except CleanseError as exc:
        print(f"cleanse: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("cleanse: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def console_main() -> int:
    """`cleanse` as a command (the console script, `python -m cleanse`): `main`, then the exit
    made quick (`collector.before_exit`: garbage collected now, nothing left to walk at exit)."""
    collector.exit_after_command()
    code = main()
    collector.before_exit()
    return code
