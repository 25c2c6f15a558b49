"""`cleanse report`: rebuild the HTML report of a run from its report folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from cleanse.errors import InputError

if TYPE_CHECKING:
    from cleanse.cli.commands import Command

# cleanse.report.REPORT_NAME (tests/test_startup.py checks they agree): the report package is
# imported only when the command runs, so that `cleanse --help` does not pay for it.
REPORT_NAME = "report.html"


def build(parser: argparse.ArgumentParser, command: Command) -> None:
    """Add the flags of `report` to its parser."""
    parser.description = (
        "Write the HTML report of a run (one self-contained page, opens offline) from "
        "the summary.json and audit.jsonl of its report folder (DEST/.cleanse/ by default). A "
        "folder from an older version or a damaged audit gives a partial report saying what is missing."
    )
    parser.add_argument(
        "folder", metavar="REPORT_DIR", type=Path, help="the run's report folder, e.g. out/.cleanse"
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", type=Path,
        help=f"where to write the page (default: REPORT_DIR/{REPORT_NAME})",
    )  # fmt: skip
    parser.set_defaults(handler=report_command)


def report_command(args: argparse.Namespace) -> int:
    """Handler of `report`."""
    folder: Path = args.folder
    if not folder.is_dir():
        msg = f"{folder}: no such folder; give a run's report folder (DEST/.cleanse or its --report DIR)"
        raise InputError(msg)
    if not (folder / "summary.json").exists() and not (folder / "audit.jsonl").exists():
        msg = f"{folder}: holds neither summary.json nor audit.jsonl; is it a run's report folder?"
        raise InputError(msg)
    from cleanse.report import write_report

    target = write_report(folder, args.output)
    print(f"cleanse: report: {target}", file=sys.stderr)
    return 0
