"""Cleaning throughput against ftfy alone, measured in the same run on the same real text.

    python benchmarks/clean_speed.py --mb 100          # the issue's measurement (a few minutes)
    python benchmarks/clean_speed.py --mb 10 --repeat 3

Reports MB/s per configuration and the ratios that matter: cleanse (every built-in pack, ftfy, the
classifier) over `ftfy.fix_text` alone, both on one core; and cleanse on 2 workers over 1 worker.
Absolute numbers vary between machines and runs; the ratios are the result.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import ftfy
from corpus import DEFAULT_CORPORA, load_documents, megabytes

from cleanse.clean import CleanConfig, Cleaner
from cleanse.document import Document
from cleanse.packs import load_rules
from cleanse.pipeline import clean_documents


def best_of(repeat: int, func: Callable[[], object]) -> float:
    """Median wall time of `repeat` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20.0, help="megabytes of text (default 20)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    args = parser.parse_args()

    texts = load_documents(args.mb, args.corpora)
    size = megabytes(texts)
    docs = [Document(id=str(i), text=t) for i, t in enumerate(texts)]
    ruleset = load_rules()
    print(f"{len(docs)} documents, {size:.1f} MB, {len(ruleset.rules)} rules, {os.cpu_count()} cores")

    def ftfy_alone() -> None:
        for text in texts:
            ftfy.fix_text(text)

    def cleanse_with(config: CleanConfig, workers: int) -> Callable[[], None]:
        def run() -> None:
            if workers == 1:
                cleaner = Cleaner(ruleset, config)
                for doc in docs:
                    cleaner.clean(doc)
            else:
                for _ in clean_documents(docs, ruleset, config, workers):
                    pass

        return run

    rows = [
        ("ftfy.fix_text alone (defaults), 1 core", ftfy_alone),
        ("cleanse: ftfy + all packs + classifier, 1 worker", cleanse_with(CleanConfig(), 1)),
        ("cleanse: ftfy + all packs, no classifier, 1 worker", cleanse_with(CleanConfig(classify="off"), 1)),
        ("cleanse: ftfy + all packs + classifier, 2 workers", cleanse_with(CleanConfig(), 2)),
    ]
    seconds = {}
    for name, func in rows:
        seconds[name] = best_of(args.repeat, func)
        print(f"  {name:<52} {seconds[name]:7.2f} s  {size / seconds[name]:6.2f} MB/s", flush=True)
    ftfy_s, one, two = seconds[rows[0][0]], seconds[rows[1][0]], seconds[rows[3][0]]
    print(f"ratio cleanse (1 worker) / ftfy alone, speed:  {ftfy_s / one:.2f}x  (goal >= 1.0)")
    print(f"ratio cleanse 2 workers / 1 worker, speed:     {one / two:.2f}x  (goal >= 1.8)")


if __name__ == "__main__":
    main()
