"""Peak memory of `cleanse run` over one big Parquet file: it must follow a batch, not the file.

    python benchmarks/parquet_memory.py                 # one 1 GB file (written at run time)
    python benchmarks/parquet_memory.py --gb 0.2        # quicker
    python benchmarks/parquet_memory.py --keep /tmp/pq  # keep the generated file for another run

The file is made from the public-domain novels in ../shared/corpora/ (never copied into the
repository) with benchmarks/memory.py's seeded perturbations (some words replaced, paragraphs
dropped or repeated, one copy in five exact), as rows of typed columns around the text (`id`,
`url`, `fetched` timestamp, `words` int32, `text`), in row groups of about 64 MB, the way
exports come; uncompressed by default, so the file is as big as its text. `cleanse run FILE DEST -q --workers N` runs as a user would run it, and its process
tree's memory is sampled from /proc every 0.2 s (memory.py's `tree_memory`: proportional set
sizes summed over the tree; `--snapshots FILE` logs smaps_rollup of the cleanse process as it runs).
The output is checked too: same schema, one row per kept document.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from corpus import DEFAULT_CORPORA, load_documents
from memory import perturb, tree_memory

ROW_GROUP_BYTES = 64_000_000
SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("url", pa.string()),
        ("fetched", pa.timestamp("s", tz="UTC")),
        ("words", pa.int32()),
        ("text", pa.string()),
    ]
)


def write_parquet(path: Path, gigabytes: float, compression: str, seed: int = 1) -> int:
    """Write about `gigabytes` GB of text as one Parquet file; returns the text bytes written."""
    base = load_documents(120, DEFAULT_CORPORA)
    rng = random.Random(seed)
    vocabulary = [w for doc in base[:200] for w in doc.split(" ")[:50]]
    budget = int(gigabytes * 1e9)
    written = copy = 0
    rows: list[dict] = []
    group_bytes = 0
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    with pq.ParquetWriter(path, SCHEMA, compression=compression) as out:
        while written < budget:
            for i, doc in enumerate(base):
                text = doc if copy == 0 or rng.random() < 0.2 else perturb(doc, rng, vocabulary)
                size = len(text.encode("utf-8"))
                rows.append({"id": f"c{copy}-{i}", "url": f"https://books.example/{i}/{copy}",
                             "fetched": start + dt.timedelta(seconds=copy * 1000 + i),
                             "words": text.count(" ") + 1, "text": text})  # fmt: skip
                written += size
                group_bytes += size
                if group_bytes >= ROW_GROUP_BYTES:
                    out.write_table(pa.Table.from_pylist(rows, schema=SCHEMA))
                    rows, group_bytes = [], 0
                if written >= budget:
                    break
            copy += 1
        if rows:
            out.write_table(pa.Table.from_pylist(rows, schema=SCHEMA))
    return written


ROLLUP_FIELDS = ("Rss", "Pss", "Anonymous", "Pss_Anon", "Pss_File", "Pss_Shmem", "FilePmdMapped")


def rollup(pid: int) -> str:
    """The main figures of /proc/PID/smaps_rollup, in MB, on one line."""
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]
    except OSError:
        return "gone"
    fields = {k: int(v.split()[0]) // 1024 for k, v in (line.split(":") for line in lines)}
    return " ".join(f"{k}={fields[k]}" for k in ROLLUP_FIELDS if k in fields)


def measure(
    src: Path, command_name: str, workers: int, extra: list[str], snapshots: Path | None = None
) -> dict[str, float]:
    """Run cleanse over `src`, sample its memory until it ends, and check the output.

    `snapshots`: a file that gets the tree's PSS and the cleanse process's smaps_rollup every
    15 s, and at each new peak of the tree (at most every 2 s), with the time."""
    dest = Path(tempfile.mkdtemp(prefix="cleanse-pqmem-out-"))
    shutil.rmtree(dest)
    command = [sys.executable, "-m", "cleanse", command_name, str(src), str(dest) + "/", "-q",
               "--workers", str(workers), *extra]  # fmt: skip
    start = time.perf_counter()
    proc = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    peak_total = peak_one = peak_anon = 0
    log = snapshots.open("w", encoding="utf-8") if snapshots else None
    logged = -1e9
    while proc.poll() is None:
        total, one, anon = tree_memory(proc.pid)
        now = time.perf_counter() - start
        if log and (now - logged >= 15 or (total > peak_total and now - logged >= 2)):
            log.write(f"{now:7.1f} s  tree PSS {total // 2**20} MB  cleanse: {rollup(proc.pid)}\n")
            log.flush()
            logged = now
        peak_total, peak_one, peak_anon = max(peak_total, total), max(peak_one, one), max(peak_anon, anon)
        time.sleep(0.2)
    if log:
        log.close()
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        msg = f"cleanse failed ({proc.returncode}): {proc.stderr.read() if proc.stderr else ''}"
        raise SystemExit(msg)
    # The report of one input file goes in a folder named after its output, beside it.
    summary = json.loads((dest / ".cleanse" / src.name / "summary.json").read_text(encoding="utf-8"))
    out = pq.ParquetFile(dest / src.name)
    given = pq.read_schema(src)
    if list(out.schema_arrow)[: len(given)] != list(given):  # extracted values come after
        msg = f"the output's schema differs: {out.schema_arrow} vs {given}"
        raise SystemExit(msg)
    written = summary["documents"]["in"] - summary["documents"]["removed"] - summary["documents"]["rejected"]
    if out.metadata.num_rows != written:
        msg = f"{out.metadata.num_rows} rows written, the summary says {written}"
        raise SystemExit(msg)
    result = {
        "wall_s": wall,
        "peak_tree_mb": peak_total / 1e6,
        "peak_process_mb": peak_one / 1e6,
        "peak_anon_mb": peak_anon / 1e6,
        "documents": summary["documents"]["in"],
        "rows_out": out.metadata.num_rows,
        "added_columns": out.schema_arrow.names[len(given) :],
        "row_groups_out": out.metadata.num_row_groups,
        "duplicates_removed": sum(v for k, v in summary["removed_by"].items() if k.startswith("dedup.")),
    }
    shutil.rmtree(dest)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gb", type=float, default=1.0, help="text gigabytes in the file (default: 1)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--command", choices=("run", "clean", "dedup"), default="run",
        help="the cleanse command to run (default: run); dedup skips the cleaning stages, which "
        "take most of the time but hold one document at a time",
    )  # fmt: skip
    parser.add_argument(
        "--file-compression", default="none",
        help="Parquet codec of the input (default: none, so a 1 GB text is a 1 GB file; snappy "
        "makes it about 0.6 GB)",
    )  # fmt: skip
    parser.add_argument("--keep", type=Path, help="write the file in this folder and keep it (reused if there)")
    parser.add_argument("--snapshots", type=Path, help="write smaps_rollup snapshots of the run here")
    parser.add_argument("cleanse_args", nargs="*", help="extra flags for cleanse run (after --)")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="cleanse-pqmem-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"novels-{args.gb:g}gb-{args.file_compression}.parquet"
    if not path.exists():
        write_parquet(path, args.gb, args.file_compression)
    info = pq.ParquetFile(path).metadata
    text_mb = sum(len(t.as_py().encode()) for b in pq.ParquetFile(path).iter_batches(columns=["text"]) for t in b.column(0)) / 1e6
    result = measure(path, args.command, args.workers, args.cleanse_args, args.snapshots)
    file_mb = path.stat().st_size / 1e6
    if not args.keep:
        shutil.rmtree(folder)
    print(
        f"input: {file_mb:.0f} MB file, {text_mb:.0f} MB of text, {info.num_rows:,} rows in "
        f"{info.num_row_groups} row groups\n"
        f"cleanse {args.command} --workers {args.workers} {' '.join(args.cleanse_args)}: peak {result['peak_tree_mb']:.0f} MB "
        f"(biggest process {result['peak_process_mb']:.0f} MB, anonymous {result['peak_anon_mb']:.0f} MB), "
        f"{result['wall_s']:.0f} s; "
        f"{result['documents']:,} documents in, {result['rows_out']:,} rows out in "
        f"{result['row_groups_out']} row groups (columns added: {result['added_columns']}), "
        f"{result['duplicates_removed']:,} duplicates removed; "
        f"peak / text {result['peak_tree_mb'] / text_mb:.2f}",
        flush=True,
    )


if __name__ == "__main__":
    main()
