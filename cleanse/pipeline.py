"""The streaming library API: dicts in, cleaned dicts (with their audit) out.

`Pipeline` wraps the same engine the CLI uses (`Cleaner`, and the duplicate stages when enabled)
for callers that hold records in memory or read them from their own sources.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from cleanse.clean import CleanConfig
from cleanse.document import Document
from cleanse.packs import load_rules
from cleanse.readers import ReadConfig, record_document
from cleanse.stages import clean_documents
from cleanse.writers import to_record

__all__ = ["Pipeline", "clean_documents"]


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
