"""Compiled kernel: UTF-8 bytes of many paragraphs in, MinHash signatures (or shingle sets) out.

It folds each paragraph through the `normalize` table, splits tokens, hashes word or character
n-grams exactly as `shingles.shingle_hash32` does and applies datasketch's "affine32" permutations.
numba is a required dependency; `signatures` keeps a numpy twin of each kernel as the tests' reference.
"""

# numba kernels take and return plain numpy arrays; their signatures are documented, not typed.
# mypy: disable-error-code="no-untyped-def,arg-type"
from __future__ import annotations

import numba as nb
import numpy as np

from cleanse.dedup.jit import BLAS_PROBE, kernel, skip_blas_probe
from cleanse.dedup.normalize import TABLE_SIZE, UNSPACED_RANGES
from cleanse.dedup.shingles import FNV_OFFSET, FNV_PRIME, MIX, SALT_CHAR, SALT_EXACT, SALT_WORD

_UNSPACED = np.array(UNSPACED_RANGES, dtype=np.int64)
M32 = np.uint64(0xFFFFFFFF)
__all__ = ["BLAS_PROBE", "band_keys", "minhash_csr", "shingle_hashes", "skip_blas_probe"]


@nb.njit(cache=True, inline="always")
def _fmix64(h: np.uint64) -> np.uint64:
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


@nb.njit(cache=True, inline="always")
def _chain_ngrams(th, n, g, salt, sh):  # noqa: ANN001, ANN202 (numba-typed arrays and ints)
    """Hash each run of `g` consecutive token hashes of th[:n] into sh; return how many."""
    count = 0
    for t in range(n - g + 1):
        s = salt
        for j in range(g):
            s = (s ^ th[t + j]) * np.uint64(MIX)
        sh[count] = np.uint32(_fmix64(s) >> np.uint64(32))
        count += 1
    return count


@nb.njit(cache=True, inline="always")
def _fmix32(h: np.uint32) -> np.uint32:
    h ^= h >> np.uint32(16)
    h = np.uint32(h * np.uint32(0x85EBCA6B))
    h ^= h >> np.uint32(13)
    h = np.uint32(h * np.uint32(0xC2B2AE35))
    return np.uint32(h ^ (h >> np.uint32(16)))


@nb.njit(cache=True)
def _unspaced(cp: int, ranges: np.ndarray) -> bool:
    if cp < 0x0E00:  # Latin, Greek, Cyrillic, Arabic, Indic...: the common case, answered at once
        return False
    for i in range(ranges.shape[0]):  # noqa: SIM110 - numba compiles loops, not generators
        if ranges[i, 0] <= cp <= ranges[i, 1]:
            return True
    return False


@nb.njit(cache=True)
def _fold(buf, start, end, offsets, blob, out):  # noqa: ANN001, ANN202 - numba kernel
    """Fold buf[start:end] into `out`: tokens separated by single spaces. Returns the length."""
    n = 0
    pending = False  # a separator was seen since the last word character
    i = start
    while i < end:
        b0 = np.int64(buf[i])
        if b0 < 0x80:
            cp = b0
            i += 1
        elif b0 < 0xE0:
            cp = ((b0 & 0x1F) << 6) | (np.int64(buf[i + 1]) & 0x3F)
            i += 2
        elif b0 < 0xF0:
            cp = (
                ((b0 & 0x0F) << 12)
                | ((np.int64(buf[i + 1]) & 0x3F) << 6)
                | (np.int64(buf[i + 2]) & 0x3F)
            )
            i += 3
        else:
            cp = (
                ((b0 & 0x07) << 18)
                | ((np.int64(buf[i + 1]) & 0x3F) << 12)
                | ((np.int64(buf[i + 2]) & 0x3F) << 6)
                | (np.int64(buf[i + 3]) & 0x3F)
            )
            i += 4
        if cp < TABLE_SIZE:
            lo = offsets[cp]
            hi = offsets[cp + 1]
            if lo == hi:
                pending = True
                continue
            if pending and n > 0:
                out[n] = 32
                n += 1
            pending = False
            for j in range(lo, hi):
                out[n] = blob[j]
                n += 1
        else:  # astral ideographs and the rest: kept as they are
            if pending and n > 0:
                out[n] = 32
                n += 1
            pending = False
            for j in range(i - 4, i):
                out[n] = buf[j]
                n += 1
    return n


@nb.njit(cache=True)
def _cp_len(b0: int) -> int:
    if b0 < 0x80:
        return 1
    if b0 < 0xE0:
        return 2
    if b0 < 0xF0:
        return 3
    return 4


@nb.njit(cache=True)
def _shingle(norm, n, word_ngram, char_ngram, short_words, ranges, th, sh):  # noqa: ANN001, ANN202
    """Hash the shingles of one folded paragraph into `sh`.

    Returns (count, exact hash, words, is_char). `words` counts tokens, an unspaced character
    counting as half a word.
    """
    # tokens and their hashes, plus script counts
    ntok = 0
    nplain = 0
    nchars = 0
    nunsp = 0
    h = np.uint64(FNV_OFFSET)
    tok_unsp = False
    i = 0
    while i < n:
        b0 = np.int64(norm[i])
        if b0 == 32:
            th[ntok] = h
            ntok += 1
            if not tok_unsp:
                nplain += 1
            h = np.uint64(FNV_OFFSET)
            tok_unsp = False
            i += 1
            continue
        k = _cp_len(b0)
        if k > 1:
            cp = b0 & (0x1F if k == 2 else (0x0F if k == 3 else 0x07))
            for j in range(1, k):
                cp = (cp << 6) | (np.int64(norm[i + j]) & 0x3F)
            if _unspaced(cp, ranges):
                nunsp += 1
                tok_unsp = True
        for j in range(k):
            h = (h ^ np.uint64(norm[i + j])) * np.uint64(FNV_PRIME)
        nchars += 1
        i += k
    if n > 0:
        th[ntok] = h
        ntok += 1
        if not tok_unsp:
            nplain += 1
    words = nplain + nunsp // 2
    if ntok == 0:
        return 0, np.uint64(0), 0, False
    e = np.uint64(SALT_EXACT)
    for t in range(ntok):
        e = (e ^ th[t]) * np.uint64(MIX)
    exact = _fmix64(e)
    is_char = 2 * nunsp >= nchars or ntok < short_words
    if not is_char:
        count = _chain_ngrams(th, ntok, min(word_ngram, ntok), np.uint64(SALT_WORD), sh)
        return count, exact, words, False
    # character shingles: code point hashes (spaces included) into th
    ncp = 0
    i = 0
    while i < n:
        k = _cp_len(np.int64(norm[i]))
        h = np.uint64(FNV_OFFSET)
        for j in range(k):
            h = (h ^ np.uint64(norm[i + j])) * np.uint64(FNV_PRIME)
        th[ncp] = h
        ncp += 1
        i += k
    count = _chain_ngrams(th, ncp, min(char_ngram, ncp), np.uint64(SALT_CHAR), sh)
    return count, exact, words, True


@kernel
def shingle_hashes(buf, bounds, offsets, blob, word_ngram, char_ngram, short_words):  # noqa: ANN001, ANN201
    """Shingle hashes of paragraphs buf[bounds[p]:bounds[p + 1]], in order, with repeats.

    Returns (values uint32, offs int64[P + 1], exact uint64[P], words int32[P], is_char bool[P]).
    """
    npara = bounds.shape[0] - 1
    maxlen = 0
    total = 0
    for p in range(npara):
        maxlen = max(maxlen, bounds[p + 1] - bounds[p])
        total += 4 * (bounds[p + 1] - bounds[p]) + 16
    norm = np.empty(4 * maxlen + 16, dtype=np.uint8)
    th = np.empty(4 * maxlen + 16, dtype=np.uint64)
    values = np.empty(total, dtype=np.uint32)
    offs = np.zeros(npara + 1, dtype=np.int64)
    exact = np.zeros(npara, dtype=np.uint64)
    words = np.zeros(npara, dtype=np.int32)
    is_char = np.zeros(npara, dtype=np.bool_)
    pos = 0
    for p in range(npara):
        n = _fold(buf, bounds[p], bounds[p + 1], offsets, blob, norm)
        count, ex, w, ch = _shingle(
            norm, n, word_ngram, char_ngram, short_words, _UNSPACED, th, values[pos:]
        )
        exact[p] = ex
        words[p] = w
        is_char[p] = ch
        pos += count
        offs[p + 1] = pos
    return values[:pos], offs, exact, words, is_char


@kernel
def minhash_csr(values, offs, a, b):  # noqa: ANN001, ANN201
    """datasketch "affine32" signatures: fmix32 each hash, then min over a * h + b mod 2**32."""
    n = offs.shape[0] - 1
    k = a.shape[0]
    sigs = np.full((n, k), np.uint32(0xFFFFFFFF), dtype=np.uint32)
    for p in range(n):
        row = sigs[p]
        for s in range(offs[p], offs[p + 1]):
            hv = _fmix32(values[s])
            for j in range(k):  # the hot loop; LLVM turns it into SIMD over j
                x = np.uint32(a[j] * hv + b[j])
                row[j] = min(row[j], x)
    return sigs


@kernel
def band_keys(sigs, bands, rows):  # noqa: ANN001, ANN201
    """One 64-bit key per band: a hash of the band's `rows` values."""
    n = sigs.shape[0]
    keys = np.empty((n, bands), dtype=np.uint64)
    for i in range(n):
        for bb in range(bands):
            s = np.uint64(bb + 1) * np.uint64(MIX)
            for r in range(rows):
                s = (s ^ np.uint64(sigs[i, bb * rows + r])) * np.uint64(MIX)
            keys[i, bb] = _fmix64(s)
    return keys
