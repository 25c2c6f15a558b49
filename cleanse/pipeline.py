"""The streaming library API: dicts in, cleaned (and deduplicated) dicts with their audit out.

`Pipeline` is the library's face over the runner the CLI uses (cleanse.runner): the same
cleaning stage, the same duplicate stages over the same batches, the same audit lines and
summary counts. It never prints and never draws progress.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from cleanse.clean import CleanConfig
from cleanse.cleaning_stage import clean_documents
from cleanse.dedup import DedupConfig, DuplicateIndex
from cleanse.dedup.config import ANNOTATION
from cleanse.dedup_stage import open_index
from cleanse.document import Document, Item, is_live
from cleanse.output_records import to_record
from cleanse.packs import load_rules
from cleanse.readers import ReadConfig, record_document
from cleanse.remote import is_remote
from cleanse.runlock import LOCK_FILE, RunLock
from cleanse.runner import BATCH_CHARS, BATCH_DOCS, Runner
from cleanse.sinks import StatsSink, audit_line
from cleanse.stages import build_stages
from cleanse.staging import RemoteFolder
from cleanse.stats import Stats

__all__ = ["Pipeline", "clean_documents"]


class Pipeline:
    """Clean, and optionally deduplicate, records (dicts, or Documents) as they stream by.

    dedup: False, True (DedupConfig's defaults), or a DedupConfig (level, keep policy,
      threshold...). Duplicates are settled a batch at a time against everything before them.
    index: a persistent duplicate index folder (as `--index`): each `run` is compared with what
      earlier runs kept, and what it keeps is added when it ends. Without one, a run's index
      lives in a temporary folder removed at its end. A URL (`s3://bucket/index`, the `remote`
      extra) is downloaded when a run starts and uploaded back when it ends, without a lock.
    annotate: keep duplicates and describe them in the field `annotate_field` instead.
    include_removed: also yield removed and rejected records (text "", the audit says why), so
      as many records come out as went in (a `datasets` batched map).
    audit_field: the field each record's audit line goes in (None: no audit in the records).
    After a run is exhausted, `summary` holds its counts (as the CLI's summary.json).

    >>> pipe = Pipeline(lang="fr")
    >>> out = list(pipe.run([{"id": 7, "text": "Partager cet article\\nLe texte."}]))
    >>> out[0]["text"], out[0]["cleanse"]["status"]
    ('Le texte.', 'changed')
    """

    def __init__(
        self,
        lang: str | None = None,
        *,
        rules: Sequence[str | Path] = (),
        config: CleanConfig | None = None,
        clean: bool = True,
        dedup: bool | DedupConfig = False,
        index: str | Path | None = None,
        annotate: bool = False,
        annotate_field: str = ANNOTATION,
        workers: int = 1,
        text_field: str = "text",
        id_field: str = "id",
        site_from: str = "auto",
        audit_field: str | None = "cleanse",
        include_removed: bool = False,
        batch_chars: int = BATCH_CHARS,
        batch_docs: int = BATCH_DOCS,
    ) -> None:
        config = config or CleanConfig()
        if lang is not None:
            config = dataclasses.replace(config, lang=lang)
        self.config = config
        self.ruleset = load_rules([Path(p) for p in rules])
        self.clean = clean
        self.dedup = DedupConfig() if dedup is True else dedup or None
        self.index = index
        self.annotate = annotate
        self.annotate_field = annotate_field
        self.workers = workers
        self.read = ReadConfig(text_field=text_field, id_field=id_field, site_from=site_from)
        self.text_field = text_field
        self.id_field = id_field
        self.audit_field = audit_field
        self.include_removed = include_removed
        self.batch_chars = batch_chars
        self.batch_docs = batch_docs
        self.summary: dict[str, Any] = {}
        self._remote_index: RemoteFolder | None = None  # the local copy of a remote index

    def documents(
        self, records: Iterable[dict[str, Any] | Document], start: int = 0
    ) -> Iterator[Item]:
        """Turn records into Documents (the id is `id_field`, else the record's position,
        counted from `start`)."""
        for position, record in enumerate(records, start=start):
            if isinstance(record, Document):
                yield record
            else:
                yield record_document(record, str(position), self.read)

    def run(self, records: Iterable[dict[str, Any] | Document]) -> Iterator[dict[str, Any]]:
        """Yield each cleaned record, its audit under `audit_field`; removed ones only on request."""
        for doc, size in self.settle(records):
            gone = not is_live(doc)
            if gone and not self.include_removed:
                continue
            extra = {self.audit_field: audit_line(doc, size)} if self.audit_field else None
            record = to_record(doc, self.text_field, extra)
            if gone:
                record[self.text_field] = ""  # kept as a row; its audit says why it is empty
            yield record

    def settle(self, records: Iterable[dict[str, Any] | Document]) -> Iterator[tuple[Item, int]]:
        """Each Document (or Rejected input) out of the stages, with its input size, in order."""
        run = PipelineRun(self)
        try:
            yield from run.settle(self.documents(records))
            self.summary = run.finish()
        finally:
            run.close()

    def _open_index(self) -> tuple[DuplicateIndex | None, Path | None, RunLock | None]:
        """The run's duplicate index, its scratch folder, and the lock held on a persistent one."""
        if self.dedup is None:
            return None, None, None
        lock = None
        path = self.index
        if is_remote(path):  # a local copy, mirrored back when the run ends (no lock on a store)
            self._remote_index = RemoteFolder(str(path), Path(tempfile.mkdtemp(prefix="cleanse-")))
            self._remote_index.pull()
            path = self._remote_index.local
        elif path is not None:
            root = Path(path)
            root.mkdir(parents=True, exist_ok=True)
            lock = RunLock.acquire(root / LOCK_FILE, what=f"the index {root}")
        try:
            index, scratch = open_index(self.dedup, path, uuid.uuid4().hex)
        except BaseException:
            if lock is not None:
                lock.release(remove=True)
            raise
        return index, scratch, lock


class PipelineRun:
    """One run of a Pipeline's stages: its duplicate index, its counts and its runner. It is fed
    a whole stream (`Pipeline.settle`) or batch after batch (cleanse.batched), each batch settled
    against everything fed before; `finish` ends it (what it kept joins a persistent index),
    `close` releases it (a run closed unfinished leaves nothing in a persistent index)."""

    def __init__(self, pipe: Pipeline) -> None:
        self.stats = Stats()
        counts = StatsSink(self.stats)
        if pipe.dedup is not None:
            self.stats.extra["duplicates"] = {
                "annotate": pipe.annotate,
                "params": pipe.dedup.params(),
            }
        self.pipe = pipe
        self.index, self.scratch, self.lock = pipe._open_index()
        document_stages, batch_stages = build_stages(
            pipe.ruleset, pipe.config, clean=pipe.clean, workers=pipe.workers, dedup=pipe.dedup,
            index=self.index, annotate=pipe.annotate, annotate_field=pipe.annotate_field,
            on_result=counts.add_duplicates,
        )  # fmt: skip
        self.runner = Runner(
            document_stages, batch_stages, [counts], pipe.batch_chars, pipe.batch_docs
        )
        self.finished = False
        self.closed = False

    def settle(self, docs: Iterable[Item]) -> Iterator[tuple[Item, int]]:
        """Each Document of `docs` out of the stages, with its input size, in input order."""
        for settled in self.runner.settle(docs):
            yield from zip(settled.documents, settled.sizes, strict=True)

    def finish(self) -> dict[str, Any]:
        """End the run: what it kept joins a persistent index; its summary counts."""
        if self.index is not None and not self.finished:
            self.index.finish_run()
            if self.pipe._remote_index is not None:
                self.pipe._remote_index.push()
        self.finished = True
        return self.stats.to_json()

    def close(self) -> None:
        """Stop the stages, drop an unfinished run's additions, remove the scratch index."""
        if self.closed:
            return
        self.closed = True
        try:
            self.runner.close()
            index = self.index
            if (
                index is not None
                and index.run is not None
                and not self.finished
                and self.scratch is None
            ):
                DuplicateIndex.discard_run(index.path, index.run)
        finally:
            if self.scratch is not None:
                shutil.rmtree(self.scratch, ignore_errors=True)
            if self.lock is not None:
                self.lock.release(remove=True)
            remote = self.pipe._remote_index
            if remote is not None:  # the local copy of a remote index
                shutil.rmtree(remote.local, ignore_errors=True)
                self.pipe._remote_index = None
