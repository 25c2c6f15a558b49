"""What paragraph dedup removes from unrelated texts: the ELTeC novels in ../shared/corpora.

Novels repeat short lines legitimately ("— Ah !", "Yes, sir.", "CHAPTER I"); none of that may go.
Runs `cleanse dedup --level paragraph` on the novels (read in place) and lists every removal
with its length, what it duplicates and how similar they are.

    python benchmarks/dedup_novels.py [--show 40]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--show", type=int, default=40, help="removals to print")
    args = parser.parse_args()
    if not CORPORA.is_dir():
        msg = f"no {CORPORA}"
        raise SystemExit(msg)
    with tempfile.TemporaryDirectory(prefix="dedup-novels-") as tmp:
        report = Path(tmp) / "report"
        cmd = [sys.executable, "-m", "cleanse", "dedup", str(CORPORA), str(Path(tmp) / "out"),
               "--level", "paragraph", "--workers", "1", "--report", str(report), "-q"]  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=ROOT)
        if done.returncode != 0:
            raise SystemExit(done.stderr[-2000:])
        audit = [json.loads(x) for x in (report / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    removed = [(rec["id"], c) for rec in audit for c in rec.get("changes", []) if c.get("stage") == "dedup"]
    paragraphs = sum(1 for _ in audit)
    words = Counter(min(len(c["before"].split()) // 10 * 10, 100) for _, c in removed)
    same = sum(c["duplicate_of"] == doc_id for doc_id, c in removed)
    print(f"{len(audit)} novels; {len(removed)} paragraphs removed ({same} repeats inside one novel)")
    print("removed by length (words):", dict(sorted(words.items())))
    print("documents:", paragraphs, "removed whole:", sum(r.get("status") == "removed" for r in audit))
    for doc_id, c in removed[: args.show]:
        where = "same novel" if c["duplicate_of"] == doc_id else c["duplicate_of"]
        print(f"  {doc_id}:{c['line']} ({c['similarity']}, {where}) {c['before'][:110]!r}")


if __name__ == "__main__":
    main()
