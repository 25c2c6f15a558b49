"""Per-line counts of ASCII lines in one compiled pass over their code points: words and letters
(`features.WORD_RE` on the lower-cased line is a run of a-z there), stop and cue words among them,
digits, whitespace-separated words and the capitals opening them, sentence ends.

On ASCII text each count is exact by construction: a letter is A-Z or a-z, a digit 0-9,
whitespace the characters `str.split` and `\\s` both take (tab to carriage return, the four
separators 0x1C-0x1F, space); a word's table key is its letters in base 27, exact up to 13
letters. `tests/classify/test_line_table.py` compares every count with the patterns'.
"""

from __future__ import annotations

from collections.abc import Iterable

import numba as nb
import numpy as np

MAX_CODED = 13  # 27 ** 13 < 2 ** 63: a word of at most 13 letters has an exact code


def word_code(word: str) -> int:
    """The key of an a-z word in the kernel's table (-1 when it has no exact key)."""
    if not (0 < len(word) <= MAX_CODED and word.isascii() and word.isalpha() and word.islower()):
        return -1
    code = 0
    for ch in word:
        code = code * 27 + (ord(ch) - 96)
    return code


def word_table(flags: dict[str, int]) -> tuple[np.ndarray, np.ndarray] | None:
    """(sorted codes, their bits) of the a-z words of `flags`; None when one of them is longer
    than MAX_CODED (the kernel could not tell it from its neighbours)."""
    pairs = {}
    for word, bits in flags.items():
        if word.isascii() and word.isalpha():
            code = word_code(word)
            if code < 0:
                return None
            pairs[code] = bits
    codes = np.array(sorted(pairs), dtype=np.int64)
    return codes, np.array([pairs[c] for c in codes.tolist()], dtype=np.int64)


@nb.njit(cache=True)
def _counts(
    cp: np.ndarray, n: int, codes: np.ndarray, bits: np.ndarray
) -> np.ndarray:  # pragma: no cover - compiled
    # Columns: words, letters, stop words, cue bits (OR), digits, raw words, capitals, sentence ends.
    out = np.zeros((n, 8), dtype=np.int64)
    line = 0
    size = len(cp)
    prev_letter = False
    prev_space = True
    code = 0
    length = 0
    ncodes = len(codes)
    for p in range(size + 1):
        c = cp[p] if p < size else 10
        lower = c | 32
        letter = 97 <= lower <= 122
        if prev_letter and not letter and length <= 13:  # a word ends: look it up
            k = np.searchsorted(codes, code)
            if k < ncodes and codes[k] == code:
                b = bits[k]
                out[line, 2] += b & 1
                out[line, 3] |= b
        if c == 10:
            line += 1
            prev_letter = False
            prev_space = True
            continue
        if letter:
            out[line, 1] += 1
            if not prev_letter:
                out[line, 0] += 1
                code = 0
                length = 0
            length += 1
            if length <= 13:
                code = code * 27 + (lower - 96)
        if 48 <= c <= 57:
            out[line, 4] += 1
        space = c == 32 or 9 <= c <= 13 or 28 <= c <= 31
        if not space and prev_space:
            out[line, 5] += 1
            if 65 <= c <= 90:
                out[line, 6] += 1
        if c == 46 or c == 33 or c == 63:  # . ! ?, then closers, then whitespace or the end
            j = p + 1
            while j < size and (cp[j] == 34 or cp[j] == 39 or cp[j] == 41 or cp[j] == 93):
                j += 1
            if j >= size or cp[j] == 10:
                out[line, 7] += 1
            else:
                d = cp[j]
                if d == 32 or 9 <= d <= 13 or 28 <= d <= 31:
                    out[line, 7] += 1
        prev_letter = letter
        prev_space = space
    return out


def ascii_counts(texts: Iterable[str], n: int, table: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """(n, 8) counts of `n` ASCII lines without newlines: words, letters, stop words, cue bits,
    digits, whitespace-separated words, capitals opening them, sentence ends."""
    joined = "\n".join(texts)
    cp = np.frombuffer(joined.encode("ascii"), dtype=np.uint8).astype(np.int64)
    return _counts(cp, n, table[0], table[1])
