"""Near-duplicate detection for cleanse: exact and MinHash-LSH duplicates of paragraphs and documents.

`find_duplicates(docs, config, index, workers)` is the entry point; `DuplicateIndex` persists what
earlier runs kept. Signatures are datasketch-compatible (see `signatures.to_datasketch`).
"""

from cleanse.dedup.config import DedupConfig
from cleanse.dedup.engine import DedupResult, Duplicate, find_duplicates
from cleanse.dedup.index import DuplicateIndex

__all__ = ["DedupConfig", "DedupResult", "Duplicate", "DuplicateIndex", "find_duplicates"]
