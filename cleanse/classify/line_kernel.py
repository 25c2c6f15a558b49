"""Compiled pass over the characters of many lines: the counts behind the line features and the
word scores, one loop per line instead of a dozen C-level maps and regex passes per batch.

For each line whose characters are all in cleanse.classify.char_classes' tables (below LIMIT, not
OUTSIDE) it counts, exactly as the reference does (cleanse.classify.features, .wordscore): the
words of the lower-cased line (runs of WORD_RE letters) and their letters, the stop and cue words
among them (found in a hash table of the words' code points), the digits, the whitespace-separated
words and those opening with a capital, the sentence ends SENT_END_RE finds, whether the
separator or the link test may hold. Other lines are marked not handled: the caller computes
them the reference's way. `tests/classify/test_line_kernel.py` checks every count against the
reference on arbitrary lines.

numba is imported with this module (about 0.25 s of CPU in a fresh process); the kernels are
cached on disk (cleanse.dedup.jit).
"""

# numba kernels take and return plain numpy arrays; their signatures are documented, not typed.
# mypy: disable-error-code="no-untyped-def,arg-type"
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numba as nb
import numpy as np

from cleanse.classify.char_classes import (
    CLOSER,
    DIGIT,
    LETTER,
    LIMIT,
    OUTSIDE,
    RE_SPACE,
    SEPARATOR,
    SPACE,
    UPPER,
    char_classes,
    code_points,
)
from cleanse.dedup.jit import kernel

# Columns of `line_counts`.
HANDLED, N_WORDS, N_LETTERS, N_DIGITS, N_SPLIT, N_CAPITALS, N_STOP, CUE_BITS = range(8)
N_SENTENCES, MAY_SEPARATE, MAY_LINK, MAY_BULLET = 8, 9, 10, 11
_COLUMNS = 12
STOP_BIT = 1  # a word's flag bit that `N_STOP` counts; `CUE_BITS` ORs all the bits of its words

_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)
# features._may_link's substrings of the lower-cased line, end to end, and where each starts.
_LINKS = ("://", "www.", ".com", ".org", ".net", ".fr", ".de", ".co.uk", ".io")
_LINK_CPS, _LINK_STARTS = code_points(_LINKS)
_BULLETS = code_points(["•◦▪‣∙·*+–—-"])[0]  # BULLET_RE's marks before a space


@nb.njit(cache=True, inline="always")
def _word_hash(h, c):  # noqa: ANN001, ANN202 (numba-typed arrays and ints)
    return (h ^ np.uint64(c)) * _FNV_PRIME


@nb.njit(cache=True)
def _find(cps, lower, start, end, h, keys, key_starts, slots):  # noqa: ANN001, ANN202 (numba-typed arrays and ints)
    """Index in the table of the word cps[start:end] lower-cased (hash `h`), else -1."""
    mask = np.uint64(len(slots) - 1)
    s = np.int64(h & mask)
    while True:
        k = slots[s]
        if k < 0:
            return -1
        a = key_starts[k]
        if key_starts[k + 1] - a == end - start:
            same = True
            for t in range(end - start):
                if keys[a + t] != lower[cps[start + t]]:
                    same = False
                    break
            if same:
                return k
        s = np.int64((np.uint64(s) + np.uint64(1)) & mask)


@kernel
def _fill_slots(keys, key_starts, slots):  # noqa: ANN001, ANN202 (numba-typed arrays)
    """Open addressing: each key's index at its hash's first free slot (len(slots) a power of 2)."""
    mask = np.uint64(len(slots) - 1)
    for k in range(len(key_starts) - 1):
        h = _FNV_OFFSET
        for t in range(key_starts[k], key_starts[k + 1]):
            h = _word_hash(h, keys[t])
        s = np.int64(h & mask)
        while slots[s] >= 0:
            s = np.int64((np.uint64(s) + np.uint64(1)) & mask)
        slots[s] = k


@nb.njit(cache=True)
def _in_table(cps, a, b, bits):  # noqa: ANN001, ANN202 (numba-typed arrays and ints)
    """All of cps[a:b] below LIMIT and not OUTSIDE."""
    for j in range(a, b):
        c = cps[j]
        if c >= LIMIT or bits[c] & OUTSIDE:
            return False
    return True


@nb.njit(cache=True)
def _sentence_ends(cps, a, b, bits):  # noqa: ANN001, ANN202 (numba-typed arrays and ints)
    """len(SENT_END_RE.findall(line)): a mark, the closers after it, then a space or the end
    (`\\s|$`) for . ! ? …; the closers alone for 。！？."""
    n = 0
    j = a
    while j < b:
        c = cps[j]
        spaced = c == 0x2E or c == 0x21 or c == 0x3F or c == 0x2026
        if spaced or c == 0x3002 or c == 0xFF01 or c == 0xFF1F:
            t = j + 1
            while t < b and cps[t] < LIMIT and bits[cps[t]] & CLOSER:
                t += 1
            if not spaced:
                n += 1
                j = t
                continue
            if t == b:
                n += 1
                j = t
                continue
            if cps[t] < LIMIT and bits[cps[t]] & RE_SPACE:
                n += 1
                j = t + 1
                continue
        j += 1
    return n


@nb.njit(cache=True)
def _may_link(cps, a, b, lower, links, link_starts):  # noqa: ANN001, ANN202 (numba-typed arrays and ints)
    """features._may_link: one of its substrings in the lower-cased line."""
    for j in range(a, b):
        first = lower[cps[j]]
        if first != 0x3A and first != 0x77 and first != 0x2E:  # : w .
            continue
        for p in range(len(link_starts) - 1):
            pa = link_starts[p]
            size = link_starts[p + 1] - pa
            if j + size > b:
                continue
            same = True
            for t in range(size):
                if lower[cps[j + t]] != links[pa + t]:
                    same = False
                    break
            if same:
                return True
    return False


@nb.njit(cache=True)
def _may_bullet(cps, a, b, bits, bullets):  # noqa: ANN001, ANN202 (numba-typed arrays and ints)
    """What BULLET_RE.match needs: a bullet then a space (its match), a "(", a digit, or a-z
    then "." or ")"."""
    c = cps[a]
    d = cps[a + 1] if a + 1 < b else 0
    if c == 0x28 or bits[c] & DIGIT:
        return True
    if 0x61 <= c <= 0x7A:
        return d == 0x2E or d == 0x29
    for k in range(len(bullets)):
        if c == bullets[k]:
            return a + 1 < b and (bits[d] & RE_SPACE) != 0
    return False


@kernel
def _count_lines(cps, starts, bits, lower, table, marks, out):  # noqa: ANN001, ANN202 (numba arrays)
    """The columns of `line_counts` of each line cps[starts[i]:starts[i + 1]] into out[i].
    `table`: the word table (keys, their starts, slots, flags); `marks`: the link substrings,
    their starts and the bullet marks."""
    keys, key_starts, slots, flags = table
    links, link_starts, bullets = marks
    for i in range(len(starts) - 1):
        a = starts[i]
        b = starts[i + 1]
        if not _in_table(cps, a, b, bits):
            continue
        row = out[i]
        row[HANDLED] = 1
        in_word = False
        in_split = False
        h = _FNV_OFFSET
        w0 = a
        for j in range(a, b + 1):
            letter = False
            if j < b:
                c = cps[j]
                bc = bits[c]
                if bc & DIGIT:
                    row[N_DIGITS] += 1
                if bc & SPACE:
                    in_split = False
                elif not in_split:
                    in_split = True
                    row[N_SPLIT] += 1
                    if bc & UPPER:
                        row[N_CAPITALS] += 1
                if bc & SEPARATOR:
                    row[MAY_SEPARATE] = 1
                elif c == 0x20 and j + 1 < b:
                    d = cps[j + 1]
                    if d == 0x2D or d == 0x2F or d == 0x2013:  # " -", " /", " –"
                        row[MAY_SEPARATE] = 1
                lc = lower[c]
                letter = (bits[lc] & LETTER) != 0
                if letter:
                    if not in_word:
                        in_word = True
                        w0 = j
                        h = _FNV_OFFSET
                        row[N_WORDS] += 1
                    row[N_LETTERS] += 1
                    h = _word_hash(h, lc)
            if in_word and not letter:
                in_word = False
                k = _find(cps, lower, w0, j, h, keys, key_starts, slots)
                if k >= 0:
                    f = flags[k]
                    if f & STOP_BIT:
                        row[N_STOP] += 1
                    row[CUE_BITS] |= f
        if b > a:
            c = cps[a]
            if c == 0x2F or c == 0x2013 or c == 0x2D:  # opens with "/", "–", "-"
                row[MAY_SEPARATE] = 1
            row[MAY_BULLET] = _may_bullet(cps, a, b, bits, bullets)
        row[N_SENTENCES] = _sentence_ends(cps, a, b, bits)
        row[MAY_LINK] = _may_link(cps, a, b, lower, links, link_starts)


@kernel
def _score_lines(cps, starts, bits, lower, table, max_words, out, done):  # noqa: ANN001, ANN202
    """Per line: the sum of the values of its first `max_words` words found in `table` (keys,
    their starts, slots, values), added in order, over their number, or 0.0; done[i] = 1 for the
    lines handled."""
    keys, key_starts, slots, values = table
    for i in range(len(starts) - 1):
        a = starts[i]
        b = starts[i + 1]
        if not _in_table(cps, a, b, bits):
            continue
        done[i] = 1
        total = 0.0
        found = 0
        words = 0
        in_word = False
        h = _FNV_OFFSET
        w0 = a
        for j in range(a, b + 1):
            letter = False
            if j < b:
                lc = lower[cps[j]]
                letter = (bits[lc] & LETTER) != 0
                if letter:
                    if not in_word:
                        in_word = True
                        w0 = j
                        h = _FNV_OFFSET
                    h = _word_hash(h, lc)
            if in_word and not letter:
                in_word = False
                words += 1
                k = _find(cps, lower, w0, j, h, keys, key_starts, slots)
                if k >= 0:
                    total += values[k]
                    found += 1
                if words == max_words:
                    break
        out[i] = total / found if found else 0.0


_WordTable = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
_tables: dict[int, tuple[Mapping[str, object], _WordTable]] = {}


def _word_table(words: Mapping[str, int] | Mapping[str, float], dtype: type) -> _WordTable:
    """(keys' code points end to end, their starts, hash slots, values) of a word -> value
    mapping; kept while the mapping is (by identity: the callers keep theirs)."""
    held = _tables.get(id(words))
    if held is not None and held[0] is words:
        return held[1]
    names = list(words)
    keys, key_starts = code_points(names)
    slots = np.full(1 << max(4, (2 * len(names)).bit_length()), -1, dtype=np.int64)
    _fill_slots(keys, key_starts, slots)
    table: _WordTable = (keys, key_starts, slots, np.array([words[w] for w in names], dtype=dtype))
    if len(_tables) >= 16:
        _tables.clear()
    _tables[id(words)] = (words, table)
    return table


def line_counts(texts: Sequence[str], flags: Mapping[str, int]) -> np.ndarray:
    """Per text (stripped, not empty) a row of the columns above; `flags` maps a word to its
    bits. A row whose HANDLED is 0 holds zeros: that text is the caller's to count."""
    cps, starts = code_points(texts)
    bits, lower = char_classes()
    out = np.zeros((len(texts), _COLUMNS), dtype=np.int64)
    marks = (_LINK_CPS, _LINK_STARTS, _BULLETS)
    _count_lines(cps, starts, bits, lower, _word_table(flags, np.int64), marks, out)
    return out


def line_scores(
    texts: Sequence[str], table: Mapping[str, float], max_words: int
) -> tuple[np.ndarray, np.ndarray]:
    """(scores, handled) per text: wordscore's mean value of the text's first `max_words` words
    (of the lower-cased text) found in `table`, for the texts handled."""
    cps, starts = code_points(texts)
    bits, lower = char_classes()
    out = np.zeros(len(texts), dtype=np.float64)
    done = np.zeros(len(texts), dtype=np.uint8)
    _score_lines(cps, starts, bits, lower, _word_table(table, np.float64), max_words, out, done)
    return out, done.view(bool)


def load_kernels() -> None:
    """Load numba and the classifier's compiled kernels now (a process about to fork its workers:
    they then share them instead of each paying about 0.3 s of CPU): these, the trees', the
    rule pass's and the context features'."""
    # Here: those modules import this one's neighbours, not the other way round.
    from cleanse.classify import layout_kernel, tree_kernel, window_kernel

    line_counts(["a"], {})
    line_scores(["a"], {}, 1)
    one = np.ones(1)
    # The types of the real calls: a column-major feature matrix, C-order trees.
    rows = np.ones((2, 3)).T
    tree_kernel.tree_margins(rows, np.zeros((1, 1), np.int64), one[None], one[None], 0.0)
    starts = np.array([0, 1], dtype=np.int64)
    window_kernel.window_means(one, starts, 1)
    window_kernel.distances(one > 0, starts)
    no = np.zeros(1, dtype=np.bool_)
    runs, tables = layout_kernel.short_runs(no, ~no, one, 0.5)
    layout_kernel.bullet_runs(no, ~no)
    params = (0.5, 1.0, 1.0, 1.0)
    cue = np.zeros(1, dtype=np.int64)
    weights = layout_kernel.line_weights(no, one, one, cue, runs, runs, tables, params, (), ())
    layout_kernel.best_regions(weights, 1.0, 0.0, 1)
