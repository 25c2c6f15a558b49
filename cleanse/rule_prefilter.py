"""Cheap tests that let the rule engine skip, on most lines, the rules that cannot fire there: the
rules that repair a doubled initial letter (`qquand`, `TThe`), and the rules with a `contains` hint
(`screen_pass`: one scan of a pass's joined lines per question, instead of a call per line).

Those rules open their pattern with `PAIR_HINT`: a word boundary, then a letter and the same letter
again, compared without case (`regex` VERSION1 folds case fully: `ſ` is `s`, the Kelvin sign is
`k`, `ß` is `ss`). Such a pair opens a word on about one line in fifty, yet the `regex` engine
tries the pattern at every word start of every line. `may_hold_pair` answers with one `re` search
(several times faster than the `regex` pattern) whether a line can hold such a pair; when it says
no, the pattern cannot match and the rule is not run. It says yes wherever `PAIR_HINT` matches, and
at some places it does not (after a non-ASCII letter, before two letters of another script): the
engine then runs the rule, which decides as before. `tests/test_rule_prefilter.py` checks the
claim against the `regex` pattern on real lines, on generated adversarial text and on every
character that case-folds to an ASCII letter.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

from cleanse.rules import Rule

# What a rule's pattern opens with to be skipped on lines without a doubled initial.
PAIR_HINT = r"\b(?=(?<pair>[^\W\d_])(?i:\g<pair>))"

# The non-ASCII characters whose lower, upper, title or folded case holds an ASCII letter (ß, İ,
# ı, ŉ, ſ, ǰ, ẖ-ẚ, ẞ, the Kelvin sign, the ligatures ﬀ-ﬆ): the only ones `regex` can take for the
# same letter as an ASCII one, ignoring case.
_ASCII_FOLDS = "\u00df\u0130\u0131\u0149\u017f\u01f0\u1e96-\u1e9a\u1e9e\u212a\ufb00-\ufb06"
# Non-ASCII characters that are not word characters for `regex` and have no case: C1 controls,
# Latin-1 signs and spaces (but ª, µ and º, which are letters), × and ÷, general punctuation (but
# the joiners U+200C-U+200D and the connectors ‿ ⁀ ⁔, which `regex` counts as word characters).
# Quotes, dashes and no-break spaces are here, so a French « followed by a space is no pair.
_NOT_WORD = (
    "\x80-\xa9\xab-\xb4\xb6-\xb9\xbb-\xbf\xd7\xf7"
    "\u2000-\u200b\u200e-\u203e\u2041-\u2053\u2055-\u206f"
)
# Not after an ASCII letter, digit or underscore (there is no word boundary there, whatever the
# flags), one of: an ASCII letter twice in either case; an ASCII letter and a character that folds
# to one, in either order; two non-ASCII characters that may be word characters.
_PAIR_AT_WORD_START = re.compile(
    r"(?<![A-Za-z0-9_])(?:"
    r"([A-Za-z])(?i:\1)"
    rf"|[A-Za-z][{_ASCII_FOLDS}]|[{_ASCII_FOLDS}][A-Za-z]"
    rf"|[^\x00-\x7f{_NOT_WORD}][^\x00-\x7f{_NOT_WORD}])"
)


# The same on ASCII text, where only the first alternative can match: an ASCII letter twice at the
# start, or after a character that is not an ASCII letter, digit or underscore. Each opens with a
# plain character or class, so `re` skips ahead to where it can start instead of testing the
# lookbehind at every position.
_ASCII_PAIR_AT_START = re.compile(r"([A-Za-z])(?i:\1)")
_ASCII_PAIR_AFTER_BOUNDARY = re.compile(r"[^A-Za-z0-9_]([A-Za-z])(?i:\1)")


def opens_with_pair_hint(rule: Rule) -> bool:
    """Whether `rule`'s pattern can match only where `PAIR_HINT` does."""
    return rule.pattern.pattern.startswith(PAIR_HINT)


def may_hold_pair(text: str) -> bool:
    """False when no word of `text` can open with a letter written twice (see the module's
    docstring); True when one may.

    >>> may_hold_pair("pendant qquand un accord"), may_hold_pair("« Il est venu »")
    (True, False)
    """
    if text.isascii():
        return (
            _ASCII_PAIR_AT_START.match(text) is not None
            or _ASCII_PAIR_AFTER_BOUNDARY.search(text) is not None
        )
    return _PAIR_AT_WORD_START.search(text) is not None


@dataclass(frozen=True, slots=True)
class PassScreen:
    """What the lines of one pass hold as the pass starts (a line the pass edits must be tested on
    its own again).

    `held`: by line index, the ids of the hinted rules one of whose `contains` strings the line's
    lower case holds (a line with none is left out); None when not screened (test every line).
    `absent`: the hinted rules no line holds.

    (The doubled-letter test is not screened this way: one `re` scan of the joined lines for a
    pair at a word start costs as much as `may_hold_pair` line by line, 20-40 ns a character.)
    """

    held: dict[int, frozenset[str]] | None
    absent: frozenset[str]


# The screen that screens nothing: every line is tested on its own (tests compare against it).
UNSCREENED = PassScreen(None, frozenset())


def screen_pass(texts: Sequence[str], todo: Sequence[int], hinted: Sequence[Rule]) -> PassScreen:
    """The PassScreen of the lines `todo` (indexes into `texts`) for the rules `hinted` (each with
    a `contains` hint).

    The lines are joined with "\n" and searched once per hint string (str.find); a hit counts for
    the line whose span holds all of it. That is each line's own answer: str.lower maps each
    character on its own (a final sigma aside, whose context "\n" ends as the end of a text does).
    """
    if not todo or not hinted:
        return PassScreen({}, frozenset(r.id for r in hinted))
    own = [texts[i] for i in todo]
    joined = "\n".join(own)
    starts = [0, *accumulate(len(t) + 1 for t in own)]  # starts[k]: where line k begins
    lowered = joined.lower()
    if len(lowered) != len(joined):  # a character lowered to two (İ): lines of their own
        low = [t.lower() for t in own]
        lowered = "\n".join(low)
        starts = [0, *accumulate(len(t) + 1 for t in low)]
    found: dict[int, list[str]] = {}
    absent = []
    for rule in hinted:
        lines: set[int] = set()
        for needle in rule.contains:
            lines |= _lines_holding(lowered, starts, needle)
        if not lines:
            absent.append(rule.id)
        for k in lines:
            found.setdefault(k, []).append(rule.id)
    held = {todo[k]: frozenset(ids) for k, ids in found.items()}
    return PassScreen(held, frozenset(absent))


def _lines_holding(text: str, starts: list[int], needle: str) -> set[int]:
    """The lines (positions k: text[starts[k]:starts[k + 1] - 1]) that hold `needle`."""
    out: set[int] = set()
    size, last = len(needle), len(starts) - 1
    pos = text.find(needle)
    while pos >= 0:
        k = bisect_right(starts, pos) - 1
        if pos + size < starts[k + 1]:  # within the line, "\n" after it excluded
            out.add(k)
            if k + 1 >= last:
                break
            pos = text.find(needle, starts[k + 1])
        else:
            pos = text.find(needle, pos + 1)
    return out
