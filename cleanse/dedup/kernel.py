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

from cleanse.dedup.jit import BLAS_PROBE, skip_blas_probe, unlocked_kernel
from cleanse.dedup.normalize import TABLE_SIZE, UNSPACED_RANGES
from cleanse.dedup.shingles import FNV_OFFSET, FNV_PRIME, MIX, SALT_CHAR, SALT_EXACT, SALT_WORD

UNSPACED = np.array(UNSPACED_RANGES, dtype=np.int64)  # what `_unspaced` reads
M32 = np.uint64(0xFFFFFFFF)
__all__ = [
    "BLAS_PROBE",
    "UNSPACED",
    "band_keys",
    "fold_counts",
    "minhash_csr",
    "shingle_hashes",
    "skip_blas_probe",
]


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
def _cp_len(b0: int) -> int:
    if b0 < 0x80:
        return 1
    if b0 < 0xE0:
        return 2
    if b0 < 0xF0:
        return 3
    return 4


@nb.njit(cache=True)
def _code_point(buf, i):  # noqa: ANN001, ANN202 - numba kernel
    """The code point of the UTF-8 character at buf[i] and its length in bytes."""
    b0 = np.int64(buf[i])
    if b0 < 0xE0:
        return ((b0 & 0x1F) << 6) | (np.int64(buf[i + 1]) & 0x3F), 2
    if b0 < 0xF0:
        cp = ((b0 & 0x0F) << 12) | ((np.int64(buf[i + 1]) & 0x3F) << 6)
        return cp | (np.int64(buf[i + 2]) & 0x3F), 3
    cp = ((b0 & 0x07) << 18) | ((np.int64(buf[i + 1]) & 0x3F) << 12)
    cp |= (np.int64(buf[i + 2]) & 0x3F) << 6
    return cp | (np.int64(buf[i + 3]) & 0x3F), 4


@nb.njit(cache=True)
def _fold_shingle(buf, start, end, escaped, tables, params, norm, th, sh):  # noqa: ANN001, ANN202
    """Fold buf[start:end] and hash its shingles into `sh`, in one pass over its bytes.

    `escaped`: the bytes are a JSON string's, with no \\u escape (see `cleanse.dedup.escaped`):
    a backslash and the byte after it are one separator, as the character they stand for is.

    Folding: each code point through the `normalize` table (`offsets`, `blob`; ASCII through
    `ascii`, its one-byte column), tokens separated by single spaces, written into `norm`. Each
    token is hashed (FNV-1a over its folded bytes) as they are written, and its characters and
    unspaced characters are counted from the table (`chars`, `unspaced`). Returns (count, exact
    hash, words, is_char); `words` counts tokens, an unspaced character counting as half a
    word. Character shingles, when the text calls for them, are hashed from `norm` afterwards.
    """
    offsets, blob, ascii, chars, unspaced, ranges = tables
    word_ngram, char_ngram, short_words = params
    n = 0  # bytes written into norm
    pending = False  # a separator was seen since the last word character
    ntok = 0
    nplain = 0
    nchars = 0
    nunsp = 0
    h = np.uint64(FNV_OFFSET)
    tok_unsp = False
    i = start
    # Indices are made unsigned in this loop: numba then leaves out its negative-index
    # wraparound on each access (with ASCII handled whole in its own branch, a fifth less time).
    while i < end:
        b0 = np.int64(buf[np.uint64(i)])
        if b0 < 0x80:  # ASCII: one folded byte or a separator
            i += 1
            v = ascii[np.uint64(b0)]
            if v == 0:
                pending = True
                if b0 == 0x5C and escaped:  # \" \\ \b \f \n \r \t: punctuation, controls
                    i += 1
                continue
            if pending:  # a word character after a separator: the token before ends
                pending = False
                if n > 0:
                    norm[np.uint64(n)] = 32
                    n += 1
                    th[np.uint64(ntok)] = h
                    ntok += 1
                    if not tok_unsp:
                        nplain += 1
                    h = np.uint64(FNV_OFFSET)
                    tok_unsp = False
            norm[np.uint64(n)] = v
            n += 1
            h = (h ^ np.uint64(v)) * np.uint64(FNV_PRIME)
            nchars += 1
            continue
        lo = hi = 0
        cp, k = _code_point(buf, i)
        i += k
        if cp < TABLE_SIZE:
            lo = offsets[np.uint64(cp)]
            hi = offsets[np.uint64(cp + 1)]
            if lo == hi:
                pending = True
                continue
        if pending and n > 0:  # as for ASCII above
            norm[np.uint64(n)] = 32
            n += 1
            th[np.uint64(ntok)] = h
            ntok += 1
            if not tok_unsp:
                nplain += 1
            h = np.uint64(FNV_OFFSET)
            tok_unsp = False
        pending = False
        if cp < TABLE_SIZE:
            for j in range(lo, hi):
                v = blob[np.uint64(j)]
                norm[np.uint64(n)] = v
                n += 1
                h = (h ^ np.uint64(v)) * np.uint64(FNV_PRIME)
            nchars += chars[np.uint64(cp)]
            if unspaced[np.uint64(cp)] > 0:
                nunsp += unspaced[np.uint64(cp)]
                tok_unsp = True
        else:  # astral ideographs and the rest: kept as they are
            for j in range(i - 4, i):
                v = buf[j]
                norm[np.uint64(n)] = v
                n += 1
                h = (h ^ np.uint64(v)) * np.uint64(FNV_PRIME)
            nchars += 1
            if _unspaced(cp, ranges):
                nunsp += 1
                tok_unsp = True
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


def fold_counts(offsets: np.ndarray, blob: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What `shingle_hashes` reads besides the table: the folded byte of each ASCII character
    (0: a separator), and per code point the characters of its folded form and how many of
    them are unspaced (int32[TABLE_SIZE] each)."""
    lead = np.flatnonzero((blob & 0xC0) != 0x80)  # where each folded character starts
    padded = np.concatenate((blob, np.zeros(3, dtype=np.uint8))).astype(np.int64)
    b0, b1, b2, b3 = (padded[lead + k] for k in range(4))
    cp = np.where(
        b0 < 0xE0,
        np.where(b0 < 0x80, b0, ((b0 & 0x1F) << 6) | (b1 & 0x3F)),
        np.where(
            b0 < 0xF0,
            ((b0 & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (b2 & 0x3F),
            ((b0 & 0x07) << 18) | ((b1 & 0x3F) << 12) | ((b2 & 0x3F) << 6) | (b3 & 0x3F),
        ),
    )
    is_unspaced = np.zeros(len(cp), dtype=np.bool_)
    for low, high in UNSPACED_RANGES:
        is_unspaced |= (cp >= low) & (cp <= high)
    # characters and unspaced ones before each byte of the blob; a code point's form is a slice
    before = np.zeros(len(blob) + 1, dtype=np.int64)
    before[lead + 1] = 1
    chars_before = np.cumsum(before)
    before[:] = 0
    before[lead[is_unspaced] + 1] = 1
    unspaced_before = np.cumsum(before)
    chars = (chars_before[offsets[1:]] - chars_before[offsets[:-1]]).astype(np.int32)
    unspaced = (unspaced_before[offsets[1:]] - unspaced_before[offsets[:-1]]).astype(np.int32)
    ascii = np.zeros(128, dtype=np.uint8)
    word = offsets[1:129] > offsets[:128]  # an ASCII letter or digit: one byte, folded
    ascii[word] = blob[offsets[:128][word]]
    return ascii, chars, unspaced


@unlocked_kernel
def shingle_hashes(buf, bounds, escaped, tables, params):  # noqa: ANN001, ANN201
    """Shingle hashes of paragraphs buf[bounds[p]:bounds[p + 1]], in order, with repeats.

    escaped: bool[P], true for a paragraph given as the bytes of its JSON string (see
    `_fold_shingle`), false for its UTF-8.
    tables: (offsets, blob) of the `normalize` table, then `fold_counts` of it; params:
    (word_ngram, char_ngram, short_words). Returns (values uint32, offs int64[P + 1], exact
    uint64[P], words int32[P], is_char bool[P]).
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
        count, ex, w, ch = _fold_shingle(
            buf, bounds[p], bounds[p + 1], escaped[p], tables, params, norm, th, values[pos:]
        )
        exact[p] = ex
        words[p] = w
        is_char[p] = ch
        pos += count
        offs[p + 1] = pos
    return values[:pos], offs, exact, words, is_char


@unlocked_kernel
def minhash_csr(values, offs, a, b):  # noqa: ANN001, ANN201
    """datasketch "affine32" signatures: fmix32 each hash, then min over a * h + b mod 2**32.

    Four hashes go through the permutations together: a row of the signature is read and
    written once per four hashes instead of once per hash (a quarter less time: the loop is
    bound by the multiplications then, not by the row's loads and stores)."""
    n = offs.shape[0] - 1
    k = a.shape[0]
    sigs = np.full((n, k), np.uint32(0xFFFFFFFF), dtype=np.uint32)
    for p in range(n):
        row = sigs[p]
        s = offs[p]
        end = offs[p + 1]
        while s + 4 <= end:
            h0 = _fmix32(values[s])
            h1 = _fmix32(values[s + 1])
            h2 = _fmix32(values[s + 2])
            h3 = _fmix32(values[s + 3])
            for j in range(k):  # the hot loop; LLVM turns it into SIMD over j
                aj = a[j]
                bj = b[j]
                x0 = min(np.uint32(aj * h0 + bj), np.uint32(aj * h1 + bj))
                x1 = min(np.uint32(aj * h2 + bj), np.uint32(aj * h3 + bj))
                row[j] = min(row[j], min(x0, x1))
            s += 4
        while s < end:
            hv = _fmix32(values[s])
            for j in range(k):
                x = np.uint32(a[j] * hv + b[j])
                row[j] = min(row[j], x)
            s += 1
    return sigs


@unlocked_kernel
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
