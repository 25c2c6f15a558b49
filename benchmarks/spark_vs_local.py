"""The Spark engine (`--engine spark --master local[2]`) against the local engine, on real text.

    nice python benchmarks/spark_vs_local.py --mb 50              # one corpus size, both engines
    nice python benchmarks/spark_vs_local.py --mb 50 --partitions 4 8 16   # scaling with partitions
    nice python benchmarks/spark_vs_local.py --mb 20 --only-spark --partitions 2 4 8   # only the scaling
    nice python benchmarks/spark_vs_local.py --mb 1000 --source mixed --command dedup \
        --local-batch-mb 32 --spark-conf spark.driver.memory=3g --out results.jsonl   # 1 GB

The corpus (`--source novels`) is made as benchmarks/memory.py makes it: the public-domain
novels in ../shared/corpora/ (never copied into the repository) cut into documents, repeated
with seeded perturbations (about one copy in five exact), as .jsonl files. `--source mixed` adds
to the novels the 1,337 raw page scrapes of ../shared/eval/wcxb-dev/docs/*.raw.txt (real web
text with its menus and footers, 24 MB), interleaved, and repeats that base the same way. Each
run is `cleanse COMMAND SRC DEST -q` as a user runs it, in a child process: wall time, CPU
seconds of the whole process tree (user + system, from wait4: the JVM and its Python workers
included) and peak memory of the tree (PSS, sampled every 0.2 s). The local run gets --workers
2 and by default a --batch-mb larger than the corpus, so both engines settle the corpus as one
batch and must write the same bytes. Before it removes any output, the script counts how each
Spark run's output differs from the local run's (`count_differences`: corpus files, output
records on one side only, documents decided otherwise, audit entries), prints and records the
counts, and says whether the outputs are identical. With a smaller --local-batch-mb the local
engine settles batch after batch against its index, as a user's large run does, and the counts
say how far the outputs then drift apart.

A Spark run's figures also split its CPU seconds by process (`cpu_split`, from the /proc
samples): the JVM, Spark's Python daemon and workers, and the command itself (the driver's
Python). With --event-log each Spark run also writes Spark's event log (uncompressed, in the run's
temporary folder) and the table gains the run's Spark jobs, stages and tasks, counted from it.

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
from collections import Counter
from pathlib import Path

from corpus import DEFAULT_CORPORA, load_documents
from memory import tree_memory, write_corpus, write_perturbed

CORES = 2
DATA_JUICER = {"tb": 5.0, "minutes": 168.0, "cores": 1280}  # published: 5 TB in 168 min on 1,280 cores
# text-dedup's README (github.com/ChenghaoMou/text-dedup, "Native PySpark" example): its Spark
# MinHash script on OSCAR-2201 "gl", 88,803 documents, in 68.80 s with 2 executors x 3 cores;
# the same README gives that data set's size as 180,332,342 bytes (its suffix-array example).
TEXT_DEDUP = {"mb": 180.332342, "seconds": 68.80, "cores": 6}


TICK = os.sysconf("SC_CLK_TCK")


def process_kind(pid: int) -> str:
    """What a process of the tree is: the JVM, Spark's Python daemon and workers, or other."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "other"
    if b"java" in command.split(b"\0", 1)[0]:
        return "jvm"
    return "python workers" if b"pyspark.daemon" in command else "other"


def tree_cpu(pid: int, seen: dict[int, float], kinds: dict[int, str] | None = None) -> None:
    """Record in `seen` the CPU seconds (user + system) each process of `pid`'s tree has used so
    far: the JVM and Spark's Python workers are the command's descendants but not reaped by it,
    so wait4 alone would miss them. `kinds` gets each new process's kind (process_kind)."""
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            for task in Path(f"/proc/{current}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
        seen[current] = (int(fields[11]) + int(fields[12])) / TICK  # utime, stime
        if kinds is not None and kinds.get(current, "other") == "other":
            # Again while "other": Spark's launcher script execs the JVM in the same process.
            kinds[current] = "command" if current == pid else process_kind(current)


def write_mixed_corpus(root: Path, megabytes: float, corpora: Path = DEFAULT_CORPORA, seed: int = 1) -> int:
    """About `megabytes` MB of .jsonl under `root`: novels and wcxb-dev raw scrapes interleaved,
    repeated with seeded perturbations as memory.write_corpus does; returns the bytes written."""
    novels = load_documents(100, corpora)
    scrapes = corpora.parent / "eval" / "wcxb-dev" / "docs"
    pages = [p.read_text(encoding="utf-8") for p in sorted(scrapes.glob("*.raw.txt"))]
    if not pages:
        msg = f"no wcxb-dev scrapes under {scrapes}"
        raise SystemExit(msg)
    step = max(1, len(novels) // len(pages))
    base: list[str] = []
    for i in range(0, len(novels), step):
        base.extend(novels[i : i + step])
        if i // step < len(pages):
            base.append(pages[i // step])
    base.extend(pages[len(novels) // step + 1 :])
    return write_perturbed(root, base, int(megabytes * 1e6), seed)


def run_measured(src: Path, dest: Path, extra: list[str], command_name: str = "run") -> dict[str, float]:
    """`cleanse COMMAND SRC DEST -q EXTRA` in a child: wall time, CPU seconds and peak memory
    (PSS) of its process tree, sampled every 0.2 s (a process's last 0.2 s of CPU can be missed),
    and the load average (1 min) before and after."""
    command = [sys.executable, "-m", "cleanse", command_name, str(src), str(dest), "-q", *extra]
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    pid = os.posix_spawn(sys.executable, command, os.environ)
    peak = 0
    cpu: dict[int, float] = {}
    kinds: dict[int, str] = {}
    while True:
        tree_cpu(pid, cpu, kinds)
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        peak = max(peak, tree_memory(pid)[0])
        time.sleep(0.2)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        msg = f"cleanse failed: {' '.join(command)}"
        raise SystemExit(msg)
    # The command's own CPU and that of the children it reaped (the local engine's workers) come
    # exactly from wait4; the samples add the processes it did not reap (Spark's JVM and workers).
    reaped = usage.ru_utime + usage.ru_stime
    sampled = sum(v for k, v in cpu.items() if k != pid)
    cpu_s = round(max(reaped, cpu.get(pid, 0.0) + sampled), 1)
    load = [round(load_before, 1), round(os.getloadavg()[0], 1)]
    split: dict[str, float] = {}  # sampled CPU seconds by kind of process (Spark runs)
    for proc, seconds in cpu.items():
        split[kinds.get(proc, "other")] = round(split.get(kinds.get(proc, "other"), 0.0) + seconds, 1)
    figures = {"wall_s": round(wall, 1), "cpu_s": cpu_s, "peak_mb": round(peak / 1e6), "load_1min": load}
    return figures | ({"cpu_split": split} if "jvm" in split else {})


def count_events(folder: Path) -> dict[str, int]:
    """Spark jobs, stages and tasks run, from the event log(s) Spark wrote under `folder`."""
    counts = {"jobs": 0, "stages": 0, "tasks": 0}
    names = {"SparkListenerJobStart": "jobs", "SparkListenerStageCompleted": "stages", "SparkListenerTaskEnd": "tasks"}
    for log in sorted(p for p in folder.rglob("events_*") if not p.name.endswith(".crc")):
        with log.open(encoding="utf-8") as fh:
            for line in fh:
                kind = names.get(json.loads(line)["Event"])
                if kind:
                    counts[kind] += 1
    return counts


def _corpus_files(folder: Path) -> dict[str, Path]:
    """The corpus files a run wrote under `folder` (its report folder, .cleanse/, left out)."""
    return {
        p.relative_to(folder).as_posix(): p
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".cleanse" not in p.relative_to(folder).parts
    }


def _audit_by_document(folder: Path) -> dict[tuple[str, int], dict]:
    """The audit's entries by (document id, how many entries of that id came before)."""
    entries: dict[tuple[str, int], dict] = {}
    seen: Counter[str] = Counter()
    with (folder / ".cleanse" / "audit.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            entry = json.loads(line)
            key = str(entry.get("id", entry.get("path")))
            entries[(key, seen[key])] = entry
            seen[key] += 1
    return entries


def count_differences(a: Path, b: Path) -> dict[str, int]:
    """How the outputs of two runs in `a` and `b` differ: corpus files not byte for byte equal
    (or only on one side), output records (lines) only in `a` or only in `b`, documents whose
    decision (status and reason) differs or that only one audit has, and audit entries that
    differ in any way (changes, lines). All zero: the same corpus and audit, byte for byte."""
    files_a, files_b = _corpus_files(a), _corpus_files(b)
    files = sum(
        name not in files_b or name not in files_a or not filecmp.cmp(files_a[name], files_b[name], shallow=False)
        for name in files_a.keys() | files_b.keys()
    )
    records_a: Counter[bytes] = Counter()
    records_b: Counter[bytes] = Counter()
    for files_of, records in ((files_a, records_a), (files_b, records_b)):
        for path in files_of.values():
            with path.open("rb") as fh:
                records.update(line.rstrip(b"\n") for line in fh)
    audit_a, audit_b = _audit_by_document(a), _audit_by_document(b)
    decisions = entries = 0
    for key in audit_a.keys() | audit_b.keys():
        x, y = audit_a.get(key), audit_b.get(key)
        if x is None or y is None:
            decisions += 1
            entries += 1
            continue
        decisions += (x.get("status"), x.get("reason")) != (y.get("status"), y.get("reason"))
        entries += x != y
    return {
        "corpus_files_differing": files,
        "records_only_in_first": sum((records_a - records_b).values()),
        "records_only_in_second": sum((records_b - records_a).values()),
        "decisions_differing": decisions,
        "audit_entries_differing": entries,
        "audit_files_differing": int(
            not filecmp.cmp(a / ".cleanse" / "audit.jsonl", b / ".cleanse" / "audit.jsonl", shallow=False)
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=50.0, help="corpus size in MB (default 50)")
    parser.add_argument("--partitions", type=int, nargs="*", default=[], help="also run Spark with these partition counts")
    parser.add_argument("--only-spark", action="store_true", help="skip the local run and the default Spark run")
    parser.add_argument("--command", choices=("run", "dedup"), default="run", help="cleanse command to time (default run)")
    parser.add_argument("--source", choices=("novels", "mixed"), default="novels", help="novels only, or novels and wcxb-dev scrapes")
    parser.add_argument("--local-batch-mb", type=float, default=None, help="the local run's --batch-mb (default: the whole corpus)")
    parser.add_argument("--spark-conf", action="append", default=[], metavar="KEY=VALUE", help="passed to every Spark run")
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA, help="the shared corpora folder (with --source mixed)")
    parser.add_argument("--out", type=Path, default=None, help="append each run's figures to this JSON lines file as it ends")
    parser.add_argument("--event-log", action="store_true", help="count each Spark run's jobs, stages and tasks from its event log")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cleanse-spark-bench-"))
    try:
        src = work / "src"
        src.mkdir()
        size = write_corpus(src, args.mb / 1000) if args.source == "novels" else write_mixed_corpus(src, args.mb, args.corpora)
        mb = size / 1e6
        batch = str(args.local_batch_mb or int(mb * 2) + 1)
        spark_extra = ["--engine", "spark", "--master", "local[2]"]
        for pair in args.spark_conf:
            spark_extra += ["--spark-conf", pair]
        rows: dict[str, dict] = {}
        parity = None

        def measure(name: str, dest: Path, extra: list[str]) -> None:
            events = work / "events" / f"{len(rows)}"
            if args.event_log and "spark" in extra:
                events.mkdir(parents=True)
                extra = [*extra, "--spark-conf", "spark.eventLog.enabled=true", "--spark-conf", "spark.eventLog.compress=false",
                         "--spark-conf", f"spark.eventLog.dir=file://{events}"]  # fmt: skip
            rows[name] = run_measured(src, dest, extra, args.command)
            if events.exists():
                rows[name] |= count_events(events)
            print(f"{name}: {rows[name]}", flush=True)
            if args.out:
                with args.out.open("a", encoding="utf-8") as fh:
                    record = {"command": args.command, "source": args.source, "mb": round(mb, 1), "run": name}
                    fh.write(json.dumps({**record, **rows[name]}) + "\n")

        def compare(name: str, out: Path) -> None:
            """Count how the run `name` wrote differs from the local run, while both outputs are
            still there (a run's output is removed once counted: 1 GB runs fill the disk)."""
            rows[name]["differences"] = found = count_differences(work / "local", out)
            print(f"{name} against the local run: {found}", flush=True)
            if args.out:
                with args.out.open("a", encoding="utf-8") as fh:
                    record = {"command": args.command, "source": args.source, "mb": round(mb, 1), "run": name}
                    fh.write(json.dumps({**record, "against": "local", "differences": found}) + "\n")

        if not args.only_spark:
            measure("spark local[2]", work / "spark", spark_extra)
            measure(f"local --workers 2, --batch-mb {batch}", work / "local", ["--workers", "2", "--batch-mb", batch])
            compare("spark local[2]", work / "spark")
            parity = not any(rows["spark local[2]"]["differences"].values())
            print(f"spark output identical to local: {parity}", flush=True)
            shutil.rmtree(work / "spark")
        for parts in args.partitions:
            out = work / f"spark-{parts}"
            name = f"spark local[2], {parts} partitions"
            measure(name, out, [*spark_extra, "--partitions", str(parts)])
            if not args.only_spark:
                compare(name, out)
            shutil.rmtree(out)
        shutil.rmtree(work / "local", ignore_errors=True)
        print(f"corpus: {mb:,.1f} MB of .jsonl ({args.source}), cleanse {args.command}, {CORES} cores")
        print("| run | wall s | CPU s | peak MB (PSS, tree) | MB/s per core (wall) |")
        print("|---|---|---|---|---|")
        for name, r in rows.items():
            print(f"| {name} | {r['wall_s']} | {r['cpu_s']} | {r['peak_mb']} | {mb / r['wall_s'] / CORES:.3f} |")
        if "spark local[2]" not in rows:
            print(json.dumps({"mb": mb, "rows": rows}))
            return
        spark = rows["spark local[2]"]
        per_core = mb / spark["wall_s"] / CORES
        dj = DATA_JUICER["tb"] * 1e6 / (DATA_JUICER["minutes"] * 60) / DATA_JUICER["cores"]
        print(f"\nprojection: 1 TB = 1,000,000 MB / {per_core:.3f} MB/s/core = {1e6 / per_core / 3600:,.0f} core-hours")
        for cores in (64, 256, 1280):
            print(f"  on {cores:,} cores: {1e6 / per_core / cores / 3600:,.1f} h (linear scaling assumed)")
        print(f"data-juicer published: 5,000,000 MB / (168 min x 60 s x 1,280 cores) = {dj:.3f} MB/s/core;"
              f" 1 TB on 1,280 cores = {1e6 / dj / 1280 / 60:,.0f} min")  # fmt: skip
        td = TEXT_DEDUP["mb"] / TEXT_DEDUP["seconds"] / TEXT_DEDUP["cores"]
        print(f"text-dedup published: 180.3 MB / (68.8 s x 6 cores) = {td:.3f} MB/s/core;"
              f" 1 TB on 1,280 cores = {1e6 / td / 1280 / 60:,.0f} min")  # fmt: skip
        cpu_rate = mb / spark["cpu_s"] if spark["cpu_s"] else float("nan")
        print(f"by CPU seconds: {mb:,.1f} MB / {spark['cpu_s']} CPU s = {cpu_rate:.3f} MB per CPU second;"
              f" 1 TB = {1e6 / cpu_rate / 3600:,.0f} CPU-hours")  # fmt: skip
        print(json.dumps({"mb": mb, "parity": parity, "rows": rows}))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
