"""What the line classifier drops from the novels of ../shared/corpora (clean text: every dropped
line is a loss), with examples.

    python benchmarks/classify_novels.py [--show 20]

Each novel is one document, classified with `classify_lines` (default config, the language of its
folder: eltec-eng English, eltec-fra French). Prints the lines dropped, the documents taken for
page dumps and the documents emptied (must be 0).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from corpus import DEFAULT_CORPORA, corpus_files

from cleanse.classify import classify_lines


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    ap.add_argument("--show", type=int, default=20, help="dropped lines to print")
    args = ap.parse_args(argv)
    t0 = time.process_time()
    files = corpus_files(args.corpora)
    dropped = emptied = lines_total = 0
    reasons: Counter[str] = Counter()
    examples: list[str] = []
    pages = 0
    for path in files:
        lines = path.read_text(encoding="utf-8").split("\n")
        lang = "fr" if "fra" in path.parent.name else "en"
        verdicts = classify_lines(lines, lang)
        kept = 0
        page = False
        for line, v in zip(lines, verdicts, strict=True):
            if not line.strip():
                continue
            lines_total += 1
            page = page or v.scores.get("article") != 1.0
            if v.keep:
                kept += 1
                continue
            dropped += 1
            reasons[v.reason] += 1
            if len(examples) < args.show:
                examples.append(f"  {path.name}: {v.reason}: {line.strip()[:90]!r}")
        pages += page
        emptied += kept == 0 and lines_total > 0
    print(f"{len(files)} novels, {lines_total:,} non-blank lines, "
          f"{time.process_time() - t0:.0f} s CPU")
    print(f"lines dropped: {dropped:,} ({', '.join(f'{r} {n}' for r, n in reasons.most_common())})")
    print(f"novels taken for page dumps: {pages}; novels emptied: {emptied}")
    print("\n".join(examples))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
