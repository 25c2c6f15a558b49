"""Functions for Hugging Face `Dataset.map(fn, batched=True)` and `Dataset.filter(fn,
batched=True)`: a Pipeline run fed one batch (a dict of columns) at a time.

`BatchMap` returns every row (row counts are kept): the text cleaned, a removed row's text
empty, and columns saying whether each row was removed and why. `BatchFilter` returns which rows
to keep. Each is one pass: the batches it is given are one run, each batch deduplicated against
the batches before it (as `cleanse run` settles its batches), so a near duplicate of a document
an earlier batch kept is found. That memory lives in the process that made the function, so a
function that deduplicates refuses to run in another one (`num_proc` > 1 sends a copy to each
worker, which would see only its shard); without dedup, copies work anywhere.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from collections.abc import Iterator
from typing import Any

from cleanse.document import Document, Item, is_live
from cleanse.errors import ConfigError
from cleanse.output_records import output_text
from cleanse.pipeline import Pipeline, PipelineRun
from cleanse.sinks import audit_line

__all__ = ["REASON_COLUMN", "REMOVED_COLUMN", "BatchFilter", "BatchMap"]

REMOVED_COLUMN = "cleanse_removed"  # True for a row cleanse removed (its text is then "")
REASON_COLUMN = "cleanse_reason"  # why: a rule id, `dedup.document-near`, `input.*`; "" if kept


class _BatchPass:
    """One pass of a Pipeline over a dataset's batches, in order, in this process."""

    def __init__(self, pipeline: Pipeline) -> None:
        if pipeline.annotate:
            msg = (
                "a batched map or filter marks or drops duplicates itself; build its Pipeline "
                "without annotate=True"
            )
            raise ConfigError(msg)
        self.pipeline = pipeline
        self.rows_seen = 0
        self._run: PipelineRun | None = None
        self._pid = os.getpid()
        self._copy = False
        # A persistent index changes what a pass finds: its fingerprint (what `datasets` caches
        # results under) is then never the same twice.
        self._token = uuid.uuid4().hex if pipeline.index is not None else None

    def settle(self, batch: dict[str, list[Any]]) -> Iterator[tuple[Item, int]]:
        """The Documents of one batch's rows out of the stages, in order."""
        self._check_process()
        if self._run is None:
            self._run = PipelineRun(self.pipeline)
        names = list(batch)
        rows = [
            dict(zip(names, values, strict=True)) for values in zip(*batch.values(), strict=True)
        ]
        docs = self.pipeline.documents(rows, start=self.rows_seen)
        self.rows_seen += len(rows)
        settled = list(self._run.settle(docs))
        if len(settled) != len(rows):  # never: every row comes out, removed or not
            msg = f"cleanse lost rows: {len(rows)} in, {len(settled)} out; please report it"
            raise RuntimeError(msg)
        return iter(settled)

    @property
    def summary(self) -> dict[str, Any]:
        """The pass's counts so far (as the CLI's summary.json)."""
        return self._run.stats.to_json() if self._run is not None else {}

    def close(self) -> dict[str, Any]:
        """End the pass: with `index=`, what it kept joins the index; the scratch index goes.
        Returns the summary. Call it once the map or filter has run (or use `with`)."""
        summary = self.summary
        if self._run is not None:
            self._run.finish()
            self._run.close()
            self._run = None
        return summary

    def __enter__(self) -> _BatchPass:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is not None and self._run is not None:
            self._run.close()  # unfinished: a persistent index keeps nothing of it
            self._run = None
        self.close()

    def __del__(self) -> None:
        run = getattr(self, "_run", None)
        if run is not None:  # a pass never closed: its scratch index and lock go with it
            with contextlib.suppress(Exception):
                run.close()

    def __getstate__(self) -> dict[str, Any]:
        # What `datasets` hashes to name its cache, and what a num_proc worker receives: the
        # settings and how far the pass got, never its open index.
        return {
            "pipeline": self.pipeline,
            "rows_seen": self.rows_seen,
            "token": self._token,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.pipeline = state["pipeline"]
        self.rows_seen = state["rows_seen"]
        self._token = state["token"]
        self._run = None
        self._pid = os.getpid()
        self._copy = True

    def _check_process(self) -> None:
        if self.pipeline.dedup is None or (not self._copy and os.getpid() == self._pid):
            return
        msg = (
            "this deduplicating map or filter holds the duplicate index of one pass in the "
            "process that made it; a copy (Dataset.map or filter with num_proc > 1, or a "
            "pickled one) would only compare the rows it sees. Run it with num_proc=1 (cleaning "
            "still uses Pipeline(workers=N) processes), or without dedup"
        )
        raise ConfigError(msg)


class BatchMap(_BatchPass):
    """`Dataset.map(BatchMap(pipeline), batched=True)`: as many rows out as in.

    Every input column is kept; the text column holds the cleaned text ("" for a removed row);
    `cleanse_removed` (bool) and `cleanse_reason` (str, "" when kept) are added, and, when the
    Pipeline has an `audit_field`, that column holds each row's audit line as JSON text.
    """

    def __call__(self, batch: dict[str, list[Any]]) -> dict[str, list[Any]]:
        out = dict(batch)
        texts, removed, reasons, audits = [], [], [], []
        for doc, size in self.settle(batch):
            kept = doc if is_live(doc) else None
            texts.append("" if kept is None else output_text(kept))
            removed.append(kept is None)
            reasons.append(doc.removed or "" if isinstance(doc, Document) else doc.reason)
            if self.pipeline.audit_field:
                audits.append(json.dumps(audit_line(doc, size), ensure_ascii=False, default=str))
        out[self.pipeline.text_field] = texts
        out[REMOVED_COLUMN] = removed
        out[REASON_COLUMN] = reasons
        if self.pipeline.audit_field:
            out[self.pipeline.audit_field] = audits
        return out


class BatchFilter(_BatchPass):
    """`Dataset.filter(BatchFilter(pipeline), batched=True)`: keeps the rows cleanse keeps.

    A filter cannot change a row, so kept rows keep their text as it was: use it to drop
    duplicates and documents a rule removes whole (`Pipeline(clean=False, dedup=True)` for
    deduplication alone), and BatchMap for cleaned text.
    """

    def __call__(self, batch: dict[str, list[Any]]) -> list[bool]:
        return [is_live(doc) for doc, _ in self.settle(batch)]
