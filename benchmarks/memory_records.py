"""Peak memory of `cleanse run` over many small records: it must follow the batch, not the count.

    python benchmarks/memory_records.py                       # 100k tiny .txt files, 200k JSONL records
    python benchmarks/memory_records.py --files 0 --records 200000
    python benchmarks/memory_records.py -- --batch-docs 5000  # extra flags for cleanse run

A batch is bounded by input megabytes (`--batch-mb`); a corpus of tiny documents fits thousands
of them in a megabyte, and each document costs far more than its text (the Document, its audit,
its paragraphs' signatures). This measures that case with real sentences: each document is one to
three consecutive sentences of the public-domain novels in ../shared/corpora/ (never copied into
the repository), about 70 bytes for the files and 80 for the records. Memory is sampled from
/proc as in memory.py (the whole process tree's PSS, and the biggest process's RSS).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import tempfile
from pathlib import Path

from corpus import DEFAULT_CORPORA, load_documents
from memory import measure

SENTENCE_RE = re.compile(r"[^.!?]{20,200}[.!?]")


def sentences(count: int) -> list[str]:
    """`count` short texts: one to three consecutive sentences of the novels, in order."""
    found: list[str] = []
    for doc in load_documents(60, DEFAULT_CORPORA):
        parts = [s.strip().replace("\n", " ") for s in SENTENCE_RE.findall(doc)]
        for i in range(0, len(parts) - 3, 2):
            found.append(" ".join(parts[i : i + 1 + (i // 2) % 2]))
            if len(found) >= count:
                return found
    if len(found) < count:
        msg = f"the corpora give only {len(found):,} sentences; ask for fewer"
        raise SystemExit(msg)
    return found


def write_files(root: Path, texts: list[str]) -> int:
    """One .txt file per text, 1,000 per folder; returns the bytes written."""
    total = 0
    for i, text in enumerate(texts):
        folder = root / f"site{i // 1000:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        data = (text + "\n").encode("utf-8")
        (folder / f"{i:06d}.txt").write_bytes(data)
        total += len(data)
    return total


def write_records(root: Path, texts: list[str]) -> int:
    """The texts as JSONL records, in one file; returns the bytes written."""
    root.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps({"id": f"r{i}", "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(texts)]
    data = "".join(lines).encode("utf-8")
    (root / "records.jsonl").write_bytes(data)
    return len(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=100_000, help="tiny .txt files (0: skip)")
    parser.add_argument("--records", type=int, default=200_000, help="short JSONL records (0: skip)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep-corpus", type=Path, help="write the corpora here and keep them")
    parser.add_argument("cleanse_args", nargs="*", help="extra flags for cleanse run (after --)")
    args = parser.parse_args()
    texts = sentences(max(args.files, args.records))
    for kind, count, write in (("files", args.files, write_files), ("records", args.records, write_records)):
        if not count:
            continue
        root = (args.keep_corpus / f"{kind}-{count}") if args.keep_corpus else Path(tempfile.mkdtemp(prefix="cleanse-memrec-"))
        if not root.exists() or not any(root.iterdir()):
            write(root, texts[:count])
        size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
        result = measure(root, args.workers, args.cleanse_args)
        if not args.keep_corpus:
            shutil.rmtree(root)
        print(
            f"{count:>8,} {kind:<7} {size / 1e6:6.1f} MB  peak {result['peak_tree_mb']:6.0f} MB "
            f"(biggest process {result['peak_process_mb']:6.0f} MB, anonymous {result['peak_anon_mb']:6.0f} MB)  "
            f"peak/input {result['peak_tree_mb'] / (size / 1e6):5.0f}x  {result['wall_s']:5.0f} s  "
            f"duplicates removed {result['duplicate_documents']:,}",
            flush=True,
        )


if __name__ == "__main__":
    main()
