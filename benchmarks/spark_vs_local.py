"""The Spark engine (`--engine spark --master local[2]`) against the local engine, on real text.

    nice python benchmarks/spark_vs_local.py --mb 50              # one corpus size, both engines
    nice python benchmarks/spark_vs_local.py --mb 50 --partitions 4 8 16   # scaling with partitions

The corpus is made as benchmarks/memory.py makes it: the public-domain novels in
../shared/corpora/ (never copied into the repository) cut into documents, repeated with seeded
perturbations (about one copy in five exact), as .jsonl files. Each run is `cleanse run SRC DEST
-q` as a user runs it, in a child process: wall time, CPU seconds of the whole process tree
(user + system, from wait4: the JVM and its Python workers included) and peak memory of the tree
(PSS, sampled every 0.2 s). The local run gets --workers 2 and a --batch-mb larger than the
corpus, so both engines settle the corpus as one batch and must write the same bytes; the
script checks that and says so.

The projection to 1 TB divides by the measured per-core throughput (MB per CPU-core-second of
wall time on 2 cores), so it assumes linear scaling, which a cluster's shuffles only approach.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from memory import tree_memory, write_corpus

CORES = 2
DATA_JUICER = {"tb": 5.0, "minutes": 168.0, "cores": 1280}  # published: 5 TB in 168 min on 1,280 cores


def run_measured(src: Path, dest: Path, extra: list[str]) -> dict[str, float]:
    """As run(), but reaps the child itself so wait4 reports the CPU time of its whole tree."""
    command = [sys.executable, "-m", "cleanse", "run", str(src), str(dest), "-q", *extra]
    start = time.perf_counter()
    pid = os.posix_spawn(sys.executable, command, os.environ)
    peak = 0
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        peak = max(peak, tree_memory(pid)[0])
        time.sleep(0.2)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"cleanse failed: {' '.join(command)}")
    return {"wall_s": round(wall, 1), "cpu_s": round(usage.ru_utime + usage.ru_stime, 1), "peak_mb": round(peak / 1e6)}


def same_output(a: Path, b: Path) -> bool:
    """Corpus files and audit byte for byte equal."""
    names = sorted(p.name for p in a.iterdir() if p.is_file())
    if names != sorted(p.name for p in b.iterdir() if p.is_file()):
        return False
    files = [(a / n, b / n) for n in names] + [(a / ".cleanse" / "audit.jsonl", b / ".cleanse" / "audit.jsonl")]
    return all(filecmp.cmp(x, y, shallow=False) for x, y in files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=50.0, help="corpus size in MB (default 50)")
    parser.add_argument("--partitions", type=int, nargs="*", default=[], help="also run Spark with these partition counts")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cleanse-spark-bench-"))
    try:
        src = work / "src"
        src.mkdir()
        size = write_corpus(src, args.mb / 1000)
        mb = size / 1e6
        batch = str(int(mb * 2) + 1)
        rows = {"local --workers 2": run_measured(src, work / "local", ["--workers", "2", "--batch-mb", batch])}
        rows["spark local[2]"] = run_measured(src, work / "spark", ["--engine", "spark", "--master", "local[2]"])
        parity = same_output(work / "local", work / "spark")
        for parts in args.partitions:
            out = work / f"spark-{parts}"
            rows[f"spark local[2], {parts} partitions"] = run_measured(
                src, out, ["--engine", "spark", "--master", "local[2]", "--partitions", str(parts)]
            )
            shutil.rmtree(out)
        print(f"corpus: {mb:,.1f} MB of .jsonl from ../shared/corpora, {CORES} cores")
        print(f"spark output identical to local: {parity}")
        print("| run | wall s | CPU s | peak MB (PSS, tree) | MB/s per core (wall) |")
        print("|---|---|---|---|---|")
        for name, r in rows.items():
            print(f"| {name} | {r['wall_s']} | {r['cpu_s']} | {r['peak_mb']} | {mb / r['wall_s'] / CORES:.3f} |")
        spark = rows["spark local[2]"]
        per_core = mb / spark["wall_s"] / CORES
        dj = DATA_JUICER["tb"] * 1e6 / (DATA_JUICER["minutes"] * 60) / DATA_JUICER["cores"]
        print(f"\nprojection: 1 TB = 1,000,000 MB / {per_core:.3f} MB/s/core = {1e6 / per_core / 3600:,.0f} core-hours")
        for cores in (64, 256, 1280):
            print(f"  on {cores:,} cores: {1e6 / per_core / cores / 3600:,.1f} h (linear scaling assumed)")
        print(f"data-juicer published: 5,000,000 MB / (168 min x 60 s x 1,280 cores) = {dj:.3f} MB/s/core;"
              f" 1 TB on 1,280 cores = {1e6 / dj / 1280 / 60:,.0f} min")  # fmt: skip
        print(json.dumps({"mb": mb, "parity": parity, "rows": rows}))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
