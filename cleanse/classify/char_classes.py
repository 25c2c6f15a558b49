"""What the line features ask of each character, as tables over code points, built from the
features' own definitions (cleanse.classify.patterns, `str` methods) for the code points below
LIMIT: the inputs of the compiled line pass (cleanse.classify.line_kernel).

Each bit of `char_classes()[0]` is the reference's test run on that one character: a letter is
what WORD_RE takes, a digit what DIGIT_RE takes, a space what `str.split` splits on, `\\s` what
the regexes' `\\s` takes, a capital what `str.isupper` accepts. `char_classes()[1]` is each
character's lower case when `str.lower` maps it to one character below LIMIT on its own; the
characters it does not (İ gives two, Σ depends on its neighbours) are marked OUTSIDE, and a line
holding one, or a character from LIMIT on (CJK, emoji), is left to the reference's path.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

import numpy as np

from cleanse.classify import patterns
from cleanse.classify.features import _SEPARATOR_CHARS

LIMIT = 0x3040  # below the kana and CJK blocks: no character here is one CJK_RE counts
LETTER, DIGIT, SPACE, UPPER, RE_SPACE, SEPARATOR, OUTSIDE, CLOSER = 1, 2, 4, 8, 16, 32, 64, 128
# What may follow a sentence mark in SENT_END_RE before the space or the end.
SENTENCE_CLOSERS = "\"'”’»)]）」』】"
_SIGMA = 0x3A3  # Σ: lower-cased as σ or ς depending on its neighbours


@functools.cache
def char_classes() -> tuple[np.ndarray, np.ndarray]:
    """(class bits, lower case) of each code point below LIMIT (read-only arrays)."""
    chars = "".join(map(chr, range(LIMIT)))
    bits = np.zeros(LIMIT, dtype=np.uint8)

    def mark(pattern: re.Pattern[str], bit: int) -> None:
        for m in pattern.finditer(chars):
            bits[m.start() : m.end()] |= bit

    mark(patterns.WORD_RE, LETTER)  # runs of letters: each of them is one
    mark(patterns.DIGIT_RE, DIGIT)
    mark(re.compile(r"\s"), RE_SPACE)
    bits[np.fromiter(map(str.isspace, chars), bool, LIMIT)] |= SPACE
    bits[np.fromiter(map(str.isupper, chars), bool, LIMIT)] |= UPPER
    for c in _SEPARATOR_CHARS:
        bits[ord(c)] |= SEPARATOR  # all below LIMIT (checked by the tests)
    for c in SENTENCE_CLOSERS:
        if ord(c) < LIMIT:
            bits[ord(c)] |= CLOSER
    lowered = list(map(str.lower, chars))
    single = np.fromiter(map(len, lowered), np.int64, LIMIT) == 1
    lower = np.array([ord(s) if len(s) == 1 else -1 for s in lowered], dtype=np.int32)
    outside = ~single | (lower >= LIMIT)
    outside[_SIGMA] = True
    bits[outside] |= OUTSIDE
    lower[outside] = 0
    bits.flags.writeable = False
    lower.flags.writeable = False
    return bits, lower


def code_points(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The code points of all `texts` end to end (lone surrogates as themselves) and where each
    text starts, plus its end as the last element."""
    cps = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    starts = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, texts), np.int64, len(texts)), out=starts[1:])
    return cps, starts
