"""The plain datasketch path as a command: the peer `dedup_speed.py --command-mb` times against
the whole `cleanse dedup --level document` command, each in a process of its own.

Reads JSONL (`id`, `text`), makes lower-case word 5-grams, one 128-permutation MinHash per
record (`update_batch`), queries a MinHashLSH at threshold 0.8 and inserts the record when
nothing matches, and writes the records it keeps as they were read.
Usage: python benchmarks/datasketch_dedup.py IN.jsonl OUT.jsonl
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

WORD_RE = re.compile(r"\w+")
NUM_PERM = 128


def python_shingles(text: str, n: int = 5) -> list[str]:
    """The usual Python way: lower-case regex words, then word 5-grams joined by spaces."""
    words = WORD_RE.findall(text.lower())
    if len(words) < n:
        return [" ".join(words)] if words else []
    return [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]


def deduplicate(src: Path, dest: Path) -> int:
    """Keep the first of each group of near-duplicate records of `src` in `dest`; how many."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=0.8, num_perm=NUM_PERM)
    kept = 0
    with src.open(encoding="utf-8") as fh, dest.open("w", encoding="utf-8") as out:
        for line in fh:
            record = json.loads(line)
            minhash = MinHash(num_perm=NUM_PERM)
            minhash.update_batch([g.encode("utf-8") for g in python_shingles(record["text"])])
            if not lsh.query(minhash):
                lsh.insert(record["id"], minhash, check_duplication=False)
                out.write(line)
                kept += 1
    return kept


if __name__ == "__main__":
    deduplicate(Path(sys.argv[1]), Path(sys.argv[2]))
