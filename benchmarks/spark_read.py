"""Who should read SRC under --engine spark: the executors with cleanse's own readers (one task per
file), or Spark itself (cleanse.spark.native_read: Parquet and text lines split by Spark)?

    nice python benchmarks/spark_read.py --mb 30 --repeats 3

The corpus is benchmarks/memory.py's: the public-domain novels of ../shared/corpora/ cut into
documents and repeated with seeded perturbations, as .jsonl parts of 50 MB at most, plus the same
records as one Parquet file (`--format parquet`). In one Spark session (local[2]), the two ways
are timed in turn, interleaved, `--repeats` times each: building the document frame
(cleanse.spark.read.read_source) and computing it to the end (a count and a checksum of every
row's n, id and document state, which must be equal for both ways). Figures: wall seconds, CPU
seconds of the driver's process tree (the JVM and its Python workers), and their ratio to the
executors' way.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus import load_documents
from memory import write_perturbed

from cleanse.readers import ReadConfig
from cleanse.spark.paths import READ_ENV
from cleanse.spark.read import read_source
from cleanse.spark.session import build_session


def tree_cpu(pid: int) -> float:
    """User + system CPU seconds of `pid` and every live descendant."""
    ticks = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    stats: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        stats[int(entry.name)] = (int(fields[11]) + int(fields[12])) / ticks
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += stats.get(current, 0.0)
        todo += children.get(current, [])
    return total


def measure(spark: object, src: str, how: str) -> tuple[float, float, tuple[int, int]]:
    from pyspark.sql import functions as F  # noqa: N812  how every PySpark program names it

    os.environ[READ_ENV] = how
    cpu, wall = tree_cpu(os.getpid()), time.perf_counter()
    docs = read_source(spark, src, ReadConfig())  # type: ignore[arg-type]
    row = docs.select(F.count("*"), F.bit_xor(F.xxhash64("n", "id", "state"))).collect()[0]
    result = (time.perf_counter() - wall, tree_cpu(os.getpid()) - cpu, (row[0], row[1]))
    spark.catalog.clearCache()  # type: ignore[attr-defined]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=30)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--format", choices=("jsonl", "parquet"), default="jsonl")
    parser.add_argument("--master", default="local[2]")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="spark-read-") as tmp:
        root = Path(tmp) / "src"
        root.mkdir()
        size = write_perturbed(root, load_documents(min(args.mb, 20)), int(args.mb * 1e6))
        if args.format == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            records = [
                json.loads(line)
                for part in sorted(root.glob("*.jsonl"))
                for line in part.read_text(encoding="utf-8").splitlines()
            ]
            for part in root.glob("*.jsonl"):
                part.unlink()
            pq.write_table(pa.Table.from_pylist(records), root / "corpus.parquet")
        spark = build_session(args.master)
        spark.sparkContext.setCheckpointDir(str(Path(tmp) / "checkpoints"))
        figures: dict[str, list[tuple[float, float]]] = {"executors": [], "native": []}
        checks = {}
        measure(spark, str(root), "native")  # warm-up: JVM code paths, Python workers
        for _ in range(args.repeats):
            for how in ("executors", "native"):
                wall, cpu, check = measure(spark, str(root), how)
                figures[how].append((wall, cpu))
                checks[how] = check
        spark.stop()
    load = Path("/proc/loadavg").read_text().split()[:3]
    print(f"{size / 1e6:.1f} MB of {args.format}, {args.master}, load average {' '.join(load)}")
    print(f"documents and checksum: {checks}; equal: {checks['executors'] == checks['native']}")
    base_wall = statistics.median(w for w, _ in figures["executors"])
    base_cpu = statistics.median(c for _, c in figures["executors"])
    for how, runs in figures.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        print(
            f"{how:>9}: wall {wall:6.1f} s (x{wall / base_wall:.2f})  cpu {cpu:6.1f} s "
            f"(x{cpu / base_cpu:.2f})  runs {[round(w, 1) for w, _ in runs]}"
        )


if __name__ == "__main__":
    main()
