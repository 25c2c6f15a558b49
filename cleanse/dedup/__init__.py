"""Near-duplicate detection for cleanse: exact and MinHash-LSH duplicates of paragraphs and documents.

`find_duplicates(docs, config, index, workers)` is the entry point; `DuplicateIndex` persists what
earlier runs kept. Signatures are datasketch-compatible (see `signatures.to_datasketch`). The names
are imported on first use, so that reading `DedupConfig` does not load numpy and numba.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cleanse.lazy import lazy_exports

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


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())

__all__ = ["DedupConfig", "DedupResult", "Duplicate", "DuplicateIndex", "find_duplicates"]
