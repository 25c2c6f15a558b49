"""`cleanse explain`: print what a run would change, line by line, with the reason beside each change.

Cleaning changes name their rule; duplicate paragraphs and documents name what they duplicate
(document and input line) and how similar they are. The duplicate stages compare the explained
documents with each other only (no persistent index is read or written).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cleanse.cli import options
from cleanse.cli.report_cmd import REPORT_NAME
from cleanse.dedup.config import DedupConfig
from cleanse.errors import InputError

if TYPE_CHECKING:
    from cleanse.cli.commands import Command
    from cleanse.document import Change, Item

CONTEXT = 40


def build(parser: argparse.ArgumentParser, command: Command) -> None:
    """Add the flags of `explain` to its parser."""
    parser.description = (
        "Dry run: a readable diff of what a run would do to each document, with the "
        "rule id beside each change. Lines marked '-' would be dropped, '~' edited in place; a "
        "duplicate paragraph or document names the copy that is kept and the similarity. The "
        "given files are compared with each other (all are held in memory: explain a sample)."
    )
    parser.add_argument(
        "paths", nargs="+", metavar="FILE", help="files or folders (as for `cleanse run` SRC)"
    )
    parser.add_argument(
        "--color", choices=("auto", "always", "never"), default="auto", help="colour the diff"
    )
    options.add_input_options(parser)
    options.add_rule_options(parser)
    defaults = DedupConfig()
    group = parser.add_argument_group("duplicates")
    group.add_argument("--no-dedup", action="store_true", help="explain the cleaning stages only")
    group.add_argument(
        "--threshold", type=options.SHARE, default=defaults.threshold, metavar="J",
        help=f"Jaccard similarity at or above which texts are duplicates (default: {defaults.threshold})",
    )  # fmt: skip
    group.add_argument(
        "--level", choices=("both", "paragraph", "document"), default=defaults.level,
        help="which duplicates to look for (default: both)",
    )  # fmt: skip
    parser.set_defaults(handler=explain_command)


def explain_command(args: argparse.Namespace) -> int:
    """Handler of `explain`."""
    # Imported here, not at the top: `cleanse --help` should not load the engine (numpy, ftfy).
    from cleanse.clean import Cleaner
    from cleanse.dedup.documents import deduplicate
    from cleanse.document import Document
    from cleanse.readers import read_documents

    for path in args.paths:
        refuse_report_folder(path)
    cleaner = Cleaner(options.ruleset(args), options.clean_config(args))
    color = args.color == "always" or (
        args.color == "auto" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    )
    docs: list[Item] = [
        cleaner.clean(doc) if isinstance(doc, Document) else doc
        for path in args.paths
        for doc in read_documents(path, options.read_config(args))
    ]
    if not args.no_dedup:
        docs, _ = deduplicate(docs, DedupConfig(threshold=args.threshold, level=args.level))
    for doc in docs:
        for line in render(doc, color):
            print(line)
    return 0


def refuse_report_folder(path: str) -> None:
    """Refuse a run's report folder (or a file in it) given as input, instead of "explaining" the
    audit's records as documents without text and the HTML report as a scraped page."""
    from cleanse.layout import REPORT_FILES

    given = Path(path)
    folder = given if given.is_dir() else given.parent
    written_there = given.is_dir() or given.name in (*REPORT_FILES, REPORT_NAME)
    if not (written_there and is_report_folder(folder)):
        return
    where = "is" if given.is_dir() else "lies in"
    msg = (
        f"{path}: {where} a run's report folder, not input. `cleanse explain` shows what a run "
        f"would do to input files: give it the run's SRC (or a sample of it). What the run did is "
        f"in {folder / REPORT_NAME} (rebuilt by `cleanse report {folder}`) and, line by line "
        f"with each rule and score, in {folder / 'audit.jsonl'}."
    )
    raise InputError(msg)


def is_report_folder(folder: Path) -> bool:
    """True if `folder` holds an audit and a summary that a cleanse run wrote."""
    if not (folder / "audit.jsonl").is_file():
        return False
    try:
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(summary, dict) and isinstance(summary.get("documents"), dict)


def render(doc: Item, color: bool = False) -> Iterator[str]:
    """The explanation of one cleaned document (or rejected input), line by line."""
    from cleanse.document import Document

    if isinstance(doc, Document):
        lang, removed, why, extracted = doc.lang, doc.removed, doc.removed_detail, doc.extracted
    else:
        lang, removed, why, extracted = None, doc.reason, doc.detail, {}
    red, green, dim, bold, off = (
        ("\x1b[31m", "\x1b[32m", "\x1b[2m", "\x1b[1m", "\x1b[0m") if color else ("",) * 5
    )
    count = len(doc.changes)
    header = f"{bold}{doc.id}{off}  ({lang or 'und'}, {count} change{'s' if count != 1 else ''}"
    header += f", REMOVED by {removed})" if removed else ")"
    yield header
    if why and "duplicate_of" in why:
        yield f"        {dim}{duplicate_of(why)}{off}"
    for flag in doc.flags:
        yield f"   {dim}flag: {flag}{off}"
    # In line order, so the diff reads top to bottom; stages keep their order on one line.
    for change in sorted(doc.changes, key=lambda c: c.line or 0):
        where = f"{change.line:>5}" if change.line is not None else "  doc"
        tag = f"{dim}[{change.stage}: {change.rule}]{off}"
        if change.after is None:
            yield f"{where} {red}- {_clip(change.before)}{off}  {tag}"
        else:
            before, after = _window(change)
            yield f"{where} ~ {tag}"
            yield f"        {red}- {before}{off}"
            yield f"        {green}+ {after}{off}"
        detail = change.detail or {}
        if "reason" in detail:  # the classifier's verdict: why, and the number behind it
            yield f"        {dim}reason: {detail['reason']}, score {detail.get('score')}{off}"
        if detail.get("scores"):
            yield f"        {dim}scores: {detail['scores']}{off}"
        if change.detail and "duplicate_of" in change.detail:
            yield f"        {dim}{duplicate_of(change.detail)}{off}"
    for key, value in extracted.items():
        yield f"   {dim}extracted {key}: {value}{off}"
    yield ""


def duplicate_of(detail: Mapping[str, Any]) -> str:
    """What a duplicate paragraph or document is a copy of, and how similar.

    >>> duplicate_of({"duplicate_of": "a.txt", "duplicate_of_line": 3, "similarity": 0.8182, "kind": "near"})
    'duplicate of a.txt line 3 (similarity 0.82, near)'
    """
    where = str(detail["duplicate_of"])
    if detail.get("duplicate_of_line") is not None:
        where += f" line {detail['duplicate_of_line']}"
    elif detail.get("duplicate_of_paragraph") is not None:
        where += f" paragraph {detail['duplicate_of_paragraph'] + 1}"
    similarity = detail.get("similarity")
    shown = f"{similarity:.2f}" if isinstance(similarity, (int, float)) else "?"
    return f"duplicate of {where} (similarity {shown}, {detail.get('kind', '?')})"


def _clip(text: str, width: int = 160) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _window(change: Change) -> tuple[str, str]:
    """The edited part of a long line with some context on both sides."""
    before, after = change.before, change.after or ""
    start = 0
    while start < min(len(before), len(after)) and before[start] == after[start]:
        start += 1
    end = 0
    while end < min(len(before), len(after)) - start and before[-1 - end] == after[-1 - end]:
        end += 1
    lo = max(0, start - CONTEXT)
    left = "…" if lo > 0 else ""
    b_hi, a_hi = len(before) - end + CONTEXT, len(after) - end + CONTEXT
    right_b = "…" if b_hi < len(before) else ""
    right_a = "…" if a_hi < len(after) else ""
    return left + before[lo:b_hi] + right_b, left + after[lo:a_hi] + right_a
