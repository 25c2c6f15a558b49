"""MinHash signatures compatible with datasketch's default "affine32" scheme, computed in bulk.

The numba kernel does the work without a Python loop per token (numba is a required dependency);
a pure-Python shingler plus numpy permutations (`use_numba=False`) give the same bits, slowly: the
reference the tests hold the kernel to. `to_datasketch` rebuilds a
`datasketch.LeanMinHash` from one of our signatures.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from cleanse.dedup import kernel as _kernel  # compiled; each function below has a numpy twin
from cleanse.dedup.normalize import UNSPACED_RANGES, cached_arrays, fold_arrays, normalize
from cleanse.dedup.shingles import exact_hash64, shingle_hash32, shingle_kind, shingles
from cleanse.dedup.stream import Text, document_stream, split_windows
from cleanse.errors import ConfigError

if TYPE_CHECKING:
    from cleanse.dedup.config import DedupConfig

_EMPTY = np.uint32(0xFFFFFFFF)


class Shingled(NamedTuple):
    """Shingle hashes of a batch of paragraphs (CSR) and what the kernel learnt on the way."""

    values: np.ndarray  # uint32, all paragraphs' shingle hashes back to back
    offsets: np.ndarray  # int64[P + 1]
    exact: np.ndarray  # uint64[P], 0 for a paragraph without tokens
    words: np.ndarray  # int32[P]
    is_char: np.ndarray  # bool[P]
    set_offsets: np.ndarray | None = None  # int64[P + 1] when `values` holds sets (sign_texts)


@functools.cache
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The (a, b) of datasketch's affine32 scheme for this seed: odd a, any b, both uint32.

    Drawn from numpy's legacy RandomState(seed) in datasketch's order (all a, then all b).
    """
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint64).astype(np.uint32)
    return a, b


@functools.cache
def kernel_tables() -> tuple[np.ndarray, ...]:
    """The folding table as `kernel.shingle_hashes` reads it: `normalize.fold_arrays`, what
    `kernel.fold_counts` derives from it (cached beside the table: 0.015 s at each start), and
    the unspaced ranges."""
    offsets, blob = fold_arrays()

    def build() -> dict[str, np.ndarray]:
        return dict(zip(_COLUMNS, _kernel.fold_counts(offsets, blob), strict=True))

    columns = cached_arrays("fold-columns", _derivation(_kernel.fold_counts), build)
    return (offsets, blob, *(columns[name] for name in _COLUMNS), _kernel.UNSPACED)


_COLUMNS = ("ascii", "chars", "unspaced")  # what kernel.fold_counts returns, in its order


def _derivation(function: Any) -> str:  # noqa: ANN401 - any Python function
    """What a cache of `function`'s results depends on besides the table: the file that defines
    it, as numba keys its cache (its size and time of change: any edit makes a new key), and the
    unspaced ranges it reads."""
    stat = Path(function.__code__.co_filename).stat()
    return f"{stat.st_size}|{stat.st_mtime_ns}|{UNSPACED_RANGES!r}"


def encode(paragraphs: Sequence[Text]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """UTF-8 bytes of all paragraphs back to back, the paragraph bounds (P + 1 offsets), and
    which paragraphs came as the bytes of their JSON string (`escaped.EscapedText.body`)."""
    parts = [
        p if isinstance(p, memoryview) else p.encode("utf-8", "surrogatepass") for p in paragraphs
    ]
    bounds = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, parts), dtype=np.int64, count=len(parts)), out=bounds[1:])
    escaped = np.fromiter(
        (isinstance(p, memoryview) for p in paragraphs), dtype=np.bool_, count=len(parts)
    )
    return np.frombuffer(b"".join(parts), dtype=np.uint8), bounds, escaped


def shingle_batch(
    paragraphs: Sequence[Text], config: DedupConfig, *, use_numba: bool = True
) -> Shingled:
    """Shingle hashes (with repeats, in text order) of each paragraph."""
    if use_numba:
        buf, bounds, escaped = encode(paragraphs)
        params = (config.word_ngram, config.char_ngram, config.short_words)
        values, offs, exact, words, is_char = _kernel.shingle_hashes(
            buf, bounds, escaped, kernel_tables(), params
        )
        return Shingled(values, offs, exact, words, is_char)
    return _shingle_batch_python([unescaped(p) for p in paragraphs], config)


def unescaped(text: Text) -> str:
    r"""A paragraph as text: itself, or the text of the JSON string it is given as.

    >>> unescaped(memoryview(b'one\\ttwo \\"three\\"')), unescaped("as it is")
    ('one\ttwo "three"', 'as it is')
    """
    if isinstance(text, memoryview):
        decoded: str = json.loads(b'"' + text.tobytes() + b'"')
        return decoded
    return text


def _shingle_batch_python(paragraphs: Sequence[str], config: DedupConfig) -> Shingled:
    chunks: list[np.ndarray] = []
    n = len(paragraphs)
    offs = np.zeros(n + 1, dtype=np.int64)
    exact = np.zeros(n, dtype=np.uint64)
    words = np.zeros(n, dtype=np.int32)
    is_char = np.zeros(n, dtype=np.bool_)
    for i, text in enumerate(paragraphs):
        found = shingles(text, config.word_ngram, config.char_ngram, config.short_words)
        chunks.append(np.array([shingle_hash32(s) for s in found], dtype=np.uint32))
        offs[i + 1] = offs[i] + len(found)
        exact[i] = exact_hash64(text)
        norm = normalize(text)
        is_char[i] = bool(norm) and shingle_kind(norm, config.short_words) == "char"
        words[i] = _count_words(norm)
    values = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.uint32)
    return Shingled(values, offs, exact, words, is_char)


def _count_words(norm: str) -> int:
    from cleanse.dedup.normalize import is_unspaced

    plain = unspaced = 0
    for token in norm.split():
        n = sum(1 for c in token if is_unspaced(ord(c)))
        unspaced += n
        plain += n == 0
    return plain + unspaced // 2


def _fmix32(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    out: np.ndarray = h ^ (h >> np.uint32(16))
    return out


def minhash(batch: Shingled, a: np.ndarray, b: np.ndarray, *, use_numba: bool = True) -> np.ndarray:
    """Signatures uint32[P, num_perm] of a shingled batch (all 0xFFFFFFFF for no shingles)."""
    if use_numba:
        out: np.ndarray = _kernel.minhash_csr(batch.values, batch.offsets, a, b)
        return out
    n = len(batch.offsets) - 1
    sigs = np.full((n, len(a)), _EMPTY, dtype=np.uint32)
    mixed = _fmix32(batch.values.astype(np.uint32))
    with np.errstate(over="ignore"):
        for p in range(n):
            lo, hi = batch.offsets[p], batch.offsets[p + 1]
            if hi > lo:
                sigs[p] = (mixed[lo:hi, None] * a[None, :] + b[None, :]).min(axis=0)
    return sigs


def band_keys(sigs: np.ndarray, bands: int, rows: int, *, use_numba: bool = True) -> np.ndarray:
    """uint64[N, bands] keys; equal keys in a band make two items LSH candidates."""
    if use_numba:
        keys0: np.ndarray = _kernel.band_keys(sigs, bands, rows)
        return keys0
    mix = np.uint64(0x9E3779B97F4A7C15)
    keys = np.empty((len(sigs), bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for band in range(bands):
            s = np.full(len(sigs), np.uint64(band + 1) * mix, dtype=np.uint64)
            for r in range(rows):
                s = (s ^ sigs[:, band * rows + r].astype(np.uint64)) * mix
            s ^= s >> np.uint64(33)
            s *= np.uint64(0xFF51AFD7ED558CCD)
            s ^= s >> np.uint64(33)
            s *= np.uint64(0xC4CEB9FE1A85EC53)
            keys[:, band] = s ^ (s >> np.uint64(33))
    return keys


def unique_sets(batch: Shingled) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct shingle hashes of each paragraph (CSR), for exact Jaccard."""
    return distinct_sets(batch.values, batch.offsets, np.arange(len(batch.offsets), dtype=np.int64))


def distinct_sets(
    values: np.ndarray, offsets: np.ndarray, groups: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values of consecutive CSR rows: rows groups[k]..groups[k + 1] form set k.

    One sort of (set << 32 | value) over the whole batch: numpy's vectorised sort is several
    times faster than sorting row by row in the kernel.

    >>> distinct_sets(np.array([5, 1, 5, 3, 3, 2], np.uint32), np.array([0, 3, 5, 6]), np.array([0, 1, 3]))
    (array([1, 5, 2, 3], dtype=uint32), array([0, 2, 4]))
    """
    n = len(groups) - 1
    bounds = offsets[groups]
    if n and bounds[-1] - bounds[0] >= SORT_EACH_FROM * n:
        return _distinct_each(values, bounds)
    labels = np.repeat(np.arange(n, dtype=np.uint64), np.diff(bounds))
    packed = (labels << np.uint64(32)) | values[bounds[0] : bounds[-1]].astype(np.uint64)
    packed.sort()
    if len(packed):
        packed = packed[np.concatenate(([True], packed[1:] != packed[:-1]))]
    out_offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(
        np.bincount((packed >> np.uint64(32)).astype(np.int64), minlength=n), out=out_offsets[1:]
    )
    return (packed & np.uint64(0xFFFFFFFF)).astype(np.uint32), out_offsets


#: Mean values per set from which `distinct_sets` sorts each set on its own (documents: about
#: 3x faster than one sort of packed 64-bit keys; paragraphs of 36 values: as fast).
SORT_EACH_FROM = 32


def _distinct_each(values: np.ndarray, bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`distinct_sets` for long sets: each set's slice sorted in place (numpy's vectorised sort
    of 32-bit values), then one pass drops repeats inside each set."""
    out = values[bounds[0] : bounds[-1]].copy()
    rel = bounds - bounds[0]
    for start, end in zip(rel[:-1].tolist(), rel[1:].tolist(), strict=True):
        out[start:end].sort()
    keep = np.empty(len(out), dtype=np.bool_)
    np.not_equal(out[1:], out[:-1], out=keep[1:])
    keep[rel[:-1][np.diff(rel) > 0]] = True  # each set's first value
    kept = np.flatnonzero(keep)  # a set's values start where its first kept one falls
    return out[kept], np.searchsorted(kept, rel).astype(np.int64, copy=False)


SETS_CHUNK_CHARS = 1 << 20  # shingle this much text at a time: the kernel's buffers scale with it


def shingle_sets(
    texts: Sequence[str], config: DedupConfig, *, use_numba: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct shingle hashes of each text (CSR), computed a chunk at a time.

    A text longer than a window is shingled window by window (stream.windows) and its windows'
    sets are united, so no text needs more than a window's worth of kernel buffers.
    """
    wins, groups = split_windows(texts, config.word_ngram)
    values: list[np.ndarray] = []
    offsets = [np.zeros(1, dtype=np.int64)]
    start = 0
    while start < len(wins):
        end, size = start, 0
        while end < len(wins) and (size < SETS_CHUNK_CHARS or end == start):
            size += len(wins[end])
            end += 1
        v, o = unique_sets(shingle_batch(wins[start:end], config, use_numba=use_numba))
        values.append(v)
        offsets.append(o[1:] + offsets[-1][-1])
        start = end
    if not values:
        return np.zeros(0, dtype=np.uint32), offsets[0]
    return union_sets(np.concatenate(values), np.concatenate(offsets), groups)


def union_sets(
    values: np.ndarray, offsets: np.ndarray, groups: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Union of consecutive rows of a CSR set array: rows groups[k]..groups[k + 1] form set k.

    >>> union_sets(np.array([1, 2, 2, 3, 5], np.uint32), np.array([0, 2, 4, 5]), np.array([0, 2, 3]))
    (array([1, 2, 3, 5], dtype=uint32), array([0, 3, 4]))
    """
    n = len(groups) - 1
    if np.array_equal(np.diff(groups), np.ones(n, dtype=groups.dtype)):  # one row per set
        bounds = offsets[groups]
        return values[bounds[0] : bounds[-1]], bounds - bounds[0]
    bounds = offsets[groups]
    labels = np.repeat(np.arange(n, dtype=np.uint64), np.diff(bounds))
    packed = (labels << np.uint64(32)) | values[bounds[0] : bounds[-1]].astype(np.uint64)
    packed.sort()  # a plain sort: np.unique's hashing is several times slower on this
    if len(packed):
        packed = packed[np.concatenate(([True], packed[1:] != packed[:-1]))]
    out_offsets = np.searchsorted(packed >> np.uint64(32), np.arange(n + 1, dtype=np.uint64))
    return (packed & np.uint64(0xFFFFFFFF)).astype(np.uint32), out_offsets.astype(np.int64)


def sign_texts(
    texts: Sequence[Text], config: DedupConfig, *, use_numba: bool = True, with_sets: bool = False
) -> tuple[Shingled, np.ndarray]:
    """Per text: (exact hash, shingle count, words) as a Shingled, and signatures.

    Texts longer than a window are shingled window by window; a text's signature is the minimum
    over its windows (the MinHash of the union of their sets) and its exact hash combines its
    windows' exact hashes. The Shingled has no values, unless `with_sets`: then `values` and
    `set_offsets` hold each text's shingle set as `shingle_sets` gives it, from this one hashing
    pass (verification and the index read them instead of shingling the texts again).
    """
    wins, groups = split_windows(texts, config.word_ngram)
    a, b = permutations(config.num_perm, config.seed)
    batch = shingle_batch(wins, config, use_numba=use_numba)
    sigs = minhash(batch, a, b, use_numba=use_numba)
    counts = np.diff(batch.offsets)
    set_values, set_offsets = batch.values[:0], None
    if with_sets:  # what shingle_sets computes: each text's windows' shingles, sorted, distinct
        set_values, set_offsets = distinct_sets(batch.values, batch.offsets, groups)
    if len(wins) == len(texts):
        shingled = Shingled(
            set_values, counts, batch.exact, batch.words, batch.is_char, set_offsets
        )
        return shingled, sigs
    starts = groups[:-1]
    exact = batch.exact[starts].copy()
    for k in np.flatnonzero(np.diff(groups) > 1).tolist():
        part = batch.exact[groups[k] : groups[k + 1]]
        digest = hashlib.blake2b(part.tobytes(), digest_size=8).digest()
        exact[k] = int.from_bytes(digest, "little") or 1
    return (
        Shingled(
            set_values,
            np.add.reduceat(counts, starts),
            exact,
            np.add.reduceat(batch.words, starts).astype(np.int32),
            np.logical_and.reduceat(batch.is_char, starts),
            set_offsets,
        ),
        np.minimum.reduceat(sigs, starts, axis=0),
    )


def signature(
    paragraphs: Sequence[str], config: DedupConfig, *, use_numba: bool = True
) -> np.ndarray:
    """The signature of a whole document: the MinHash of its token stream's shingles.

    Line breaks and paragraphing do not matter: the paragraphs are one stream
    (`stream.document_stream`).

    >>> from cleanse.dedup import DedupConfig
    >>> signature(["Hello world, hello again."], DedupConfig()).shape
    (128,)
    >>> a = signature(["One line that was", "wrapped in two."], DedupConfig())
    >>> bool((a == signature(["One line that was wrapped in two."], DedupConfig())).all())
    True
    """
    _, sigs = sign_texts([document_stream(paragraphs)], config, use_numba=use_numba)
    merged: np.ndarray = sigs[0]
    return merged


def to_datasketch(sig: np.ndarray, config: DedupConfig) -> Any:  # noqa: ANN401 - datasketch is untyped
    """A `datasketch.LeanMinHash` with our hash values, seed and scheme (to share an LSH index)."""
    try:
        from datasketch import LeanMinHash, MinHash  # type: ignore[import-untyped]
    except ImportError as exc:
        msg = "to_datasketch needs datasketch, which is not installed: pip install 'cleanse[datasketch]'"
        raise ConfigError(msg) from exc

    return LeanMinHash(MinHash(config.num_perm, config.seed, hashvalues=sig, scheme="affine32"))
