"""The sinks a run's settled batches go to: the corpus writer, the audit and the stats.

Each sink takes a batch with the input size of every document (`cleanse.runner.Sink`); the
durable ones also say how far they got (`state`, for a checkpoint) and can be dropped back to it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from cleanse.document import Item
from cleanse.durable import publish, temporary_name
from cleanse.output_records import json_line
from cleanse.report import audit_fields
from cleanse.report.load import RunFacts, count_entry
from cleanse.stats import Stats
from cleanse.writers import CorpusWriter, naming_path

if TYPE_CHECKING:
    from cleanse.dedup import DedupResult  # loads numba: not for a run that only cleans

AUDIT_FILE = "audit.jsonl"


def audit_line(doc: Item, size: int) -> dict[str, Any]:
    """A document's line in audit.jsonl: its audit and what the report needs (site, sizes)."""
    return doc.audit() | audit_fields(doc, size)


class CorpusSink:
    """Writes each document to DEST (see CorpusWriter)."""

    def __init__(self, writer: CorpusWriter) -> None:
        self.writer = writer

    def write(self, batch: Sequence[Item], sizes: Sequence[int]) -> None:
        for doc in batch:
            self.writer.write(doc)


class StatsSink:
    """Counts documents, characters and reasons (and the duplicate clusters it is told of)."""

    def __init__(self, stats: Stats) -> None:
        self.stats = stats

    def write(self, batch: Sequence[Item], sizes: Sequence[int]) -> None:
        for doc, size in zip(batch, sizes, strict=True):
            self.stats.add(doc, size)

    def add_duplicates(self, result: DedupResult) -> None:
        self.stats.add_duplicates(result.clusters)


class AuditSink:
    """Writes audit.jsonl in `report`, under a temporary name until the run completes.

    `audit_bytes`: where the audit of a checkpoint ends (a resumed run drops what came after).
    `counted`: the report's figures of every line written (cleanse.report.load.count_entry), so
    that the report need not read the audit back; None when the run resumed, since the lines
    written before the checkpoint were not counted here.
    """

    def __init__(self, report: Path, audit_bytes: int | None = None) -> None:
        self.path = report / AUDIT_FILE
        self.temporary = temporary_name(self.path)
        self.file: IO[str] = _open(self.path, self.temporary, audit_bytes)
        self.counted = RunFacts(report) if audit_bytes is None else None

    def write(self, batch: Sequence[Item], sizes: Sequence[int]) -> None:
        counted = self.counted
        with naming_path(self.temporary):
            for doc, size in zip(batch, sizes, strict=True):
                entry = audit_line(doc, size)
                self.file.write(json_line(entry))
                if counted is not None:
                    count_entry(counted, entry)

    def state(self) -> int:
        """Make what was written durable; the audit's size in bytes."""
        self.file.flush()
        os.fsync(self.file.fileno())
        return self.file.tell()

    def complete(self) -> None:
        """Close the audit and give it its final name."""
        self.file.close()
        publish(self.temporary, self.path)

    def close(self) -> None:
        self.file.close()


def _open(path: Path, temporary: Path, audit_bytes: int | None) -> IO[str]:
    if audit_bytes is None:
        return temporary.open("w", encoding="utf-8")
    if not temporary.exists() and path.exists():
        os.replace(path, temporary)  # stopped while completing: complete again
    with temporary.open("r+b") as raw:
        raw.truncate(audit_bytes)
    return temporary.open("a", encoding="utf-8")
