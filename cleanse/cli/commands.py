"""The commands of `cleanse` with their one-line help, and a parser that builds a command's flags
only when that command runs.

`cleanse --help` needs the name and help line of each command, nothing more; the flags of a
command, its handler and what they import live in the command's module (`cleanse.cli.jobs`,
`.explain`, ...), imported by `LazyCommands` when argparse meets the command's name on the command
line. So `cleanse rules list` loads neither the job options nor `explain`, and `--help` none of them.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    _SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    _SubParsers = argparse._SubParsersAction  # not subscriptable at run time


class Command(NamedTuple):
    """A (sub-)command: its name, its line in the parent's help, and `module:function`, the
    function that adds its description, flags and handler to its parser: `function(parser, self)`."""

    name: str
    help: str
    builder: str


COMMANDS = (
    Command("run", "clean and deduplicate SRC into DEST (the main job)", "cleanse.cli.jobs:build"),
    Command(
        "clean",
        "run the cleaning stages only (ftfy, rule packs, line classifier)",
        "cleanse.cli.jobs:build",
    ),
    Command(
        "dedup",
        "run the duplicate stages only (repeated paragraphs, near-duplicate documents)",
        "cleanse.cli.jobs:build",
    ),
    Command(
        "explain", "show what would change and why, writing nothing", "cleanse.cli.explain:build"
    ),
    Command("rules", "test, list (and learn) rules", "cleanse.cli.rules_cmd:build"),
    Command(
        "report",
        "rebuild the HTML report of a run from its report folder",
        "cleanse.cli.report_cmd:build",
    ),
)
RULES_ACTIONS = (
    Command("test", "run every example embedded in rule files", "cleanse.cli.rules_cmd:build_test"),
    Command(
        "list", "show rules with their stage, scope and status", "cleanse.cli.rules_cmd:build_list"
    ),
    Command(
        "learn",
        "mine lines that recur across a site's documents into candidate rules (status = review)",
        "cleanse.cli.learn_cmd:build",
    ),
)


class LazyCommands(_SubParsers):
    """Sub-parsers whose flags are added when their command is the one given (see the module)."""

    unbuilt: dict[str, Command]

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        assert isinstance(values, list)  # nargs=PARSER: the command's name, then its arguments
        command = self.unbuilt.pop(values[0], None)
        if command is not None:
            build(self.choices[command.name], command)
        super().__call__(parser, namespace, values, option_string)


def add_commands(
    parser: argparse.ArgumentParser, commands: Sequence[Command], *, dest: str, metavar: str
) -> None:
    """Add `commands` to `parser` as sub-commands, each listed in its help and built when used."""
    sub = parser.add_subparsers(dest=dest, metavar=metavar, required=True, action=LazyCommands)
    assert isinstance(sub, LazyCommands)
    sub.unbuilt = {}
    for command in commands:
        sub.add_parser(command.name, help=command.help)
        sub.unbuilt[command.name] = command


def build(parser: argparse.ArgumentParser, command: Command) -> None:
    """Import the module of `command` and let it add its flags to `parser`."""
    module, function = command.builder.split(":")
    getattr(importlib.import_module(module), function)(parser, command)
