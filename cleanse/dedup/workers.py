"""The signature stage: documents -> per-paragraph and per-document signatures and band keys.

A paragraph row signs one paragraph; a document row signs the document's whole token stream.

Work is cut into consecutive chunks of about CHUNK_CHARS characters whatever the number of
workers, and rows land at fixed offsets, so results do not depend on workers or finishing order.
"""

from __future__ import annotations

import functools
import json
import mmap
import multiprocessing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from cleanse.dedup import signatures as sig
from cleanse.dedup.config import DedupConfig
from cleanse.dedup.escaped import EscapedText, OneText
from cleanse.dedup.stream import Text, document_stream, strip_markup
from cleanse.parallel import ordered_map, same_function

Doc = tuple[str, Sequence[str]]
CHUNK_CHARS = 1 << 20  # chunks of about 1 MB: small enough to balance two workers


@dataclass(slots=True)
class Signed:
    """Output of the signature stage, one row per paragraph (p_*) or document (d_*)."""

    p_exact: np.ndarray
    p_chars: np.ndarray
    p_words: np.ndarray
    p_count: np.ndarray
    p_keys: np.ndarray
    d_exact: np.ndarray
    d_count: np.ndarray
    d_chars: np.ndarray
    d_keys: np.ndarray
    p_sigs: np.ndarray | None = None
    d_sigs: np.ndarray | None = None
    #: Shingle sets (CSR: values, offsets) of every row, kept with the signatures: verification
    #: and the index read them instead of hashing the texts a second time.
    p_sets: tuple[np.ndarray, np.ndarray] | None = None
    d_sets: tuple[np.ndarray, np.ndarray] | None = None


# Fields of Signed that are not one row per item (joined by `join_sets`, not row by row).
SET_FIELDS = ("p_sets", "d_sets")
ROW_FIELDS = tuple(name for name in Signed.__slots__ if name not in SET_FIELDS)


def join_sets(parts: Sequence[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Consecutive CSR set arrays as one.

    >>> join_sets([(np.array([1, 2], np.uint32), np.array([0, 2])), (np.array([3], np.uint32), np.array([0, 0, 1]))])
    (array([1, 2, 3], dtype=uint32), array([0, 2, 2, 3]))
    """
    values = np.concatenate([v for v, _ in parts]) if parts else np.zeros(0, np.uint32)
    offsets, base = [np.zeros(1, np.int64)], 0
    for v, o in parts:
        offsets.append(np.asarray(o[1:], np.int64) + base)
        base += len(v)
    return values, np.concatenate(offsets)


#: Rows per run of consecutive rows from which `take_sets` copies runs as slices.
RUN_ROWS = 16


def take_sets(
    sets: tuple[np.ndarray, np.ndarray], rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The CSR sets of `rows` (in that order), as a CSR array of their own.

    >>> take_sets((np.array([1, 2, 3], np.uint32), np.array([0, 2, 2, 3])), np.array([2, 0]))
    (array([3, 1, 2], dtype=uint32), array([0, 1, 3]))
    """
    values, offsets = sets
    rows = np.asarray(rows)
    starts, ends = offsets[rows], offsets[rows + 1]
    lengths = ends - starts
    out_offsets = np.zeros(len(lengths) + 1, np.int64)
    np.cumsum(lengths, out=out_offsets[1:])
    breaks = np.flatnonzero(np.diff(rows) != 1) + 1  # where a run of consecutive rows ends
    if len(rows) and len(breaks) < len(rows) // RUN_ROWS:  # mostly runs: copied as slices
        firsts, lasts = rows[np.r_[0, breaks]], rows[np.r_[breaks - 1, len(rows) - 1]]
        runs = zip(offsets[firsts].tolist(), offsets[lasts + 1].tolist(), strict=True)
        return np.concatenate([values[a:b] for a, b in runs]), out_offsets
    # Position k of the output reads values[starts[row] + (k - out_offsets[row])].
    gather = np.repeat(starts - out_offsets[:-1], lengths) + np.arange(out_offsets[-1])
    return values[gather], out_offsets


def item_texts(paragraphs: Sequence[str], level: str) -> list[str]:
    """What is shingled for one document: its paragraphs, or its whole stream (see stream)."""
    if level == "document":
        return [document_stream(paragraphs)]
    return [strip_markup(p) for p in paragraphs]


def sign_chunk(args: tuple[Sequence[Sequence[str]], DedupConfig, bool]) -> Signed:
    """Signature stage for a run of consecutive documents (runs in a worker process).

    Paragraph rows are signed only when paragraphs are deduplicated, document rows only when
    documents are: a document row is the document's whole token stream, not its paragraphs.
    """
    docs, config, keep_sigs = args
    bands, rows = config.banding
    n_paras = sum(len(p) for p in docs)
    out = _empty(len(docs), n_paras, config, keep_sigs)
    if config.level != "document":
        paragraphs = [t for paras in docs for t in item_texts(paras, "paragraph")]
        shingled, p_sigs = sig.sign_texts(paragraphs, config, with_sets=keep_sigs)
        out.p_exact, out.p_words, out.p_count = shingled.exact, shingled.words, shingled.offsets
        out.p_chars = np.fromiter(map(len, paragraphs), dtype=np.int64, count=n_paras)
        out.p_keys = sig.band_keys(p_sigs, bands, rows)
        out.p_sigs = p_sigs if keep_sigs else None
        if keep_sigs:
            assert shingled.set_offsets is not None
            out.p_sets = (shingled.values, shingled.set_offsets)
    if config.level != "paragraph":
        streams = [_document_input(paras) for paras in docs]
        shingled, d_sigs = sig.sign_texts(streams, config, with_sets=keep_sigs)
        out.d_exact, out.d_count = shingled.exact, shingled.offsets.astype(np.int64)
        chars = map(_stream_chars, docs, streams)
        out.d_chars = np.fromiter(chars, dtype=np.int64, count=len(docs))
        out.d_keys = sig.band_keys(d_sigs, bands, rows)
        out.d_sigs = d_sigs if keep_sigs else None
        if keep_sigs:
            assert shingled.set_offsets is not None
            out.d_sets = (shingled.values, shingled.set_offsets)
    return out


class SentEscaped(OneText):
    r"""An `escaped.EscapedText` as it travels to a signing worker kept for a run
    (`cleanse.dedup.signing_pool`): the bytes of the text's JSON string and the text's length in
    characters, without the document (pickled, an EscapedText is its text, joined from the
    document's lines). The text itself is decoded from those bytes only when it is read.

    >>> sent = SentEscaped(b'one\\ttwo', 7)
    >>> len(sent), sent[0], bytes(sent.body), sent.chars
    (1, 'one\ttwo', b'one\\ttwo', 7)
    """

    __slots__ = ("body", "chars")

    def __init__(self, body: bytes | memoryview, chars: int) -> None:
        self.body = memoryview(body)
        self.chars = chars

    def text(self) -> str:
        text: str = json.loads(b'"' + bytes(self.body) + b'"')
        return text

    def __reduce__(self) -> tuple[type[SentEscaped], tuple[bytes, int]]:
        return SentEscaped, (self.body.tobytes(), self.chars)


def sendable(paragraphs: Sequence[str]) -> Sequence[str]:
    """What goes to a signing worker for a document's paragraphs: an EscapedText as its bytes
    (`SentEscaped`), anything else as it is."""
    if isinstance(paragraphs, EscapedText):
        return SentEscaped(paragraphs.body, paragraphs.chars)
    return paragraphs


def _document_input(paragraphs: Sequence[str]) -> Text:
    """What is shingled for a whole document: the bytes of its text's JSON string when it comes
    with them (`escaped.EscapedText`, `SentEscaped`: its stream is its text), else its stream."""
    if isinstance(paragraphs, (EscapedText, SentEscaped)):
        return paragraphs.body
    return item_texts(paragraphs, "document")[0]


def _stream_chars(paragraphs: Sequence[str], stream: Text) -> int:
    """The length in characters of a document's stream (`_document_input` gave `stream`)."""
    if isinstance(paragraphs, (EscapedText, SentEscaped)):
        return paragraphs.chars
    return len(stream)


def _empty(n_docs: int, n_paras: int, config: DedupConfig, keep_sigs: bool) -> Signed:
    """Rows of zeros (no shingles) for a level that is not deduplicated."""
    bands, _ = config.banding
    return Signed(
        p_exact=np.zeros(n_paras, np.uint64),
        p_chars=np.zeros(n_paras, np.int64),
        p_words=np.zeros(n_paras, np.int32),
        p_count=np.zeros(n_paras, np.int32),
        p_keys=np.zeros((n_paras, bands), np.uint64),
        d_exact=np.zeros(n_docs, np.uint64),
        d_count=np.zeros(n_docs, np.int64),
        d_chars=np.zeros(n_docs, np.int64),
        d_keys=np.zeros((n_docs, bands), np.uint64),
        p_sigs=np.full((n_paras, config.num_perm), 0xFFFFFFFF, np.uint32) if keep_sigs else None,
        d_sigs=np.full((n_docs, config.num_perm), 0xFFFFFFFF, np.uint32) if keep_sigs else None,
    )


def chunk_ranges(docs: Sequence[Doc]) -> list[tuple[int, int]]:
    """Consecutive document ranges of about CHUNK_CHARS characters (independent of workers)."""
    out: list[tuple[int, int]] = []
    start = size = 0
    for i, (_, paras) in enumerate(docs):
        if size >= CHUNK_CHARS:
            out.append((start, i))
            start, size = i, 0
        if isinstance(paras, (EscapedText, SentEscaped)):
            size += paras.chars + 1
        else:
            size += sum(map(len, paras)) + 1
    out.append((start, len(docs)))
    return out


# State handed to forked workers by inheritance instead of pickling: the documents, and output
# arrays in anonymous shared memory that each worker fills at its own rows. Set by the parent
# just before the pool forks and cleared right after; workers only read the dict itself.
_FORK_STATE: dict[str, Any] = {}


def _in_shared_memory(shape: tuple[int, ...], dtype: type) -> np.ndarray:
    """An array in anonymous shared memory: processes forked afterwards write into the same one."""
    size = max(1, int(np.prod(shape)) * np.dtype(dtype).itemsize)
    array: np.ndarray = np.frombuffer(mmap.mmap(-1, size), dtype=dtype, count=int(np.prod(shape)))
    return array.reshape(shape)


def _shared_outputs(n_docs: int, n_paras: int, config: DedupConfig, keep_sigs: bool) -> Signed:
    return outputs(n_docs, n_paras, config, keep_sigs, _in_shared_memory)


def outputs(
    n_docs: int,
    n_paras: int,
    config: DedupConfig,
    keep_sigs: bool,
    alloc: Callable[[tuple[int, ...], type], np.ndarray],
) -> Signed:
    """The row arrays of a batch of `n_docs` documents and `n_paras` paragraphs, from `alloc`
    (`np.empty`, or shared memory), to be filled chunk by chunk."""
    bands, _ = config.banding
    return Signed(
        p_exact=alloc((n_paras,), np.uint64),
        p_chars=alloc((n_paras,), np.int64),
        p_words=alloc((n_paras,), np.int32),
        p_count=alloc((n_paras,), np.int32),
        p_keys=alloc((n_paras, bands), np.uint64),
        d_exact=alloc((n_docs,), np.uint64),
        d_count=alloc((n_docs,), np.int64),
        d_chars=alloc((n_docs,), np.int64),
        d_keys=alloc((n_docs, bands), np.uint64),
        p_sigs=alloc((n_paras, config.num_perm), np.uint32) if keep_sigs else None,
        d_sigs=alloc((n_docs, config.num_perm), np.uint32) if keep_sigs else None,
    )


def _sign_range(args: tuple[int, int]) -> tuple[int, dict[str, tuple[np.ndarray, np.ndarray]]]:
    """Worker: sign documents start:end and write the rows into the shared outputs; the shingle
    sets (of unknown size) come back to the parent."""
    start, end = args
    docs, config, out, para_bounds = (
        _FORK_STATE[k] for k in ("docs", "config", "out", "para_bounds")
    )
    part = sign_chunk(([paras for _, paras in docs[start:end]], config, out.p_sigs is not None))
    p0, p1 = para_bounds[start], para_bounds[end]
    for name in ROW_FIELDS:
        target = getattr(out, name)
        if target is not None:
            rows = slice(p0, p1) if name.startswith("p_") else slice(start, end)
            target[rows] = getattr(part, name)
    sets = {name: getattr(part, name) for name in SET_FIELDS if getattr(part, name) is not None}
    return end - start, sets


# What warm-up signing is for: a text of both kinds (word and character shingles) and levels.
_WARM_UP = DedupConfig(level="both")


@functools.cache  # once per process
def load_kernels() -> None:
    """Run every signing kernel once in this process, so that workers forked afterwards inherit
    them loaded: a worker forked before pays numba's loading (0.5 s or more of CPU) itself, for
    every batch, since each batch forks its own workers."""
    sign_chunk(
        ([["load the kernels once", "on a text of some words, one two three"]], _WARM_UP, True)
    )


def sign_all(docs: Sequence[Doc], config: DedupConfig, keep_sigs: bool, workers: int) -> Signed:
    ranges = chunk_ranges(docs)
    sig.kernel_tables()  # load once here; forked workers inherit it
    if workers > 1 and len(ranges) > 1 and "fork" in multiprocessing.get_all_start_methods():
        load_kernels()
        para_bounds = np.zeros(len(docs) + 1, dtype=np.int64)
        np.cumsum([len(p) for _, p in docs], out=para_bounds[1:])
        out = _shared_outputs(len(docs), int(para_bounds[-1]), config, keep_sigs)
        _FORK_STATE.update(docs=docs, config=config, out=out, para_bounds=para_bounds)
        try:
            sign = same_function(_sign_range)
            results = list(ordered_map(sign, ranges, workers, min_items=2, start_method="fork"))
        finally:
            _FORK_STATE.clear()
        assert sum(count for count, _ in results) == len(docs)
        for name in SET_FIELDS:
            if name in results[0][1]:
                setattr(out, name, join_sets([sets[name] for _, sets in results]))
        return out
    if workers > 1 and len(ranges) > 1:  # no fork (e.g. Windows): pickle chunks to workers
        jobs = [([p for _, p in docs[a:b]], config, keep_sigs) for a, b in ranges]
        parts = list(ordered_map(same_function(sign_chunk), jobs, workers, min_items=2))
    else:
        parts = [sign_chunk(([p for _, p in docs[a:b]], config, keep_sigs)) for a, b in ranges]
    names = [n for n in ROW_FIELDS if getattr(parts[0], n) is not None]
    columns: dict[str, Any] = {n: np.concatenate([getattr(p, n) for p in parts]) for n in names}
    signed = Signed(**columns)
    for name in SET_FIELDS:
        if getattr(parts[0], name) is not None:
            setattr(signed, name, join_sets([getattr(p, name) for p in parts]))
    return signed
