"""Rule files: parse and validate TOML rule packs into `Rule`s, and find the built-in packs.

A rule file holds `[[rule]]` tables (format in README.md, "Writing rules"). Loading refuses, with
file, rule id and a hint, any rule that does not parse or compile; the embedded examples are run by
`cleanse.ruletest`, which the loader calls unless told the rules were already checked.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import regex

from cleanse.errors import RuleFileError
from cleanse.rulefile import KNOWN_KEYS, TEST_KEYS, rule_tables
from cleanse.runaway import refuse_runaway, runaway_probe  # noqa: F401 (re-exported)

STAGES = ("artifacts", "lines", "document")
ACTIONS_BY_STAGE = {
    "artifacts": ("replace",),
    "lines": ("replace", "drop_line", "drop_tail", "extract"),
    "document": ("drop_doc",),
}
STATUSES = ("stable", "review", "experimental")
ANY_LANG = "*"
_ID_RE = regex.compile(r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$")
# Escapes of a replacement template: a group by name or number, an octal character, one character.
_TEMPLATE_ESCAPE_RE = regex.compile(
    r"\\(?:g<(?<name>[^>]*)>|(?<octal>0[0-7]{0,2}|[0-7]{3})|(?<number>[1-9][0-9]?)|(?<char>.)|$)",
    regex.DOTALL,
)
_PLAIN_ESCAPES = frozenset("abfnrtv\\")


@dataclass(frozen=True, slots=True)
class Guard:
    """A lexicon check on each match of a replace rule.

    The match must have groups `token` (what the text says) and `word` (what the repair makes of
    it); the repair happens only when `word` ranks within `max_rank` of the document language's
    lexicon and `token` is not in it at all.
    """

    max_rank: int


@dataclass(frozen=True, slots=True)
class RuleTests:
    """Examples that travel with a rule: (before, after) fixes, texts it drops, look-alikes it keeps."""

    fix: tuple[tuple[str, str], ...] = ()
    drop: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Rule:
    """One validated rule. `source` is the file it came from, for error messages and listings.

    `contains` is an optional speed hint: the rule is tried only on lines holding one of these
    strings, whatever their case (they are stored in lower case and looked for in the lower-cased
    line). The embedded examples check that the hint is right.
    """

    id: str
    stage: str
    action: str
    pattern: regex.Pattern[str]
    replace: str | None = None
    lang: tuple[str, ...] = (ANY_LANG,)
    sites: tuple[str, ...] = ()
    status: str = "stable"
    note: str = ""
    guard: Guard | None = None
    drop_next: regex.Pattern[str] | None = None
    field: str | None = None
    contains: tuple[str, ...] = ()
    tests: RuleTests = dataclasses.field(default_factory=RuleTests)
    evidence: Mapping[str, Any] | None = None
    source: str = ""

    def applies_to(self, lang: str | None, site: str | None) -> bool:
        """True when the rule's language and site scope cover a document."""
        if ANY_LANG not in self.lang and lang not in self.lang:
            return False
        if not self.sites:
            return True
        if site is None:
            return False
        return any(site == s or site.endswith("." + s) for s in self.sites)


@dataclass(frozen=True, slots=True)
class RuleEntry:
    """What `cleanse rules list` shows of a rule: its place, scope and status, not its patterns."""

    id: str
    stage: str
    action: str
    lang: tuple[str, ...]
    sites: tuple[str, ...]
    status: str
    note: str
    source: str

    @classmethod
    def of(cls, rule: Rule) -> RuleEntry:
        """The entry of a parsed rule."""
        return cls(
            rule.id,
            rule.stage,
            rule.action,
            rule.lang,
            rule.sites,
            rule.status,
            rule.note,
            rule.source,
        )


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Rules in application order (file name order, then order within each file)."""

    rules: tuple[Rule, ...]
    files: tuple[str, ...] = ()

    def for_stage(self, stage: str) -> tuple[Rule, ...]:
        """The rules of one stage, in order."""
        return tuple(rule for rule in self.rules if rule.stage == stage)

    def select(self, statuses: Iterable[str]) -> RuleSet:
        """Only the rules whose status is among `statuses`."""
        wanted = set(statuses)
        return RuleSet(tuple(r for r in self.rules if r.status in wanted), self.files)


def builtin_rules_dir() -> Path:
    """Where the built-in packs live: inside the installed package, or `rules/` in a checkout."""
    package = Path(__file__).resolve().parent  # as importlib.resources.files("cleanse") gives it
    shipped = package / "rules"
    if shipped.is_dir():
        return shipped
    checkout = package.parent / "rules"
    if checkout.is_dir():
        return checkout
    msg = f"the built-in rule packs are missing (looked in {shipped} and {checkout}); reinstall cleanse"
    raise RuleFileError(msg)


def find_rule_files(paths: Sequence[Path]) -> list[Path]:
    """Every .toml file under the given files and folders, sorted by path within each folder."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.toml") if p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            msg = f"rule path {path} does not exist (check --rules)"
            raise RuleFileError(msg)
    return found


def parse_rule_file(path: Path, *, probe: bool = True) -> list[Rule]:
    """Parse one TOML file into rules, refusing anything malformed with file, line and rule id.

    The file is checked for size and nesting before TOML parsing, so that no file can make the
    parser recurse without end or use memory out of proportion to its size. `probe=False` skips
    the search for catastrophic backtracking (cleanse.runaway), for callers that only show the
    rules and never run them (`cleanse rules list`): it is two thirds of the loading time.
    """
    return [
        parse_rule(table, str(path), line=line, probe=probe) for table, line in rule_tables(path)
    ]


def describe_rule_file(path: Path) -> list[RuleEntry]:
    """The rules of one file as listed, checked as `parse_rule_file` checks them but for what
    needs the compiled patterns (see describe_rule): for the built-in packs only."""
    return [describe_rule(table, str(path), line=line) for table, line in rule_tables(path)]


def parse_rule(
    table: Mapping[str, Any], source: str, line: int | None = None, *, probe: bool = True
) -> Rule:
    """Validate one `[[rule]]` table (`line`: where it starts in `source`, for messages).

    `probe=False`: do not probe the patterns for runaway backtracking (see parse_rule_file).
    """
    where = _where(table, source, line)
    rule_id, stage, action, replace, field_name, guard = _head(table, where)
    pattern = _compile(table.get("pattern"), f"{where}: `pattern`")
    if isinstance(replace, str):
        _check_template(replace, pattern, f"{where}: `replace` {replace!r}")
    if probe:
        refuse_runaway(pattern, f"{where}: `pattern`")
    if guard is not None and not {"token", "word"} <= set(pattern.groupindex):
        msg = f"{where}: a guarded rule needs named groups (?<token>…) and (?<word>…)"
        raise RuleFileError(msg)
    drop_next = table.get("drop_next")
    if drop_next is not None:
        drop_next = _compile(drop_next, f"{where}: `drop_next`")
        if probe:
            refuse_runaway(drop_next, f"{where}: `drop_next`")
    contains, lang, sites, status, tests = _tail(table, where)
    return Rule(
        id=rule_id,
        stage=stage,
        action=action,
        pattern=pattern,
        replace=replace,
        lang=lang,
        sites=sites,
        status=status,
        note=str(table.get("note", "")),
        guard=guard,
        drop_next=drop_next,
        field=field_name,
        contains=contains,
        tests=tests,
        evidence=table.get("evidence"),
        source=source,
    )


def describe_rule(table: Mapping[str, Any], source: str, line: int | None = None) -> RuleEntry:
    """What `cleanse rules list` shows of one `[[rule]]` table, checked as `parse_rule` checks it
    except for what needs the compiled patterns (that they compile, the `replace` template's
    groups, a guard's named groups): compiling is most of the time of a listing. Only for the
    built-in packs, whose patterns the test suite compiles on every change."""
    where = _where(table, source, line)
    rule_id, stage, action, *_ = _head(table, where)
    _pattern_source(table.get("pattern"), f"{where}: `pattern`")
    if table.get("drop_next") is not None:
        _pattern_source(table.get("drop_next"), f"{where}: `drop_next`")
    _, lang, sites, status, _ = _tail(table, where)
    note = str(table.get("note", ""))
    return RuleEntry(rule_id, stage, action, lang, sites, status, note, source)


def _where(table: Mapping[str, Any], source: str, line: int | None) -> str:
    return f"{source}{f':{line}' if line else ''}: rule {table.get('id')!r}"


def _head(
    table: Mapping[str, Any], where: str
) -> tuple[str, str, str, str | None, str | None, Guard | None]:
    """A rule's id, stage, action, replace, field and guard, checked (before its patterns)."""
    rule_id = table.get("id")
    if not isinstance(rule_id, str) or not _ID_RE.match(rule_id):
        msg = (
            f"{where}: `id` must be lower-case words joined by '.' or '-', e.g. 'fr.share.partager'"
        )
        raise RuleFileError(msg)
    unknown = set(table) - KNOWN_KEYS
    if unknown:
        msg = f"{where}: unknown key(s) {sorted(unknown)}; known keys are {sorted(KNOWN_KEYS)}"
        raise RuleFileError(msg)
    stage = _choice(table, "stage", STAGES, where, default=None)
    action = _choice(table, "action", ACTIONS_BY_STAGE[stage], where, default=None)
    replace = table.get("replace")
    if action == "replace" and not isinstance(replace, str):
        msg = f"{where}: action 'replace' needs a `replace` string (may be '')"
        raise RuleFileError(msg)
    if action != "replace" and replace is not None:
        msg = f"{where}: `replace` is only used by action 'replace'"
        raise RuleFileError(msg)
    field_name = table.get("field")
    if action == "extract" and not (isinstance(field_name, str) and field_name.isidentifier()):
        msg = f"{where}: action 'extract' needs `field`, the metadata name for the value"
        raise RuleFileError(msg)
    return rule_id, stage, action, replace, field_name, _guard(table.get("guard"), where)


def _tail(
    table: Mapping[str, Any], where: str
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], str, RuleTests]:
    """A rule's contains, lang, sites, status and tests, checked (after its patterns)."""
    contains = _str_tuple(table.get("contains", []), "contains", where)
    if not all(contains):
        msg = f"{where}: `contains` lists non-empty strings"
        raise RuleFileError(msg)
    return (
        tuple(s.lower() for s in contains),
        _str_tuple(table.get("lang", [ANY_LANG]), "lang", where),
        _str_tuple(table.get("sites", []), "sites", where),
        _choice(table, "status", STATUSES, where, default="stable"),
        _tests(table.get("tests"), where),
    )


def _choice(
    table: Mapping[str, Any], key: str, allowed: Sequence[str], where: str, default: str | None
) -> str:
    value = table.get(key, default)
    if value not in allowed:
        msg = f"{where}: `{key}` is {value!r}; use one of {', '.join(allowed)}"
        raise RuleFileError(msg)
    return str(value)


def compile_pattern(source: str) -> regex.Pattern[str]:
    """A rule's pattern as every rule is matched (the `regex` module, VERSION1 syntax); learned
    rules applied by `run --learn` compile theirs here too, so they match as a rule file would."""
    return regex.compile(source, regex.VERSION1)


def _pattern_source(source: Any, where: str) -> str:
    if not isinstance(source, str) or not source:
        msg = f"{where} must be a non-empty string (a `regex` module pattern)"
        raise RuleFileError(msg)
    return source


def _compile(source: Any, where: str) -> regex.Pattern[str]:
    source = _pattern_source(source, where)
    try:
        return compile_pattern(source)
    except regex.error as exc:
        msg = f"{where} does not compile: {exc}"
        raise RuleFileError(msg) from exc


def _check_template(template: str, pattern: regex.Pattern[str], where: str) -> None:
    """Refuse a replacement that names a group the pattern lacks, or an unknown escape.

    The `regex` module finds these only when a line first matches, in the middle of a run.
    """
    groups = f"the pattern has {pattern.groups} group(s)" + (
        f" (named {', '.join(sorted(pattern.groupindex))})" if pattern.groupindex else ""
    )
    used: list[int] = []
    for escape in _TEMPLATE_ESCAPE_RE.finditer(template):
        name, number, char = escape.group("name", "number", "char")
        if name is not None:
            known = int(name) <= pattern.groups if name.isdigit() else name in pattern.groupindex
            problem = None if known else f"names group {name!r}, but {groups}"
            if known:
                used.append(int(name) if name.isdigit() else pattern.groupindex[name])
        elif number is not None:
            problem = (
                None if int(number) <= pattern.groups else f"names group {number}, but {groups}"
            )
            used.append(int(number))
        elif escape.group("octal") is not None:
            problem = None
        elif char is None:
            problem = "ends with a lone backslash"
        else:
            problem = None if char in _PLAIN_ESCAPES else f"has the unknown escape \\{char}"
        if problem is not None:
            msg = (
                f"{where} {problem}: write \\g<name> or \\1 for a group of the pattern, "
                "\\\\ for a backslash"
            )
            raise RuleFileError(msg)
    if len(used) != len(set(used)) or (0 in used and len(used) > 1):
        msg = (
            f"{where} copies matched text more than once (a group used twice, or the whole match "
            "with a group of it): rules only shorten lines; use each group at most once"
        )
        raise RuleFileError(msg)


def _str_tuple(value: Any, key: str, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        msg = f"{where}: `{key}` must be a list of strings"
        raise RuleFileError(msg)
    return tuple(value)


def _guard(value: Any, where: str) -> Guard | None:
    if value is None:
        return None
    if (
        not isinstance(value, dict)
        or set(value) != {"max_rank"}
        or not isinstance(value["max_rank"], int)
    ):
        msg = f"{where}: `guard` is written {{ max_rank = 2000 }}"
        raise RuleFileError(msg)
    return Guard(max_rank=value["max_rank"])


def _tests(value: Any, where: str) -> RuleTests:
    if not isinstance(value, dict) or not set(value) <= TEST_KEYS:
        msg = f"{where}: `tests` needs `fix`, `drop` and/or `keep` lists (and nothing else)"
        raise RuleFileError(msg)
    fix = value.get("fix", [])
    if not isinstance(fix, list) or not all(
        isinstance(pair, list) and len(pair) == 2 and all(isinstance(s, str) for s in pair)
        for pair in fix
    ):
        msg = f"{where}: `tests.fix` is a list of [before, after] pairs"
        raise RuleFileError(msg)
    tests = RuleTests(
        fix=tuple((before, after) for before, after in fix),
        drop=_str_tuple(value.get("drop", []), "tests.drop", where),
        keep=_str_tuple(value.get("keep", []), "tests.keep", where),
    )
    if not (tests.fix or tests.drop) or not tests.keep:
        msg = (
            f"{where}: every rule carries at least one example it changes (tests.fix or "
            "tests.drop) and one look-alike it keeps (tests.keep)"
        )
        raise RuleFileError(msg)
    return tests
