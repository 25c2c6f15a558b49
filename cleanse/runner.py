"""The runner: documents through the stages, batch after batch, into the sinks.

The one loop both faces share (the CLI's `run_job` and the library's `Pipeline`):

- a *document stage* (cleaning) maps each document on its own, streaming, over workers;
- the stream is cut into batches of about `batch_chars` input characters and at most
  `batch_docs` documents; batch edges depend only on the input, so the output does not depend
  on where a run was interrupted, nor on the number of workers;
- each *batch stage* (the duplicate stages) turns a batch into the same batch settled;
- each *sink* receives the settled batch with the input size of every document (the corpus
  writer, the audit, the stats);
- after each batch, `after_batch(done)` is told how many input documents are fully handled: the
  CLI takes its checkpoint there, and a resumed run starts `done` documents in.
"""

from __future__ import annotations

import itertools
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

# Maps a stream of documents to a stream of as many documents, in order (cleaning).
DocumentStage = Callable[[Iterable[Item]], Iterator[Item]]
# Turns a batch into the same batch, settled (deduplication against what came before).
BatchStage = Callable[[list[Item]], list[Item]]


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
        """
        sizes: deque[int] = deque()  # input sizes, in order: the stages keep the documents' order
        stream: Iterator[Item] = _remember_sizes(itertools.islice(docs, done, None), sizes)
        for stage in self.document_stages:
            stream = stage(stream)
        self._stream = stream
        for batch in batches(stream, sizes, self.batch_chars, self.batch_docs):
            batch_sizes = [sizes.popleft() for _ in batch]
            for settle in self.batch_stages:
                batch = settle(batch)
            for sink in self.sinks:
                sink.write(batch, batch_sizes)
            done += len(batch)
            if self.after_batch is not None:
                self.after_batch(done)
            yield Settled(batch, batch_sizes)
            # Nothing of this batch is needed while the next one is read: free it first, and give
            # what it held back to the system, so batches do not pile up in the heap.
            del batch, batch_sizes
            give_back()

    def run(self, docs: Iterable[Item], done: int = 0) -> int:
        """Every batch through the stages into the sinks; the number of documents handled."""
        for settled in self.settle(docs, done):
            done += len(settled.documents)
            del settled  # not held while the next batch is read
        return done

    def close(self) -> None:
        """Stop the stages' generators now, so worker pools end with the run, not at exit."""
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()


def batches(
    docs: Iterable[Item], sizes: deque[int], limit: int, max_docs: int = BATCH_DOCS
) -> Iterator[list[Item]]:
    """Consecutive runs of documents holding about `limit` input characters, and at most
    `max_docs` documents, each.

    `sizes` holds the input size of every document read and not yet counted, in order, so the
    edges fall on the same documents whatever the number of workers.
    """
    batch: list[Item] = []
    chars = 0
    for doc in docs:
        chars += sizes[len(batch)]
        batch.append(doc)
        if chars >= limit or len(batch) >= max_docs:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


def _remember_sizes(docs: Iterable[Item], sizes: deque[int]) -> Iterator[Item]:
    for doc in docs:
        sizes.append(doc.chars)
        yield doc
