"""Signing workers kept for a whole run: each batch's signing handed to them as soon as the batch
is read, so that it runs while this process settles the batch before it.

The pool is forked once, when a run starts and this process is still small (its input not read
yet, the signing kernels just loaded: the workers inherit them). Workers forked later, from the
parent of a run under way, share its big heap, and every page the parent writes while they live
is copied: signing ahead with workers forked per batch raised a 1 GB run's peak memory by half
(benchmarks/README.md, s12). These workers hold only what they receive: the texts of a chunk of
documents (about `workers.CHUNK_CHARS`, pickled: a document read from a JSONL line sends the
bytes of its text's JSON string, `workers.SentEscaped`), and they send back its rows, which this
process's result thread copies into the batch's arrays as they come (`Signing`).

Rows land at fixed offsets and chunks are the ones `workers.sign_all` signs, so the rows are the
same whatever the number of workers or their finishing order.
"""

from __future__ import annotations

from collections.abc import Sequence
from multiprocessing.pool import AsyncResult
from typing import Any

import numpy as np

from cleanse.dedup import signatures as sig
from cleanse.dedup.config import DedupConfig
from cleanse.dedup.workers import (
    ROW_FIELDS,
    SET_FIELDS,
    Doc,
    Signed,
    chunk_ranges,
    join_sets,
    load_kernels,
    outputs,
    sendable,
    sign_chunk,
)
from cleanse.parallel import WorkerPool, same_function

Sets = dict[str, tuple[np.ndarray, np.ndarray]]


def _sign_sent(task: tuple[list[Sequence[str]], DedupConfig, bool]) -> Signed:
    """Worker: the rows of one chunk of documents (`workers.sign_chunk`)."""
    return sign_chunk(task)


class SigningPool:
    """`workers` signing processes, forked now and kept until `close`."""

    def __init__(self, workers: int) -> None:
        sig.kernel_tables()
        load_kernels()  # loaded here, before the fork: the workers inherit them
        self._pool = WorkerPool(same_function(_sign_sent), workers, "fork")

    def start(self, docs: Sequence[Doc], config: DedupConfig, keep_sigs: bool) -> Signing:
        """Hand every chunk of `docs` to the workers and return at once; `Signing.result()`
        gives the rows of all of them (what `workers.sign_all` gives)."""
        para_bounds = np.zeros(len(docs) + 1, dtype=np.int64)
        np.cumsum([len(p) for _, p in docs], out=para_bounds[1:])
        out = outputs(len(docs), int(para_bounds[-1]), config, keep_sigs, _empty)
        ranges = chunk_ranges(docs)
        signing = Signing(out, len(ranges))
        for k, (a, b) in enumerate(ranges):
            task = ([sendable(p) for _, p in docs[a:b]], config, keep_sigs)
            rows = (a, b, int(para_bounds[a]), int(para_bounds[b]))
            signing.pending.append(self._pool.submit(task, signing.arrived(k, rows)))
        return signing

    def close(self) -> None:
        """End the workers (busy or not): the run is over, or stops."""
        self._pool.close()


def _empty(shape: tuple[int, ...], dtype: type) -> np.ndarray:
    return np.empty(shape, dtype)


class Signing:
    """The rows of one batch, signed by a `SigningPool`: each chunk's rows are copied into `out`
    as they come back (in the pool's result thread), so only one chunk's rows are held twice."""

    def __init__(self, out: Signed, chunks: int) -> None:
        self.out = out
        self.pending: list[AsyncResult[Any]] = []
        self._sets: list[Sets | None] = [None] * chunks
        self._error: BaseException | None = None

    def arrived(self, k: int, rows: tuple[int, int, int, int]) -> Any:
        """The callback for chunk `k`, documents rows[0]:rows[1], paragraphs rows[2]:rows[3]."""

        def copy(part: Signed) -> None:
            try:
                d0, d1, p0, p1 = rows
                for name in ROW_FIELDS:
                    target = getattr(self.out, name)
                    if target is not None:
                        target[slice(p0, p1) if name.startswith("p_") else slice(d0, d1)] = getattr(
                            part, name
                        )
                        setattr(part, name, None)  # held by the pool's result until `result()`
                self._sets[k] = {
                    n: getattr(part, n) for n in SET_FIELDS if getattr(part, n) is not None
                }
                for name in SET_FIELDS:
                    setattr(part, name, None)
            except BaseException as exc:  # told by `result()`: the pool's thread must live on
                self._error = exc

        return copy

    def ready(self) -> bool:
        """Whether every chunk is back (`result()` will not wait)."""
        return all(pending.ready() for pending in self.pending)

    def result(self) -> Signed:
        """The batch's rows, once every chunk is back (a worker's error is raised here)."""
        for pending in self.pending:
            pending.get()
        self.pending.clear()
        if self._error is not None:
            raise self._error
        sets = self._sets
        assert all(s is not None for s in sets)
        for name in SET_FIELDS:
            parts = [s[name] for s in sets if s is not None and name in s]
            if parts:
                setattr(self.out, name, join_sets(parts))
        self._sets = []
        return self.out

    def cancel(self) -> None:
        """Give up on the rows (the run stops first): the pool ends with the run."""
        self.pending.clear()
        self._sets = []
