"""Near-duplicate detection for cleanse: exact and MinHash-LSH duplicates of paragraphs and documents.

`find_duplicates(docs, config, index, workers)` is the entry point; `DuplicateIndex` persists what
earlier runs kept. Signatures are datasketch-compatible (see `signatures.to_datasketch`). The names
are imported on first use, so that reading `DedupConfig` does not load numpy and numba.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "DedupConfig": "cleanse.dedup.config",
    "DedupResult": "cleanse.dedup.engine",
    "Duplicate": "cleanse.dedup.engine",
    "DuplicateIndex": "cleanse.dedup.index",
    "find_duplicates": "cleanse.dedup.engine",
}

if TYPE_CHECKING:
    from cleanse.dedup.config import DedupConfig
    from cleanse.dedup.engine import DedupResult, Duplicate, find_duplicates
    from cleanse.dedup.index import DuplicateIndex


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        msg = f"module 'cleanse.dedup' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = ["DedupConfig", "DedupResult", "Duplicate", "DuplicateIndex", "find_duplicates"]
