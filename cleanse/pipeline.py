"""The streaming library API: dicts in, cleaned dicts (with their audit) out.

`Pipeline` wraps the same engine the CLI uses (`Cleaner`, and the duplicate stages when enabled)
for callers that hold records in memory or read them from their own sources.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from cleanse.clean import CleanConfig, Cleaner
from cleanse.document import Document
from cleanse.learn import LearnedRules
from cleanse.packs import load_rules
from cleanse.parallel import ordered_map
from cleanse.readers import ReadConfig, record_document
from cleanse.rules import RuleSet
from cleanse.writers import to_record

log = logging.getLogger(__name__)


CLEANING_FAILED = "input.cleaning-failed"


def _clean_one(cleaner: Cleaner, doc: Document) -> Document:
    """Clean one document; one that makes cleanse fail is rejected with the error, not fatal.

    A run over a crawl must account for every document, so a bug met on one input costs that
    input only; the audit keeps the error for the bug report.
    """
    if doc.removed is not None:
        return doc
    try:
        return cleaner.clean(doc)
    except Exception as exc:  # noqa: BLE001 - reported in the audit, the run goes on
        log.warning("%s: cleaning failed (%s: %s); the document is rejected", doc.id, type(exc).__name__, exc)
        detail = {
            "path": doc.source or doc.id,
            "error": f"cleanse failed on this document ({type(exc).__name__}: {exc}); please report it",
        }
        return doc.evolve(text="", removed=CLEANING_FAILED, removed_detail=detail)


class _CleanerFactory:
    """Picklable recipe for a worker's cleaning function (the rules are already validated)."""

    def __init__(self, ruleset: RuleSet, config: CleanConfig, learned: LearnedRules | None) -> None:
        self.ruleset = ruleset
        self.config = config
        self.learned = learned

    def __call__(self) -> Any:
        return functools.partial(_clean_one, Cleaner(self.ruleset, self.config, self.learned))


def clean_documents(
    docs: Iterable[Document],
    ruleset: RuleSet,
    config: CleanConfig,
    workers: int = 1,
    learned: LearnedRules | None = None,
) -> Iterator[Document]:
    """Clean documents in order, over `workers` processes.

    A record's other fields (`meta`) stay in this process: cleaning does not read them, and a
    record nested as deep as the JSON parser allows would be too deep to send to a worker.
    """
    metas: deque[Mapping[str, Any]] = deque()

    def without_meta() -> Iterator[Document]:
        for doc in docs:
            metas.append(doc.meta)
            yield doc.evolve(meta={}) if doc.meta else doc

    for doc in ordered_map(_CleanerFactory(ruleset, config, learned), without_meta(), workers):
        meta = metas.popleft()  # results come back in input order, one per document
        yield doc.evolve(meta=meta) if meta else doc


class Pipeline:
    """Clean records (dicts) as they stream by.

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
        workers: int = 1,
        text_field: str = "text",
        id_field: str = "id",
        audit_field: str | None = "cleanse",
        include_removed: bool = False,
    ) -> None:
        config = config or CleanConfig()
        if lang is not None:
            config = dataclasses.replace(config, lang=lang)
        self.config = config
        self.ruleset = load_rules([Path(p) for p in rules])
        self.workers = workers
        self.text_field = text_field
        self.id_field = id_field
        self.audit_field = audit_field
        self.include_removed = include_removed

    def documents(self, records: Iterable[dict[str, Any]]) -> Iterator[Document]:
        """Turn records into Documents (the id is `id_field`, else the record's position)."""
        config = ReadConfig(text_field=self.text_field, id_field=self.id_field)
        for position, record in enumerate(records):
            yield record_document(record, str(position), config)

    def run(self, records: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """Yield each cleaned record, its audit under `audit_field`; removed ones only on request."""
        for doc in clean_documents(self.documents(records), self.ruleset, self.config, self.workers):
            if doc.removed is not None and not self.include_removed:
                continue
            extra = {self.audit_field: doc.audit()} if self.audit_field else None
            yield to_record(doc, self.text_field, extra)
