"""Refusing patterns that backtrack catastrophically, when a rule file is loaded.

Each pattern is searched in adversarial texts (see `_probes`) under a short timeout; a pattern
that runs over is refused with advice on rewriting it. A heuristic: what it misses, the
per-document time budget of cleanse.rule_engine still stops.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

import regex

from cleanse.errors import RuleFileError

# Refusing runaway patterns up front (see runaway_probe): each pattern is searched in long runs of
# one character followed by one it does not expect, the input that makes nested repeats try every
# way of splitting the run. On PROBE_CHARS characters `(a+)+$` needs 1.7 s and `^(a|aa)+$` never
# ends, while every pattern of the built-in packs needs under 30 ms, most a few microseconds. A
# heuristic: what it misses, the per-document time limit of cleanse.rule_engine still stops.
PROBE_CHARS = 1000
PROBE_TIMEOUT = 0.25
_PROBE_CHARS = "aA0 \t\u00a0.-_=*#/|«»\u2019é"
_PROBE_END = "\x00"
_LITERAL_START_RE = regex.compile(
    r"(?:\(\?[a-zA-Z]+\))?(?:\^|\\A)?(?:\(\?[a-zA-Z]+\))?(?<literal>[^\\.^$*+?{}\[\]|()]+)"
)


def refuse_runaway(pattern: regex.Pattern[str], where: str) -> None:
    """Raise RuleFileError, naming `where`, when the pattern fails a probe."""
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
    space-separated, after the pattern's literal start, ended by a character nothing expects;
    then, for each repeated group with alternatives, runs of what its branches match side by side
    (`ababab…` for `(a|b|ab)*`, where overlapping branches split a run in exponentially many ways).
    """
    prefixes = dict.fromkeys(["", _literal_start(source)])
    chars = dict.fromkeys(_PROBE_CHARS + "".join(c for c in source if c.isprintable()))
    units: dict[str, None] = {}
    for group in _repeated_alternations(source):
        branches = [_sample(branch) for branch in _split_branches(group)]
        alphabet = list(dict.fromkeys("".join(branches)))[:_MAX_ALPHABET]
        units.update(dict.fromkeys(a + b for a in alphabet for b in alphabet if a != b))
        branches = [b for b in dict.fromkeys(branches) if b][:_MAX_ALPHABET]
        units.update(dict.fromkeys(a + b for a in branches for b in branches if a != b))
    for prefix in prefixes:
        for char in chars:
            yield prefix + char * PROBE_CHARS + _PROBE_END
            if not char.isspace():
                yield prefix + (char + " ") * (PROBE_CHARS // 2) + _PROBE_END
        for unit in units:
            yield prefix + unit * max(2, PROBE_CHARS // len(unit)) + _PROBE_END


# Alternatives of a repeated group are probed pairwise, among the first this many characters and
# branches (a dozen: 132 pairs each, a few milliseconds for a pattern that does not backtrack).
_MAX_ALPHABET = 12
# What an escape stands for in a probe: one character it matches.
_ESCAPE_SAMPLES = {"d": "0", "w": "a", "s": " ", "D": "a", "W": " ", "S": "a", "p": "a", "X": "a"}
_QUANTIFIER_RE = regex.compile(r"[*+]|\{\d*,\d*\}|\{\d{2,}\}")


def _repeated_alternations(source: str) -> list[str]:
    """The insides of the groups that hold a `|` and are repeated (`*`, `+`, `{m,n}`).

    >>> _repeated_alternations(r"^(a|b|ab)*$"), _repeated_alternations(r"(?:x|y)z(c)+")
    (['a|b|ab'], [])
    """
    found, stack = [], []
    i = 0
    while i < len(source):
        char = source[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i = _class_end(source, i)
            continue
        if char == "(":
            stack.append(i)
        elif char == ")" and stack:
            start = stack.pop()
            inside = source[start + 1 : i]
            if "|" in inside and _QUANTIFIER_RE.match(source, i + 1):
                found.append(regex.sub(r"^\?(?:[:>|=!]|<?[=!]|P?<\w+>|[a-zA-Z-]+:)", "", inside))
        i += 1
    return found


def _class_end(source: str, start: int) -> int:
    """The index after the character class that opens at `start`."""
    i = start + 1
    if source[i : i + 1] == "^":
        i += 1
    if source[i : i + 1] == "]":
        i += 1
    depth = 1
    while i < len(source) and depth:
        if source[i] == "\\":
            i += 2
            continue
        if source[i] == "[":
            depth += 1
        elif source[i] == "]":
            depth -= 1
        i += 1
    return i


def _split_branches(group: str) -> list[str]:
    """The top-level alternatives of a group's inside."""
    branches, depth, start, i = [], 0, 0, 0
    while i < len(group):
        char = group[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i = _class_end(group, i)
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            branches.append(group[start:i])
            start = i + 1
        i += 1
    branches.append(group[start:])
    return branches


def _sample(branch: str) -> str:
    r"""A text the branch plausibly matches: its literal characters, one per escape or class.

    >>> _sample(r"ab"), _sample(r"\d+x"), _sample(r"[-a]b?")
    ('ab', '0x', '-b')
    """
    out, i = [], 0
    while i < len(branch):
        char = branch[i]
        if char == "\\" and i + 1 < len(branch):
            out.append(_ESCAPE_SAMPLES.get(branch[i + 1], branch[i + 1]))
            i += 2
            if branch[i - 1] in "pP" and branch[i : i + 1] == "{":
                i = branch.find("}", i) + 1 or len(branch)
            continue
        if char == "[":
            end = _class_end(branch, i)
            inner = branch[i + 1 : end - 1].lstrip("^")
            out.append(_sample(inner[:2] if inner.startswith("\\") else inner[:1]) or "a")
            i = end
            continue
        if char == "{":
            i = branch.find("}", i) + 1 or len(branch)
            continue
        if char not in "()?*+|^$.":
            out.append(char)
        i += 1
    return "".join(out)


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
