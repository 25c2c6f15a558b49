"""The runner: documents through the stages, batch after batch, into the sinks.

The one loop both faces share (the CLI's `run_job` and the library's `Pipeline`):

- a *document stage* (cleaning) maps each document on its own, streaming, over workers;
- the stream is cut into batches of about `batch_chars` input characters and at most
  `batch_docs` documents; batch edges depend only on the input, so the output does not depend
  on where a run was interrupted, nor on the number of workers;
- each *batch stage* (the duplicate stages) turns a batch into the same batch settled; the first
  one may start a batch ahead (`start`: the duplicate stage's signing, in workers), and settle it
  after the batch before it, so that the two overlap;
- each *sink* receives the settled batch with the input size of every document (the corpus
  writer, the audit, the stats);
- after each batch, `after_batch(done)` is told how many input documents are fully handled: the
  CLI takes its checkpoint there, and a resumed run starts `done` documents in.
"""

from __future__ import annotations

import itertools
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from cleanse.document import Item
from cleanse.heap import give_back

BATCH_CHARS = 32_000_000
# Records per batch at most: each costs far more than its text (the Document, its audit, its
# paragraphs' signatures), so a batch of tiny records is bounded by their number, not their size.
# 10,000 is above what 32 MB of ordinary documents hold (about 3,000), so it changes only batches
# of small records (benchmarks/memory_records.py).
BATCH_DOCS = 10_000
# Seconds this process waits for a document (beyond its own CPU) that tell it the cleaning is the
# pace: a batch started ahead and signed is then settled at once, not after the next one is read.
WAITED = 0.002
_END: list[Item] = []  # the end of `_filling` (a list no batch is: batches are never empty)

# Maps a stream of documents to a stream of as many documents, in order (cleaning).
DocumentStage = Callable[[Iterable[Item]], Iterator[Item]]
# Turns a batch into the same batch, settled (deduplication against what came before).
BatchStage = Callable[[list[Item]], list[Item]]


class Started(Protocol):
    """A batch a batch stage started ahead (`start(batch)`), to be settled later."""

    def finish(self) -> list[Item]:
        """The batch settled (against everything settled before it)."""

    def ready(self) -> bool:
        """Whether `finish` can settle it without waiting for its workers."""

    def cancel(self) -> None:
        """Give up on it (the run stops first): end whatever works on it."""


class Sink(Protocol):
    """Receives every settled batch, with each document's input size in characters."""

    def write(self, batch: Sequence[Item], sizes: Sequence[int]) -> None:
        """Take one batch (in input order)."""


@dataclass(frozen=True, slots=True)
class Settled:
    """One batch out of the stages, and the input size of each of its documents."""

    documents: list[Item]
    sizes: list[int]


@dataclass(slots=True)
class Runner:
    """The stages and sinks of a run, and how its stream is cut into batches."""

    document_stages: Sequence[DocumentStage] = ()
    batch_stages: Sequence[BatchStage] = ()
    sinks: Sequence[Sink] = ()
    batch_chars: int = BATCH_CHARS
    batch_docs: int = BATCH_DOCS
    after_batch: Callable[[int], None] | None = None  # told the documents done after each batch
    _stream: Iterator[Item] | None = field(default=None, init=False)

    def settle(self, docs: Iterable[Item], done: int = 0) -> Iterator[Settled]:
        """Each batch out of the stages, once its sinks have it and `after_batch` was told.

        `done`: documents already handled by an earlier part of the run (they are skipped).
        When the first batch stage can start a batch ahead (`start`: its signing, in workers),
        each batch is started as soon as it is read, and settled as soon as its workers are done
        (between two documents of the next batch) or the next batch is read and started, so that
        the settling of one batch and the signing of the next overlap when the next is read
        faster than a batch is settled. Either way batches are settled in order, and a batch is
        counted done only once settled and written.
        """
        # Before anything is read: a stage's workers kept for the run (the duplicate stage's
        # signing workers) are forked while this process is small (see `DedupStage.open`).
        for batch_stage in self.batch_stages:
            opening = getattr(batch_stage, "open", None)
            if opening is not None:
                opening()
        sizes: deque[int] = deque()  # input sizes, in order: the stages keep the documents' order
        stream: Iterator[Item] = _remember_sizes(itertools.islice(docs, done, None), sizes)
        for stage in self.document_stages:
            stream = stage(stream)
        self._stream = stream
        start: Callable[[list[Item]], Started | None] | None = None
        if self.batch_stages:
            start = getattr(self.batch_stages[0], "start", None)
        ahead: tuple[Started, list[int]] | None = None  # a batch started, not yet settled
        before: tuple[Started, list[int]] | None
        try:
            filling = _filling(stream, sizes, self.batch_chars, self.batch_docs)
            while True:
                wall, cpu = time.monotonic(), time.thread_time()
                batch = next(filling, _END)
                waited = time.monotonic() - wall - (time.thread_time() - cpu) > WAITED
                if batch is _END:
                    break
                if batch is None:  # one more document read into the next batch
                    # Signed, and this process waits for documents (the cleaning is the pace):
                    # settled now. When documents come without waiting (this process is the
                    # pace), the batch is read to its end first and started, so that its signing
                    # overlaps the settling of the one before.
                    if waited and ahead is not None and ahead[0].ready():
                        before, ahead = ahead, None
                        yield self._deliver(before[0].finish(), before[1], done, ahead=True)
                        done += len(before[1])
                        del before
                        give_back()
                    continue
                batch_sizes = [sizes.popleft() for _ in batch]
                started = start(batch) if start is not None else None
                before, ahead = ahead, (started, batch_sizes) if started is not None else None
                if before is not None:  # settled while this batch is signed
                    yield self._deliver(before[0].finish(), before[1], done, ahead=True)
                    done += len(before[1])
                    del before
                if started is None:
                    yield self._deliver(batch, batch_sizes, done)
                    done += len(batch)
                # Nothing of this batch is needed while the next one is read (unless it waits in
                # `ahead`): free it first, and give what it held back to the system, so batches
                # do not pile up in the heap.
                del batch, batch_sizes, started
                give_back()
            if ahead is not None:
                before, ahead = ahead, None
                yield self._deliver(before[0].finish(), before[1], done, ahead=True)
        finally:
            if ahead is not None:  # stopped before it was settled: its workers end now
                ahead[0].cancel()

    def _deliver(
        self, batch: list[Item], sizes: list[int], done: int, *, ahead: bool = False
    ) -> Settled:
        """`batch` through the batch stages (but the first, if it was started `ahead` and
        settled it), into the sinks, and counted done (`after_batch`)."""
        for settle in self.batch_stages[1:] if ahead else self.batch_stages:
            batch = settle(batch)
        for sink in self.sinks:
            sink.write(batch, sizes)
        if self.after_batch is not None:
            self.after_batch(done + len(batch))
        return Settled(batch, sizes)

    def run(self, docs: Iterable[Item], done: int = 0) -> int:
        """Every batch through the stages into the sinks; the number of documents handled.
        The stages' workers end with it (`close`), whether it completes or stops."""
        try:
            for settled in self.settle(docs, done):
                done += len(settled.documents)
                del settled  # not held while the next batch is read
        finally:
            self.close()
        return done

    def close(self) -> None:
        """Stop the stages' generators and end the workers the stages keep (`close`) now, so
        worker pools end with the run, not at exit. `settle` opens them again."""
        try:
            close = getattr(self._stream, "close", None)
            if close is not None:
                close()
        finally:
            for batch_stage in self.batch_stages:
                closing = getattr(batch_stage, "close", None)
                if closing is not None:
                    closing()


def batches(
    docs: Iterable[Item], sizes: deque[int], limit: int, max_docs: int = BATCH_DOCS
) -> Iterator[list[Item]]:
    """Consecutive runs of documents holding about `limit` input characters, and at most
    `max_docs` documents, each.

    `sizes` holds the input size of every document read and not yet counted, in order, so the
    edges fall on the same documents whatever the number of workers.
    """
    return (batch for batch in _filling(docs, sizes, limit, max_docs) if batch is not None)


def _filling(
    docs: Iterable[Item], sizes: deque[int], limit: int, max_docs: int
) -> Iterator[list[Item] | None]:
    """`batches`, with None after each document that does not end one: the runner looks at
    what it started ahead between documents."""
    batch: list[Item] = []
    chars = 0
    for doc in docs:
        chars += sizes[len(batch)]
        batch.append(doc)
        if chars >= limit or len(batch) >= max_docs:
            yield batch
            batch, chars = [], 0
        else:
            yield None
    if batch:
        yield batch


def _remember_sizes(docs: Iterable[Item], sizes: deque[int]) -> Iterator[Item]:
    for doc in docs:
        sizes.append(doc.chars)
        yield doc
