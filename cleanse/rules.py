"""Rule files: parse and validate TOML rule packs into `Rule`s, and find the built-in packs.

A rule file holds `[[rule]]` tables (format in README.md, "Writing rules"). Loading refuses, with
file, rule id and a hint, any rule that does not parse or compile; the embedded examples are run by
`cleanse.ruletest`, which the loader calls unless told the rules were already checked.
"""

from __future__ import annotations

import dataclasses
import functools
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import regex

from cleanse.errors import RuleFileError

STAGES = ("artifacts", "lines", "document")
ACTIONS_BY_STAGE = {
    "artifacts": ("replace",),
    "lines": ("replace", "drop_line", "drop_tail", "extract"),
    "document": ("drop_doc",),
}
STATUSES = ("stable", "review", "experimental")
ANY_LANG = "*"
_ID_RE = regex.compile(r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$")
_KNOWN_KEYS = {
    "id", "stage", "action", "pattern", "replace", "lang", "sites", "status", "note", "guard",
    "drop_next", "field", "tests", "evidence", "contains",
}  # fmt: skip
_TEST_KEYS = {"fix", "drop", "keep"}
# Refusing runaway patterns up front (see runaway_probe): each pattern is searched in long runs of
# one character followed by one it does not expect, the input that makes nested repeats try every
# way of splitting the run. On PROBE_CHARS characters `(a+)+$` needs 1.7 s and `^(a|aa)+$` never
# ends, while every pattern of the built-in packs needs under 30 ms, most a few microseconds. A
# heuristic: what it misses, the per-document time limit of cleanse.apply still stops.
PROBE_CHARS = 1000
PROBE_TIMEOUT = 0.25
_PROBE_CHARS = "aA0 \t\u00a0.-_=*#/|«»\u2019é"
_PROBE_END = "\x00"
_LITERAL_START_RE = regex.compile(
    r"(?:\(\?[a-zA-Z]+\))?(?:\^|\\A)?(?:\(\?[a-zA-Z]+\))?(?<literal>[^\\.^$*+?{}\[\]|()]+)"
)


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
    shipped = Path(str(resources.files("cleanse"))) / "rules"
    if shipped.is_dir():
        return shipped
    checkout = Path(__file__).resolve().parent.parent / "rules"
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


def parse_rule_file(path: Path) -> list[Rule]:
    """Parse one TOML file into rules, refusing anything malformed with file and rule id."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        msg = f"{path}: cannot be read: {exc}"
        raise RuleFileError(msg) from exc
    except UnicodeDecodeError as exc:
        msg = f"{path}: not valid TOML: rule files are UTF-8 ({exc})"
        raise RuleFileError(msg) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = f"{path}: not valid TOML: {exc}"
        raise RuleFileError(msg) from exc
    tables = data.get("rule", [])
    if not isinstance(tables, list) or not all(isinstance(table, dict) for table in tables):
        msg = f"{path}: rules are written as [[rule]] tables"
        raise RuleFileError(msg)
    return [parse_rule(table, str(path)) for table in tables]


def parse_rule(table: Mapping[str, Any], source: str) -> Rule:
    """Validate one `[[rule]]` table."""
    rule_id = table.get("id")
    where = f"{source}: rule {rule_id!r}"
    if not isinstance(rule_id, str) or not _ID_RE.match(rule_id):
        msg = f"{where}: `id` must be lower-case words joined by '.' or '-', e.g. 'fr.share.partager'"
        raise RuleFileError(msg)
    unknown = set(table) - _KNOWN_KEYS
    if unknown:
        msg = f"{where}: unknown key(s) {sorted(unknown)}; known keys are {sorted(_KNOWN_KEYS)}"
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
    guard = _guard(table.get("guard"), where)
    pattern = _compile(table.get("pattern"), f"{where}: `pattern`")
    _refuse_runaway(pattern, f"{where}: `pattern`")
    if guard is not None and not {"token", "word"} <= set(pattern.groupindex):
        msg = f"{where}: a guarded rule needs named groups (?<token>…) and (?<word>…)"
        raise RuleFileError(msg)
    drop_next = table.get("drop_next")
    if drop_next is not None:
        drop_next = _compile(drop_next, f"{where}: `drop_next`")
        _refuse_runaway(drop_next, f"{where}: `drop_next`")
    contains = _str_tuple(table.get("contains", []), "contains", where)
    if not all(contains):
        msg = f"{where}: `contains` lists non-empty strings"
        raise RuleFileError(msg)
    return Rule(
        id=rule_id,
        stage=stage,
        action=action,
        pattern=pattern,
        replace=replace,
        lang=_str_tuple(table.get("lang", [ANY_LANG]), "lang", where),
        sites=_str_tuple(table.get("sites", []), "sites", where),
        status=_choice(table, "status", STATUSES, where, default="stable"),
        note=str(table.get("note", "")),
        guard=guard,
        drop_next=drop_next,
        field=field_name,
        contains=tuple(s.lower() for s in contains),
        tests=_tests(table.get("tests"), where),
        evidence=table.get("evidence"),
        source=source,
    )


def _choice(
    table: Mapping[str, Any], key: str, allowed: Sequence[str], where: str, default: str | None
) -> str:
    value = table.get(key, default)
    if value not in allowed:
        msg = f"{where}: `{key}` is {value!r}; use one of {', '.join(allowed)}"
        raise RuleFileError(msg)
    return str(value)


def _compile(source: Any, where: str) -> regex.Pattern[str]:
    if not isinstance(source, str) or not source:
        msg = f"{where} must be a non-empty string (a `regex` module pattern)"
        raise RuleFileError(msg)
    try:
        return regex.compile(source, regex.VERSION1)
    except regex.error as exc:
        msg = f"{where} does not compile: {exc}"
        raise RuleFileError(msg) from exc


def _refuse_runaway(pattern: regex.Pattern[str], where: str) -> None:
    probe = runaway_probe(pattern.pattern, pattern.flags)
    if probe is not None:
        msg = (
            f"{where} timed out (over {PROBE_TIMEOUT} s) on {probe}: it backtracks "
            "catastrophically, which would stall every line like it. Nested or overlapping repeats "
            r"such as (a+)+, (\w+\s?)+ or (a|aa)+ cause this; rewrite the pattern so that each "
            "character can be matched one way only, e.g. a+$ instead of (a+)+$"
        )
        raise RuleFileError(msg)


@functools.lru_cache(maxsize=1024)
def runaway_probe(source: str, flags: int = regex.VERSION1) -> str | None:
    """An adversarial text the pattern cannot search within PROBE_TIMEOUT, shortened for display.

    None when the pattern passes every probe.

    >>> runaway_probe(r"^Subscribe now$") is None, runaway_probe(r"(a+)+$")
    (True, "'aaaaaaaaaaaaaaaaaaaa…' (1,001 characters)")
    """
    pattern = regex.compile(source, flags)
    for probe in _probes(source):
        try:
            pattern.search(probe, timeout=PROBE_TIMEOUT)
        except TimeoutError:
            return f"{probe[:20] + '…'!r} ({len(probe):,} characters)"
    return None


def _probes(source: str) -> Iterator[str]:
    """Long runs of each character the pattern names (and a few usual ones), alone and
    space-separated, after the pattern's literal start, ended by a character nothing expects."""
    prefixes = dict.fromkeys(["", _literal_start(source)])
    chars = dict.fromkeys(_PROBE_CHARS + "".join(c for c in source if c.isprintable()))
    for prefix in prefixes:
        for char in chars:
            yield prefix + char * PROBE_CHARS + _PROBE_END
            if not char.isspace():
                yield prefix + (char + " ") * (PROBE_CHARS // 2) + _PROBE_END


def _literal_start(source: str) -> str:
    """The literal text a pattern starts with, after `^` and inline flags: 'Subscribe now' for
    '^Subscribe now$' (so that the probes reach the part after it)."""
    match = _LITERAL_START_RE.match(source)
    if match is None:
        return ""
    literal: str = match.group("literal")
    if source[match.end() : match.end() + 1] in ("?", "*", "{"):
        literal = literal[:-1]  # the last character is optional
    return literal


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
    if not isinstance(value, dict) or set(value) != {"max_rank"} or not isinstance(
        value["max_rank"], int
    ):
        msg = f"{where}: `guard` is written {{ max_rank = 2000 }}"
        raise RuleFileError(msg)
    return Guard(max_rank=value["max_rank"])


def _tests(value: Any, where: str) -> RuleTests:
    if not isinstance(value, dict) or not set(value) <= _TEST_KEYS:
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
