"""Loading rule packs: the built-in packs and the user's files, parsed, then their examples run;
and listing them (`list_rules`, for `cleanse rules list`).

Parsing and validation live in `cleanse.rules`, running the embedded examples in
`cleanse.ruletest` (which needs the engine); this module joins the two, so that the rule format
never depends on the engine that applies it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

from cleanse.errors import RuleFileError
from cleanse.rules import (
    Rule,
    RuleEntry,
    RuleSet,
    builtin_rules_dir,
    describe_rule_file,
    find_rule_files,
    parse_rule_file,
)


def load_rules(
    paths: Sequence[Path] | None = None,
    *,
    builtin: bool = True,
    check: bool = True,
    probe: bool = True,
    cached: bool = True,
) -> RuleSet:
    """Load the built-in packs (unless `builtin=False`) and then the files or folders in `paths`.

    With `check`, every embedded example is run and a failing one raises RuleFileError. Without
    `probe`, patterns are not searched for runaway backtracking: only for showing rules, never
    for running them (see cleanse.rules.parse_rule_file). With `cached`, files that passed both
    checks in an earlier load, unchanged and under the same code, are not checked again
    (cleanse.rule_check_cache); they are parsed and compiled all the same.
    """
    # Here, not at the top: `cleanse rules list` loads this module and needs neither.
    from cleanse.rule_check_cache import checks_key, checks_passed, remember_checks

    files = find_rule_files([builtin_rules_dir()] if builtin else [])
    files += find_rule_files(list(paths or ()))
    key = checks_key(files) if cached and (check or probe) else None
    known = key is not None and checks_passed(key)
    seen: dict[str, str] = {}
    rules = [
        _unique(rule, path, seen)
        for path in files
        for rule in parse_rule_file(path, probe=probe and not known)
    ]
    ruleset = RuleSet(tuple(rules), tuple(str(p) for p in files))
    if check and not known:
        from cleanse.ruletest import check_rules  # here: running examples needs the rule engine

        failures = check_rules(ruleset)
        if failures:
            raise RuleFileError(failures[0].message + _more(len(failures) - 1))
    if key is not None and check and probe and not known:
        remember_checks(key)
    return ruleset


def list_rules(paths: Sequence[Path] | None = None, *, builtin: bool = True) -> list[RuleEntry]:
    """The rules `load_rules` would load, as `cleanse rules list` shows them, without compiling
    the built-in packs' patterns (most of the time of a listing; tests/test_rule_listing.py
    compiles every one, and checks these entries against the loaded rules). The files in `paths`
    are parsed as `load_rules` parses them (patterns compiled, neither probed nor their examples
    run), so a user's rule that does not parse or compile is refused with `load_rules`' message."""
    builtin_files = find_rule_files([builtin_rules_dir()] if builtin else [])
    user_files = find_rule_files(list(paths or ()))
    seen: dict[str, str] = {}
    entries = [
        _unique(entry, path, seen) for path in builtin_files for entry in describe_rule_file(path)
    ]
    for path in user_files:
        for rule in parse_rule_file(path, probe=False):
            entries.append(_unique(RuleEntry.of(rule), path, seen))
    return entries


_Named = TypeVar("_Named", Rule, RuleEntry)


def _unique(rule: _Named, path: Path, seen: dict[str, str]) -> _Named:
    """`rule`, after checking that no file loaded before (`seen`: id -> file) defines its id."""
    if rule.id in seen:
        msg = f"{path}: rule {rule.id!r} is already defined in {seen[rule.id]}; ids are unique"
        raise RuleFileError(msg)
    seen[rule.id] = str(path)
    return rule


def _more(count: int) -> str:
    return f" (and {count} more failing example(s); run `cleanse rules test`)" if count else ""
