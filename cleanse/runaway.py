"""Refusing patterns that backtrack catastrophically, when a rule file is loaded.

Each pattern is searched in adversarial texts (see `_probes`) under a short timeout; a pattern
that runs over is refused with advice on rewriting it. A heuristic: what it misses, the
per-document time budget of cleanse.apply still stops.
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
# heuristic: what it misses, the per-document time limit of cleanse.apply still stops.
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
