"""Counts of lines in one byte per character (ASCII, else Windows-1252: Latin accents, curly
quotes, dashes, « », €), read as bytes: `bytes.translate` then `split` or `count`, C loops where
the reference (cleanse.classify.features) runs a regex per line.

Every table comes from the reference's own test on each byte's character: a letter is what
features' WORD_RE takes, a digit what DIGIT_RE takes, a space what `str.split` splits on, a
capital what `str.isupper` accepts. So the words of a lower-cased line, its digits, its
whitespace-separated words and those opening with a capital are the reference's, for every line
that fits (`tests/classify/test_line_table.py` checks them on hostile and random lines).
"""

from __future__ import annotations

import codecs
import encodings.cp1252
import itertools
import operator
from collections.abc import Iterable

import numpy as np

from cleanse.classify import patterns

EIGHT_BIT = "cp1252"
# The character of each byte (U+FFFE for the five bytes no character encodes to).
_CHARS = list(encodings.cp1252.decoding_table)
LETTER_BYTES = bytes(b if patterns.WORD_RE.fullmatch(c) else 32 for b, c in enumerate(_CHARS))
_DIGITS = bytes(b for b, c in enumerate(_CHARS) if patterns.DIGIT_RE.fullmatch(c))
_SHAPES = bytes(85 if c.isupper() else 32 if c.isspace() else 120 for c in _CHARS)  # U, ' ', x
_FIRST = operator.itemgetter(0)
_REPEAT_LETTERS = itertools.repeat(LETTER_BYTES)
_REPEAT_NONE = itertools.repeat(None)
_REPEAT_DIGITS = itertools.repeat(_DIGITS)
_REPEAT_SHAPES = itertools.repeat(_SHAPES)
_REPEAT_SPACE_CAP = itertools.repeat(b" U")
_REPEAT_SPACE_OTHER = itertools.repeat(b" x")
_REPEAT_CAP = itertools.repeat(b"U")
_REPEAT_IGNORE = itertools.repeat("ignore")
_REPEAT_ENCODING = itertools.repeat(encodings.cp1252.encoding_table)


def encode_eight_bit(texts: Iterable[str]) -> list[bytes]:
    """Each text in EIGHT_BIT, leaving out what it cannot encode (so a text fits exactly when
    its bytes are as many as its characters); `codecs.charmap_encode` as `str.encode` calls it,
    without a Python call per text."""
    return list(map(_FIRST, map(codecs.charmap_encode, texts, _REPEAT_IGNORE, _REPEAT_ENCODING)))


def byte_words(lows: Iterable[bytes]) -> list[list[bytes]]:
    """The words (runs of WORD_RE letters) of each lower-cased line."""
    return list(map(bytes.split, map(bytes.translate, lows, _REPEAT_LETTERS)))


def byte_counts(texts: list[bytes]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per line (stripped, not empty): its digits, its whitespace-separated words, and those of
    them opening with a capital."""
    n = len(texts)
    digits = np.fromiter(map(len, texts), np.int64, n) - np.fromiter(
        map(len, map(bytes.translate, texts, _REPEAT_NONE, _REPEAT_DIGITS)), np.int64, n
    )
    shapes = list(map(bytes.translate, texts, _REPEAT_SHAPES))
    caps_in = np.fromiter(map(bytes.count, shapes, _REPEAT_SPACE_CAP), np.int64, n)
    other_in = np.fromiter(map(bytes.count, shapes, _REPEAT_SPACE_OTHER), np.int64, n)
    cap_first = np.fromiter(map(bytes.startswith, shapes, _REPEAT_CAP), bool, n)
    return digits, 1 + caps_in + other_in, caps_in + cap_first
