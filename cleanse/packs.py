"""Loading rule packs: the built-in packs and the user's files, parsed, then their examples run.

Parsing and validation live in `cleanse.rules`, running the embedded examples in
`cleanse.ruletest` (which needs the engine); this module joins the two, so that the rule format
never depends on the engine that applies it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from cleanse.errors import RuleFileError
from cleanse.rules import Rule, RuleSet, builtin_rules_dir, find_rule_files, parse_rule_file


def load_rules(
    paths: Sequence[Path] | None = None,
    *,
    builtin: bool = True,
    check: bool = True,
    probe: bool = True,
) -> RuleSet:
    """Load the built-in packs (unless `builtin=False`) and then the files or folders in `paths`.

    With `check`, every embedded example is run and a failing one raises RuleFileError. Without
    `probe`, patterns are not searched for runaway backtracking: only for showing rules, never
    for running them (see cleanse.rules.parse_rule_file).
    """
    files = find_rule_files([builtin_rules_dir()] if builtin else [])
    files += find_rule_files(list(paths or ()))
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for path in files:
        for rule in parse_rule_file(path, probe=probe):
            if rule.id in seen:
                msg = f"{path}: rule {rule.id!r} is already defined in {seen[rule.id]}; ids are unique"
                raise RuleFileError(msg)
            seen[rule.id] = str(path)
            rules.append(rule)
    ruleset = RuleSet(tuple(rules), tuple(str(p) for p in files))
    if check:
        from cleanse.ruletest import check_rules  # here: running examples needs the rule engine

        failures = check_rules(ruleset)
        if failures:
            raise RuleFileError(failures[0].message + _more(len(failures) - 1))
    return ruleset


def _more(count: int) -> str:
    return f" (and {count} more failing example(s); run `cleanse rules test`)" if count else ""
